/**
 * What the topology checks report: an issue is a JSON path and a sentence, at most MAX_ISSUES of
 * them. Also the phrases every check shares, so one value is described the same way everywhere.
 */
import { distance, maxEdits } from '../core/words.js';
import { quote } from './json-syntax.js';

export interface TopologyIssue {
  /** JSON path of the offending value, e.g. `$.intrs[0].ranges[1].count`. */
  path: string;
  /** What was found and what was expected. */
  message: string;
}

/** At most this many issues are reported (the last one says when more were cut off). */
export const MAX_ISSUES = 50;

/** Thrown by Issues.add once the list is full; the caller returns the list. */
export class TooManyIssues extends Error {}

export class Issues {
  readonly list: TopologyIssue[] = [];

  add(path: string, message: string): void {
    if (this.list.length === MAX_ISSUES - 1) {
      this.list.push({ path: '$', message: `too many issues; stopped after the first ${MAX_ISSUES - 1}` });
      throw new TooManyIssues();
    }
    this.list.push({ path, message });
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** A value as the "got ..." half of a message: `33`, `the string '4'`, `an array`, `nothing`. */
export const describe = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `${String(v)} (not a finite number)`;
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return isPlainObject(v) ? 'an object' : 'a non-plain object';
  return `a ${typeof v}`;
};

/** `$.a.b`, or `$.a["odd key"]` for a key that is not an identifier. */
export const keyPath = (base: string, key: string): string =>
  /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;

/** A JSON path from its keys and indices. */
export const pathOf = (segments: ReadonlyArray<string | number>): string =>
  segments.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : keyPath(out, s)), '$');

/** "have: a, b, c" for error messages, shortened. */
export const have = (ids: string[]): string => {
  if (ids.length === 0) return 'there are none';
  const shown = ids.slice(0, 8).join(', ');
  return `have: ${shown}${ids.length > 8 ? `, ... (${ids.length} in all)` : ''}`;
};

/** The known key a misspelt one most likely meant: same letters in another case, or a typo or two away (maxEdits). */
export const closest = (key: string, known: string[]): string | undefined => {
  const lower = key.toLowerCase();
  const sameCase = known.find((k) => k.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: string | undefined;
  let bestD = maxEdits(key.length) + 1;
  for (const k of known) {
    const d = distance(lower, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
};

/** `unknown key 'x': did you mean 'y'?`, or the keys known here: topology files' and --rm-cfg's words. */
export const unknownKey = (key: string, known: string[]): string => {
  const guess = closest(key, known);
  if (guess !== undefined) return `unknown key ${quote(key)}: did you mean ${quote(guess)}?`;
  const list = known.filter((k) => k !== '$schema');
  return `unknown key ${quote(key)}; known here: ${list.slice(0, 8).join(', ')}${list.length > 8 ? `, ... (${list.length} in all)` : ''}`;
};
