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
