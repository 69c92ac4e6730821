// Jest runs the ESM NestJS 12 stack by letting @swc/jest compile everything, node_modules included,
// to CommonJS (transformIgnorePatterns: []). Relative imports keep their `.js` suffix in source (nodenext),
// so the mapper strips it back to the `.ts` file. libsodium's CommonJS build is left as it is: it is
// already CommonJS and breaks when recompiled.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const common = {
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: ['/node_modules/libsodium'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
module.exports = {
  // A global option in Jest (projects ignore it): integration tests drive a real server and database.
  testTimeout: 60000,
  // Two test files at once even on two cores (Jest's default there is one): an integration file spends
  // much of its time waiting on PostgreSQL, its server and the CLI processes it runs, and each has its
  // own database and free ports (test/support/test-app.ts), so files never share state.
  maxWorkers: Math.max(2, Math.min(4, require('node:os').availableParallelism() - 1)),
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/contracts/**/*.spec.ts',
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/client/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      // Real Chromium (Debian's) driven by playwright-core: skipped with a notice when it is missing,
      // unless STRONGROOM_REQUIRE_BROWSER=1 (test/browser/support/global-setup.ts).
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      // Node's, and tells a test's afterEach whether it failed: a failure then reports each page's state.
      testEnvironment: '<rootDir>/test/browser/support/environment.ts',
      globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
