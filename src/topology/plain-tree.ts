/**
 * The cheap first pass over a value to validate: refuses what is not plain JSON data, without
 * running a getter or recursing without bound, and copies the rest into a fresh tree of plain
 * objects and arrays for the schema check. `validateTopology` is also given JavaScript values
 * (the --rm-cfg path, tests): getters, Proxies, cycles, Maps; none of them may reach ajv.
 */
import { quote } from './json-syntax.js';
import { type Issues, isPlainObject, keyPath } from './issues.js';

/** Longest accepted array anywhere in the schema (its every `maxItems`), and most keys in an object. */
export const MAX_LIST = 4096;
/** Deepest accepted nesting of arrays and objects. */
export const MAX_DEPTH = 64;
/** Most array elements and object properties, in all, that a value may contain. */
export const MAX_VALUES = 4_000_000;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Stop extends Error {}

/**
 * A fresh copy of `value` made of plain objects, arrays and primitives, or undefined after
 * adding issues. Properties whose value is undefined are dropped, as JSON.stringify would. A
 * shared object is copied again at each place (the value limit bounds that); a cycle is refused.
 */
export const toPlainTree = (value: unknown, issues: Issues): { tree: unknown } | undefined => {
  let values = 0;
  /** The objects enclosing the one being copied. */
  const open = new Set<object>();
  const count = (n: number) => {
    if ((values += n) > MAX_VALUES) {
      issues.add('$', `expected at most ${MAX_VALUES} values in all, got more`);
      throw new Stop();
    }
  };
  const copy = (v: unknown, path: string, depth: number): unknown => {
    if (typeof v === 'function') {
      issues.add(path, 'expected a plain JSON value, got a function');
      return undefined;
    }
    if (typeof v !== 'object' || v === null) return v;
    if (depth > MAX_DEPTH) {
      issues.add(path, `nesting deeper than ${MAX_DEPTH} levels`);
      throw new Stop();
    }
    if (open.has(v)) {
      issues.add(path, 'expected a plain JSON value, got a cycle: an object that contains itself');
      return undefined;
    }
    open.add(v);
    try {
      return copyObject(v, path, depth);
    } finally {
      open.delete(v);
    }
  };
  const copyObject = (v: object, path: string, depth: number): unknown => {
    if (Array.isArray(v)) {
      // Refused here, not by the schema's maxItems: ajv would first report every element.
      if (v.length > MAX_LIST) {
        issues.add(path, `expected at most ${MAX_LIST} entries, got ${v.length}`);
        return undefined;
      }
      count(v.length);
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const d = Object.getOwnPropertyDescriptor(v, i);
        if (d !== undefined && !('value' in d)) {
          issues.add(`${path}[${i}]`, 'expected a plain JSON value, got an element with a getter or setter');
          out.push(undefined);
        } else {
          const e: unknown = d?.value;
          // A number, string or boolean is copied as it is, without its path (only an issue names
          // one): a long list of them costs no string per element.
          out.push((typeof e !== 'object' && typeof e !== 'function') || e === null ? e : copy(e, `${path}[${i}]`, depth + 1));
        }
      }
      return out;
    }
    if (!isPlainObject(v)) {
      issues.add(path, 'expected a plain JSON value, got a non-plain object');
      return undefined;
    }
    const keys = Object.keys(v);
    // No object of the schema has more than a dozen keys; each unknown one would be an ajv error.
    if (keys.length > MAX_LIST) {
      issues.add(path, `expected at most ${MAX_LIST} keys, got ${keys.length}`);
      return undefined;
    }
    count(keys.length);
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const at = keyPath(path, key);
      if (FORBIDDEN_KEYS.has(key)) {
        issues.add(at, `forbidden key ${quote(key)}: the keys __proto__, constructor and prototype are refused anywhere in a topology`);
        continue;
      }
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (d === undefined) continue;
      if (!('value' in d)) {
        issues.add(at, 'expected a plain JSON value, got a property with a getter or setter');
        continue;
      }
      if (d.value !== undefined) out[key] = copy(d.value, at, depth + 1);
    }
    return out;
  };
  const before = issues.list.length;
  try {
    const tree = copy(value, '$', 1);
    return issues.list.length === before ? { tree } : undefined;
  } catch (e) {
    if (e instanceof Stop) return undefined;
    throw e; // TooManyIssues, or a Proxy's trap: the caller reports them
  }
};
