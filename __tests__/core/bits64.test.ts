import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { expectToBe, expectToEqual } from '../hot-expect.js';
import { bitsOf64, clearBit64, firstZero64, isFull64, lowestBit32, popcount64, setBit64, testBit64, type Bits64 } from '../../src/core/bits64.js';

// The word-level walks against the definition, one bit at a time. Words are signed int32 (bit 31
// is the sign), so the edge bits 31 and 63 are where a word-level trick goes wrong first.
const slowBits = (b: Bits64): number[] => Array.from({ length: 64 }, (_, i) => i).filter((i) => testBit64(b, i));
/** Bit `i` by its definition: word i / 32, bit i % 32 of it. */
const slowTest = (b: Bits64, i: number): boolean => ((b[Math.floor(i / 32)] >>> (i % 32)) & 1) === 1;
const word = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, -(2 ** 31), 1, 2 ** 31 - 1));
const bits64 = fc.tuple(word, word);

describe('Bits64 walks', () => {
  test('bitsOf64 lists the set bits lowest first, the sign bits included', () => {
    expect(bitsOf64([0, 0])).toEqual([]);
    expect(bitsOf64([-(2 ** 31), -(2 ** 31)])).toEqual([31, 63]);
    expect(bitsOf64([5, 1])).toEqual([0, 2, 32]);
    fc.assert(fc.property(bits64, (b) => expectToEqual(bitsOf64(b), slowBits(b))));
  });

  test('popcount64 counts them', () => {
    expect(popcount64([-1, -1])).toBe(64);
    expect(popcount64([-(2 ** 31), 0])).toBe(1);
    fc.assert(fc.property(bits64, (b) => expectToBe(popcount64(b), slowBits(b).length)));
  });

  test('testBit64, setBit64 and clearBit64 read and change the one bit, the words staying int32', () => {
    expect(testBit64([0, -(2 ** 31)], 63)).toBe(true);
    expect(testBit64([-(2 ** 31), 0], 31)).toBe(true);
    expect(testBit64([-(2 ** 31), 0], 63)).toBe(false);
    fc.assert(
      fc.property(bits64, fc.integer({ min: 0, max: 63 }), (b, bit) => {
        expectToBe(testBit64(b, bit), slowTest(b, bit));
        const set: Bits64 = [b[0], b[1]];
        setBit64(set, bit);
        const cleared: Bits64 = [b[0], b[1]];
        clearBit64(cleared, bit);
        for (let i = 0; i < 64; i++) {
          expectToBe(slowTest(set, i), i === bit || slowTest(b, i));
          expectToBe(slowTest(cleared, i), i !== bit && slowTest(b, i));
        }
        for (const w of [...set, ...cleared]) expectToBe(w, w | 0);
      }),
    );
  });

  test('firstZero64 is find_first_zero_bit, -1 when isFull64', () => {
    expect(firstZero64([0, 0])).toBe(0);
    expect(firstZero64([2 ** 31 - 1, 0])).toBe(31);
    expect(firstZero64([-1, 0])).toBe(32);
    expect(firstZero64([-1, 2 ** 31 - 1])).toBe(63);
    expect(firstZero64([-1, -1])).toBe(-1);
    fc.assert(
      fc.property(bits64, (b) => {
        const zeros = Array.from({ length: 64 }, (_, i) => i).filter((i) => !slowTest(b, i));
        expectToBe(firstZero64(b), zeros.length === 0 ? -1 : zeros[0]);
        expectToBe(isFull64(b), zeros.length === 0);
      }),
    );
  });

  test('lowestBit32 is __ffs of a non-zero word', () => {
    expect(lowestBit32(1)).toBe(0);
    expect(lowestBit32(-(2 ** 31))).toBe(31);
    expect(lowestBit32(0b1011000)).toBe(3);
  });
});
