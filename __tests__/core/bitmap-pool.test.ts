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

  test('allocFrom starts at a number, across ranges, as find_next_zero_bit from a channel level', () => {
    // AM65x host 12 tx channels: 1-3, 8-19, 26-63; normal-capacity requests start at 8
    const p = new BitmapPool('d.tx_chan', 'd', [
      { start: 1, count: 3 },
      { start: 8, count: 12 },
      { start: 26, count: 38 },
    ]);
    expect(p.total).toBe(53);
    expect(p.allocFrom(8)).toBe(8);
    expect(p.allocFrom(8)).toBe(9);
    // a start in a gap begins at the next range
    expect(p.allocFrom(20)).toBe(26);
    expect(p.allocFrom(4)).toBe(10);
    const normal = Array.from({ length: 46 }, () => p.allocFrom(8));
    expect(normal.slice(0, 9)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(normal[normal.length - 1]).toBe(63);
    expect(p.allocFrom(8)).toBeUndefined();
    // the channels below the start were never touched; alloc() still finds them
    expect(p.used).toBe(50);
    expect(p.alloc()).toBe(1);
    expect(p.allocFrom(64)).toBeUndefined();
    p.release(30);
    expect(p.allocFrom(0)).toBe(2);
    expect(p.allocFrom(8)).toBe(30);
    expect(p.stats()).toMatchObject({ used: 52, free: 1, peak: 52 });
  });

  test('exhausted names the pool with the code of the layer that ran out', () => {
    const p = new BitmapPool('x.vint', 'x', [{ start: 16, count: 1 }]);
    expect(p.alloc()).toBe(16);
    expect(p.exhausted()).toMatchObject({ code: 'ENOSPC', message: 'x.vint exhausted (1/1 used)', pool: { id: 'x.vint', used: 1, total: 1 } });
    expect(p.exhausted('EINVAL')).toMatchObject({ code: 'EINVAL', message: 'x.vint exhausted (1/1 used)' });
  });

  test('the peak counts the highest use ever reached, and is not part of the fingerprint', () => {
    const p = new BitmapPool('t', 't', [{ start: 0, count: 8 }]);
    const empty = p.fingerprint();
    p.alloc();
    p.alloc();
    p.release(1);
    p.release(0);
    expect(p.peak).toBe(2);
    expect(p.fingerprint()).toBe(empty);
  });
});
