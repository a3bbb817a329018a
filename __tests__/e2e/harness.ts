import { DEFAULT_SETTINGS as MERGED } from '../../src/core/designs.js';
/**
 * Shared by the e2e suites: spawning the built binary (dist/ is built by `npm test` before jest
 * runs) and running scripts in-process through the same BatchRunner the binary uses.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { resolve } from 'node:path';
import { BatchRunner, type BatchOptions } from '../../src/cli/batch.js';
import type { Sink } from '../../src/cli/output.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Settings } from '../../src/core/system.js';
import { PLAIN } from '../../src/render/style.js';

export const ROOT = process.cwd();
export const BIN = resolve(ROOT, 'bin/msi-explorer.js');

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr split into lines, without the final empty one. */
  errLines: string[];
  outLines: string[];
}

export const lines = (s: string): string[] => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

/** A child environment without colour or terminal hints, plus `env`; a key set to undefined is removed. */
export const childEnv = (env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of ['FORCE_COLOR', 'COLUMNS', 'COLORTERM', 'NODE_OPTIONS']) delete out[k];
  out.TERM = 'xterm-256color';
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
};

/**
 * Runs the binary with `args`; stdin is `input` (a pipe that is closed after it, so the child never
 * waits for more), or nothing at all when `input` is undefined.
 */
export const runBin = (
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string | undefined>; cwd?: string } = {},
): Run => {
  const spawnOpts: SpawnSyncOptions = {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 60_000,
    stdio: opts.input === undefined ? ['ignore', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    ...(opts.input === undefined ? {} : { input: opts.input }),
  };
  const r = spawnSync(process.execPath, [BIN, ...args], spawnOpts);
  if (r.error) throw r.error;
  const stdout = String(r.stdout);
  const stderr = String(r.stderr);
  return { status: r.status, signal: r.signal, stdout, stderr, errLines: lines(stderr), outLines: lines(stdout) };
};

/** Runs a shell command line (for pipes such as `| head -1`), where the shell function `msi` runs the binary. */
export const runShell = (script: string, env: Record<string, string | undefined> = {}): Run => {
  const r = spawnSync('/bin/sh', ['-c', `msi() { "$MSI_NODE" "$MSI_BIN" "$@"; }\n${script}`], {
    cwd: ROOT,
    env: { ...childEnv(env), MSI_NODE: process.execPath, MSI_BIN: BIN },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, errLines: lines(r.stderr), outLines: lines(r.stdout) };
};

export const DEFAULT_SETTINGS: Settings = MERGED;

/** Runs a script in-process, as the binary would with stdin piped and no colour. */
export const runInProcess = (
  text: string,
  opts: Partial<Omit<BatchOptions, 'sink' | 'style'>> & { settings?: Settings; name?: string } = {},
): { out: string; err: string; failures: number; status: number; exited: boolean; session: Session } => {
  let out = '';
  let err = '';
  const sink: Sink = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    flush: () => {},
  };
  const session = new Session(am65x, opts.settings ?? DEFAULT_SETTINGS);
  const runner = new BatchRunner(session, {
    json: opts.json ?? false,
    quiet: opts.quiet ?? false,
    bail: opts.bail ?? false,
    maxErrors: opts.maxErrors,
    style: PLAIN,
    sink,
  });
  runner.run({ name: opts.name ?? '<stdin>', text, dir: ROOT });
  return { out, err, failures: runner.failures, status: runner.status, exited: runner.exited !== undefined, session };
};

/** A stack frame as node prints one. */
export const STACK_FRAME = /^\s+at /m;
// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b\[/;
