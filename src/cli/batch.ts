import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { CoreError } from '../core/errors.js';
import type { ErrorInfo } from '../core/types.js';
import { oneLine } from '../commands/args.js';
import { commandOf, findCommand, runWords, startWords, type RunningCommand } from '../commands/registry.js';
import type { Result } from '../commands/result.js';
import type { CommandSpec } from '../commands/spec.js';
import type { Session } from '../commands/session.js';
import { joinedError, joinsCommands } from '../commands/split.js';
import { showsState } from '../commands/spec.js';
import { codePoints, commandWords, lineTooLong, MAX_LINE } from '../commands/tokenize.js';
import { renderJson, renderJsonStop } from '../render/json.js';
import type { Style } from '../render/style.js';
import { renderError, renderText } from '../render/text.js';
import { EXIT } from './exit.js';
import type { Sink } from './output.js';
import { chunksOf, closeQuietly, includedName, openTextFile, prereadScript, ReadError } from '../io/text-file.js';
import { ScriptDecoder } from '../io/utf8.js';

export const MAX_SOURCE_DEPTH = 8;
/**
 * After this many failed commands a run stops with one closing line, as clang stops after 20
 * errors: a run that far gone is a wrong file (a log, a binary, a JSON file given as a script),
 * and a screenful of errors says so better than a million lines do.
 */
export const MAX_ERRORS = 100;

export interface BatchOptions {
  json: boolean;
  quiet: boolean;
  bail: boolean;
  style: Style;
  /** Style of the error lines (they go to stderr, which may be a terminal when stdout is not); default `style`. */
  errStyle?: Style;
  sink: Sink;
  /** Failed commands after which the run stops; default MAX_ERRORS. */
  maxErrors?: number;
  /** Called once, when the run reaches its LONG_RUN-th line (run.ts tunes V8 for a long run there). */
  longRun?: () => void;
  /**
   * A command that runs in slices (interleave's search) is handed to the caller of steps() to
   * run, rather than run whole: the REPL reads Ctrl-C between slices.
   */
  sliced?: boolean;
}

/**
 * A run as its caller drives it (BatchRunner.steps): it yields each command that runs in slices
 * (BatchOptions.sliced), to be sent back its Result once run, or undefined if it was stopped
 * part-way (RunningCommand.stop), which stops the run there.
 */
export type RunSteps = Generator<RunningCommand, void, Result | undefined>;

/** What a line leaves to the run's generator: a script it sources, or a command to run in slices. */
type Deferred =
  | { kind: 'source'; path: string; from: ScriptSource; where: Where; command: string; stack: string[] }
  | { kind: 'sliced'; running: RunningCommand; words: string[]; where: Where; command: string };

/** What a command stopped part-way says (the REPL's prompt, a sourced script's line): how far it got. */
export const interrupted = (verb: string, running: RunningCommand): string => `${verb}: interrupted after ${running.progress()}; nothing changed`;

/** A run's steps driven here, where nothing reads the keyboard: every command runs whole. */
const drain = (steps: RunSteps): void => {
  for (let r = steps.next(); !r.done; r = steps.next(wholly(r.value)));
};

const wholly = (running: RunningCommand): Result => {
  for (;;) {
    const result = running.step(Number.MAX_SAFE_INTEGER);
    if (result !== undefined) return result;
  }
};

/** Lines after which a run counts as long: every fixture script is shorter. */
export const LONG_RUN = 1000;

/** A script to run: its display name (a path, `<stdin>`, `-e`), text, and the folder `source` is relative to. */
export interface Script {
  name: string;
  text: string;
  dir: string;
  /** Real path, for loop detection; undefined for stdin and -e. */
  real?: string;
  /** Number of the first line (1 unless the script continues another, as later -e texts do). */
  firstLine?: number;
}

/** Where a script comes from, without its text (a file or pipe read as it runs). */
export type ScriptSource = Omit<Script, 'text'>;

/** A script being run, line by line, as its text arrives. */
export interface Feed {
  readonly script: ScriptSource;
  readonly name: string;
  readonly stack: string[];
  lineNo: number;
  /** The start of a line whose newline has not arrived yet. */
  partial: string;
  /** Length so far, in characters (code points), of a line too long to be a command (its text is not kept), or -1. */
  long: number;
  /** The first characters of that line, for --json's `command`. */
  head: string;
  lastCode: number;
  /** Bytes of the script before the current chunk, for the NUL byte's offset. */
  offset: number;
  started: boolean;
  decoder?: ScriptDecoder;
}

interface Where {
  file: string;
  line: number;
}

/**
 * A failed line that joins commands with `;` (joinsCommands): said as that, not as what its words
 * made of it (`unknown verb 'pools;'`), and of no verb: the line is at fault, not a command.
 */
const joined: Result = { ok: false, error: joinedError('script line') };

