import { fstatSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Session } from '../commands/session.js';
import { designNamed } from '../core/designs.js';
import type { ErrCode } from '../core/errors.js';
import { loadStyle } from '../render/style.js';
import { bootFailures } from '../render/text.js';
import { BatchRunner, type Script, type ScriptSource } from './batch.js';
import { colorLevel, terminalWidth } from './color.js';
import type { Input } from './inputs.js';
import { exitQuietlyOnEpipe, processSink, type Sink } from './output.js';
import type { Options } from './program.js';
import { refuse } from './refuse.js';
import { closeQuietly, notA, openTextFile, STDIN, stdinIsDirectory } from '../io/text-file.js';
import { splitExec } from '../commands/split.js';
import { loadTopology } from '../topology/load.js';

/**
 * Runs stdin as it arrives: each chunk's complete lines run at once and their output is written
 * before the next chunk is awaited, so another program can drive the tool line by line, and a
 * script of any length runs in memory that does not grow with it.
 */
const runStdin = async (runner: BatchRunner, sink: Sink, dir: string): Promise<void> => {
  const feed = runner.open({ name: STDIN, dir });
  for await (const chunk of process.stdin) {
    runner.bytes(feed, chunk as Buffer);
    sink.flush();
    if (runner.stopped) {
      process.stdin.destroy();
      break;
    }
  }
  runner.end(feed);
};

/** stdin redirected from a pipe or a file (not a terminal, /dev/null or a socket nobody writes). */
const stdinIsPiped = (): boolean => {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile();
  } catch {
    return false;
  }
};

/**
 * Linux's memory devices (character major 1: /dev/null, /dev/zero, /dev/full, /dev/urandom...),
 * never a terminal. stat's rdev is glibc's dev_t: the major's low 12 bits above the minor's low
 * 8, the rest of both higher up, so major 1 with a minor under 256 is exactly 256-511.
 */
const isMemoryDevice = (rdev: number): boolean => process.platform === 'linux' && rdev >= 0x100 && rdev < 0x200;

/**
 * The stream of stdout (1) or stderr (2) if it is a terminal, asked only when it could be one (a
 * character device other than /dev/null and its kin): a batch run writes to the fds, and
 * creating process.stdout loads node:stream, a pipe's node:net too, a tenth of `-e pools > /dev/null`.
 */
const terminal = (fd: 1 | 2): NodeJS.WriteStream | undefined => {
  try {
    const st = fstatSync(fd);
    if (!st.isCharacterDevice() || isMemoryDevice(st.rdev)) return undefined;
  } catch {
    return undefined;
  }
  const stream = fd === 1 ? process.stdout : process.stderr;
  return stream.isTTY ? stream : undefined;
};

/**
 * TurboFan inlines up to 920 bytes of bytecode into each function it optimizes. A long script
 * runs a few commands many times, and compiling that inlining for the 70-odd functions V8
 * optimizes was a quarter of a 100k-line run's instructions; at 200 bytes such a run takes 7-9%
 * less CPU (-q, text, --json) and a 1M-line run the same (README, benchmark). Set only once a run
 * is long: after a flag changes, V8 no longer takes Node's cached code for the builtins loaded
 * later, which cost a short run 10 ms when it was set at start.
 */
const tuneForLongRun = (): void => {
  // node:v8 loads node:stream and the heap snapshot utilities with it: required here, when a run
  // turns long, it costs a short run (`-e pools`) nothing. (require, not import(): this is sync.)
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
};

/** The real path of a file just read, for `source` loop detection; the path itself if that fails. */
const realPath = (abs: string): string => {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
};

