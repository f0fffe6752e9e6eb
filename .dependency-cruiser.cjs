/** Architecture rules checked in CI: no cycles, libs never depend on services, services never on each other. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order and reasoning fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'libs-not-to-services',
      severity: 'error',
      comment: 'Shared libs must not know the deployables.',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-not-to-other-services',
      severity: 'error',
      comment: 'Deployables share code only through libs.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'production-not-to-testing',
      severity: 'error',
      comment: 'Test helpers stay out of production code.',
      from: {
        path: '^(libs|services)/',
        pathNot: '(\\.(spec|int-spec|e2e-spec)\\.ts$|/test/|^libs/testing/)',
      },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      from: {
        orphan: true,
        pathNot: [
          'libs/testing/src/stack/',
          '\\.d\\.ts$',
          '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$',
          'jest\\.config',
          'eslint\\.config',
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
