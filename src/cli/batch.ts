import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { CoreError } from '../core/errors.js';
import type { ErrorInfo } from '../core/types.js';
import { oneLine } from '../commands/args.js';
import { findCommand, runWords } from '../commands/registry.js';
import type { Result } from '../commands/result.js';
import type { Session } from '../commands/session.js';
import { commandWords } from '../commands/tokenize.js';
import { renderJson } from '../render/json.js';
import type { Style } from '../render/style.js';
import { renderError, renderText } from '../render/text.js';
import type { Sink } from './output.js';
import { readTextFile } from './script-file.js';

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
}

/** A script to run: its display name (a path, `<stdin>`, `-e`), text, and the folder `source` is relative to. */
export interface Script {
  name: string;
  text: string;
  dir: string;
  /** Real path, for loop detection; undefined for stdin and -e. */
  real?: string;
}

interface Where {
  file: string;
  line: number;
}

const shortCommand = (line: string): string => (line.length > 200 ? `${line.slice(0, 197)}...` : line);

/** A bug of ours met while running a line: says where, keeps the original as the cause. */
export class InternalError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'InternalError';
  }
}

/**
 * Runs scripts line by line on one session: errors compiler-style on stderr, output or JSON on
 * stdout. Counts failures; `exit`, --bail or too many errors stops it.
 */
export class BatchRunner {
  failures = 0;
  stopped = false;

  constructor(
    private readonly session: Session,
    private readonly opts: BatchOptions,
  ) {}

  run(script: Script, stack: string[] = []): void {
    const text = script.text;
    const name = oneLine(script.name);
    // A UTF-8 byte order mark is not part of the first command (readers strip it too).
    let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let lineNo = 0;
    while (start <= text.length && !this.stopped) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      const raw = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
      this.line(raw, script, { file: name, line: lineNo }, stack);
      start = end + 1;
    }
  }

  private line(raw: string, script: Script, where: Where, stack: string[]): void {
    let words: string[];
    try {
      words = commandWords(raw);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      this.report(where, raw, undefined, { ok: false, error: { code: e.code, message: e.message } });
      return;
    }
    if (words.length === 0) return;
    let result: Result;
    try {
      result = runWords(this.session, words);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new InternalError(`${where.file}:${where.line}: ${oneLine(shortCommand(words.join(' ')))}: ${message}`, e);
    }
    const command = raw.trim();
    if (result.ok && result.output.kind === 'source') {
      this.include(result.output.path, script, where, command, stack);
      return;
    }
    this.report(where, command, words[0], result);
    if (result.ok && result.output.kind === 'exit') this.stopped = true;
  }

  /** `source`: reported once, as a failure if the file cannot be included, else as done before its lines run. */
  private include(path: string, from: Script, where: Where, command: string, stack: string[]): void {
    const fail = (code: ErrorInfo['code'], message: string) => this.report(where, command, 'source', { ok: false, error: { code, message: oneLine(message) } });
    const abs = isAbsolute(path) ? path : resolve(from.dir, path);
    const shown = isAbsolute(path) ? path : relative(process.cwd(), abs) || abs;
    if (stack.length >= MAX_SOURCE_DEPTH) return fail('EINVAL', `${shown}: source nested deeper than ${MAX_SOURCE_DEPTH} scripts`);
    const read = readTextFile(abs, 'script');
    if (!read.ok) return fail(read.code, read.message.replace(abs, shown));
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      real = abs;
    }
    const chain = [...stack, ...(from.real ? [from.real] : [])];
    if (chain.includes(real)) {
      const names = [...chain.slice(chain.indexOf(real)), real].map((p) => relative(process.cwd(), p) || p);
      return fail('EINVAL', `source loop: ${names.join(' -> ')}`);
    }
    this.report(where, command, 'source', { ok: true, output: { kind: 'source', path } });
    this.run({ name: shown, text: read.text, dir: dirname(abs), real }, chain);
  }

  private report(where: Where, command: string, verb: string | undefined, result: Result): void {
    const { sink, style, json, quiet } = this.opts;
    const spec = verb === undefined ? undefined : findCommand(verb);
    if (!result.ok) {
      this.failures++;
      const max = this.opts.maxErrors ?? MAX_ERRORS;
      if (this.failures > max) {
        this.stopped = true;
        sink.err(`msi-explorer: too many errors: stopped at ${where.file}:${where.line} after ${max} failed commands\n`);
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
    if (json || (quiet && !spec?.view)) return;
    const text = renderText(style, result.output);
    if (text !== '') sink.out(`${text}\n`);
  }
}
