import { designLabel, designShown } from '../core/designs.js';
import { readdirSync, realpathSync } from 'node:fs';
import { createInterface, emitKeypressEvents, type Completer, type Interface } from 'node:readline';
import { followPastes, pasteRelay } from './paste-relay.js';
import { quoteWord } from '../commands/tokenize.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CoreError } from '../core/errors.js';
import { findCommand, startWords, type RunningCommand } from '../commands/registry.js';
import type { Result } from '../commands/result.js';
import type { Session } from '../commands/session.js';
import { commandWords, isGarbledLine } from '../commands/tokenize.js';
import { renderJson } from '../render/json.js';
import type { Style } from '../render/style.js';
import { renderError, renderText } from '../render/text.js';
import { wrap, wrapAll } from '../render/wrap.js';
import { BatchRunner, interrupted, sourcedName } from './batch.js';
import { complete, type FileLister } from './completion.js';
import { History, HISTORY_MAX, historyPath } from './history.js';
import { addReverseSearch } from './history-search.js';
import { processSink, type Sink } from './output.js';
import { page, pagerCommand, tallerThan } from './pager.js';
import { askPrompts, inquirerPrompter, planPrompts } from './prompts.js';
import { readTextFile } from '../io/text-file.js';
import { joinedError, joinsCommands } from '../commands/split.js';
import { VERSION } from './version.js';

export interface ReplOptions {
  style: Style;
  json: boolean;
  /** Lines said on stderr under the banner (a probe that failed at boot). */
  notices?: string[];
}

/** Folders and files for `source` completion, relative to the current folder. */
const listFiles: FileLister = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name));

/** The REPL's completer: a lone candidate that is a whole word gets its trailing space. */
export const replCompleter =
  (session: Session): Completer =>
  (line: string) => {
    const [candidates, fragment] = complete(session, line, { files: listFiles });
    if (candidates.length === 1 && !/[=/]$/.test(candidates[0])) return [[`${candidates[0]} `], fragment];
    return [candidates, fragment];
  };

/** How long the REPL runs a long command (interleave's search) before it reads the keyboard again. */
const SLICE_MS = 30;

type Readline = Interface & { clearLine?: () => void };

/** A piece of a sourced script's output (`err`: an error line), held to be shown in order. */
type Part = { err: boolean; text: string };

/**
 * node:readline in terminal mode, re-created around every @inquirer prompt (pausing it instead
 * was seen to leak the answer into the REPL), with its history carried across and saved after
 * each line. Lines arrive through next(), one at a time, whatever the input speed.
 */
class LineEditor {
  private rl?: Readline;
  /**
   * Lines readline has cut but next() has not handed out yet, each with the history as of it,
   * and Ctrl-C typed after the line being handled, before it started anything (see interrupt).
   */
  private readonly queue: Array<{ line: string | null; history: string[] } | 'interrupt'> = [];
  private waiter?: (line: string | null) => void;
  /** The history as of the line handed out last: what it goes back to when the lines after are dropped. */
  private handed: string[] = [];
  private suspending = false;
  private history: string[];
  private prompt = '> ';
  /** Set while a command runs: Ctrl-C stops the command, rather than abandoning a line. */
  onInterrupt?: () => void;

  constructor(
    private readonly io: { input: NodeJS.ReadStream; output: NodeJS.WriteStream; terminal: boolean },
    private readonly completer: Completer,
    private readonly store: History,
  ) {
    this.history = store.load();
    // Made first, so that what Node says of pastes reaches every readline after (paste-relay.ts).
    if (io.terminal) emitKeypressEvents(io.input, pasteRelay);
  }

  open(): void {
    const { input, output, terminal } = this.io;
    const rl: Readline = createInterface({
      input,
      output,
      terminal,
      completer: terminal ? this.completer : undefined,
      history: [...this.history],
      historySize: HISTORY_MAX,
      prompt: this.prompt,
    });
    if (terminal) addReverseSearch(rl);
    rl.on('line', (line) => this.push(line));
    rl.on('history', (h: string[]) => {
      // A line refused before it runs (too long, a control or bidi character) is not kept, even
      // for the up arrow: readline has just put it first in its own list, which is `h` itself.
      if (h.length > 0 && isGarbledLine(h[0])) h.shift();
      this.history = [...h];
      // Once the line is done: readline ends it after this event, and a save that fails warns.
      queueMicrotask(() => this.store.save(this.history));
    });
    // Ctrl-C abandons the line being typed, as a shell does; the session goes on.
    rl.on('SIGINT', () => this.interrupt());
    const unfollow = followPastes(rl);
    rl.on('close', () => {
      unfollow();
      if (this.rl === rl) this.rl = undefined;
      if (!this.suspending) this.push(null);
    });
    this.rl = rl;
  }

