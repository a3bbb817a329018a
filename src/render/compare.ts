import { createRequire } from 'node:module';
import type * as AsciichartType from 'asciichart';
import type { CapacityData, ChartData, CompareData, DesignRow, PoolRef } from '../commands/compare-run.js';
import { designLabel } from '../core/designs.js';
import type { Style } from './style.js';
import { table, type Align } from './table.js';
import { wrap } from './wrap.js';
import { plural } from '../core/words.js';

// asciichart draws the chart; loaded on the first chart only (CommonJS, hence require).
let chartLib: typeof AsciichartType | undefined;
const asciichart = (): typeof AsciichartType => (chartLib ??= createRequire(import.meta.url)('asciichart') as typeof AsciichartType);

/** A cell: its text, and how to paint each of its lines once wrapped. */
interface Cell {
  text: string;
  paint?: (s: string) => string;
}
const cell = (text: string, paint?: (s: string) => string): Cell => ({ text, paint });

interface Col {
  head: string;
  align?: Align;
  /** Never break a word of this column (numbers, names). */
  whole?: boolean;
}

const GAP = 2;

/** A what-if design's label takes a second line in a table, so its column stays as narrow as the names. */
const LABEL_BREAK = '\n';

/**
 * Where a word may break, from the most to the least readable: nowhere; after `.`, `:` or `/`
 * (pool ids, file:line); after `_`, `-` or `,` as well.
 */
const BREAKS: Array<(word: string) => string[]> = [
  (word) => [word],
  (word) => word.match(/[^.:/]+[.:/]*|[.:/]+/g) ?? [word],
  (word) => word.match(/[^._\-/:,]+[._\-/:,]*|[._\-/:,]+/g) ?? [word],
];

/** Greedy wrap of a cell at `width`, breaking words only between their pieces (or, failing that, anywhere). */
const wrapCell = (text: string, width: number, pieces: (word: string) => string[]): string[] => {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ').filter((w) => w !== '')) {
      let sep = line === '' ? '' : ' ';
      for (let piece of pieces(word)) {
        if (line.length + sep.length + piece.length > width && line !== '') {
          out.push(line);
          line = '';
          sep = '';
        }
        while (piece.length > width) {
          out.push(piece.slice(0, width));
          piece = piece.slice(width);
        }
        line += sep + piece;
        sep = '';
      }
    }
    out.push(line);
  }
  return out;
};

const longest = (lines: string[]): number => Math.max(0, ...lines.map((l) => l.length));

/**
 * wrap(), except that a word longer than a continued line's room (a deep path in file:line) breaks
 * after a `.`, `:` or `/`, or failing that anywhere, rather than run past the width.
 */
const wrapLine = (line: string, width: number, indent = 4): string => {
  const room = width - indent;
  if (line.split(' ').every((w) => w.length <= room)) return wrap(line, width, indent);
  const lead = /^ */.exec(line)![0];
  return wrapCell(line, room - lead.length, BREAKS[1])
    .map((l, i) => `${i === 0 ? lead : ' '.repeat(indent)}${l}`)
    .join('\n');
};

/**
 * A borderless table (through table()) whose cells wrap so that the whole fits the
 * width: every column starts as wide as its longest line, and the widest one narrows, one
 * character at a time, down to its longest word (so short columns and their heads stay whole);
 * only if that is not enough do words break, at dots first. When even that does not fit, one "head: value" block per row.
 */
const fittedTable = (style: Style, cols: Col[], rows: Cell[][]): string => {
  const texts = (i: number) => [cols[i].head, ...rows.map((r) => r[i].text)];
  const widths = cols.map((_, i) => longest(texts(i).flatMap((t) => t.split('\n'))));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (cols.length - 1);
  for (const breaks of BREAKS) {
    const pieces = cols.map((c) => (c.whole ? BREAKS[0] : breaks));
    const least = cols.map((_, i) => longest(texts(i).flatMap((t) => t.split(/\s+/).flatMap(pieces[i]))));
    while (total() > style.width) {
      let best = -1;
      for (let i = 0; i < cols.length; i++) if (widths[i] > least[i] && (best < 0 || widths[i] > widths[best])) best = i;
      if (best < 0) break;
      widths[best]--;
    }
    if (total() > style.width) continue;
    const body = rows.map((r) => r.map((c, i) => wrapCell(c.text, widths[i], pieces[i]).map((l) => (c.paint ? c.paint(l) : l)).join('\n')));
    const heads = cols.map((c, i) => ({ head: wrapCell(c.head, widths[i], pieces[i]).join('\n'), align: c.align }));
    const text = table(style, heads, body, style.width, false);
    if (text !== undefined) return text;
  }
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? style.c.bold(c.text) : wrapLine(`  ${cols[i].head.toLowerCase()}: ${c.text}`, style.width))).join('\n'))
    .join('\n');
};

