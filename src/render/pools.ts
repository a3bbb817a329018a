import type { PoolStats } from '../core/bitmap-pool.js';
import type { Style } from './style.js';
import { tableOrRecords, type Column } from './table.js';

export const NEARLY_FULL = 0.9;

// Bars made once per glyph set, width and fill: a run showing pools every few lines draws the
// same few bars over and over.
const BARS = new Map<number, string>();

const bar = (style: Style, p: PoolStats, BAR: number): string => {
  const ratio = p.total === 0 ? 1 : p.used / p.total;
  // Any use at all shows at least one cell, and only a full pool shows a full bar.
  let cells = Math.round(ratio * BAR);
  if (p.used > 0 && cells === 0) cells = 1;
  if (p.used < p.total && cells === BAR) cells = BAR - 1;
  // BAR is at most 30 (barWidth), so the three fit apart in one number.
  const key = (style.unicode ? 1 << 12 : 0) | (BAR << 6) | cells;
  let drawn = BARS.get(key);
  if (drawn === undefined) {
    const [on, off] = style.unicode ? ['█', '░'] : ['#', '.'];
    drawn = on.repeat(cells) + off.repeat(BAR - cells);
    BARS.set(key, drawn);
  }
  return drawn;
};

const state = (p: PoolStats): 'exhausted' | 'nearly-full' | 'ok' =>
  p.used >= p.total ? 'exhausted' : p.used / p.total >= NEARLY_FULL ? 'nearly-full' : 'ok';

const NOTES = { exhausted: ' EXHAUSTED', 'nearly-full': ' near full', ok: '' } as const;
/** Room kept for a note whether or not one shows, so the bar is the same width in every table. */
const NOTE_ROOM = 10;

const digits = (n: number): number => `${n}`.length;

/** The usage bar takes whatever width the other columns leave, within reason. */
const barWidth = (style: Style, pools: PoolStats[]): number => {
  let id = 'POOL'.length;
  let used = 'USED'.length;
  let total = 'TOTAL'.length;
  let free = 'FREE'.length;
  let peak = 'PEAK'.length;
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i];
    id = Math.max(id, p.id.length);
    used = Math.max(used, digits(p.used));
    total = Math.max(total, digits(p.total));
    free = Math.max(free, digits(p.free));
    peak = Math.max(peak, digits(p.peak));
  }
  return Math.max(6, Math.min(30, style.width - (id + used + total + free + peak) - 5 * 2 - 5 - NOTE_ROOM));
};

const COLUMNS: Column[] = [
  { head: 'POOL' },
  { head: 'USED', align: 'right' },
  { head: 'TOTAL', align: 'right' },
  { head: 'FREE', align: 'right' },
  { head: 'PEAK', align: 'right' },
  { head: 'USAGE' },
];

export const renderPools = (style: Style, pools: PoolStats[]): string => {
  const width = barWidth(style, pools);
  const rows: string[][] = [];
  // Indexed loops in the hot renderers: a for-of loop is a try-block (to close its iterator),
  // which makes every call inlined in its body costlier to compile.
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i];
    const s = state(p);
    const pct = `${Math.floor((100 * p.used) / Math.max(1, p.total))}%`.padStart(4);
    const usage = `${bar(style, p, width)} ${pct}${NOTES[s]}`;
    if (s === 'ok') rows.push([p.id, `${p.used}`, `${p.total}`, `${p.free}`, `${p.peak}`, usage]);
    else {
      const paint = s === 'exhausted' ? style.c.red.bold : style.c.yellow;
      rows.push([paint(p.id), `${p.used}`, `${p.total}`, `${p.free}`, `${p.peak}`, paint(usage)]);
    }
  }
  return tableOrRecords(style, COLUMNS, rows);
};
