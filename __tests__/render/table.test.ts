/**
 * Tables are laid out directly for one-line ASCII cells and by cli-table3 for the rest: the two
 * must agree to the byte, or goldens would depend on which path a table took.
 */
import { describe, expect, test } from '@jest/globals';
import { Chalk } from 'chalk';
import fc from 'fast-check';
import { cliTableLayout, plainLayout, table as table_, type Column } from '../../src/render/table.js';
import { makeStyle, visibleLength } from '../../src/render/style.js';
import { seeded } from '../seed.js';

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 });
// Blanks are where a direct layout can go wrong (trimmed line ends, all-blank and empty cells).
const cell = fc.oneof(ascii, fc.constantFrom('', ' ', '  ', 'x ', ' x', 'a  b  '));
const table = fc.integer({ min: 1, max: 6 }).chain((n) =>
  fc.record({
    columns: fc.array(fc.record({ head: ascii, align: fc.constantFrom<Column['align']>('left', 'right', undefined) }), { minLength: n, maxLength: n }),
    rows: fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 8 }),
    colour: fc.boolean(),
  }),
);

describe('plain table layout', () => {
  test('equals cli-table3 for one-line ASCII cells, with and without colour', () => {
    fc.assert(
      fc.property(table, ({ columns, rows, colour }) => {
        const style = makeStyle(colour ? 1 : 0, 80, colour, Chalk);
        const cells = colour ? rows.map((r) => r.map((c, i) => (i % 2 === 0 ? style.c.red(c) : c))) : rows;
        const plain = plainLayout(style, columns, cells);
        expect(plain).toBeDefined();
        const cli = cliTableLayout(style, columns, cells);
        expect(plain).toBe(cli);
        // table() keeps the table whole exactly when its widest line fits.
        const widest = Math.max(...cli.split('\n').map(visibleLength));
        expect(table_(style, columns, cells, widest)).toBe(cli);
        if (widest > 20) expect(table_(style, columns, cells, widest - 1)).not.toBe(cli);
      }),
      { seed: seeded(12), numRuns: 300 },
    );
  });

  test('leaves to cli-table3 what it does not handle: several lines, wide or control characters', () => {
    const style = makeStyle(0, 80);
    const cols: Column[] = [{ head: 'A' }, { head: 'B' }];
    for (const cell of ['two\nlines', '\u5bbd', 'caf\u00e9', 'tab\there']) expect(plainLayout(style, cols, [['x', cell]])).toBeUndefined();
  });
});

describe('tight columns', () => {
  const cols: Column[] = [{ head: 'NAME' }, { head: 'A', align: 'right' }, { head: 'B', align: 'right', tight: true }, { head: 'OWNER', drop: 2 }];
  const rows = [['x', '100', '200', 'someone']];
  test('two blanks while the table fits; one after a right-aligned column to keep a column; else it is dropped', () => {
    const style = makeStyle(0, 80);
    expect(table_(style, cols, rows, 23)).toBe('NAME    A    B  OWNER\nx     100  200  someone');
    expect(table_(style, cols, rows, 22)).toBe('NAME    A   B  OWNER\nx     100 200  someone');
    expect(table_({ ...style, said: new Set() }, cols, rows, 21)?.split('\n').slice(0, 3)).toEqual(['NAME    A    B', 'x     100  200', '(OWNER hidden to fit']);
  });

  test('a drop-1 column (a repeated hwirq) goes before tight spacing is tried; tight then keeps the next', () => {
    const withHwirq: Column[] = [{ head: 'NAME' }, { head: 'H', drop: 1 }, ...cols.slice(1)];
    const rowsH = [['x', 'h', '100', '200', 'someone']];
    const style = makeStyle(0, 80);
    // Tight would fit all five (24 columns); the hwirq goes instead, and the rest keep two blanks.
    expect(table_(style, withHwirq, rowsH, 24)?.split('\n').slice(0, 2)).toEqual(['NAME    A    B  OWNER', 'x     100  200  someone']);
    expect(table_({ ...style, said: new Set() }, withHwirq, rowsH, 22)?.split('\n').slice(0, 2)).toEqual(['NAME    A   B  OWNER', 'x     100 200  someone']);
  });

  test('a hidden-columns note is said once per table, not once per wording', () => {
    const style = makeStyle(0, 80);
    const other: Column[] = [{ head: 'ID' }, ...cols.slice(1)];
    expect(table_(style, cols, rows, 21)).toContain('(OWNER hidden');
    expect(table_(style, cols, rows, 21)).not.toContain('(OWNER hidden');
    expect(table_(style, other, rows, 19)).toContain('(OWNER hidden');
  });

  test('a cell only cli-table3 lays out (several lines, wide characters) is never tight', () => {
    const style = makeStyle(0, 80);
    expect(table_(style, cols, [['x\ny', '100', '200', 'someone']], 22)).toMatch(/^NAME {4}A {4}B\n/);
  });
});