const poolName = (p: PoolRef | null): string => (p ? `${p.id} (${p.layer})` : '');

// ---- compare ------------------------------------------------------------------------------

const bootCell = (style: Style, r: DesignRow): Cell =>
  r.boot.ok
    ? cell('ok')
    : cell(
        r.boot.failed.map((f) => (f.code ? `${f.device}: ${f.code} ${poolName(f.pool)}`.trimEnd() : `${f.device}: ${f.message}`)).join('; '),
        style.c.red,
      );

const failureCell = (style: Style, r: DesignRow): Cell => {
  const f = r.firstFailure;
  if (!f) return cell('-');
  // The place as the run's error lines give it (two sourced files may share a name); the cell
  // wraps it at its slashes to fit.
  return cell(`${f.file}:${f.line} ${f.verb} ${f.code} ${poolName(f.pool)}`.trimEnd(), style.c.red);
};

const starvedCell = (r: DesignRow): Cell =>
  cell(r.starved.length === 0 ? '-' : r.starved.map((s) => (s.at === 'probe' ? `${s.who} at probe` : `${s.who}: ${s.refused} refused`)).join('; '));

/** Commands that succeeded (the heading says of how many); `exit` may have stopped the run early. */
const okCell = (r: DesignRow): Cell => cell(r.ran < r.commands ? `${r.succeeded} of ${r.ran} (exit)` : `${r.succeeded}`);

const busiestCell = (r: DesignRow): Cell => cell(`${r.busiest.id} ${r.busiest.peak}/${r.busiest.total}`);

const renderSummary = (style: Style, data: CompareData): string =>
  fittedTable(
    style,
    [{ head: 'DESIGN', whole: true }, { head: 'BOOT' }, { head: 'FIRST FAILURE' }, { head: 'STARVED' }, { head: 'OK', align: 'right', whole: true }, { head: 'BUSIEST AT PEAK' }],
    data.rows.map((r) => [cell(designLabel(r.design, LABEL_BREAK)), bootCell(style, r), failureCell(style, r), starvedCell(r), okCell(r), busiestCell(r)]),
  );

/**
 * Why each design's first failure failed, which the summary has no room for: one compiler-style
 * line each, wrapped; designs that failed the same way share a line.
 */
const renderReasons = (style: Style, data: CompareData): string[] => {
  const byReason = new Map<string, string[]>();
  for (const r of data.rows) {
    const f = r.firstFailure;
    if (!f) continue;
    const reason = `${f.file}:${f.line}: ${f.verb}: ${f.code}: ${f.message}`;
    byReason.set(reason, [...(byReason.get(reason) ?? []), designLabel(r.design)]);
  }
  const lines = [...byReason].map(([reason, designs]) => wrapLine(`${designs.join(', ')}, first failure: ${reason}`, style.width));
  return lines.length === 0 ? [] : ['', ...lines];
};

/**
 * One row per pool, one column per design: `count/total` of each, marked `*` (and red) where
 * `marked` says, with the meaning of the mark under the table.
 */
const poolsByDesign = (
  style: Style,
  head: string,
  names: string[],
  pools: Array<{ id: string; total: number }>,
  count: (pool: number, design: string) => { n: number; marked: boolean },
  note: string,
): string => {
  let anyMarked = false;
  const body = fittedTable(
    style,
    [{ head }, ...names.map((n) => ({ head: designLabel(n, LABEL_BREAK), align: 'right' as const, whole: true }))],
    pools.map((p, i) => [
      cell(p.id),
      ...names.map((n) => {
        const { n: v, marked } = count(i, n);
        anyMarked ||= marked;
        return cell(`${v}/${p.total}${marked ? '*' : ' '}`, marked ? style.c.red.bold : undefined);
      }),
    ]),
  );
  // The mark's meaning only where a cell carries it.
  return anyMarked ? `${body}\n${style.c.dim(wrap(note, style.width))}` : body;
};

