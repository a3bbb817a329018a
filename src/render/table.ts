import { createRequire } from 'node:module';
import type TableType from 'cli-table3';
import { visibleLength, type Style } from './style.js';
import { cliKeeps, cliWrap } from './table-wrap.js';
import { spaces, wrap, wrapParts } from './wrap.js';

// Loaded on the first table, not at start-up: many runs print none.
let TableCtor: typeof TableType | undefined;
const Table = (): typeof TableType => (TableCtor ??= createRequire(import.meta.url)('cli-table3') as typeof TableType);

export type Align = 'left' | 'right';

export interface Column {
  head: string;
  align?: Align;
  /** Dropped when the table would not fit the width: 1 goes first, then 2, and so on. */
  drop?: number;
  /**
   * Right-aligned after a right-aligned column: may sit one space after it, rather than two, when
   * that keeps a column in the table (numbers under heads wider than they are stay apart, as in
   * /proc/interrupts). Only one-line ASCII tables are laid out tight.
   */
  tight?: boolean;
}

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

/** The narrowest a wrapped last column may become before records are clearer. */
const MIN_WRAP = 16;

/** cli-table3's layout: any cells (wide characters, several lines), the last column wrapped or not. */
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

/** A laid-out table and the width of its widest line. */
interface Laid {
  text: string;
  width: number;
}

/**
 * The columns a cell of one line of printable ASCII, with SGR colour sequences around it, takes
 * (what visibleLength would say); -1 for anything else (a second line, a wide or control character).
 * Whether cli-table3 draws a cell with SGR sequences unchanged is cliKeeps' question (directWidth).
 */
const plainWidth = (cell: string): number => {
  let w = 0;
  for (let i = 0; i < cell.length; i++) {
    const ch = cell.charCodeAt(i);
    if (ch >= 0x20 && ch <= 0x7e) w++;
    else if (ch === 0x1b && cell.charCodeAt(i + 1) === 0x5b) {
      // ESC [ digits and semicolons m
      let j = i + 2;
      for (let d = cell.charCodeAt(j); (d >= 0x30 && d <= 0x39) || d === 0x3b; d = cell.charCodeAt(++j));
      if (cell.charCodeAt(j) !== 0x6d) return -1;
      i = j;
    } else return -1;
  }
  return w;
};

/**
 * plainWidth of a cell the direct layouts draw as cli-table3 would: one line of printable ASCII,
 * its SGR sequences (if any) ones cli-table3 leaves as they are (cliKeeps); -1 for any other.
 */
const directWidth = (cell: string): number => {
  const w = plainWidth(cell);
  return w < 0 || (w !== cell.length && !cliKeeps(cell)) ? -1 : w;
};

/** How many spaces `cell` ends with. */
const trailingSpaces = (cell: string): number => {
  let i = cell.length;
  while (i > 0 && cell.charCodeAt(i - 1) === 0x20) i--;
  return cell.length - i;
};


// The heads of the columns last laid out, in their style, and which align right (read once: the
// columns' objects come in several shapes, with and without align or drop). A long run lays out
// the same columns thousands of times. Callers pass constant column lists or new ones, never
// a list changed in place.
let headsFor: Column[] | undefined;
let headsStyle: Style['c'] | undefined;
let heads: string[] = [];
let right: boolean[] = [];
/** The blanks before each column: 2, and when laid out tight, 1 for a tight column after a right-aligned one. */
let gaps: number[] = [];
let tightGaps: number[] = [];

/** Reads heads, right and the gaps of `columns`, unless they are the columns last read. */
const readColumns = (style: Style, columns: Column[]): void => {
  if (columns === headsFor && style.c === headsStyle) return;
  headsFor = columns;
  headsStyle = style.c;
  heads = [];
  right = [];
  gaps = [];
  tightGaps = [];
  for (let i = 0; i < columns.length; i++) {
    const col = columns[i];
    heads.push(style.c.bold(col.head));
    right.push(col.align === 'right');
    gaps.push(2);
    tightGaps.push(i > 0 && col.tight === true && right[i] && right[i - 1] ? 1 : 2);
  }
};

