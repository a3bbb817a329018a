import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { bitsOf64, lowestBit32, popcount64, testBit64, type Bits64 } from '../../src/core/bits64.js';

// The word-level walks against the definition, one bit at a time. Words are signed int32 (bit 31
// is the sign), so the edge bits 31 and 63 are where a word-level trick goes wrong first.
const slowBits = (b: Bits64): number[] => Array.from({ length: 64 }, (_, i) => i).filter((i) => testBit64(b, i));
const word = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, -(2 ** 31), 1, 2 ** 31 - 1));
const bits64 = fc.tuple(word, word);

describe('Bits64 walks', () => {
  test('bitsOf64 lists the set bits lowest first, the sign bits included', () => {
    expect(bitsOf64([0, 0])).toEqual([]);
    expect(bitsOf64([-(2 ** 31), -(2 ** 31)])).toEqual([31, 63]);
    expect(bitsOf64([5, 1])).toEqual([0, 2, 32]);
    fc.assert(fc.property(bits64, (b) => expect(bitsOf64(b)).toEqual(slowBits(b))));
  });

  test('popcount64 counts them', () => {
    expect(popcount64([-1, -1])).toBe(64);
    expect(popcount64([-(2 ** 31), 0])).toBe(1);
    fc.assert(fc.property(bits64, (b) => expect(popcount64(b)).toBe(slowBits(b).length)));
  });

  test('lowestBit32 is __ffs of a non-zero word', () => {
    expect(lowestBit32(1)).toBe(0);
    expect(lowestBit32(-(2 ** 31))).toBe(31);
    expect(lowestBit32(0b1011000)).toBe(3);
  });
});
