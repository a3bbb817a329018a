import type { Interface } from 'node:readline';

/**
 * Ctrl-R reverse incremental history search, as bash and psql have it, for a node:readline
 * interface (which has none). Ctrl-R starts a search, or goes to the next older match; typed
 * characters and Backspace edit the search; Ctrl-G or Escape gives the line back as it was; any
 * other key takes the match into the line and then acts as usual (Enter runs it, arrows edit it).
 */

/** The newest-first index of the first entry at or after `from` that contains `query`, or -1. */
export const findOlder = (history: readonly string[], query: string, from: number): number => {
  for (let i = Math.max(0, from); i < history.length; i++) if (history[i].includes(query)) return i;
  return -1;
};

/** The prompt shown while searching, bash's words. */
export const searchPrompt = (query: string, failed: boolean): string => `(${failed ? 'failed ' : ''}reverse-i-search)\`${query}': `;

interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  sequence?: string;
}

/** node:readline internals this needs; present in every Node from 12 to 24, checked before use. */
type Internals = Interface & {
  _ttyWrite?: (s: string | undefined, key: Key | undefined) => void;
  _refreshLine?: () => void;
  line: string;
  cursor: number;
  history: string[];
};

/** Adds Ctrl-R to `rl`; does nothing where readline's internals are not as expected. */
export const addReverseSearch = (rl: Interface): void => {
  const r = rl as Internals;
  const write = r._ttyWrite;
  const refresh = r._refreshLine;
  if (typeof write !== 'function' || typeof refresh !== 'function') return;
  let search: { query: string; index: number; failed: boolean; line: string; cursor: number; prompt: string } | undefined;

  const show = (line: string, prompt: string) => {
    r.setPrompt(prompt);
    r.line = line;
    r.cursor = line.length;
    refresh.call(r);
  };
  const find = (from: number) => {
    const s = search!;
    const at = findOlder(r.history, s.query, from);
    s.failed = at < 0;
    if (at >= 0) s.index = at;
    const match = s.index >= 0 ? r.history[s.index] : s.line;
    show(match, searchPrompt(s.query, s.failed));
  };
  const end = (line: string) => {
    const s = search!;
    search = undefined;
    show(line, s.prompt);
  };

  r._ttyWrite = function (s, key) {
    if (key?.ctrl && key.name === 'r') {
      if (!search) search = { query: '', index: -1, failed: false, line: r.line, cursor: r.cursor, prompt: r.getPrompt() };
      find(search.index + 1);
      return;
    }
    if (!search) return write.call(r, s, key);
    if ((key?.ctrl && key.name === 'g') || key?.name === 'escape') return end(search.line);
    if (key?.name === 'backspace') {
      search.query = search.query.slice(0, -1);
      return find(0);
    }
    if (s !== undefined && !key?.ctrl && !key?.meta && s.length === 1 && s >= ' ') {
      search.query += s;
      return find(Math.max(0, search.index));
    }
    // Any other key: keep what was found, then let readline act on the key.
    end(search.index >= 0 ? r.history[search.index] : search.line);
    write.call(r, s, key);
  };
};