  /** The next line, or null at end of input (Ctrl-D). */
  next(prompt: string): Promise<string | null> {
    this.prompt = prompt;
    let queued = this.queue.shift();
    // A Ctrl-C after a line that asked nothing: its ^C was shown; no line was in progress.
    while (queued === 'interrupt') queued = this.queue.shift();
    if (queued) {
      this.handed = queued.history;
      return Promise.resolve(queued.line);
    }
    if (!this.rl) return Promise.resolve(null);
    this.rl.setPrompt(prompt);
    // With the cursor where it was in what was typed ahead while a command ran (see typedAhead).
    this.rl.prompt(true);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Hands the terminal to someone else (an @inquirer prompt) until open() is called again. */
  suspend(): void {
    if (!this.rl) return;
    this.suspending = true;
    this.rl.close();
    this.suspending = false;
  }

  close(): void {
    this.suspend();
  }

  /**
   * What readline read past the line being handled, as it was typed: whole lines it has already
   * cut (a pasted block), and Ctrl-D as \x04. Taken out: they will not run as commands, and leave
   * the history (readline put them there as it cut them), the up arrow's and the file's alike.
   */
  takeQueued(): string {
    const dropped = this.queue.splice(0);
    if (dropped.length === 0) return '';
    this.history = [...this.handed];
    this.store.save(this.history);
    return dropped.map((q) => (q === 'interrupt' ? '\x03' : q.line === null ? '\x04' : `${q.line}\n`)).join('');
  }

  /** Keys typed ahead while a command ran, which readline echoed where the cursor was: not yet a whole line. */
  typedAhead(): boolean {
    return (this.rl?.line ?? '') !== '';
  }

  reprompt(): void {
    this.rl?.prompt();
  }

  /** After a prompt completed a command, history keeps the whole command rather than the bare verb. */
  replaceNewest(typed: string, full: string): void {
    if (this.history[0]?.trim() !== typed.trim()) return;
    if (this.history[1] === full) this.history.shift();
    else this.history[0] = full;
    this.store.save(this.history);
  }

  /**
   * A line whose prompts were cancelled ran nothing and was never a whole command: it goes from
   * the up arrow and the file alike (a whole command whose re-boot was declined stays, as typed).
   */
  forgetNewest(typed: string): void {
    if (this.history[0]?.trim() !== typed.trim()) return;
    this.history.shift();
    this.store.save(this.history);
  }

  private push(line: string | null): void {
    // readline has put the line in the history (its 'history' event comes first).
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      this.handed = [...this.history];
      w(line);
    } else {
      this.queue.push({ line, history: [...this.history] });
    }
  }

  private interrupt(): void {
    if (this.onInterrupt) {
      this.onInterrupt();
      return;
    }
    // No line asked for: typed in the same read as the Enter of a line not yet started (a paste),
    // the key is for what that line starts, a prompt it asks for being cancelled by it (see
    // takeQueued); the prompt comes back once that line is done.
    const handed = !this.waiter;
    if (handed) this.queue.push('interrupt');
    const rl = this.rl;
    if (!rl) return;
    rl.write(null, { ctrl: true, name: 'e' });
    this.io.output.write('^C');
    if (typeof rl.clearLine === 'function') {
      // Moves past the line, starts a new one and forgets what was typed (Node's own REPL does this).
      rl.clearLine();
      if (!handed) rl.prompt();
      return;
    }
    this.io.output.write('\n');
    this.suspend();
    this.open();
    if (!handed) this.rl?.prompt();
  }
}

/** `msi(merged)> `; a design changed column by column, as the preset nearest it and what differs. */
const promptText = (session: Session, style: Style): string => `${style.c.bold('msi')}(${style.c.cyan(designShown(session.settings))})> `;

/**
 * The interactive front end: a prompt showing policy and mode, line editing, persistent history,
 * completion, and @inquirer prompts for what a command line leaves out. Returns the exit code.
 */
