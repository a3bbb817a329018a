import { describe, expect, test } from '@jest/globals';
import { BitmapPool } from '../../src/core/bitmap-pool.js';

describe('BitmapPool', () => {
  test('allocates first fit across ranges and reuses the lowest freed number', () => {
    const p = new BitmapPool('t.out', 't', [
      { start: 0, count: 40 },
      { start: 100, count: 3 },
    ]);
    expect(p.total).toBe(43);
    const got = Array.from({ length: 43 }, () => p.alloc());
    expect(got.slice(38)).toEqual([38, 39, 100, 101, 102]);
    expect(p.alloc()).toBeUndefined();
    expect(p.exhausted().message).toBe('t.out exhausted (43/43 used)');
    p.release(101);
    p.release(5);
    expect(p.alloc()).toBe(5);
    expect(p.alloc()).toBe(101);
    expect(p.peak).toBe(43);
  });

  test('take refuses numbers outside the ranges or already held', () => {
    const p = new BitmapPool('t', 't', [{ start: 16384, count: 64 }]);
    expect(p.take(16383)).toBe(false);
    expect(p.take(16400)).toBe(true);
    expect(p.take(16400)).toBe(false);
    expect([...p.usedNumbers()]).toEqual([16400]);
    expect(p.stats()).toMatchObject({ used: 1, free: 63, total: 64, peak: 1 });
  });
});
