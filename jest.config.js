/** ts-jest in ESM mode; type checking is done by `tsc` in `npm test`, so ts-jest only transpiles. */
export default {
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/scripts/summary-reporter.cjs'],
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
};
