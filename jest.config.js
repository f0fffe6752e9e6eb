// Three tiers: unit (no I/O), integration (real Kafka + PostgreSQL), e2e (whole service + CyberArk simulator).
const { readFileSync } = require('node:fs');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Path aliases come from tsconfig.json so there is a single source of truth.
const tsconfig = JSON.parse(readFileSync(`${__dirname}/tsconfig.json`, 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target.replace(/^\.\//, '')}`,
  ]),
);

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // Nest 12 ships ESM; let swc turn it into CommonJS for jest's module loader.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose)/)'],
  moduleNameMapper,
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // The OpenAPI fuzz test's Python virtualenv (scripts/lib/ensure-schemathesis.sh): nothing for jest to crawl.
  modulePathIgnorePatterns: ['<rootDir>/.cache/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/stack/global-setup.ts',
      setupFiles: ['<rootDir>/libs/testing/src/stack/load-stack-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/stack/tier-timeouts.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{libs,services}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/stack/global-setup.ts',
      setupFiles: [
        '<rootDir>/libs/testing/src/stack/load-stack-env.ts',
        '<rootDir>/libs/testing/src/stack/e2e-tier.ts',
      ],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/stack/tier-timeouts.ts'],
    },
  ],
};
