/**
 * Tables are laid out directly for one-line ASCII cells and by cli-table3 for the rest: the two
 * must agree to the byte, or goldens would depend on which path a table took.
 */
import { describe, expect, test } from '@jest/globals';
import { Chalk, type ChalkInstance } from 'chalk';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { cliTableLayout, plainLayout, table as table_, type Column } from '../../src/render/table.js';
import { makeStyle, visibleLength } from '../../src/render/style.js';
import { cliKeeps } from '../../src/render/table-wrap.js';
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

  test('leaves to cli-table3 a cell whose colour it would change: one left on, which it turns off, or SGR it does not read', () => {
    const style = makeStyle(0, 80);
    const cols: Column[] = [{ head: 'A' }, { head: 'B' }];
    for (const cell of ['\x1b[31mred', '\x1b[1mbold', '\x1b[44mon blue', '\x1b[1;2;3;4;5;6;7mseven']) {
      expect(plainLayout(style, cols, [[cell, 'x']])).toBeUndefined();
      expect(table_(style, cols, [[cell, 'x']])).toBe(cliTableLayout(style, cols, [[cell, 'x']]));
    }
    // cli-table3 turns off what a cell leaves on.
    expect(cliTableLayout(style, cols, [['\x1b[31mred', 'x']])).toBe('A    B\n\x1b[31mred\x1b[39m  x');
    // Chalk's own output is closed: the direct layout keeps it.
    expect(plainLayout(style, cols, [['\x1b[31mred\x1b[39m', '\x1b[2mdim\x1b[22m']])).toBe('A    B\n\x1b[31mred\x1b[39m  \x1b[2mdim\x1b[22m');
  });

  test('cliKeeps says what cli-table3 0.6.5 does to a cell: reads its SGR sequences, and adds none at its end', () => {
    const utils = createRequire(import.meta.url)('cli-table3/src/utils') as { colorizeLines: (lines: string[]) => string[] };
    // Parameters as parseInt and cli-table3's whole-sequence comparisons read them: resets, leading
    // zeros, no digits, attributes on and off, colours set and reset, too many parameters.
    const param = fc.constantFrom('', '0', '00', '1', '01', '2', '3', '4', '7', '9', '22', '23', '24', '27', '29', '31', '39', '039', '38', '5', '196', '44', '49', '90', '97', '100', '107', '53');
    const sgr = fc.oneof({ weight: 3, arbitrary: param.map((p) => [p]) }, fc.array(param, { minLength: 2, maxLength: 8 })).map((ps) => `\x1b[${ps.join(';')}m`);
    fc.assert(
      fc.property(fc.array(fc.oneof(sgr, fc.constantFrom('x', ' ', 'ab')), { maxLength: 6 }), (parts) => {
        const cell = parts.join('');
        const readable = (cell.match(/\x1b/g) ?? []).length === (cell.match(/\x1b\[(?:\d*;){0,5}\d*m/g) ?? []).length;
        expect(cliKeeps(cell)).toBe(readable && utils.colorizeLines([cell])[0] === cell);
      }),
      { seed: seeded(14), numRuns: 2000 },
    );
  });
});

