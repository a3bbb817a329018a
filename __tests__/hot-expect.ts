/**
 * Matchers for loops that assert thousands of times (property and fuzz tests): each calls jest's
 * own matcher, with the same arguments, only when the check it makes fails, so a failure reads
 * exactly as `expect(...)` would print it. jest's expect() builds all of its ~50 matchers six
 * times over and an Error on every call (tens of microseconds), which in those loops added up to
 * seconds of a run. Each guard is the matcher's own test (noted beside it).
 */
import { expect } from '@jest/globals';

/** expect(actual).toBe(expected): Object.is. */
export const expectToBe = (actual: unknown, expected: unknown): void => {
  if (!Object.is(actual, expected)) expect(actual).toBe(expected);
};

/** expect(actual).not.toBe(other): not Object.is. */
export const expectNotToBe = (actual: unknown, other: unknown): void => {
  if (Object.is(actual, other)) expect(actual).not.toBe(other);
};

/** expect(actual).toBeLessThanOrEqual(limit): a number <= limit. */
export const expectAtMost = (actual: number, limit: number): void => {
  if (!(typeof actual === 'number' && actual <= limit)) expect(actual).toBeLessThanOrEqual(limit);
};

/** expect(list).toContain(item): an item === item (jest's test for an array). */
export const expectToContain = (list: readonly unknown[], item: unknown): void => {
  if (!(Array.isArray(list) && list.findIndex((x) => x === item) !== -1)) expect(list).toContain(item);
};

/** expect(actual).toBeDefined(). */
export const expectDefined = (actual: unknown): void => {
  if (actual === undefined) expect(actual).toBeDefined();
};

/** expect(text).not.toMatch(re): a fresh copy of re finds nothing (jest tests a copy too). */
export const expectNoMatch = (text: string, re: RegExp): void => {
  if (!(typeof text === 'string' && !new RegExp(re).test(text))) expect(text).not.toMatch(re);
};

/** expect(actual).toBeGreaterThan(limit): a number > limit. */
export const expectAbove = (actual: number, limit: number): void => {
  if (!(typeof actual === 'number' && actual > limit)) expect(actual).toBeGreaterThan(limit);
};

/** expect(fn).not.toThrow(): fn runs once; what it threw is handed to the matcher to report. */
export const expectNoThrow = (fn: () => unknown): void => {
  try {
    fn();
  } catch (e) {
    expect(() => {
      throw e;
    }).not.toThrow();
  }
};

/**
 * Plain data equal to the letter: primitives Object.is, arrays of one length with every index
 * present, plain objects with the same own keys (none of them symbols). Stricter than toEqual
 * (which also takes a missing key for an undefined one, other classes, holes), so where it holds
 * toEqual passes; where it does not, toEqual itself decides.
 */
const sameData = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getOwnPropertySymbols(a).length > 0 || Object.getOwnPropertySymbols(b).length > 0) return false;
  const keys = Object.keys(a);
  if (Object.keys(b).length !== keys.length) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length || keys.length !== a.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of keys) if (!Object.hasOwn(y, k) || !sameData(x[k], y[k])) return false;
  return true;
};

/** expect(actual).toEqual(expected), for plain data (sameData; anything else goes to the matcher). */
export const expectToEqual = (actual: unknown, expected: unknown): void => {
  if (!sameData(actual, expected)) expect(actual).toEqual(expected);
};
