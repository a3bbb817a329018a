/**
 * The seed of a seeded fuzz or property test: its fixed seed, moved by MSI_TEST_SEED when that is
 * set. CI and a plain `npm test` run the fixed seeds; `MSI_TEST_SEED=N npm test` explores others
 * (fast-check prints the seed and the counterexample of any failure, so it can be replayed).
 */
const raw = process.env.MSI_TEST_SEED;
if (raw !== undefined && raw !== '' && !/^\d{1,9}$/.test(raw)) throw new Error(`MSI_TEST_SEED must be a whole number below 10^9, got ${JSON.stringify(raw)}`);
const offset = raw === undefined || raw === '' ? 0 : Number(raw);

export const seeded = (fixed: number): number => (fixed + offset) | 0;