const shortCommand = (line: string): string => (line.length > 200 ? `${line.slice(0, 197)}...` : line);

/** How error lines name a script `from` sources (includedName); from -e, stdin or the REPL (no file), the path as written. */
export const sourcedName = (from: Pick<Script, 'name' | 'real'>, path: string): string => includedName(from.real ? from.name : undefined, path);

/** A bug of ours met while running a line: says where, keeps the original as the cause. */
export class InternalError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'InternalError';
  }
}

/** A defect (any throw but a CoreError's) met running the command `words` at `where`, said with its place. */
const defect = (where: Where, words: string[], e: unknown): InternalError =>
  new InternalError(`${where.file}:${where.line}: ${oneLine(shortCommand(words.join(' ')))}: ${e instanceof Error ? e.message : String(e)}`, e);

/**
 * `running` as the caller of steps() is handed it (see follow()): stepped there, outside line()'s
 * catch, so a defect in a step, or in stopping it, is thrown here as defect() says it.
 */
const located = (running: RunningCommand, where: Where, words: string[]): RunningCommand => ({
  sliced: running.sliced,
  step: (budget) => {
    try {
      return running.step(budget);
    } catch (e) {
      throw defect(where, words, e);
    }
  },
  progress: () => running.progress(),
  stop: () => {
    try {
      running.stop();
    } catch (e) {
      throw defect(where, words, e);
    }
  },
});

/**
 * Runs scripts line by line on one session: errors compiler-style on stderr, output or JSON on
 * stdout. Counts failures; `exit`, --bail or too many errors stops it.
 */
export class BatchRunner {
  failures = 0;
  stopped = false;
  /** Set by `exit`: the session ends (sourced scripts included); the status it gave, if any. */
  exited?: { status?: number };

  constructor(
    private readonly session: Session,
    private readonly opts: BatchOptions,
  ) {}

  /** Set when a line held a NUL byte or a script could not be read on: the run stopped (exit 2). */
  binary = false;

  /** Lines read so far, every script and source of the run together. */
  private lines = 0;

  /** Set by a line whose work goes on in the run's generator (follow()). */
  private deferred?: Deferred;

  /** The run's exit status: a NUL byte's 2, what `exit <status>` said, else 1 if a command failed, else 0. */
  get status(): number {
    if (this.binary) return EXIT.USAGE;
    return this.exited?.status ?? (this.failures > 0 ? EXIT.FAILED : EXIT.OK);
  }

  /** Runs a script given as text (-e, tests). */
  run(script: Script, stack: string[] = []): void {
    drain(this.steps(script, stack));
  }

  /** Runs a script given as text, for a caller that runs what is sliced (see RunSteps). */
  *steps(script: Script, stack: string[] = []): RunSteps {
    const feed = this.open(script, stack);
    yield* this.textSteps(feed, script.text);
    yield* this.endSteps(feed);
  }

  /**
   * Starts a script that arrives in chunks (a file, a pipe): push each chunk with bytes() as it
   * comes, then end(). Every complete line runs as soon as its chunk is pushed.
   */
  open(script: ScriptSource, stack: string[] = []): Feed {
    return { script, name: oneLine(script.name), stack, lineNo: (script.firstLine ?? 1) - 1, partial: '', long: -1, head: '', lastCode: 0, offset: 0, started: false };
  }

  /** One chunk of a streamed script: a NUL byte stops the run at the line holding it. */
  bytes(feed: Feed, chunk: Buffer): void {
    drain(this.bytesSteps(feed, chunk));
  }

  private *bytesSteps(feed: Feed, chunk: Buffer): RunSteps {
    const nul = chunk.indexOf(0);
    feed.decoder ??= new ScriptDecoder();
    yield* this.textSteps(feed, feed.decoder.write(nul < 0 ? chunk : chunk.subarray(0, nul)));
    if (nul >= 0 && !this.stopped) {
      this.binary = true;
      this.stop({ file: feed.name, line: feed.lineNo + 1 }, `not a text script (NUL byte at offset ${feed.offset + nul})`);
    }
    feed.offset += chunk.length;
  }

  /** The end of a script: its last line, if it had no newline, runs now. */
  end(feed: Feed): void {
    drain(this.endSteps(feed));
  }

  private *endSteps(feed: Feed): RunSteps {
    if (feed.decoder) yield* this.textSteps(feed, feed.decoder.end());
    if (this.stopped) return;
    const { partial, long } = feed;
    feed.partial = '';
    feed.long = -1;
    if (long >= 0) this.tooLong(feed, long);
    else if (partial !== '') {
      this.complete(feed, partial);
      if (this.deferred !== undefined) yield* this.follow();
    }
  }

  /** Runs the complete lines of `text` and keeps the rest for the next chunk. */
  private *textSteps(feed: Feed, text: string): RunSteps {
    for (let at = this.text(feed, text, 0); at >= 0; at = this.text(feed, text, at)) yield* this.follow();
  }

