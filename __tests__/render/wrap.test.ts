import { describe, expect, test } from '@jest/globals';
import { Chalk } from 'chalk';
import fc from 'fast-check';
import { makeStyle, visibleLength } from '../../src/render/style.js';
import { wrap, wrapParts, wrapWords } from '../../src/render/wrap.js';
import { seeded } from '../seed.js';

// wrapParts keeps the current line's length as it grows, and wrap decides short lines by their
// length alone: both must give what measuring every line in full gives.
const measuredParts = (head: string, parts: string[], sep: string, width: number, indent = 4): string => {
  const lines: string[] = [];
  let cur = head;
  parts.forEach((part, i) => {
    const piece = i === 0 ? part : `${sep}${part}`;
    const need = visibleLength(piece) + (i < parts.length - 1 ? sep.trimEnd().length : 0);
    if (i > 0 && visibleLength(cur) + need > width) {
      lines.push(cur + sep.trimEnd());
      cur = ' '.repeat(indent) + part;
    } else cur += piece;
  });
  lines.push(cur);
  return lines.join('\n');
};

const c = makeStyle(1, 80, true, Chalk).c;
const word = fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', '-', '>'), maxLength: 14 });
const painted = fc.oneof(word, word.map((w) => c.bold(w)), word.map((w) => c.red.bold(w)));

describe('wrapping', () => {
  test('wrapParts equals measuring each line in full, with and without colour', () => {
    fc.assert(
      fc.property(painted, fc.array(painted, { maxLength: 8 }), fc.constantFrom(' -> ', '  ', ', '), fc.integer({ min: 4, max: 40 }), fc.integer({ min: 0, max: 8 }), (head, parts, sep, width, indent) => {
        expect(wrapParts(head, parts, sep, width, indent)).toBe(measuredParts(head, parts, sep, width, indent));
      }),
      { seed: seeded(7), numRuns: 500 },
    );
  });

  test('a line without colour wraps as measuring each word does: lead, runs of spaces, words wider than the room', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'bb', 'cccccc', ' ', '  '), maxLength: 40 });
    fc.assert(
      fc.property(line, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 9 }), (l, width, indent) => {
        expect(wrap(l, width, indent)).toBe(wrapWords(l, width, indent));
      }),
      { seed: seeded(11), numRuns: 2000 },
    );
    expect(wrap('  10. virq 70: count now 30000 (+3 on CPU0); parent not counted', 30, 6)).toBe('  10. virq 70: count now 30000\n      (+3 on CPU0); parent not\n      counted');
    expect(wrap('a bbbbbbbb c', 4, 2)).toBe('a\n  bbbbbbbb\n  c');
  });

  test('a line as long as the width stays whole; a coloured one is measured without its colour', () => {
    expect(wrap('aaaa bbbb', 9)).toBe('aaaa bbbb');
    expect(wrap('aaaa bbbb', 8)).toBe('aaaa\n    bbbb');
    expect(wrap(`${c.red('aaaa')} bbbb`, 9)).toBe(`${c.red('aaaa')} bbbb`);
  });
});
