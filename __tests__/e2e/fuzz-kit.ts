/**
 * What the fuzz suites share: the shape every error must have, and structural mutations of JSON
 * (topology files).
 */
import { MAX_MESSAGE } from '../../src/commands/args.js';
import { runWords } from '../../src/commands/registry.js';
import type { Result } from '../../src/commands/result.js';
import type { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { CoreError, ERR_CODES } from '../../src/core/errors.js';
import { STACK_FRAME } from './harness.js';

export const KNOWN_CODES = new Set<string>(ERR_CODES);

/** What every failure must look like, whatever the input: a known code, one non-empty short line, no stack. */
export const checkError = (line: string, code: string, message: string): void => {
  const where = `for ${JSON.stringify(line.slice(0, 200))}`;
  if (!KNOWN_CODES.has(code)) throw new Error(`unknown code ${code} ${where}`);
  if (message.length === 0) throw new Error(`empty message ${where}`);
  if (/[\n\r\u2028\u2029]/.test(message)) throw new Error(`message spans lines ${where}: ${JSON.stringify(message)}`);
  if (STACK_FRAME.test(message) || /\bat .*\.(js|ts):\d+/.test(message)) throw new Error(`stack frame in message ${where}`);
  // Characters, as the cut counts them: a character past U+FFFF is two UTF-16 units of .length.
  const characters = [...message].length;
  if (characters > MAX_MESSAGE) throw new Error(`message of ${characters} characters ${where}`);
};

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Mutation {
  at: number;
  /** delete, replace, duplicate (an array item, or a key with itself), nudge (a number), huge (a number times 2^40), retype (number <-> string, array -> object, x -> [x]), rename (a copy under an unknown key), proto (a "__proto__" key, see mutate). */
  op: string;
  value: unknown;
  delta: number;
}

/** Every (container, key) in a JSON value, depth first. */
export const places = (root: Json): Array<[Json, string | number]> => {
  const out: Array<[Json, string | number]> = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    const keys: Array<string | number> = Array.isArray(v) ? v.map((_: unknown, i: number) => i) : Object.keys(v);
    for (const k of keys) {
      out.push([v, k]);
      if (typeof v[k] === 'object' && v[k] !== null) stack.push(v[k]);
    }
  }
  return out;
};

const copy = (v: unknown): Json => JSON.parse(JSON.stringify(v ?? null));

/** Applies the mutations in place; `proto` marks an object with __PROTO_MARK__ (see mutate). */
export const mutateJson = (root: Json, ms: readonly Mutation[]): Json => {
  for (const m of ms) {
    const all = places(root);
    if (all.length === 0) break;
    const [parent, key] = all[m.at % all.length];
    const old = parent[key];
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (m.op === 'replace') parent[key] = m.value;
    else if (m.op === 'nudge') parent[key] = typeof old === 'number' ? old + m.delta : m.value;
    else if (m.op === 'huge') parent[key] = typeof old === 'number' ? old * 2 ** 40 : 2 ** 62;
    else if (m.op === 'retype') parent[key] = typeof old === 'number' ? String(old) : typeof old === 'string' ? Number(old) || old.length : Array.isArray(old) ? { ...old } : old === null ? 0 : [old];
    else if (m.op === 'duplicate') {
      if (Array.isArray(parent)) parent.push(copy(old));
      else parent[key] = copy(old);
    } else if (m.op === 'rename') {
      if (Array.isArray(parent)) parent.push(copy(old));
      else parent[`${key}2`] = copy(old);
    } else if (typeof old === 'object' && old !== null && !Array.isArray(old)) old.__PROTO_MARK__ = m.value ?? 1;
  }
  return root;
};

/** The text of `base` mutated; a `proto` mutation becomes a literal "__proto__" key in it. */
export const mutate = (base: string, ms: readonly Mutation[]): string => JSON.stringify(mutateJson(JSON.parse(base), ms)).replace(/"__PROTO_MARK__"/g, '"__proto__"');

/** The words of a line, or the tokenizer's refusal (checked to be a proper error). */
export const wordsOf = (line: string): string[] | CoreError => {
  try {
    return tokenize(line);
  } catch (e) {
    if (!(e instanceof CoreError)) throw new Error(`tokenize threw ${String(e)} for ${JSON.stringify(line.slice(0, 200))}`);
    checkError(line, e.code, e.message);
    return e;
  }
};

/** runWords, which must never throw: a throw is reported with the line and its stack. */
export const runChecked = (session: Session, words: string[], line: string): Result => {
  try {
    return runWords(session, words);
  } catch (e) {
    throw new Error(`runWords threw for ${JSON.stringify(line.slice(0, 200))}: ${e instanceof Error ? e.stack : String(e)}`);
  }
};
