/**
 * Golden transcripts: every fixtures/scripts/*.msi runs through the built binary (bin/msi-explorer.js)
 * from the repo root with NO_COLOR=1, COLUMNS=80 and no terminal, and its stdout, stderr and exit
 * status must equal NN-name.stdout / .stderr / .status exactly. Adding a script and its goldens
 * (`npm run bless`) adds a test; nothing here names a script. `npm test` builds dist/ first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import {
  BUILT_ENTRY,
  GOLDEN_KINDS,
  ROOT,
  commandLine,
  listFixtures,
  orphanGoldens,
  readGoldens,
  runFixture,
  type Fixture,
  type GoldenKind,
} from '../../scripts/run-fixture.js';

const BLESS = 'If the new output is right, run `npm run bless` and read the change with `git diff fixtures/` before committing.';

const fixtures = listFixtures();

/** Fails with the golden's file name, how to reproduce, and jest's line diff of expected vs actual. */
const compare = (fixture: Fixture, kind: GoldenKind, actual: string, golden: string): void => {
  const [a, g] = kind === 'status' ? [actual.trim(), golden.trim()] : [actual, golden];
  try {
    expect(a).toBe(g);
  } catch (e) {
    const err = e as Error;
    const file = relative(ROOT, fixture.golden[kind]);
    const message = `${file} differs from the output of\n  ${commandLine(fixture)}\n${BLESS}\n(In the diff, - is the golden, + is what the binary printed now.)\n\n${err.message}`;
    const failure = new Error(message);
    failure.stack = message;
    throw failure;
  }
};

describe('golden transcripts (fixtures/scripts)', () => {
  test('the binary is built and there are scripts to run', () => {
    expect(existsSync(BUILT_ENTRY)).toBe(true);
    expect(fixtures.length).toBeGreaterThan(0);
  });

  test('no golden is left without its script', () => {
    const orphans = orphanGoldens();
    if (orphans.length > 0) {
      throw new Error(`fixtures/scripts has goldens or .args with no .msi beside them (a script renamed or removed?): ${orphans.join(', ')}; delete them or restore the script`);
    }
  });

  test.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const goldens = readGoldens(fixture);
    const missing = GOLDEN_KINDS.filter((k) => goldens[k] === undefined).map((k) => relative(ROOT, fixture.golden[k]));
    if (missing.length > 0) {
      throw new Error(`missing golden ${missing.join(', ')}: run \`npm run bless\` to record them, then read them before committing`);
    }
    // A scenario script is documentation: it opens with a comment block saying what it shows.
    const first = readFileSync(fixture.script, 'utf8').split(/\r?\n/)[0];
    if (!first.startsWith('#')) throw new Error(`${relative(ROOT, fixture.script)} must open with a '#' comment block explaining the question it answers`);

    const output = runFixture(fixture);
    // stderr first: an unexpected error line (or a crash) explains a changed status or table.
    compare(fixture, 'stderr', output.stderr, goldens.stderr!);
    compare(fixture, 'status', output.status, goldens.status!);
    compare(fixture, 'stdout', output.stdout, goldens.stdout!);
  }, 60_000);
});