/** The visible width of the line lineOf last made. */
let lineWidth = 0;

/**
 * One line of a table: `cells` (their visible lengths at lens[at + i]) in columns `widths` wide,
 * `blanks[i]` before column i, aligned as the columns last read. Blanks are written only when
 * something visible follows them, so that a line never needs its end trimmed (cli-table3's lines
 * are trimmed, here and in cliTableLayout); only a cell ending in spaces of its own is cut back.
 */
const lineOf = (cells: readonly string[], lens: readonly number[], at: number, widths: readonly number[], blanks: readonly number[]): string => {
  let line = '';
  let visible = 0;
  // Blanks owed before the next visible piece, and the spaces the line so far ends with.
  let owed = 0;
  let trail = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    const len = lens[at + i];
    const gap = widths[i] - len;
    if (i > 0) owed += blanks[i];
    if (right[i]) owed += gap;
    const t = trailingSpaces(cell);
    if (t === cell.length) owed += len;
    else {
      line += spaces(owed) + cell;
      visible += owed + len;
      owed = 0;
      trail = t;
    }
    if (!right[i]) owed += gap;
  }
  lineWidth = visible - trail;
  return trail > 0 ? line.slice(0, line.length - trail) : line;
};

/**
 * The same layout as cliTableLayout for the common case, one line of printable ASCII per cell,
 * done directly: cli-table3 measures every cell with a fresh RegExp and several passes, which was
 * 70% of a run printing tables. Undefined when a cell is anything else.
 */
const plainLines = (style: Style, columns: Column[], rows: string[][], tight = false): Laid | undefined => {
  const n = columns.length;
  readColumns(style, columns);
  // Visible lengths, row by row (the heads are row 0); cli-table3 gives an empty column one character.
  const lens: number[] = [];
  const widths: number[] = [];
  for (let i = 0; i < n; i++) widths.push(1);
  for (let r = 0; r <= rows.length; r++) {
    const cells = r === 0 ? heads : rows[r - 1];
    for (let i = 0; i < n; i++) {
      const w = directWidth(cells[i]);
      if (w < 0) return undefined;
      lens.push(w);
      if (w > widths[i]) widths[i] = w;
    }
  }
  const blanks = tight ? tightGaps : gaps;
  let text = '';
  let width = 0;
  for (let r = 0; r <= rows.length; r++) {
    const line = lineOf(r === 0 ? heads : rows[r - 1], lens, r * n, widths, blanks);
    if (lineWidth > width) width = lineWidth;
    text += r === 0 ? line : `\n${line}`;
  }
  return { text, width };
};

/**
 * The same layout as cliTableLayout with the last column wrapped to `lastWidth` (cli-table3's
 * wordWrap), for one line of printable ASCII per cell, done directly: a table of a few hundred
 * rows took cli-table3 a quarter of a second. The other columns are as wide as their widest cell
 * and the last exactly lastWidth; a row takes as many lines as its last cell wraps to (cliWrap).
 * Undefined when a cell is anything else, or its lines are not matched here.
 */
