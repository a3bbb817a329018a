import { fstatSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import type { Mode } from '../core/dma.js';
import type { Policy } from '../core/domains/inta.js';
import { Session } from '../commands/session.js';
import { makeStyle } from '../render/style.js';
import { BatchRunner, type Script } from './batch.js';
import { colorLevel, terminalWidth, type ColorChoice } from './color.js';
import { exitQuietlyOnEpipe, processSink } from './output.js';
import { oneLine } from '../commands/args.js';
import { BoundedReader, readTextFile, type ReadResult } from './script-file.js';
import { splitExec } from './split-exec.js';
import { loadTopology } from './topology-load.js';
import { VERSION } from './version.js';

/** Exit codes of the contract: every command did what it should / a command failed / usage. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

interface Options {
  topology: string;
  policy: Policy;
  mode: Mode;
  exec: string[];
  json?: boolean;
  color: ColorChoice;
  bail?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

const buildProgram = (): Command =>
  new Command()
    .name('msi-explorer')
    .description('Explore how Linux allocates MSIs through the TI K3 INTA/INTR/GIC interrupt domains.')
    .usage('[options] [script.msi ...]')
    .version(VERSION, '--version', 'print the version')
    .argument('[scripts...]', 'scripts to run (- for stdin); none and a terminal: the interactive REPL')
    .option('-t, --topology <name|file.json>', 'SoC topology: a built-in name or a JSON file', 'am65x')
    .addOption(new Option('--policy <policy>', 'INTA allocation policy').choices(['coalesced', 'dedicated']).default('coalesced'))
    .addOption(new Option('--mode <mode>', 'when DMA ring MSIs are allocated').choices(['demand', 'probe']).default('demand'))
    .option('-e, --exec <commands>', 'run commands separated by ";" (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--json', 'one JSON object per command on stdout')
    .addOption(new Option('--color <when>', 'colour output').choices(['auto', 'always', 'never']).default('auto'))
    .option('--bail', 'stop at the first failing command')
    .option('-q, --quiet', 'print only errors and the output of show commands')
    .option('--debug', 'show stack traces of internal errors')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', '\nExit status: 0 all commands did what they should, 1 a command failed, 2 usage error.\nIn a script or the REPL, `help` lists the verbs.')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(`msi-explorer: ${s.replace(/^error: /, '').trimEnd().replace(/\s*\n\s*/g, ' ')}\n`) });

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

export const main = async (argv: string[]): Promise<number> => {
  exitQuietlyOnEpipe();
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    throw e;
  }
  const opts = program.opts<Options>();
  const scripts = program.args;
  const fail = (message: string): number => {
    process.stderr.write(`msi-explorer: ${oneLine(message)}\n`);
    return EXIT.USAGE;
  };

  const loaded = loadTopology(opts.topology);
  if (!loaded.ok) {
    for (const line of loaded.errors) process.stderr.write(`msi-explorer: ${oneLine(line)}\n`);
    return EXIT.USAGE;
  }
  const session = new Session(loaded.topology, { policy: opts.policy, mode: opts.mode });
  // Box-drawing glyphs only with colour and never on a dumb terminal; errors go to stderr, which
  // gets its own colour decision (`2> log` from a terminal must not fill the log with escapes).
  const styleFor = (stream: NodeJS.WriteStream) => {
    const level = colorLevel(process.env, opts.color, Boolean(stream.isTTY));
    return makeStyle(level, terminalWidth(stream.columns, process.env), level > 0 && process.env.TERM !== 'dumb');
  };
  const style = styleFor(process.stdout);
  const errStyle = styleFor(process.stderr);

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
