import { fstatSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { oneLine } from '../commands/args.js';
import { Session } from '../commands/session.js';
import { designNamed } from '../core/designs.js';
import { makeStyle } from '../render/style.js';
import { BatchRunner, type Script } from './batch.js';
import { colorLevel, terminalWidth } from './color.js';
import { EXIT } from './exit.js';
import { exitQuietlyOnEpipe, processSink } from './output.js';
import type { Options } from './program.js';
import { BoundedReader, readTextFile, type ReadResult } from './script-file.js';
import { splitExec } from './split-exec.js';
import { loadTopology } from '../topology/load.js';

/** All of stdin, or a refusal as soon as it proves binary or too large (`yes |`, `< /dev/zero`). */
const readStdin = async (): Promise<ReadResult> => {
  const reader = new BoundedReader('<stdin>', 'script');
  for await (const chunk of process.stdin) {
    if (!reader.add(chunk as Buffer)) {
      process.stdin.destroy();
      break;
    }
  }
  return reader.result();
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

/** The real path of a file just read, for `source` loop detection; the path itself if that fails. */
const realPath = (abs: string): string => {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
};

/** Runs what the command line asked for: the REPL, or scripts, -e commands and stdin. */
export const run = async (opts: Options, scripts: string[]): Promise<number> => {
  exitQuietlyOnEpipe();
  const fail = (message: string): number => {
    process.stderr.write(`msi-explorer: ${oneLine(message)}\n`);
    return EXIT.USAGE;
  };

  const loaded = loadTopology(opts.topology);
  if (!loaded.ok) {
    for (const line of loaded.errors) process.stderr.write(`msi-explorer: ${oneLine(line)}\n`);
    return EXIT.USAGE;
  }
  if (opts.rmCfg !== undefined || opts.host !== undefined) {
    if (opts.rmCfg === undefined) return fail('--host needs --rm-cfg <rm-cfg.yaml>: the board config to read the host\'s share from');
    if (opts.host === undefined) return fail("--rm-cfg needs --host <id>: the TISCI host whose share to read (Linux on AM65x is 12)");
    // Only here is the YAML parser loaded.
    const { loadRmCfg, parseHost, MAX_HOST } = await import('../topology/rm-cfg.js');
    const host = parseHost(opts.host);
    if (host === undefined) return fail(`--host: expected a TISCI host id 0-${MAX_HOST}, got '${opts.host}'`);
    const shared = loadRmCfg(opts.rmCfg, host, loaded.topology);
    if (!shared.ok) return fail(shared.error);
    loaded.topology = shared.topology;
  }
  const preset = designNamed(opts.design)!.settings;
  const session = new Session(loaded.topology, { ...preset, policy: opts.policy ?? preset.policy, mode: opts.mode ?? preset.mode });
  // Box-drawing glyphs only with colour and never on a dumb terminal; errors go to stderr, which
  // gets its own colour decision (`2> log` from a terminal must not fill the log with escapes).
  const styleFor = (stream: NodeJS.WriteStream) => {
    const level = colorLevel(process.env, opts.color, Boolean(stream.isTTY));
    return makeStyle(level, terminalWidth(stream.columns, process.env), level > 0 && process.env.TERM !== 'dumb');
  };
  const style = styleFor(process.stdout);
  const errStyle = styleFor(process.stderr);

  if (opts.compare !== undefined || opts.pool !== undefined) {
    const { runCompareCli } = await import('./compare-cli.js');
    return runCompareCli(opts, scripts, session, style, errStyle);
  }

  const interactive = scripts.length === 0 && opts.exec.length === 0 && Boolean(process.stdin.isTTY);
  if (interactive) {
    const { runRepl } = await import('./repl.js');
    return runRepl(session, { style, json: Boolean(opts.json) });
  }

  // Every script is read before any runs, so an unreadable one is a usage error with nothing done.
  const cwd = process.cwd();
  const queue: Array<Script | 'stdin'> = [];
  for (const path of scripts) {
    if (path === '-') {
      queue.push('stdin');
      continue;
    }
    const read = readTextFile(path, 'script');
    if (!read.ok) return fail(read.message);
    const abs = resolve(cwd, path);
    queue.push({ name: path, text: read.text, dir: dirname(abs), real: realPath(abs) });
  }
  if (opts.exec.length > 0) queue.push({ name: '-e', text: opts.exec.flatMap(splitExec).join('\n'), dir: cwd });
  const wantsStdin = queue.includes('stdin') || queue.length === 0 || stdinIsPiped();
  let stdinScript: Script | undefined;
  if (wantsStdin) {
    const read = await readStdin();
    if (!read.ok) return fail(read.message);
    stdinScript = { name: '<stdin>', text: read.text, dir: cwd };
    if (!queue.includes('stdin')) queue.push('stdin');
  }

  const sink = processSink();
  const runner = new BatchRunner(session, { json: Boolean(opts.json), quiet: Boolean(opts.quiet), bail: Boolean(opts.bail), style, errStyle, sink });
  try {
    for (const item of queue) {
      if (runner.stopped) break;
      runner.run(item === 'stdin' ? stdinScript! : item);
    }
  } finally {
    // Even when a bug of ours stops the run, what the commands before it printed is not lost.
    sink.flush();
  }
  return runner.failures > 0 ? EXIT.FAILED : EXIT.OK;
};
