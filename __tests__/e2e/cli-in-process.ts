/**
 * The command line in-process: what `node bin/msi-explorer.js ARGS` does with stdin piped (or
 * /dev/null) and stdout and stderr piped, run through the same entry (src/cli/program.ts's main)
 * inside the jest worker, so a test of what a user sees pays no process start (about 0.3 s of
 * CPU a spawn). It returns what runBin returns: the status main gives the process, and every byte
 * written to fds 1 and 2.
 *
 * How: the sink and the help/version writers write to fds 1 and 2 with fs.writeSync, and run.ts
 * asks fstatSync(0) whether stdin is piped; node:fs is mocked for this suite's later imports so
 * that those two calls on fds 0-2 see the run's pipes, and everything else reaches the real fs.
 * process.stdin/stdout/stderr and process.env are the run's for its duration (a run is awaited
 * before the next starts). What only a real process shows (exit status propagation, closed and
 * failing pipes, stdin streaming, the bundle and --version's fast path, terminals) stays with
 * runBin.
 */
import { jest } from '@jest/globals';
import type * as Fs from 'node:fs';
import { Readable } from 'node:stream';
import { BIN, childEnv, lines, type Run } from './harness.js';

const realFs = (await import('node:fs')) as typeof Fs;

/** The pipes of the run in progress; undefined between runs, when the real fds are used. */
let pipes: { out: string[]; err: string[]; stdinPiped: boolean } | undefined;

const capture = (fd: number): string[] | undefined => (pipes === undefined ? undefined : fd === 1 ? pipes.out : fd === 2 ? pipes.err : undefined);

const writeSync = ((fd: number, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]): number => {
  const to = capture(fd);
  if (to === undefined) return (realFs.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  if (typeof data === 'string') {
    to.push(data);
    return Buffer.byteLength(data);
  }
  // writeSync(fd, buffer, offset, length): what output.ts's writeAll passes.
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const offset = (rest[0] as number | undefined) ?? 0;
  const length = (rest[1] as number | undefined) ?? buf.length - offset;
  to.push(buf.toString('utf8', offset, offset + length));
  return length;
}) as typeof Fs.writeSync;

const fstatSync = ((fd: number, ...rest: unknown[]) => {
  if (fd !== 0 || pipes === undefined) return (realFs.fstatSync as (...a: unknown[]) => unknown)(fd, ...rest);
  // A pipe when there is input, else /dev/null (a character device), as runBin gives the child.
  const piped = pipes.stdinPiped;
  return { isFIFO: () => piped, isFile: () => false, isCharacterDevice: () => !piped, isDirectory: () => false };
}) as typeof Fs.fstatSync;

jest.unstable_mockModule('node:fs', () => ({ ...realFs, default: { ...realFs, writeSync, fstatSync }, writeSync, fstatSync }));

// Imported only now, so that it and what it loads later (run.ts, output.ts) get the mock.
const { main } = await import('../../src/cli/program.js');

/** A pipe's end as a process sees it: not a terminal, and writes go to `to`. */
const pipeStream = (to: string[]) => ({
  isTTY: undefined,
  columns: undefined,
  write(chunk: string | Uint8Array): boolean {
    to.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  },
  on() {
    return this;
  },
  once() {
    return this;
  },
});

/** Reads from a pipe come in blocks of at most this many bytes (Linux's pipe buffer). */
const PIPE_READ = 1 << 16;

const stdinOf = (input: string | Buffer | undefined): Readable => {
  const bytes = input === undefined ? Buffer.alloc(0) : Buffer.from(input);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += PIPE_READ) chunks.push(bytes.subarray(at, at + PIPE_READ));
  return Readable.from(chunks, { objectMode: false });
};

/** Swaps one property of `obj` for the run, returning how to put it back. */
const swap = (obj: object, key: string, value: unknown): (() => void) => {
  const before = Object.getOwnPropertyDescriptor(obj, key);
  Object.defineProperty(obj, key, { configurable: true, enumerable: true, writable: true, value });
  return () => {
    if (before) Object.defineProperty(obj, key, before);
    else delete (obj as Record<string, unknown>)[key];
  };
};

/**
 * Runs the command line `args` in-process, as runBin runs the binary from the repo root: stdin is
 * `input` (piped, then closed) or /dev/null, the environment childEnv(env).
 */
export const runCli = async (args: string[], opts: { input?: string | Buffer; env?: Record<string, string | undefined> } = {}): Promise<Run> => {
  if (pipes !== undefined) throw new Error('runCli: one run at a time');
  const run = { out: [] as string[], err: [] as string[], stdinPiped: opts.input !== undefined };
  const restore = [
    swap(process, 'stdin', stdinOf(opts.input)),
    swap(process, 'stdout', pipeStream(run.out)),
    swap(process, 'stderr', pipeStream(run.err)),
    swap(process, 'env', childEnv(opts.env)),
  ];
  pipes = run;
  let status: number;
  try {
    status = await main([process.execPath, BIN, ...args]);
  } finally {
    pipes = undefined;
    for (const put of restore.reverse()) put();
  }
  const stdout = run.out.join('');
  const stderr = run.err.join('');
  return { status, signal: null, stdout, stderr, errLines: lines(stderr), outLines: lines(stdout) };
};
