/**
 * The cheap first pass over a value to validate: refuses what is not plain JSON data, without
 * running a getter or recursing without bound, and copies the rest into a fresh tree of plain
 * objects and arrays for the schema check. `validateTopology` is also given JavaScript values
 * (the --rm-cfg path, tests): getters, Proxies, cycles, Maps; none of them may reach ajv.
 * JSON.parse's own output can hold none of them, and no one else holds it: it is only checked
 * (the limits and the forbidden keys), in place, and is its own tree.
 */
import { quote } from './json-syntax.js';
import { type Issues, isPlainObject, pathOf } from './issues.js';

/** Longest accepted array anywhere in the schema (its every `maxItems`), and most keys in an object. */
export const MAX_LIST = 4096;
/** Deepest accepted nesting of arrays and objects. */
export const MAX_DEPTH = 64;
/** Most array elements and object properties, in all, that a value may contain. */
export const MAX_VALUES = 4_000_000;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Stop extends Error {}

/** Not an object or array (nor a function, which `copy` refuses): copied as it is. */
const isLeaf = (v: unknown): boolean => (typeof v !== 'object' && typeof v !== 'function') || v === null;

/**
 * A fresh copy of `value` made of plain objects, arrays and primitives, or undefined after
 * adding issues. Properties whose value is undefined are dropped, as JSON.stringify would. A
 * shared object is copied again at each place (the value limit bounds that); a cycle is refused.
 * `parsed`: `value` is what JSON.parse just returned, and is returned itself if it passes.
 */
export const toPlainTree = (value: unknown, issues: Issues, parsed = false): { tree: unknown } | undefined => {
  let values = 0;
  /**
   * The keys and indices from the root to the value being read: a path is spelled only for an
   * issue, not for every value read.
   */
  const at: Array<string | number> = [];
  const add = (message: string) => issues.add(pathOf(at), message);
  /** An issue at `key` of the value being read. */
  const addAt = (key: string | number, message: string) => {
    at.push(key);
    add(message);
    at.pop();
  };
  /** The objects enclosing the one being copied. */
  const open = new Set<object>();
  const count = (n: number) => {
    if ((values += n) > MAX_VALUES) {
      issues.add('$', `expected at most ${MAX_VALUES} values in all, got more`);
      throw new Stop();
    }
  };
  const tooDeep = (depth: number) => {
    if (depth > MAX_DEPTH) {
      add(`nesting deeper than ${MAX_DEPTH} levels`);
      throw new Stop();
    }
  };
  // Refused here, not by the schema's maxItems: ajv would first report every element.
  const tooLong = (n: number, what: string): boolean => {
    if (n <= MAX_LIST) return false;
    add(`expected at most ${MAX_LIST} ${what}, got ${n}`);
    return true;
  };
  const forbidden = (key: string): boolean => {
    if (!FORBIDDEN_KEYS.has(key)) return false;
    addAt(key, `forbidden key ${quote(key)}: the keys __proto__, constructor and prototype are refused anywhere in a topology`);
    return true;
  };

  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v === 'function') {
      add('expected a plain JSON value, got a function');
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return v;
    tooDeep(depth);
    if (open.has(v)) {
      add('expected a plain JSON value, got a cycle: an object that contains itself');
      return undefined;
    }
    open.add(v);
    try {
      return copyObject(v, depth);
    } finally {
      open.delete(v);
    }
  };
  /** `copy` of the value at `key` of the one being read. */
  const copyAt = (key: string | number, v: unknown, depth: number): unknown => {
    if (isLeaf(v)) return v;
    at.push(key);
    const out = copy(v, depth);
    at.pop();
    return out;
  };
  const copyObject = (v: object, depth: number): unknown => {
    if (Array.isArray(v)) {
      if (tooLong(v.length, 'entries')) return undefined;
      count(v.length);
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const d = Object.getOwnPropertyDescriptor(v, i);
        if (d !== undefined && !('value' in d)) {
          addAt(i, 'expected a plain JSON value, got an element with a getter or setter');
          out.push(undefined);
        } else out.push(copyAt(i, d?.value, depth + 1));
      }
      return out;
    }
    if (!isPlainObject(v)) {
      add('expected a plain JSON value, got a non-plain object');
      return undefined;
    }
    const keys = Object.keys(v);
    // No object of the schema has more than a dozen keys; each unknown one would be an ajv error.
    if (tooLong(keys.length, 'keys')) return undefined;
    count(keys.length);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      if (forbidden(key)) continue;
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d === undefined) continue;
      if (!('value' in d)) {
        addAt(key, 'expected a plain JSON value, got a property with a getter or setter');
        continue;
      }
      if (d.value !== undefined) out[key] = copyAt(key, d.value, depth + 1);
    }
    return out;
  };

  /**
   * `copyObject`'s checks, in the same order, on JSON.parse's output, which has no getters,
   * Proxies, cycles, holes, undefined values or objects but plain ones and arrays. Its own
   * "__proto__" key is a data property, refused before anything reads it.
   */
  const check = (v: object, depth: number): void => {
    tooDeep(depth);
    if (Array.isArray(v)) {
      const n = v.length;
      if (tooLong(n, 'entries')) return;
      count(n);
      for (let i = 0; i < n; i++) {
        const e: unknown = v[i];
        if (typeof e === 'object' && e !== null) {
          at.push(i);
          check(e, depth + 1);
          at.pop();
        }
      }
      return;
    }
    const keys = Object.keys(v);
    if (tooLong(keys.length, 'keys')) return;
    count(keys.length);
    for (const key of keys) {
      if (forbidden(key)) continue;
      const e: unknown = (v as Record<string, unknown>)[key];
      if (typeof e === 'object' && e !== null) {
        at.push(key);
        check(e, depth + 1);
        at.pop();
      }
    }
  };

  const before = issues.list.length;
  try {
    let tree = value;
    if (!parsed) tree = copy(value, 1);
    else if (typeof value === 'object' && value !== null) check(value, 1);
    return issues.list.length === before ? { tree } : undefined;
  } catch (e) {
    if (e instanceof Stop) return undefined;
    throw e; // TooManyIssues, or a Proxy's trap: the caller reports them
  }
};
