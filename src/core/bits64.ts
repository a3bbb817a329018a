/**
 * A 64-bit register or bitmap held as two 32-bit words, [low, high], each a signed int32 (bit 31
 * reads as the sign). V8 holds an int32 in an array slot as a small integer; an unsigned word
 * with bit 31 set would be a heap number, allocated on every write. hex64 shows words unsigned.
 */
export type Bits64 = [number, number];

export const EMPTY64 = (): Bits64 => [0, 0];

// The helpers the allocator runs on every operation are kept to a few bytecodes (bit >> 5 is
// the word of a bit 0-63, and a shift counts modulo 32): V8 inlines a function that small
// wherever it is called, where a larger one is a call once the caller's inlining budget is spent.

export const isEmpty64 = (b: Bits64): boolean => b[0] === 0 && b[1] === 0;

/** Every bit set: neither word has a zero (each is -1, all ones). */
export const isFull64 = (b: Bits64): boolean => (b[0] & b[1]) === -1;

export const testBit64 = (b: Bits64, bit: number): boolean => (b[bit >> 5] & (1 << bit)) !== 0;

export const setBit64 = (b: Bits64, bit: number): void => {
  b[bit >> 5] |= 1 << bit;
};

export const clearBit64 = (b: Bits64, bit: number): void => {
  b[bit >> 5] &= ~(1 << bit);
};

const clz32 = Math.clz32;

/**
 * find_first_zero_bit over 64 bits; -1 when all are set. ~w & (w + 1) isolates a word's lowest
 * zero bit; written out twice rather than called, so that there is no call left to inline.
 */
export const firstZero64 = (b: Bits64): number => {
  const lo = b[0];
  if (lo !== -1) return 31 - clz32(~lo & (lo + 1));
  const hi = b[1];
  return hi !== -1 ? 63 - clz32(~hi & (hi + 1)) : -1;
};

export const and64 = (a: Bits64, b: Bits64): Bits64 => [a[0] & b[0], a[1] & b[1]];

const popcount32 = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** bitmap_weight over 64 bits: a word at a time (SWAR), not a bit at a time. */
export const popcount64 = (b: Bits64): number => popcount32(b[0]) + popcount32(b[1]);

/** Bit number of the lowest set bit of a non-zero word (__ffs). */
export const lowestBit32 = (w: number): number => 31 - Math.clz32(w & -w);

/** Set bits, lowest first: each word's lowest set bit taken off in turn, as for_each_set_bit does. */
export const bitsOf64 = (b: Bits64): number[] => {
  const out: number[] = [];
  for (let i = 0; i < 2; i++) {
    for (let w = b[i]; w !== 0; w &= w - 1) out.push(32 * i + lowestBit32(w));
  }
  return out;
};

// "0x" and the zeros that pad a word of `n` hex digits to 16: one string, where two padStart calls
// made four for each register a fire trace shows (4 a trace).
const PAD64 = Array.from({ length: 17 }, (_, n) => `0x${'0'.repeat(16 - n)}`);
const ZEROS = '00000000';

/** "0x0000000000000005": 16 hex digits, the words read unsigned. */
export const hex64 = (b: Bits64): string => {
  const low = (b[0] >>> 0).toString(16);
  if (b[1] === 0) return PAD64[low.length] + low;
  const high = (b[1] >>> 0).toString(16);
  return `${PAD64[8 + high.length]}${high}${ZEROS.slice(low.length)}${low}`;
};
