/**
 * fc.string's `unit: 'binary'` (any code point but a lone surrogate), built so that it costs
 * nothing to create. fast-check's own is a mapToConstant over 1,112,064 code points whose
 * unmapper, the first time a string arbitrary asks it to split fast-check's list of dangerous
 * strings into units, fills a Map with every one of them: 2-3 s of CPU in each suite that uses
 * it. This is the same arbitrary (nat over the same indices, mapped to the same strings, so a
 * seed gives the same values), with the unmapper computed from the code point instead.
 */
import fc from 'fast-check';

const SURROGATES = 0xe000 - 0xd800;
const LAST = 0x10ffff - SURROGATES;

const fromIndex = (i: number): string => String.fromCodePoint(i < 0xd800 ? i : i + SURROGATES);

const toIndex = (v: unknown): number => {
  const cp = typeof v === 'string' ? v.codePointAt(0) : undefined;
  if (cp === undefined || (cp >= 0xd800 && cp < 0xe000) || v !== String.fromCodePoint(cp)) throw new Error('not one code point of the binary unit');
  return cp < 0xd800 ? cp : cp - SURROGATES;
};

export const BINARY_UNIT: fc.Arbitrary<string> = fc.nat({ max: LAST }).map(fromIndex, toIndex);