  /**
   * Runs the complete lines of `text` from `start`, and keeps the rest for the next chunk; -1
   * then. Where a line leaves work to follow(), it stops after that line: where to go on from.
   * (A plain function, not the generator: V8 optimizes a long script's loop while it runs.)
   */
  private text(feed: Feed, text: string, start: number): number {
    if (!feed.started && text !== '') {
      feed.started = true;
      // A UTF-8 byte order mark is not part of the first command (readers strip it too).
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    while (!this.stopped) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      if (feed.long >= 0) {
        feed.long += codePoints(text, start, end);
        if (end > start) feed.lastCode = text.charCodeAt(end - 1);
        const long = feed.long;
        feed.long = -1;
        this.tooLong(feed, long);
      } else {
        this.complete(feed, feed.partial === '' ? text.slice(start, end) : feed.partial + text.slice(start, end));
        feed.partial = '';
      }
      start = end + 1;
      if (this.deferred !== undefined) return start;
    }
    if (this.stopped || start >= text.length) return -1;
    // A partial line waits for the rest; one already longer than any command is only counted.
    if (feed.long >= 0) {
      feed.long += codePoints(text, start);
      feed.lastCode = text.charCodeAt(text.length - 1);
      return -1;
    }
    feed.partial += text.slice(start);
    // Past this many UTF-16 units a line has more characters than a command (and a CR) may: it
    // is counted from here on. (Up to two units a character: a shorter one is kept, and checked.)
    if (feed.partial.length > 2 * (MAX_LINE + 1)) {
      feed.head = feed.partial.slice(0, 201);
      feed.long = codePoints(feed.partial);
      feed.lastCode = feed.partial.charCodeAt(feed.partial.length - 1);
      feed.partial = '';
    }
    return -1;
  }

  /** The work a line left (see text()): the script it sources, or its command run by the caller of steps(). */
  private *follow(): RunSteps {
    const d = this.deferred!;
    this.deferred = undefined;
    if (d.kind === 'source') {
      yield* this.include(d.path, d.from, d.where, d.command, d.stack);
      return;
    }
    // A defect in one of its steps says where, as line() says one in a command run whole.
    const result = yield located(d.running, d.where, d.words);
    if (result === undefined) {
      this.stopped = true;
      const { file, line } = d.where;
      this.opts.sink.err(`${file}:${line}: ${interrupted(d.words[0], d.running)}; the script stopped there\n`);
      return;
    }
    this.ran(d.where, d.command, d.words, result);
  }

  /** One complete line, newline removed. */
  private complete(feed: Feed, line: string): void {
    feed.lineNo++;
    if (++this.lines === LONG_RUN) this.opts.longRun?.();
    // Blank lines are common: charCodeAt(-1) would be an out-of-bounds read, which deoptimizes.
    const raw = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    this.line(raw, feed.script, { file: feed.name, line: feed.lineNo }, feed.stack);
  }

  /** A line too long to be a command, counted rather than kept: one error, as commandWords gives. */
  private tooLong(feed: Feed, length: number): void {
    feed.lineNo++;
    const chars = feed.lastCode === 13 ? length - 1 : length;
    this.report({ file: feed.name, line: feed.lineNo }, feed.head, undefined, { ok: false, error: { code: 'EUSAGE', message: lineTooLong(chars).message } });
  }

  private line(raw: string, script: ScriptSource, where: Where, stack: string[]): void {
    let words: string[];
    try {
      words = commandWords(raw);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      this.report(where, raw, undefined, { ok: false, error: { code: e.code, message: e.message } });
      return;
    }
    if (words.length === 0) return;
    let result: Result | undefined;
    try {
      result = this.opts.sliced ? this.startSliced(raw, words, where) : runWords(this.session, words, this.opts.quiet && !this.opts.json);
    } catch (e) {
      throw defect(where, words, e);
    }
    if (result === undefined) return;
    const command = raw.trim();
    if (result.ok && result.output.kind === 'source') {
      this.deferred = { kind: 'source', path: result.output.path, from: script, where, command, stack };
      return;
    }
    this.ran(where, command, words, result);
  }

  /**
   * A command run whole, or undefined when it runs in slices: left to the caller of steps() (see
   * follow()). Quiet as runWords would be (the REPL's sourced scripts are never quiet).
   */
  private startSliced(raw: string, words: string[], where: Where): Result | undefined {
    const running = startWords(this.session, words, this.opts.quiet && !this.opts.json);
    if (!running.sliced) return wholly(running);
    this.deferred = { kind: 'sliced', running, words, where, command: raw.trim() };
    return undefined;
  }