/** Runs what the command line asked for: the REPL, or scripts, -e commands and stdin, in command-line order. */
export const run = async (opts: Options, inputs: Input[]): Promise<number> => {
  // Said on stderr, and with --json as an object too: nothing has run.
  const fail = (message: string, code: ErrCode = 'EUSAGE', file?: string): Promise<number> => refuse(opts.json, [{ code, message, file }]);

  const loaded = await loadTopology(opts.topology);
  if (!loaded.ok) return refuse(opts.json, loaded.errors.map((message) => ({ code: loaded.code, message, file: loaded.file, line: loaded.line })));
  // Each without the other is refused with the rest of the command line (program.ts).
  if (opts.rmCfg !== undefined && opts.host !== undefined) {
    // Only here is the YAML parser loaded.
    const { loadRmCfg, parseHost, MAX_HOST } = await import('../topology/rm-cfg.js');
    const host = parseHost(opts.host);
    if (host === undefined) return fail(`--host: expected a TISCI host id 0-${MAX_HOST}, got '${opts.host}'`);
    const shared = loadRmCfg(opts.rmCfg, host, loaded.topology);
    if (!shared.ok) return refuse(opts.json, [{ code: shared.code, message: shared.error, file: opts.rmCfg, line: shared.line }]);
    loaded.topology = shared.topology;
  }
  const preset = designNamed(opts.design)!.settings;
  const session = new Session(loaded.topology, { ...preset, policy: opts.policy ?? preset.policy, mode: opts.mode ?? preset.mode });
  // Box-drawing glyphs only with colour and never on a dumb terminal; errors go to stderr, which
  // gets its own colour decision (`2> log` from a terminal must not fill the log with escapes).
  const styleFor = (fd: 1 | 2) => {
    const tty = terminal(fd);
    const level = colorLevel(process.env, opts.color, tty !== undefined);
    return loadStyle(level, terminalWidth(tty?.columns, process.env), level > 0 && process.env.TERM !== 'dumb');
  };
  const style = await styleFor(1);
  const errStyle = await styleFor(2);

  if (opts.compare !== undefined || opts.pool !== undefined) {
    exitQuietlyOnEpipe();
    const { runCompareCli } = await import('./compare-cli.js');
    const scripts = inputs.flatMap((i) => ('script' in i ? [i.script] : []));
    return runCompareCli(opts, scripts, session, style, errStyle, tuneForLongRun);
  }

  // A probe that failed at boot is said once, on stderr, before the first command runs (the
  // REPL: under its banner), as a board's kernel log says it: a batch run would otherwise learn
  // of it only when a command touches the device. A warning: the exit status is the commands'.
  // (--json: stderr only, so that every object on stdout stays a command's or a stop's.)
  const bootNotices = (): string[] => bootFailures(session.system.bootLog).map((line) => `msi-explorer: ${line}`);
  const repl = async (notices: string[] = []): Promise<number> => {
    exitQuietlyOnEpipe();
    const { runRepl } = await import('./repl.js');
    return runRepl(session, { style, json: Boolean(opts.json), notices });
  };
  if (opts.interactive && !process.stdin.isTTY) return fail('-i: the REPL needs a terminal on stdin (pipe the commands without -i)');
  if (opts.interactive && inputs.some((i) => 'script' in i && i.script === '-')) return fail("-i: stdin is the REPL's terminal, so - cannot be a script");
  if (inputs.length === 0 && process.stdin.isTTY) return repl(bootNotices());

  // Every script is opened before any runs, so an unreadable one is a usage error with nothing
  // done; each is read as it runs.
  const cwd = process.cwd();
  const queue: Array<{ fd: number; script: ScriptSource } | Script | 'stdin'> = [];
  const closeAll = () => {
    for (const item of queue) if (typeof item === 'object' && 'fd' in item) closeQuietly(item.fd);
  };
  // stdin redirected from a directory would read as an empty script: refused as a directory
  // named as a script is, whether named (-) or read because it is redirected.
  const stdinDirectory = (): Promise<number> => {
    closeAll();
    return fail(notA(STDIN, 'directory', 'script'), 'EINVAL', STDIN);
  };
  // -e texts are numbered as one script, wherever they stand: -e:5 is the fifth -e command.
  let execLines = 0;
  for (const input of inputs) {
    if ('exec' in input) {
      const lines = splitExec(input.exec);
      queue.push({ name: '-e', text: lines.join('\n'), dir: cwd, firstLine: execLines + 1 });
      execLines += lines.length;
      continue;
    }
    const path = input.script;
    if (path === '-') {
      if (stdinIsDirectory()) return stdinDirectory();
      queue.push('stdin');
      continue;
    }
    // An empty name resolves to the current folder, which would be refused as "a directory".
    if (path === '') {
      closeAll();
      return fail('empty script name: give a script file, or - for stdin');
    }
    const opened = openTextFile(path, 'script');
    if (!opened.ok) {
      closeAll();
      return fail(opened.message, opened.code, path);
    }
    const abs = resolve(cwd, path);
    queue.push({ fd: opened.fd, script: { name: path, dir: dirname(abs), real: realPath(abs) } });
  }
  if (!opts.interactive && !queue.includes('stdin')) {
    if (stdinIsDirectory()) return stdinDirectory();
    if (queue.length === 0 || stdinIsPiped()) queue.push('stdin');
  }

  // A closed stdout (`| head`) ends the run with the status of the commands run until then.
  const sink = processSink(() => runner.status);
  const runner = new BatchRunner(session, { json: Boolean(opts.json), quiet: Boolean(opts.quiet), bail: Boolean(opts.bail), style, errStyle, sink, longRun: tuneForLongRun });
  // -i: said here, not again when the REPL opens.
  for (const notice of bootNotices()) sink.err(`${notice}\n`);
  try {
    for (const item of queue) {
      if (runner.stopped) {
        if (typeof item === 'object' && 'fd' in item) closeQuietly(item.fd);
        continue;
      }
      if (item === 'stdin') await runStdin(runner, sink, cwd);
      else if ('fd' in item) runner.runFile(item.fd, item.script);
      else runner.run(item);
    }
  } finally {
    // Even when a bug of ours stops the run, what the commands before it printed is not lost.
    sink.flush();
  }
  // -i: the inputs set the scene, then the REPL opens on it, unless they ran exit.
  if (opts.interactive && !runner.exited && !runner.binary) return repl();
  return runner.status;
};