const wrappedLines = (style: Style, columns: Column[], rows: string[][], lastWidth: number): Laid | undefined => {
  // cli-table3 wraps nothing in a column of width 0.
  if (!Number.isInteger(lastWidth) || lastWidth < 1) return undefined;
  const n = columns.length;
  const last = n - 1;
  readColumns(style, columns);
  const lens: number[] = [];
  const widths: number[] = [];
  for (let i = 0; i < last; i++) widths.push(1);
  widths.push(lastWidth);
  const wrapped: string[][] = [];
  for (let r = 0; r <= rows.length; r++) {
    const cells = r === 0 ? heads : rows[r - 1];
    for (let i = 0; i < last; i++) {
      const w = directWidth(cells[i]);
      if (w < 0) return undefined;
      lens.push(w);
      if (w > widths[i]) widths[i] = w;
    }
    const w = plainWidth(cells[last]);
    const lines = w < 0 ? undefined : cliWrap(cells[last], w, lastWidth);
    if (lines === undefined) return undefined;
    wrapped.push(lines);
    lens.push(0);
  }
  // A row's cells, and under them the rest of its last cell: blank cells, then one line of it.
  const cells: string[] = [];
  const blank: string[] = [];
  const blankLens: number[] = [];
  for (let i = 0; i < n; i++) {
    blank.push('');
    blankLens.push(0);
  }
  let text = '';
  let width = 0;
  for (let r = 0; r <= rows.length; r++) {
    const row = r === 0 ? heads : rows[r - 1];
    const lines = wrapped[r];
    for (let k = 0; k === 0 || k < lines.length; k++) {
      let line: string;
      const piece = k < lines.length ? lines[k] : '';
      if (k === 0) {
        for (let i = 0; i < last; i++) cells[i] = row[i];
        cells[last] = piece;
        lens[r * n + last] = visibleLength(piece);
        line = lineOf(cells, lens, r * n, widths, gaps);
      } else {
        blank[last] = piece;
        blankLens[last] = visibleLength(piece);
        line = lineOf(blank, blankLens, 0, widths, gaps);
      }
      if (lineWidth > width) width = lineWidth;
      text += r === 0 && k === 0 ? line : `\n${line}`;
    }
  }
  return { text, width };
};

/** The direct layout's text (with the last column wrapped to lastWidth if given), for comparing with cliTableLayout. */
export const plainLayout = (style: Style, columns: Column[], rows: string[][], lastWidth?: number): string | undefined =>
  (lastWidth === undefined ? plainLines(style, columns, rows) : wrappedLines(style, columns, rows, lastWidth))?.text;

const render = (style: Style, columns: Column[], rows: string[][], lastWidth?: number): Laid => {
  const plain = lastWidth === undefined ? plainLines(style, columns, rows) : wrappedLines(style, columns, rows, lastWidth);
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
  // Once a session per table: routes and interrupts both hide a HWIRQ (hex and decimal), and the
  // second table's note must not be taken for the first's.
  const said = `${columns.map((c) => c.head).join(' ')}\0${note}`;
  if (style.said.has(said)) return fitted.text;
  style.said.add(said);
  return `${fitted.text}\n${style.c.dim(wrap(note, width, 1))}`;
};

/**
 * The layout of these columns that fits the width: with two blanks between columns, else tight
 * (tight columns one blank after the right-aligned column before them), else the first, too wide.
 */
const snug = (style: Style, columns: Column[], rows: string[][], width: number): Laid => {
  const laid = render(style, columns, rows);
  if (laid.width <= width || !columns.some((c) => c.tight)) return laid;
  const tight = plainLines(style, columns, rows, true);
  return tight !== undefined && tight.width <= width ? tight : laid;
};

const fit = (style: Style, columns: Column[], rows: string[][], width: number, wrapLast: boolean): { text: string; dropped: string[] } | undefined => {
  // A column with drop 1 goes before tight spacing is tried: tight is there to keep the columns
  // after it (OWNER beside a TR event), not to crowd a table that only a repeated hwirq overfills.
  let laid = columns.some((c) => c.drop === 1) ? render(style, columns, rows) : snug(style, columns, rows, width);
  if (laid.width <= width) return { text: laid.text, dropped: [] };
  let cols = columns.map((c, i) => ({ c, i }));
  const pick = (cs: typeof cols) => [cs.map((x) => x.c), rows.map((r) => cs.map((x) => r[x.i]))] as const;
  const droppable = cols.filter((x) => x.c.drop !== undefined).sort((a, b) => a.c.drop! - b.c.drop!);
  const dropped: string[] = [];
  for (const victim of droppable) {
    if (laid.width <= width) break;
    cols = cols.filter((x) => x !== victim);
    dropped.push(victim.c.head);
    // Tight keeps a column whose drop is above 1 (1 marks what other columns repeat, a hwirq
    // the source names); once one is gone, records show more than a crowded table would.
    laid = victim.c.drop === 1 ? snug(style, ...pick(cols), width) : render(style, ...pick(cols));
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
