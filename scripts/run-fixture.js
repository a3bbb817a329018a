// Runs the golden scenario scripts under fixtures/scripts/ exactly as CI does.
// Shared by the jest suite (__tests__/e2e/goldens.test.ts) and `npm run bless` (scripts/bless.js),
// so a golden is always written and checked by the same spawn.
//
// Layout (trycmd style): fixtures/scripts/NN-name.msi is one test; beside it
//   NN-name.stdout, NN-name.stderr  the exact output, colour off, 80 columns
//   NN-name.status                  the exit code, e.g. `0`
//   NN-name.args                    optional: extra CLI options, one per line (`#` lines are comments)
// Scripts in subfolders (fixtures/scripts/lib/) are only ever `source`d, never run as tests.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPTS_DIR = join(ROOT, 'fixtures', 'scripts');
export const BIN = join(ROOT, 'bin', 'msi-explorer.js');
export const BUILT_ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
export const GOLDEN_KINDS = ['stdout', 'stderr', 'status'];

/** Every scenario script, sorted by name: fixtures/scripts/*.msi (not lib/). */
export const listFixtures = () =>
  readdirSync(SCRIPTS_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.msi'))
    .map((e) => e.name.slice(0, -'.msi'.length))
    .sort()
    .map(describeFixture);

/** Paths of one scenario, by name without the extension (e.g. `01-coalesced-demand`). */
export const describeFixture = (name) => {
  const base = join(SCRIPTS_DIR, name);
  return {
    name,
    script: `${base}.msi`,
    argsFile: `${base}.args`,
    golden: { stdout: `${base}.stdout`, stderr: `${base}.stderr`, status: `${base}.status` },
  };
};

/** Goldens without a script beside them (a renamed or deleted script leaves these behind). */
export const orphanGoldens = () => {
  const scripts = new Set(listFixtures().map((f) => f.name));
  return readdirSync(SCRIPTS_DIR)
    .filter((file) => GOLDEN_KINDS.some((k) => file.endsWith(`.${k}`)) || file.endsWith('.args'))
    .filter((file) => !scripts.has(file.slice(0, file.lastIndexOf('.'))))
    .sort();
};

/** Git may check text out with CRLF on Windows; goldens compare line by line. */
export const normalise = (text) => text.replace(/\r\n/g, '\n');

/** Extra CLI options from NN-name.args: one argument per line; blank and `#` lines ignored. */
export const readArgs = (fixture) => {
  if (!existsSync(fixture.argsFile)) return [];
  return normalise(readFileSync(fixture.argsFile, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
};

/** The environment of a run: nothing inherited that could change the output. */
export const fixtureEnv = () => {
  const env = { NO_COLOR: '1', COLUMNS: '80', TERM: 'dumb', LANG: 'C.UTF-8', TZ: 'UTC', MSI_EXPLORER_TIMING: 'off' };
  if (process.env.PATH !== undefined) env.PATH = process.env.PATH;
  if (process.env.SystemRoot !== undefined) env.SystemRoot = process.env.SystemRoot;
  return env;
};

/** The command line of a run, relative to the repo root, for messages. */
export const commandLine = (fixture) =>
  ['node', relative(ROOT, BIN), ...readArgs(fixture), relative(ROOT, fixture.script)]
    .map((w) => (/^[\w./:=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`))
    .join(' ');

/**
 * Runs one scenario through the built binary from the repo root (so file names in error lines are
 * `fixtures/scripts/...`), colour off, 80 columns, stdin not a terminal and empty.
 * Returns the output in the form the goldens hold: stdout, stderr, and the status as text.
 */
export const runFixture = (fixture) => {
  const res = spawnSync(process.execPath, [BIN, ...readArgs(fixture), relative(ROOT, fixture.script)], {
    cwd: ROOT,
    env: fixtureEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });
  if (res.error) throw new Error(`${commandLine(fixture)}: ${res.error.message}`);
  const status = res.status !== null ? `${res.status}\n` : `killed by ${res.signal}\n`;
  return { stdout: normalise(res.stdout), stderr: normalise(res.stderr), status };
};

/** The golden files of a scenario; a missing one is undefined. */
export const readGoldens = (fixture) => {
  const out = {};
  for (const kind of GOLDEN_KINDS) {
    const path = fixture.golden[kind];
    out[kind] = existsSync(path) ? normalise(readFileSync(path, 'utf8')) : undefined;
  }
  return out;
};

/** Status goldens are compared as the number alone, so `0` and `0\n` are the same golden. */
export const sameGolden = (kind, actual, golden) =>
  golden !== undefined && (kind === 'status' ? actual.trim() === golden.trim() : actual === golden);