export const runRepl = async (session: Session, opts: ReplOptions): Promise<number> => {
  const input = process.stdin;
  const output = process.stdout;
  const terminal = Boolean(input.isTTY && output.isTTY);
  let style = opts.style;
  const onResize = () => {
    if (output.columns) style = { ...style, width: output.columns };
  };
  output.on('resize', onResize);

  // The banner and the prompt are for the person at the keyboard, not for a file stdout goes to.
  const chrome: NodeJS.WriteStream = output.isTTY ? output : process.stderr;
  // Before the history is read: a history that cannot be kept is said under the banner.
  const { topology } = session;
  chrome.write(`msi-explorer ${VERSION}: ${topology.name}, design ${designLabel(designShown(session.settings))}; ${style.c.bold('help')} lists the verbs\n`);
  // Wrapped at a terminal as the REPL's error lines are: a failed probe's line, or the history's
  // warning with its path, is longer than 80 columns.
  const notice = (line: string): void => {
    process.stderr.write(`${terminal ? wrap(line, style.width) : line}\n`);
  };
  for (const n of opts.notices ?? []) notice(n);
  const history = new History(historyPath(), (m) => notice(`msi-explorer: ${m}`));
  const editor = new LineEditor({ input, output: chrome, terminal }, replCompleter(session), history);
  let lineNo = 0;

  const report = (command: string, verb: string | undefined, result: Result): void => {
    if (opts.json) output.write(`${renderJson({ file: '<repl>', line: lineNo }, command, result)}\n`);
    if (!result.ok) {
      // What a failing command showed is paged as any output is; its error line comes after, so it
      // is the last thing on the screen once the pager quits.
      if (result.output && !opts.json) {
        const text = renderText(style, result.output);
        if (text !== '') show(text);
      }
      // Wrapped to the terminal, as every other REPL output is (batch error lines stay one line each for tools).
      process.stderr.write(`${wrap(renderError(style, undefined, verb === undefined ? undefined : findCommand(verb)?.name, result.error), style.width)}\n`);
      return;
    }
    if (opts.json) return;
    const text = renderText(style, result.output);
    if (text !== '') show(text);
  };

  /** Output for the screen: through the pager when it is taller than the terminal. */
  const pager = pagerCommand(process.env);
  const show = (text: string): void => {
    if (terminal && pager && tallerThan(text, output.rows)) {
      editor.suspend();
      try {
        if (page(pager, text)) return;
      } finally {
        editor.open();
      }
    }
    output.write(`${text}\n`);
  };

  const fail = (command: string, verb: string | undefined, e: CoreError) =>
    report(command, verb, { ok: false, error: { code: e.code, message: e.message, pool: e.pool } });

  /**
   * `source <file>` typed at the prompt: the path is relative to the current folder. Its long
   * commands run in slices, as at the prompt: Ctrl-C stops one, and the script with it, the lines
   * before it done. Returns the exit status if the script ran `exit`.
   */
  const source = async (path: string, command: string): Promise<number | undefined> => {
    const abs = isAbsolute(path) ? path : resolve(process.cwd(), path);
    const shown = sourcedName({ name: '<repl>' }, path);
    const read = readTextFile(abs, 'script');
    if (!read.ok) {
      fail(command, 'source', new CoreError(read.code, read.message.replace(abs, shown)));
      return undefined;
    }
    const { sink, held } = sourceSink();
    const runner = new BatchRunner(session, { json: opts.json, quiet: false, bail: false, style, sink, sliced: true });
    const steps = runner.steps({ name: shown, text: read.text, dir: dirname(abs), real: realpathSync(abs) });
    try {
      for (let r = steps.next(); !r.done; ) {
        // What the script showed so far is on the screen while the search runs (unless held for the pager).
        sink.flush();
        r = steps.next(await runInSlices(r.value));
      }
    } finally {
      // Closes the script files a thrown error left open.
      steps.return();
    }
    sink.flush();
    if (held) showSourced(held);
    return runner.exited ? (runner.exited.status ?? 0) : undefined;
  };

  /**
   * Where a sourced script writes. On a terminal with a pager, output and errors are held, in
   * order, until the script ends, so that a tall whole is paged as other output is; otherwise they
   * go straight out. Error lines wrap at spaces, as the REPL's own do (the terminal cuts words).
   */
  const sourceSink = (): { sink: Sink; held?: Part[] } => {
    const errLines = (text: string) => wrapAll(text, style.width);
    if (!terminal || !pager) {
      const direct = processSink();
      return { sink: { out: (text) => direct.out(text), err: (text) => direct.err(errLines(text)), flush: () => direct.flush() } };
    }
    const held: Part[] = [];
    // Errors redirected away from the terminal need no pager: they go at once.
    const errNow = !process.stderr.isTTY;
    const sink: Sink = {
      out: (text) => held.push({ err: false, text }),
      err: (text) => (errNow ? process.stderr.write(errLines(text)) : held.push({ err: true, text: errLines(text) })),
      flush: () => {},
    };
    return { sink, held };
  };

  /** A sourced script's output and errors, in order: paged as one when taller than the terminal. */
  const showSourced = (parts: Part[]): void => {
    const all = parts.map((p) => p.text).join('');
    if (all === '') return;
    if (tallerThan(all.slice(0, -1), output.rows)) {
      show(all.slice(0, -1));
      return;
    }
    for (const p of parts) (p.err ? process.stderr : output).write(p.text);
  };

  /** Runs one line; the exit status when the REPL should end. */
  const handle = async (line: string): Promise<number | undefined> => {
    let command = line.trim();
    if (command === '') return undefined;
    lineNo++;
    let words: string[];
    try {
      words = commandWords(line);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      fail(command, undefined, e);
      return undefined;
    }
    if (words.length === 0) return undefined;

    // Prompts only where someone can answer them: in batch mode a missing argument is EUSAGE.
    const questions = terminal ? planPrompts(session, words) : [];
    if (questions[0]?.type === 'none') {
      chrome.write(`${wrap(`${words[0]}: ${questions[0].message}`, style.width)}\n`);
      return undefined;
    }
    if (questions.length > 0) {
      editor.suspend();
      // The rest of a pasted block, cut into lines before the prompts were asked for: typed
      // before they were drawn, so dropped with the keys still waiting (see typedAheadGuard).
      const ahead = editor.takeQueued();
      // Raw until the prompt reads the keyboard (the first loads @inquirer): keys typed meanwhile
      // wait for it as keys. Closing readline had put the terminal back to cooked, where Ctrl-C
      // typed then was SIGINT and ended the session, state and all.
      input.setRawMode(true);
      let answered: string[] | undefined;
      try {
        // One a command: what it drops is said once for all its prompts, and at today's width.
        const prompter = await inquirerPrompter(style, ahead);
        answered = await askPrompts(questions, words, prompter);
        // Before the editor re-opens with a copy of the history: keep the whole command there, or
        // nothing when the prompts were cancelled.
        if (answered && answered.length !== words.length) {
          command = answered.map((w) => quoteWord(w)).join(' ');
          editor.replaceNewest(line, command);
        }
        if (!answered && questions.some((q) => q.type !== 'confirm')) editor.forgetNewest(line);
      } finally {
        editor.open();
      }
      if (!answered) {
        chrome.write(`${style.c.dim('cancelled; nothing done')}\n`);
        return undefined;
      }
      if (answered.length !== words.length) {
        // Wrapped at spaces, as the REPL's other lines are (a terminal would cut a quoted word).
        chrome.write(`${style.c.dim(wrap(`${style.unicode ? '→' : '->'} ${command}`, style.width))}\n`);
      }
      words = answered;
    }

    const running = startWords(session, words);
    const result = await runInSlices(running);
    if (result === undefined) {
      chrome.write(`${wrap(interrupted(words[0], running), style.width)}\n`);
      return undefined;
    }
    if (!result.ok && joinsCommands(line)) {
      // Said as a script says it (batch.ts): the line is at fault, not its first word as a verb.
      report(command, undefined, { ok: false, error: joinedError('prompt') });
      return undefined;
    }
    report(command, words[0], result);
    if (!result.ok) return undefined;
    if (result.output.kind === 'exit') return result.output.status ?? 0;
    if (result.output.kind === 'source') return source(result.output.path, command);
    return undefined;
  };

  /**
   * Runs a command a slice of about SLICE_MS at a time, with the event loop's turn between
   * slices, so that the keyboard is read while it runs: Ctrl-C (a key readline reads, the
   * terminal being raw; SIGINT otherwise, see onSigint) stops it at the end of the slice, the
   * state as it was before it (only a query is long: interleave's search). A command with no
   * slices (every other) runs whole. Undefined when it was stopped.
   */
  const runInSlices = async (running: RunningCommand): Promise<Result | undefined> => {
    let stop = false;
    editor.onInterrupt = () => {
      stop = true;
    };
    // Keys typed while it ran (a command typed ahead) were echoed where the cursor was: what it
    // prints starts below them, and the prompt shows them again.
    const below = () => {
      if (editor.typedAhead()) chrome.write('\n');
    };
    try {
      for (let slices = 0; ; slices++) {
        const until = performance.now() + SLICE_MS;
        let result: Result | undefined;
        do result = running.step(1);
        while (result === undefined && performance.now() < until);
        if (result !== undefined) {
          if (slices > 0) below();
          return result;
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (stop) {
          running.stop();
          below();
          return undefined;
        }
      }
    } finally {
      editor.onInterrupt = undefined;
    }
  };

  // Without a terminal (stdout redirected) the line discipline turns Ctrl-C into SIGINT.
  const onSigint = () => {
    if (editor.onInterrupt) return editor.onInterrupt();
    chrome.write('\n');
    editor.reprompt();
  };
  if (!terminal) process.on('SIGINT', onSigint);

  editor.open();
  let status = 0;
  try {
    for (;;) {
      const line = await editor.next(promptText(session, style));
      if (line === null) {
        if (chrome.isTTY) chrome.write('\n');
        break;
      }
      const ended = await handle(line);
      if (ended !== undefined) {
        status = ended;
        break;
      }
    }
  } finally {
    editor.close();
    output.off('resize', onResize);
    if (!terminal) process.off('SIGINT', onSigint);
  }
  return status;
};
