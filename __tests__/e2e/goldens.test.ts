/**
 * Golden transcripts: every fixtures/scripts/*.msi runs from the repo root with NO_COLOR=1,
 * COLUMNS=80, no terminal and only the environment `npm run bless` gives the binary, and its
 * stdout, stderr and exit status must equal NN-name.stdout / .stderr / .status exactly. Adding a
 * script and its goldens (`npm run bless`) adds a test; nothing here names a script.
 *
 * Every script runs in-process (cli-in-process.ts: the binary's entry, main, with the run's pipes
 * and environment swapped in), which pays no process start; the first script of each exit status
 * and of each option in the goldens runs through the built binary as well, exactly as `npm run
 * bless` runs it (scripts/run-fixture.js), so that the binary's path (the bundle, the status it
 * exits with, its pipes) is held to the goldens too. `npm test` builds dist/ first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli } from './cli-in-process.js';
import {
  BUILT_ENTRY,
  GOLDEN_KINDS,
  ROOT,
  commandLine,
  fixtureEnv,
  listFixtures,
  normalise,
  orphanGoldens,
  readArgs,
  readGoldens,
  runFixture,
  type Fixture,
  type GoldenKind,
  type Output,
} from '../../scripts/run-fixture.js';

const BLESS = 'If the new output is right, run `npm run bless` and read the change with `git diff fixtures/` before committing.';

const fixtures = listFixtures();

/**
 * These run through the binary too: of each exit status the goldens hold, and of each option
 * their .args give (--json, --compare, --topology, ...: paths the bundle takes apart, such as the
 * validator's own bundle and --compare's streams), the first script by name.
 */
const binaryRuns = (() => {
  const seen = new Set<string>();
  return fixtures.filter((f) => {
    const status = readGoldens(f).status?.trim();
    const features = [`status ${status}`, ...readArgs(f).filter((a) => a.startsWith('-'))];
    const fresh = features.filter((x) => !seen.has(x));
    for (const x of fresh) seen.add(x);
    return status !== undefined && fresh.length > 0;
  });
})();

/**
 * runFixture's run in-process: the same arguments from the repo root, stdin /dev/null, stdout and
 * stderr pipes, and the same environment (fixtureEnv, nothing else of this process's).
 */
const runInProcess = async (fixture: Fixture): Promise<Output> => {
  const env: Record<string, string | undefined> = Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined]));
  const r = await runCli([...readArgs(fixture), relative(ROOT, fixture.script)], { env: { ...env, ...fixtureEnv() } });
  return { stdout: normalise(r.stdout), stderr: normalise(r.stderr), status: `${r.status}\n` };
};

/** Fails with the golden's file name, how to reproduce, and jest's line diff of expected vs actual. */
const compare = (fixture: Fixture, kind: GoldenKind, actual: string, golden: string, how: string): void => {
  const [a, g] = kind === 'status' ? [actual.trim(), golden.trim()] : [actual, golden];
  try {
    expect(a).toBe(g);
  } catch (e) {
    const err = e as Error;
    const file = relative(ROOT, fixture.golden[kind]);
    const message = `${file} differs from the output of\n  ${commandLine(fixture)}\n${how}\n${BLESS}\n(In the diff, - is the golden, + is what the binary printed now.)\n\n${err.message}`;
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

  /** Checks one script's run against its goldens; `how` says which run, for the message. */
  const check = (fixture: Fixture, output: Output, how: string): void => {
    const goldens = readGoldens(fixture);
    const missing = GOLDEN_KINDS.filter((k) => goldens[k] === undefined).map((k) => relative(ROOT, fixture.golden[k]));
    if (missing.length > 0) {
      throw new Error(`missing golden ${missing.join(', ')}: run \`npm run bless\` to record them, then read them before committing`);
    }
    // stderr first: an unexpected error line (or a crash) explains a changed status or table.
    compare(fixture, 'stderr', output.stderr, goldens.stderr!, how);
    compare(fixture, 'status', output.status, goldens.status!, how);
    compare(fixture, 'stdout', output.stdout, goldens.stdout!, how);
  };

  test.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    // A scenario script is documentation: it opens with a comment block saying what it shows.
    const first = readFileSync(fixture.script, 'utf8').split(/\r?\n/)[0];
    if (!first.startsWith('#')) throw new Error(`${relative(ROOT, fixture.script)} must open with a '#' comment block explaining the question it answers`);
    check(fixture, await runInProcess(fixture), '(run in-process: the entry of the binary, src/cli/program.ts\'s main)');
  }, 60_000);

  test.each(binaryRuns.map((f) => [f.name, f] as const))('%s, through the built binary', (_name, fixture) => {
    check(fixture, runFixture(fixture), '(run through the built binary, as `npm run bless` runs it)');
  }, 60_000);
});
