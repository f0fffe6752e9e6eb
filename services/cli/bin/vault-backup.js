#!/usr/bin/env node
// Launcher of `npx vault-backup` (the root package.json's `bin`). In a checkout it runs the TypeScript
// sources through @swc-node/register, like the repo's other scripts: a dist/ left from an older build
// would silently run stale code. Without the sources or the dev dependencies it runs the compiled dist/.
// The image does not use this file: its /usr/local/bin/vault-backup runs dist directly.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const source = join(root, 'services', 'cli', 'src', 'main.ts');

function resolvable(name) {
  try {
    require.resolve(name, { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

if (existsSync(source) && resolvable('@swc-node/register')) {
  // The path aliases (@vault-backup/*) come from the repo's tsconfig, whatever the working directory.
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(root, 'tsconfig.json');
  require(require.resolve('@swc-node/register', { paths: [root] }));
  require(source);
} else {
  require(join(root, 'dist', 'services', 'cli', 'src', 'main.js'));
}
