/** ES modules, transpiled by esbuild (scripts/jest-esbuild.cjs); `npm test` type-checks with `tsc` first. */
export default {
  testEnvironment: 'node',
  // Both cores: the e2e suites mostly wait on the binaries they start, and jest's default
  // (cores - 1) would run every suite one after another on a 2-core machine.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/scripts/summary-reporter.cjs'],
  // The longest files first also on a clone that has never run the suite (see the file).
  testSequencer: '<rootDir>/scripts/test-sequencer.cjs',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Generated at build time from the topology schema (scripts/schema-validator.js): no .ts source.
    '^(.*/)?schema-validator\\.js$': '<rootDir>/dist/topology/schema-validator.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild.cjs',
  },
};