  /** A command's result, reported; `exit` ends the run (after its own line, reported all the same). */
  private ran(where: Where, command: string, words: string[], result: Result): void {
    if (!result.ok) {
      if (joinsCommands(command)) return this.report(where, command, undefined, joined);
    } else if (result.output.kind === 'exit') {
      this.stopped = true;
      this.exited = { status: result.output.status };
    }
    this.report(where, command, commandOf(words), result);
  }

  /** `source`: reported once, as a failure if the file cannot be included, else as done before its lines run. */
  private *include(path: string, from: ScriptSource, where: Where, command: string, stack: string[]): RunSteps {
    const fail = (code: ErrorInfo['code'], message: string) =>
      joinsCommands(command) ? this.report(where, command, undefined, joined) : this.report(where, command, findCommand('source'), { ok: false, error: { code, message: oneLine(message) } });
    const abs = isAbsolute(path) ? path : resolve(from.dir, path);
    const shown = sourcedName(from, path);
    if (stack.length >= MAX_SOURCE_DEPTH) return fail('EINVAL', `${shown}: source nested deeper than ${MAX_SOURCE_DEPTH} scripts`);
    const opened = openTextFile(abs, 'script');
    if (!opened.ok) return fail(opened.code, opened.message.replace(abs, shown));
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      real = abs;
    }
    const chain = [...stack, ...(from.real ? [from.real] : [])];
    if (chain.includes(real)) {
      closeQuietly(opened.fd);
      const names = [...chain.slice(chain.indexOf(real)), real].map((p) => relative(process.cwd(), p) || p);
      return fail('EINVAL', `source loop: ${names.join(' -> ')}`);
    }
    // A binary file is refused whole, before any of its lines runs, as the REPL refuses it:
    // nothing of it half-run, and the error at the `source` line, which is where the fault is.
    const pre = prereadScript(opened.fd, shown, 'script');
    if (!pre.ok) {
      closeQuietly(opened.fd);
      return fail(pre.code, pre.message);
    }
    this.report(where, command, findCommand('source'), { ok: true, output: { kind: 'source', path } });
    const script = { name: shown, dir: dirname(abs), real };
    if (pre.text === undefined) yield* this.fileSteps(opened.fd, script, chain);
    else yield* this.steps({ ...script, text: pre.text }, chain);
  }

  /** Streams an open script file (closing it): lines run as they are read, in memory that does not grow with its length. */
  runFile(fd: number, script: ScriptSource, stack: string[] = []): void {
    drain(this.fileSteps(fd, script, stack));
  }

  private *fileSteps(fd: number, script: ScriptSource, stack: string[]): RunSteps {
    const feed = this.open(script, stack);
    try {
      for (const chunk of chunksOf(fd, script.name, 'script')) {
        yield* this.bytesSteps(feed, chunk);
        // What ran so far is shown before waiting on a slow pipe (`<(...)`).
        this.opts.sink.flush();
        if (this.stopped) break;
      }
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      // The input failed, not the tool: what was read has run, the rest cannot; as unreadable a
      // script as one refused at the start (exit 2).
      this.binary = true;
      this.stop({ file: feed.name, line: feed.lineNo + 1 }, `cannot read script: ${e.reason}`, 'EINVAL');
      return;
    }
    yield* this.endSteps(feed);
  }

  /**
   * Stops the run for the input as a whole (a NUL byte, too many errors, a read error): an error
   * line at the place, and with --json an object of its own, with no command (the line ran nothing).
   */
  private stop(where: Where, message: string, code: 'EUSAGE' | 'EINVAL' = 'EUSAGE'): void {
    this.stopped = true;
    const error = { code, message };
    if (this.opts.json) this.opts.sink.out(`${renderJsonStop(where, error)}\n`);
    this.opts.sink.err(`${renderError(this.opts.errStyle ?? this.opts.style, `${where.file}:${where.line}`, undefined, error)}\n`);
  }

  private report(where: Where, command: string, spec: CommandSpec | undefined, result: Result): void {
    const { sink, style, json, quiet } = this.opts;
    if (!result.ok) {
      this.failures++;
      const max = this.opts.maxErrors ?? MAX_ERRORS;
      if (this.failures > max) {
        this.stop(where, `too many errors: stopped after ${max} failed commands`);
        return;
      }
      if (this.opts.bail) this.stopped = true;
    }
    if (json) sink.out(`${renderJson(where, shortCommand(command), result)}\n`);
    if (!result.ok) {
      // A failure with output (interleave's table and trace) shows it first: it says why.
      if (result.output && !json) sink.out(`${renderText(style, result.output)}\n`);
      sink.err(`${renderError(this.opts.errStyle ?? style, `${where.file}:${where.line}`, spec?.name, result.error)}\n`);
      return;
    }
    if (json || (quiet && !showsState(spec, result.output))) return;
    const text = renderText(style, result.output);
    if (text !== '') sink.out(`${text}\n`);
  }
}
