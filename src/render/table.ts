import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import { visibleLength, type Style } from './style.js';
import { wrap, wrapParts } from './wrap.js';

// Loaded on the first table, not at start-up: many runs print none.
let TableCtor: typeof TableType | undefined;
const Table = (): typeof TableType => (TableCtor ??= createRequire(import.meta.url)('cli-table3') as typeof TableType);

export type Align = 'left' | 'right';

export interface Column {
  head: string;
  align?: Align;
  /** Dropped when the table would not fit the width: 1 goes first, then 2, and so on. */
  drop?: number;
}

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

/** The narrowest a wrapped last column may become before records are clearer. */
const MIN_WRAP = 16;

/** cli-table3's layout: any cells (wide characters, several lines), and the wrapped last column. */
export const cliTableLayout = (style: Style, columns: Column[], rows: string[][], lastWidth?: number): string => {
  const t = new (Table())({
    head: columns.map((col) => style.c.bold(col.head)),
    chars: NO_BORDERS,
    // An empty style keeps cli-table3 from colouring heads and borders on its own.
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: columns.map((col) => col.align ?? 'left'),
    ...(lastWidth === undefined ? {} : { colWidths: [...columns.slice(1).map(() => null), lastWidth], wordWrap: true }),
  });
  for (const r of rows) t.push(r);
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
};

// Printable ASCII, and SGR colour sequences around it: one column per character.
// eslint-disable-next-line no-control-regex
const ONE_LINE_ASCII = /^(?:[\x20-\x7e]|\x1b\[[0-9;]*m)*$/;

/** A laid-out table and the width of its widest line. */
interface Laid {
  text: string;
  width: number;
}

/**
 * The same layout as cliTableLayout for the common case, one line of printable ASCII per cell,
 * done directly: cli-table3 measures every cell with a fresh RegExp and several passes, which was
 * 70% of a run printing tables. Undefined when a cell is anything else.
 */
const plainLines = (style: Style, columns: Column[], rows: string[][]): Laid | undefined => {
  const n = columns.length;
  const heads = columns.map((col) => style.c.bold(col.head));
  const all = [heads, ...rows];
  // Visible lengths, row by row; cli-table3 gives an empty column one character.
  const lens = new Array<number>(all.length * n);
  const widths = new Array<number>(n).fill(1);
  for (let r = 0; r < all.length; r++) {
    const cells = all[r];
    for (let i = 0; i < n; i++) {
      const cell = cells[i];
      if (!ONE_LINE_ASCII.test(cell)) return undefined;
      const w = visibleLength(cell);
      lens[r * n + i] = w;
      if (w > widths[i]) widths[i] = w;
    }
  }
  const right = columns.map((col) => col.align === 'right');
  let text = '';
  let width = 0;
  for (let r = 0; r < all.length; r++) {
    const cells = all[r];
    let out = '';
    let visible = 0;
    for (let i = 0; i < n; i++) {
      const pad = ' '.repeat(widths[i] - lens[r * n + i]);
      out += (i === 0 ? '' : '  ') + (right[i] ? pad + cells[i] : cells[i] + pad);
      visible += (i === 0 ? 0 : 2) + widths[i];
    }
    const trimmed = out.trimEnd();
    // Only trailing blanks were cut: the visible width drops by as much.
    visible -= out.length - trimmed.length;
    if (visible > width) width = visible;
    text += (r === 0 ? '' : '\n') + trimmed;
  }
  return { text, width };
};

/** plainLayout's text, for comparing with cliTableLayout. */
export const plainLayout = (style: Style, columns: Column[], rows: string[][]): string | undefined => plainLines(style, columns, rows)?.text;

const render = (style: Style, columns: Column[], rows: string[][], lastWidth?: number): Laid => {
  const plain = lastWidth === undefined ? plainLines(style, columns, rows) : undefined;
  if (plain) return plain;
  const text = cliTableLayout(style, columns, rows, lastWidth);
  return { text, width: widest(text) };
};

const widest = (text: string): number => Math.max(...text.split('\n').map(visibleLength));

/**
 * A borderless table in the manner of lsirq and /proc/interrupts: upper-case heads, numbers
 * right-aligned, two spaces between columns. To fit the width it drops optional columns (and
 * says which, the first time the session drops them), then wraps the last column; undefined
 * when even that does not fit.
 */
export const table = (style: Style, columns: Column[], rows: string[][], width = style.width, wrapLast = true): string | undefined => {
  const fitted = fit(style, columns, rows, width, wrapLast);
  if (fitted === undefined) return undefined;
  if (fitted.dropped.length === 0) return fitted.text;
  const note = `(${fitted.dropped.join(', ')} hidden to fit ${width} columns; a wider terminal or COLUMNS shows them)`;
  if (style.said.has(note)) return fitted.text;
  style.said.add(note);
  return `${fitted.text}\n${style.c.dim(wrap(note, width, 1))}`;
};

const fit = (style: Style, columns: Column[], rows: string[][], width: number, wrapLast: boolean): { text: string; dropped: string[] } | undefined => {
  let cols = columns.map((c, i) => ({ c, i }));
  const pick = (cs: typeof cols) => [cs.map((x) => x.c), rows.map((r) => cs.map((x) => r[x.i]))] as const;
  let laid = render(style, ...pick(cols));
  const droppable = cols.filter((x) => x.c.drop !== undefined).sort((a, b) => a.c.drop! - b.c.drop!);
  const dropped: string[] = [];
  for (const victim of droppable) {
    if (laid.width <= width) break;
    cols = cols.filter((x) => x !== victim);
    dropped.push(victim.c.head);
    laid = render(style, ...pick(cols));
  }
  if (laid.width <= width) return { text: laid.text, dropped };
  const [cs, rs] = pick(cols);
  const lastWidth = Math.max(visibleLength(cs[cs.length - 1].head), ...rs.map((r) => visibleLength(r[r.length - 1])));
  const room = width - (laid.width - lastWidth);
  if (wrapLast && room >= MIN_WRAP) {
    laid = render(style, cs, rs, room);
    if (laid.width <= width) return { text: laid.text, dropped };
  }
  return undefined;
};

/**
 * A table, or when it cannot fit, one record per row: "head value" pairs on a line, wrapped
 * to the width between pairs (a 2-row table at 60 columns stays a few lines, not 16).
 */
export const tableOrRecords = (style: Style, columns: Column[], rows: string[][]): string =>
  table(style, columns, rows) ??
  rows
    .map((r) => {
      const pairs = r.map((cell, i) => `${columns[i].head.toLowerCase()} ${cell}`).filter((p, i) => i === 0 || (r[i] !== '' && r[i] !== '-'));
      return wrapParts('', [style.c.bold(pairs[0]), ...pairs.slice(1)], '  ', style.width);
    })
    .join('\n');

export const dash = (v: number | string | null | undefined): string => (v === null || v === undefined ? '-' : `${v}`);