describe('wrapped last column', () => {
  // Runs of blanks, leading and trailing blanks, empty and blank cells: where cli-table3's word
  // wrap has its quirks. Words longer than the last column are rarer here (cli-table3 cuts them
  // to `…`, where the direct layout breaks them: the next test).
  const word = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 8 });
  const text = fc.oneof(
    fc.array(fc.oneof(word, fc.constantFrom(' ', '  ', '   ')), { maxLength: 8 }).map((parts) => parts.join('')),
    fc.constantFrom('', ' ', '  ', 'x ', ' x'),
  );
  // Colour over part of a cell, which wrapping carries across lines: Chalk's styles, and raw SGR
  // sequences that leave something on (cli-table3 turns it off at the line's end, and on again on
  // the next), reset it, or that cli-table3 does not read as SGR (seven parameters). Those that
  // leave something on are more often in the last column: elsewhere they send the table to cli-table3.
  const chalkPaint = fc.constantFrom<(c: ChalkInstance) => (t: string) => string>(
    (c) => c.red,
    (c) => c.bgBlue,
    (c) => c.bold,
    (c) => c.dim,
    (c) => c.underline,
    (c) => c.inverse.italic,
    (c) => c.strikethrough,
    (c) => c.yellow.bold,
    (c) => c.bgGreen.underline,
  );
  const rawPaint = fc.constantFrom('\x1b[1m', '\x1b[4m', '\x1b[31m', '\x1b[44m', '\x1b[38;5;196m', '\x1b[0m', '\x1b[m', '\x1b[22m', '\x1b[1;2;3;4;5;6;7m');
  const colouredText = (rawWeight: number) =>
    fc.array(fc.tuple(text, fc.option(fc.oneof({ weight: 4, arbitrary: chalkPaint }, { weight: rawWeight, arbitrary: rawPaint }), { freq: 2 })), { minLength: 1, maxLength: 3 });
  const wrapped = fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.record({
      columns: fc.array(fc.record({ head: text, align: fc.constantFrom<Column['align']>('left', 'right', undefined) }), { minLength: n, maxLength: n }),
      rows: fc.array(
        fc.tuple(fc.array(colouredText(1), { minLength: n - 1, maxLength: n - 1 }), colouredText(3)).map(([cells, last]) => [...cells, last]),
        { maxLength: 8 },
      ),
      lastWidth: fc.integer({ min: 4, max: 24 }),
      colour: fc.boolean(),
    }),
  );

  test('equals cli-table3 for one-line ASCII cells, coloured or not, at any width of the last column', () => {
    let colouredLines = 0;
    fc.assert(
      fc.property(wrapped, ({ columns, rows, lastWidth, colour }) => {
        const style = makeStyle(colour ? 1 : 0, 80, colour, Chalk);
        const cells = rows.map((r) => r.map((parts) => parts.map(([t, p]) => (p === null ? t : typeof p === 'string' ? p + t : p(style.c)(t))).join('')));
        const plain = plainLayout(style, columns, cells, lastWidth);
        const cli = cliTableLayout(style, columns, cells, lastWidth);
        // Left to cli-table3 only where a cell has colour.
        if (!colour && cells.every((r) => r.every((c) => !c.includes('\x1b')))) expect(plain).toBeDefined();
        // cli-table3 cuts a line longer than the column to `…`; the direct layout breaks it (below).
        if (plain !== undefined && !cli.includes('\u2026')) {
          expect(plain).toBe(cli);
          if (colour && cli.split('\n').length > rows.length + 1) colouredLines++;
        }
      }),
      { seed: seeded(13), numRuns: 600 },
    );
    // The direct layout took coloured tables whose last column wrapped, not only plain ones.
    expect(colouredLines).toBeGreaterThan(10);
  });

  test('loses nothing of a last column with words longer than it, coloured or not, and keeps every line to the width', () => {
    const long = fc.string({ unit: fc.constantFrom('a', 'b', '_', '1'), minLength: 1, maxLength: 40 });
    const cell = fc.array(fc.tuple(fc.oneof(long, fc.constantFrom(' ', '  ')), fc.boolean()), { minLength: 1, maxLength: 5 });
    let broken = 0;
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (cells, width, colour) => {
        const style = makeStyle(colour ? 1 : 0, 80, colour, Chalk);
        const rows = cells.map((parts) => ['x', parts.map(([t, red]) => (red ? style.c.red(t) : t)).join('')]);
        const text = plainLayout(style, [{ head: 'A' }, { head: 'B' }], rows, width)!;
        const lines = text.split('\n').slice(1);
        for (const l of lines) expect(visibleLength(l)).toBeLessThanOrEqual(3 + Math.max(width, 1));
        const words = (t: string) => t.replace(/\x1b\[[\d;]*m/g, '').replace(/ /g, '');
        expect(words(lines.map((l) => l.slice(3)).join(''))).toBe(words(rows.map((r) => r[1]).join('')));
        if (lines.length > rows.length && rows.some((r) => words(r[1]).length > width)) broken++;
      }),
      { seed: seeded(15), numRuns: 500 },
    );
    expect(broken).toBeGreaterThan(100);
  });

  test('breaks at blanks, breaks a word longer than the column where cli-table3 cuts it to `…`, and keeps what cli-table3 keeps of blanks', () => {
    const cols: Column[] = [{ head: 'NAME' }, { head: 'N', align: 'right' }, { head: 'DESCRIPTION' }];
    const rows = [
      ['a', '1', 'two VINTs where every serial order has one'],
      ['bb', '22', 'averyveryverylongwordindeed x'],
      ['c', '333', '  leading blanks  '],
      ['d', '4', ''],
    ];
    const style = makeStyle(0, 80);
    // cli-table3 counts no leading blanks where it decides to break, and cuts the line they overfill.
    expect(cliTableLayout(style, cols, rows, 16)).toBe(
      [
        'NAME    N  DESCRIPTION',
        'a       1  two VINTs where',
        '           every serial',
        '           order has one',
        'bb     22  averyveryverylo\u2026',
        '           x',
        'c     333    leading blank\u2026',
        'd       4',
      ].join('\n'),
    );
    // Nothing is lost here: the long word goes on in the next line, and blanks past the column are trimmed.
    const expected = [
      'NAME    N  DESCRIPTION',
      'a       1  two VINTs where',
      '           every serial',
      '           order has one',
      'bb     22  averyveryverylon',
      '           gwordindeed',
      '           x',
      'c     333    leading blanks',
      'd       4',
    ].join('\n');
    expect(plainLayout(style, cols, rows, 16)).toBe(expected);
    // table() wraps the last column to what is left of the width.
    expect(table_(style, cols, rows, 27)).toBe(expected);
  });

  test('a coloured word longer than the column is broken too, its colour turned off and on again across the break', () => {
    const style = makeStyle(1, 80, true, Chalk);
    const cols: Column[] = [{ head: 'N' }, { head: 'WHY' }];
    const text = plainLayout(style, cols, [['1', `a dead VINT (${style.c.red('irq_create_fwspec_mapping')})`]], 10);
    expect(text).toBe(
      [
        '\x1b[1mN\x1b[22m  \x1b[1mWHY\x1b[22m',
        '1  a dead',
        '   VINT',
        '   (\x1b[31mirq_creat\x1b[39m',
        '   \x1b[31me_fwspec_m\x1b[39m',
        '   \x1b[31mapping\x1b[39m)',
      ].join('\n'),
    );
  });

  test('colour that wraps is turned off at the end of a line and on again on the next, as cli-table3 does it', () => {
    const style = makeStyle(1, 80, true, Chalk);
    const cols: Column[] = [{ head: 'IRQ', align: 'right' }, { head: 'TYPE' }, { head: 'NAME' }];
    const rows = [
      ['71:', 'Level', `ringacc 306 [main_udmap:tx10]${style.c.yellow(' MASKED')}`],
      ['72:', 'Edge', style.c.red('a red description that wraps')],
      ['73:', 'Edge', `cut ${style.c.bold.underline('averyveryverylongword')} x`],
    ];
    const expected = [
      '\x1b[1mIRQ\x1b[22m  \x1b[1mTYPE\x1b[22m   \x1b[1mNAME\x1b[22m',
      '71:  Level  ringacc 306',
      '            [main_udmap:tx10]\x1b[33m\x1b[39m',
      '            \x1b[33mMASKED\x1b[39m',
      '72:  Edge   \x1b[31ma red description\x1b[39m',
      '            \x1b[31mthat wraps\x1b[39m',
      '73:  Edge   cut',
    ];
    // A coloured word longer than the column: cli-table3 cuts it; the direct layout breaks it,
    // closing and reopening its colour across the break as across any wrapped line.
    expect(cliTableLayout(style, cols, rows, 18)).toBe([...expected, '            \x1b[1m\x1b[4maveryveryverylong\x1b[22m\x1b[24m\u2026', '            x'].join('\n'));
    expect(plainLayout(style, cols, rows, 18)).toBe(
      [...expected, '            \x1b[1m\x1b[4maveryveryverylongw\x1b[22m\x1b[24m', '            \x1b[4m\x1b[1mord\x1b[24m\x1b[22m', '            x'].join('\n'),
    );
    // A reset turns everything off: the lines after it open nothing again.
    const reset = [['x', '\x1b[1m\x1b[31m\x1b[44mbold red on blue \x1b[0mthen plain words']];
    const afterReset = [
      '\x1b[1mA\x1b[22m  \x1b[1mB\x1b[22m',
      'x  \x1b[1m\x1b[31m\x1b[44mbold red on\x1b[22m\x1b[49m\x1b[39m',
      '   \x1b[31m\x1b[44m\x1b[1mblue \x1b[0mthen',
      '   plain words',
    ].join('\n');
    expect(plainLayout(style, [{ head: 'A' }, { head: 'B' }], reset, 12)).toBe(afterReset);
    expect(cliTableLayout(style, [{ head: 'A' }, { head: 'B' }], reset, 12)).toBe(afterReset);
  });

  test('leaves to cli-table3 an SGR sequence it does not read as one', () => {
    const style = makeStyle(1, 80, true, Chalk);
    const cols: Column[] = [{ head: 'A' }, { head: 'B' }];
    expect(plainLayout(style, cols, [['x', '\x1b[1;2;3;4;5;6;7mshort']], 12)).toBeUndefined();
    expect(plainLayout(style, cols, [['x', style.c.red('short')]], 12)).toBe(cliTableLayout(style, cols, [['x', style.c.red('short')]], 12));
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
