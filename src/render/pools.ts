import type { PoolStats } from '../core/bitmap-pool.js';
import type { Style } from './style.js';
import { tableOrRecords } from './table.js';

export const NEARLY_FULL = 0.9;

const bar = (style: Style, p: PoolStats, BAR: number): string => {
  const ratio = p.total === 0 ? 1 : p.used / p.total;
  // Any use at all shows at least one cell, and only a full pool shows a full bar.
  let cells = Math.round(ratio * BAR);
  if (p.used > 0 && cells === 0) cells = 1;
  if (p.used < p.total && cells === BAR) cells = BAR - 1;
  const [on, off] = style.unicode ? ['█', '░'] : ['#', '.'];
  return on.repeat(cells) + off.repeat(BAR - cells);
};

const state = (p: PoolStats): 'exhausted' | 'nearly-full' | 'ok' =>
  p.used >= p.total ? 'exhausted' : p.used / p.total >= NEARLY_FULL ? 'nearly-full' : 'ok';

const NOTES = { exhausted: ' EXHAUSTED', 'nearly-full': ' near full', ok: '' } as const;
/** Room kept for a note whether or not one shows, so the bar is the same width in every table. */
const NOTE_ROOM = 10;

/** The usage bar takes whatever width the other columns leave, within reason. */
const barWidth = (style: Style, pools: PoolStats[]): number => {
  const w = (f: (p: PoolStats) => string | number, head: string) => Math.max(head.length, ...pools.map((p) => `${f(p)}`.length));
  const fixed = w((p) => p.id, 'POOL') + w((p) => p.used, 'USED') + w((p) => p.total, 'TOTAL') + w((p) => p.free, 'FREE') + w((p) => p.peak, 'PEAK');
  return Math.max(6, Math.min(30, style.width - fixed - 5 * 2 - 5 - NOTE_ROOM));
};

export const renderPools = (style: Style, pools: PoolStats[]): string => {
  const width = barWidth(style, pools);
  const rows = pools.map((p) => {
    const s = state(p);
    const paint = s === 'exhausted' ? style.c.red.bold : s === 'nearly-full' ? style.c.yellow : (x: string) => x;
    const pct = `${Math.floor((100 * p.used) / Math.max(1, p.total))}%`.padStart(4);
    return [paint(p.id), `${p.used}`, `${p.total}`, `${p.free}`, `${p.peak}`, paint(`${bar(style, p, width)} ${pct}${NOTES[s]}`)];
  });
  return tableOrRecords(
    style,
    [
      { head: 'POOL' },
      { head: 'USED', align: 'right' },
      { head: 'TOTAL', align: 'right' },
      { head: 'FREE', align: 'right' },
      { head: 'PEAK', align: 'right' },
      { head: 'USAGE' },
    ],
    rows,
  );
};
