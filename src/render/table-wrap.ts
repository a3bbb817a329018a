import { visibleLength } from './style.js';

/*
 * What cli-table3 0.6.5 draws of a cell in a column with a fixed width and `wordWrap: true`
 * (utils.js wordWrap and colorizeLines, as Cell.computeLines and drawLine apply them),
 * for one line of printable ASCII with SGR sequences in it: the same lines, byte for byte,
 * without its string-width and ansi-regex measuring every word and line. The functions follow
 * cli-table3's, quirks included (a line's leading blanks are not counted where it decides to
 * break), but one: a word longer than the column is broken across lines, not cut to `…` (pieces).
 */

/** cli-table3's SGR pattern (codeRegex): at most five semicolons; the parameters captured. */
// eslint-disable-next-line no-control-regex
const CODE = /\x1b\[((?:\d*;){0,5}\d*)m/g;

/** The attributes cli-table3 carries across lines (addToCodeCache): name, on, off. */
const ATTRIBUTES: [string, number, number][] = [
  ['bold', 1, 22],
  ['italics', 3, 23],
  ['underline', 4, 24],
  ['inverse', 7, 27],
  ['strikethrough', 9, 29],
];
const SETS = new Map<string, { set: string; to: boolean }>();
const ON_OFF = new Map<string, { on: string; off: string }>();
for (const [name, on, off] of ATTRIBUTES) {
  SETS.set(`\x1b[${on}m`, { set: name, to: true });
  SETS.set(`\x1b[${off}m`, { set: name, to: false });
  ON_OFF.set(name, { on: `\x1b[${on}m`, off: `\x1b[${off}m` });
}
const FG_OFF = '\x1b[39m';
const BG_OFF = '\x1b[49m';

/** The colour state at a point of a line: attributes on or off, in the order first set, and the last colours. */
interface State {
  attrs: Map<string, boolean>;
  fg?: string;
  bg?: string;
}

/** updateState: what one SGR sequence does to the state. */
const update = (state: State, code: string, params: string): void => {
  const n = params ? parseInt(params.split(';')[0], 10) : 0;
  if ((n >= 30 && n <= 39) || (n >= 90 && n <= 97)) state.fg = code;
  else if ((n >= 40 && n <= 49) || (n >= 100 && n <= 107)) state.bg = code;
  else if (n === 0) {
    state.attrs.clear();
    state.fg = state.bg = undefined;
  } else {
    const info = SETS.get(code);
    if (info) state.attrs.set(info.set, info.to);
  }
};

/** readState: the state at the end of `line`. */
const read = (line: string): State => {
  const state: State = { attrs: new Map() };
  CODE.lastIndex = 0;
  for (let m = CODE.exec(line); m !== null; m = CODE.exec(line)) update(state, m[0], m[1]);
  return state;
};

/** unwindState: `line` with what is still on at its end turned off. */
const unwind = (state: State, line: string): string => {
  for (const [name, on] of state.attrs) if (on) line += ON_OFF.get(name)!.off;
  if (state.bg && state.bg !== BG_OFF) line += BG_OFF;
  if (state.fg && state.fg !== FG_OFF) line += FG_OFF;
  return line;
};

/** rewindState: `line` with what was on at the end of the line before turned on again. */
const rewind = (state: State, line: string): string => {
  for (const [name, on] of state.attrs) if (on) line = ON_OFF.get(name)!.on + line;
  if (state.bg && state.bg !== BG_OFF) line = state.bg + line;
  if (state.fg && state.fg !== FG_OFF) line = state.fg + line;
  return line;
};

/** colorizeLines: each line closes what it leaves on, and the next opens it again. */
const colorize = (lines: string[]): string[] => {
  let state: State = { attrs: new Map() };
  return lines.map((l) => {
    const line = rewind(state, l);
    state = read(line);
    return unwind(state, line);
  });
};

/**
 * A line longer than the column (a word longer than it, or blanks cli-table3 did not count) in
 * pieces of `width` visible characters, its SGR sequences kept where they stand, onto `out`;
 * blanks that would start a piece of their own are dropped, as a line's end is trimmed.
 * cli-table3 cuts such a line to `…`, which lost the end of an identifier (`irq_create_fwspe…`).
 */
const pieces = (line: string, width: number, out: string[]): void => {
  let piece = '';
  let visible = 0;
  for (let i = 0; i < line.length; ) {
    if (line.charCodeAt(i) === 0x1b) {
      const end = line.indexOf('m', i) + 1;
      piece += line.slice(i, end);
      i = end;
      continue;
    }
    if (visible === width) {
      if (blankToEnd(line, i)) {
        piece += line.slice(i).replace(/ /g, '');
        break;
      }
      out.push(piece);
      piece = '';
      visible = 0;
    }
    piece += line[i++];
    visible++;
  }
  out.push(piece);
};

/** Whether `line` from `i` on is blanks and SGR sequences only. */
const blankToEnd = (line: string, i: number): boolean => {
  for (; i < line.length; i++) {
    const ch = line.charCodeAt(i);
    if (ch === 0x1b) i = line.indexOf('m', i);
    else if (ch !== 0x20) return false;
  }
  return true;
};

/** wordWrap: words (runs of non-blanks) onto lines of at most `width` as cli-table3 counts them. */
const wordWrap = (width: number, input: string): string[] => {
  const lines: string[] = [];
  const split = input.split(/( +)/);
  let line = '';
  let lineLength = 0;
  let blanks: string | undefined;
  for (let i = 0; i < split.length; i += 2) {
    const word = split[i];
    let newLength = lineLength + visibleLength(word);
    if (lineLength > 0 && blanks) newLength += blanks.length;
    if (newLength > width) {
      if (lineLength !== 0) lines.push(line);
      line = word;
      lineLength = visibleLength(word);
    } else {
      line += (blanks ?? '') + word;
      lineLength = newLength;
    }
    blanks = split[i + 1];
  }
  if (lineLength) lines.push(line);
  return lines;
};

/** The attributes' bits in what `scan` keeps of a cell's state, by the SGR sequence that sets or clears them. */
const ATTRIBUTE_ON = new Map(ATTRIBUTES.map(([, on], i) => [on, 1 << i]));
const ATTRIBUTE_OFF = new Map(ATTRIBUTES.map(([, , off], i) => [off, 1 << i]));

/**
 * How cli-table3 reads the SGR sequences (ESC [ digits and semicolons m, as plainWidth has them)
 * of a cell: -1 where it does not take one for a sequence (more than five semicolons), 1 where
 * something is left on at the end for it to turn off (colorizeLines), 0 where nothing is. read()
 * and unwind() say the same; this is their answer without a RegExp, for every coloured cell of a
 * table, wrapped or not.
 */
const scan = (cell: string): number => {
  let attrs = 0;
  let fg = false;
  let bg = false;
  for (let i = cell.indexOf('\x1b'); i >= 0; i = cell.indexOf('\x1b', i)) {
    i += 2;
    // The first parameter as parseInt reads it (NaN where it has no digits), and whether it is
    // all the parameters, written without leading zeros: the sequences cli-table3 compares whole.
    let n = 0;
    let digits = 0;
    for (let d = cell.charCodeAt(i); d >= 0x30 && d <= 0x39; d = cell.charCodeAt(++i), digits++) n = n * 10 + d - 0x30;
    const whole = cell.charCodeAt(i) === 0x6d && digits > 0 && (digits === 1 || cell.charCodeAt(i - digits) !== 0x30);
    if (digits === 0 && cell.charCodeAt(i) !== 0x6d) n = NaN;
    let semicolons = 0;
    for (; cell.charCodeAt(i) !== 0x6d; i++) if (cell.charCodeAt(i) === 0x3b) semicolons++;
    if (semicolons > 5) return -1;
    if ((n >= 30 && n <= 39) || (n >= 90 && n <= 97)) fg = !(whole && n === 39);
    else if ((n >= 40 && n <= 49) || (n >= 100 && n <= 107)) bg = !(whole && n === 49);
    else if (n === 0) {
      attrs = 0;
      fg = bg = false;
    } else if (whole) {
      attrs |= ATTRIBUTE_ON.get(n) ?? 0;
      attrs &= ~(ATTRIBUTE_OFF.get(n) ?? 0);
    }
  }
  return attrs !== 0 || fg || bg ? 1 : 0;
};

/**
 * Whether cli-table3 draws a one-line cell with SGR sequences in it as it is, in a column not
 * wrapped: it reads each sequence, and nothing is left on at its end for it to turn off (Chalk's
 * output never is).
 */
export const cliKeeps = (cell: string): boolean => scan(cell) === 0;

/**
 * The lines cli-table3 draws of `cell`, one line of printable ASCII with SGR sequences (plainWidth
 * in table.ts) `visible` columns wide, in a column `width` wide (at least 1), before padding;
 * undefined where they are not matched here: an SGR sequence cli-table3 does not take for one
 * (more than six parameters). A line longer than the column (a long word) is broken into pieces
 * as wide as the column (see pieces), where cli-table3 cuts it to `…`.
 */
export const cliWrap = (cell: string, visible: number, width: number): string[] | undefined => {
  const coloured = visible !== cell.length;
  if (!coloured && visible <= width) return /[^ ]/.test(cell) ? [cell] : [];
  if (coloured && scan(cell) < 0) return undefined;
  const wrapped = wordWrap(width, cell);
  const lines: string[] = [];
  for (let i = 0; i < wrapped.length; i++) {
    if (visibleLength(wrapped[i]) > width) pieces(wrapped[i], width, lines);
    else lines.push(wrapped[i]);
  }
  return coloured ? colorize(lines) : lines;
};