const renderPoolPeaks = (style: Style, data: CompareData): string =>
  poolsByDesign(
    style,
    'PEAK USED',
    data.designs.map((d) => d.name),
    data.pools,
    (i, n) => ({ n: data.pools[i].peak[n], marked: data.pools[i].exhausted.includes(n) }),
    '* exhausted: reached its total, or refused a request',
  );

/** One character per design for the chart: its initial when the initials differ, else its number. */
const markers = (names: string[]): string[] => {
  const initials = names.map((n) => n[0]);
  return new Set(initials).size === initials.length ? initials : names.map((_, i) => `${(i + 1) % 10}`);
};

/** `points` values from `series`, each the highest over the commands it stands for (a peak is never hidden). */
export const resample = (series: number[], points: number): number[] => {
  const n = series.length - 1;
  const out: number[] = [];
  for (let j = 0; j < points; j++) {
    const hi = points === 1 ? n : Math.round((j * n) / (points - 1));
    const lo = j === 0 ? 0 : Math.min(hi, Math.round(((j - 1) * n) / (points - 1)) + 1);
    let m = series[lo];
    for (let k = lo + 1; k <= hi; k++) if (series[k] > m) m = series[k];
    out.push(m);
  }
  return out;
};

const HEIGHT = 10;
const SERIES_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

/**
 * Rows above the 0 row for an axis from 0 to `top`: one per unit up to HEIGHT; else HEIGHT, 9 or
 * 8 when one of them divides `top` (64 in rows of 8), so every label is exact; else HEIGHT rows
 * with rounded labels.
 */
const chartRows = (top: number): number => {
  if (top <= HEIGHT) return top;
  for (let h = HEIGHT; h >= 8; h--) if (top % h === 0) return h;
  return HEIGHT;
};

/**
 * How many of the pool each design used along the workload, one line per design, on an axis from
 * 0 to the most any of them used (so a few units of a large pool still show apart; a pool that
 * fills has its total at the top). asciichart draws one design at a time on that scale and they
 * are laid over each other: each line is drawn in its design's letter, so it reads without colour,
 * and a cell two lines share shows `*`.
 */
export const renderChart = (style: Style, chart: ChartData): string => {
  const lib = asciichart();
  const names = chart.series.map((s) => s.design);
  const marks = markers(names);
  let top = 1;
  for (const s of chart.series) for (const u of s.used) if (u > top) top = u;
  const labelWidth = `${top}`.length + 1;
  const points = Math.max(2, style.width - labelWidth);
  const [axis, zero] = style.unicode ? ['┤', '┼'] : ['|', '+'];
  const plots = chart.series.map((s, i) => {
    const m = marks[i];
    const text = lib.plot(resample(s.used, points), {
      min: 0,
      max: top,
      height: chartRows(top),
      offset: 2,
      format: (x: number) => `${Math.round(x)}`.padStart(labelWidth),
      symbols: [zero, axis, m, m, m, m, m, m, m, m],
    });
    return text.split('\n');
  });
  const rows = plots[0].length;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = plots[0][r].slice(0, labelWidth) + (r === rows - 1 ? zero : axis);
    for (let c = labelWidth + 1; c < labelWidth + points; c++) {
      const drawn = plots.map((p, i) => (p[r][c] !== undefined && p[r][c] !== ' ' ? i : -1)).filter((i) => i >= 0);
      if (drawn.length === 0) line += ' ';
      else if (drawn.length > 1) line += '*';
      else line += style.c[SERIES_COLORS[drawn[0] % SERIES_COLORS.length]](marks[drawn[0]]);
    }
    lines.push(line.trimEnd());
  }
  const n = chart.series[0].used.length - 1;
  const last = `${n}`;
  const room = points - 1;
  const mid = 'command';
  const left = Math.max(1, Math.floor((room - mid.length) / 2) - 1);
  const right = Math.max(1, room - 1 - left - mid.length - last.length);
  lines.push(`${' '.repeat(labelWidth + 1)}0${' '.repeat(left)}${mid}${' '.repeat(right)}${last}`);
  const why = chart.why === 'chosen' ? '' : ` (${chart.why}${chart.atBoot === undefined ? '' : `, at ${designLabel(chart.atBoot)}'s boot`})`;
  const title = wrap(`${chart.pool}, used of ${chart.total} after each command${why}:`, style.width);
  const legend = wrap(`${names.map((d, i) => `${style.c[SERIES_COLORS[i % SERIES_COLORS.length]](marks[i])} ${designLabel(d)}`).join('  ')}  * lines overlap`, style.width);
  return [title, ...lines, legend].join('\n');
};

