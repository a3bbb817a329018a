import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isGarbledLine } from '../commands/tokenize.js';

/**
 * The REPL's persistent history: one command a line, oldest first, as a shell keeps it.
 * Default ~/.msi_explorer_history; MSI_EXPLORER_HISTORY names another file, and an empty
 * MSI_EXPLORER_HISTORY turns persistence off (so does /dev/null, naturally). A file that cannot
 * be read or written costs one warning line and the session goes on without persistence; one
 * that plainly cannot be written (no such folder, no permission) is said at start, before the
 * first command rather than after it.
 */

export const HISTORY_ENV = 'MSI_EXPLORER_HISTORY';
export const HISTORY_FILE = '.msi_explorer_history';
export const HISTORY_MAX = 1000;
/** Past this a history file is not one this program wrote: only its tail is read. */
const MAX_READ = 1 << 20;

/** Where history lives, or undefined when it is turned off. */
export const historyPath = (env: NodeJS.ProcessEnv = process.env, home: () => string = homedir): string | undefined => {
  const set = env[HISTORY_ENV];
  if (set !== undefined) return set === '' ? undefined : set;
  try {
    const h = home();
    return h ? join(h, HISTORY_FILE) : undefined;
  } catch {
    return undefined;
  }
};

const why = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOENT':
      return 'no such folder';
    case 'ENOTDIR':
      return 'a parent is not a folder';
    default:
      return err.code ?? err.message;
  }
};

/**
 * Why a history file (`exists` or to be made) plainly cannot be written, or undefined. What only
 * the write shows (a full disk, the folder removed meanwhile) is left to save().
 */
const unwritable = (path: string, exists: boolean): string | undefined => {
  try {
    // A file to be made needs a folder it may write in (one that is a file was refused by the read).
    accessSync(exists ? path : dirname(path), constants.W_OK);
    return undefined;
  } catch (e) {
    return why(e);
  }
};

/**
 * Lines of a history file, oldest first: no blanks, no repeats in a row, the last HISTORY_MAX,
 * and none the REPL refuses before running it (too long; control characters, bidirectional
 * overrides, invalid UTF-8): recalled, such a line would show other than it is, and fail again.
 */
export const parseHistory = (text: string): string[] => {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line.trim() === '' || isGarbledLine(line)) continue;
    if (out[out.length - 1] === line) continue;
    out.push(line);
  }
  return out.slice(-HISTORY_MAX);
};

export class History {
  private enabled: boolean;
  private warned = false;

  constructor(
    readonly path: string | undefined,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`msi-explorer: ${m}\n`),
  ) {
    this.enabled = path !== undefined;
  }

  /** The saved history, newest first (node:readline's order). */
  load(): string[] {
    if (!this.enabled || this.path === undefined) return [];
    let text: string;
    try {
      const bytes = readFileSync(this.path);
      text = bytes.subarray(Math.max(0, bytes.length - MAX_READ)).toString('utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.warnIfUnwritable(false);
      // Not readable: do not overwrite what we could not read.
      else this.disable('read', why(e));
      return [];
    }
    this.warnIfUnwritable(true);
    return parseHistory(text).reverse();
  }

  /** Writes the history (newest first, as node:readline keeps it); never throws. */
  save(newestFirst: readonly string[]): void {
    if (!this.enabled || this.path === undefined) return;
    const lines = parseHistory([...newestFirst].reverse().join('\n'));
    try {
      writeFileSync(this.path, lines.length === 0 ? '' : `${lines.join('\n')}\n`, { mode: 0o600 });
    } catch (e) {
      this.disable('write', why(e));
    }
  }

  /**
   * Said now, not at the first save: that comes as a command's line is entered, so a user who
   * typed nothing learnt nothing, and one who did read it in the middle of that line.
   */
  private warnIfUnwritable(exists: boolean): void {
    const reason = this.path === undefined ? undefined : unwritable(this.path, exists);
    if (reason !== undefined) this.disable('write', reason);
  }

  /** Stops saving for the rest of the session, saying why once: the file could not be read or written, for `reason`. */
  private disable(failed: 'read' | 'write', reason: string): void {
    this.enabled = false;
    if (this.warned) return;
    this.warned = true;
    this.warn(`history: cannot ${failed} ${this.path}: ${reason}; history is not saved this session`);
  }
}