export const renderCompare = (style: Style, data: CompareData): string => {
  const head = wrap(
    `compare ${data.workload}: ${plural(data.commands, 'command')} from a fresh boot under ${data.designs.map((d) => designLabel(d.name)).join(', ')}`,
    style.width,
  );
  return [head, renderSummary(style, data), ...renderReasons(style, data), '', renderPoolPeaks(style, data), '', renderChart(style, data.chart)].join('\n');
};

// ---- capacity -----------------------------------------------------------------------------

export const renderCapacity = (style: Style, data: CapacityData): string => {
  const kind = `${data.dir === 'both' ? 'tx and rx' : data.dir} ${data.type}`;
  const head = wrap(
    `capacity of ${data.dma}: ${kind} channels held at once, requested one at a time${data.dir === 'both' ? ' (tx, rx, tx, ...)' : ''} from a fresh boot`,
    style.width,
  );
  const rows = data.rows.map((r) => [
    cell(designLabel(r.design, LABEL_BREAK)),
    r.boot.ok ? cell('ok') : cell(r.boot.failed.map((f) => `${f.device}: ${f.code ?? f.message}`).join('; '), style.c.red),
    cell(`${r.channels}`),
    ...(data.dir === 'both' ? [cell(`${r.tx}`), cell(`${r.rx}`)] : []),
    r.stop ? cell(`${r.stop.dir} ${r.stop.code}`, style.c.red) : cell('-'),
    r.stop ? cell(r.stop.pool ? `${poolName(r.stop.pool)} ${r.stop.pool.used}/${r.stop.pool.total}` : r.stop.message) : cell('-'),
  ]);
  const summary = fittedTable(
    style,
    [
      { head: 'DESIGN', whole: true },
      { head: 'BOOT' },
      { head: 'CHANNELS', align: 'right', whole: true },
      ...(data.dir === 'both' ? [{ head: 'TX', align: 'right' as const, whole: true }, { head: 'RX', align: 'right' as const, whole: true }] : []),
      { head: 'NEXT' },
      { head: 'STOPPED BY' },
    ],
    rows,
  );
  const free = poolsByDesign(
    style,
    'FREE AFTER',
    data.designs.map((d) => d.name),
    data.pools,
    (i, n) => ({ n: data.pools[i].free[n], marked: data.pools[i].stopped.includes(n) }),
    '* the pool that stopped the next channel',
  );
  return [head, summary, ...capacityReasons(style, data), '', free].join('\n');
};

/**
 * The error of a design whose STOPPED BY figure is not what the pool holds after, which only the
 * error can say: the pool when it ran out counts what the failed request itself held of it and
 * gave back (rfc-v4's ring MSI took the last INTR output, its TR event found none).
 */
const capacityReasons = (style: Style, data: CapacityData): string[] => {
  const lines: string[] = [];
  for (const r of data.rows) {
    const ran = r.stop?.pool;
    const after = ran && data.pools.find((p) => p.id === ran.id);
    if (!ran || !after || ran.used === after.total - after.free[r.design]) continue;
    lines.push(wrapLine(`${designLabel(r.design)}, next ${r.stop!.dir} channel: ${r.stop!.code}: ${r.stop!.message}`, style.width));
  }
  return lines.length === 0 ? [] : ['', ...lines];
};
