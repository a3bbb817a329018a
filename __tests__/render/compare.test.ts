import { describe, expect, test } from '@jest/globals';
import { Chalk } from 'chalk';
import { runCapacity, runCompare, type ChartData } from '../../src/commands/compare-run.js';
import { NAMED_DESIGNS, parseDesignList } from '../../src/commands/designs-catalog.js';
import { loadWorkload } from '../../src/commands/workload.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { renderCapacity, renderChart, renderCompare, resample } from '../../src/render/compare.js';
import { renderJson } from '../../src/render/json.js';
import { makeStyle, PLAIN, visibleLength } from '../../src/render/style.js';

// On am65x's host-12 share, rfc-v4's 64th channel (command 3) finds no INTR output: 63 are free.
const workload = loadWorkload({
  commands: 'request-channel main_udmap tx 50; request-channel main_udmap rx 13; request-channel main_udmap rx; request-channel main_udmap rx 35; alloc-irq ringacc any',
});
const data = runCompare(am65x, NAMED_DESIGNS, workload);
const widest = (text: string) => Math.max(...text.split('\n').map(visibleLength));
// eslint-disable-next-line no-control-regex
const ESC = /\x1b/;

describe('resample', () => {
  test('many commands per column: each point is the highest it stands for', () => {
    expect(resample([0, 5, 1, 1, 9, 2, 0, 0, 3], 3)).toEqual([0, 9, 3]);
  });
  test('few commands: each is repeated across the columns nearest it', () => {
    expect(resample([0, 10], 6)).toEqual([0, 0, 0, 10, 10, 10]);
    expect(resample([1, 2, 3], 3)).toEqual([1, 2, 3]);
  });
});

describe('the chart', () => {
  const chart: ChartData = {
    pool: 'p',
    total: 10,
    why: 'chosen',
    series: [
      { design: 'merged', used: [0, 10] },
      { design: 'rfc-v4', used: [0, 5] },
    ],
  };

  test('each design is drawn in its letter, shared cells are *, the axes are plain ASCII without colour', () => {
    const lines = renderChart(makeStyle(0, 30), chart).split('\n');
    // Two commands over 26 columns: the rise is in the middle; m and r climb in the same column.
    // The axis counts from 0 to the most used, here the pool's total: a row per unit.
    expect(lines).toEqual([
      'p, used of 10 after each',
      '    command:',
      ' 10|            mmmmmmmmmmmmmm',
      '  9|            m',
      '  8|            m',
      '  7|            m',
      '  6|            m',
      '  5|            *rrrrrrrrrrrrr',
      '  4|            *',
      '  3|            *',
      '  2|            *',
      '  1|            *',
      '  0+*************',
      '    0        command         1',
      'm merged  r rfc-v4  * lines',
      '    overlap',
    ]);
  });

  /** The chart's rows, top first: each row's label, its width with the axis, and what is drawn in the chart's last column. */
  const rowsOf = (text: string) => {
    const rows = text
      .split('\n')
      .map((l) => /^( *\d+)[|+](.*)$/.exec(l))
      .filter((m) => m !== null);
    const end = Math.max(...rows.map((m) => m[2].length));
    return rows.map((m) => ({ label: Number(m[1]), width: m[1].length, last: m[2].padEnd(end).at(-1) }));
  };

  test('designs a few units apart in a large pool are drawn on rows of their own, not on one row', () => {
    // merged ends at 2 of 64, rfc-v4 at 3: at a 0-100% axis both were on the 0% row, drawn `*`.
    const few = renderChart(makeStyle(0, 80), {
      pool: 'intr_main_navss.out',
      total: 64,
      why: 'designs differ most',
      series: [
        { design: 'merged', used: [1, 2, 2, 2] },
        { design: 'rfc-v4', used: [1, 3, 3, 3] },
      ],
    });
    expect(few.split('\n')[0]).toBe('intr_main_navss.out, used of 64 after each command (designs differ most):');
    expect(rowsOf(few).map((r) => `${r.label}${r.last}`)).toEqual(['3r', '2m', '1 ', '0 ']);
    // Past ten units, ten rows: 50 and 53 of 1024 still end on rows of their own.
    const large: ChartData = {
      ...chart,
      total: 1024,
      series: [
        { design: 'merged', used: [0, 50] },
        { design: 'rfc-v4', used: [0, 53] },
      ],
    };
    const rows = rowsOf(renderChart(makeStyle(0, 80), large));
    expect(rows).toHaveLength(11);
    const at = (c: string) => rows.findIndex((r) => r.last === c);
    expect([at('r'), at('m'), at('*')]).toEqual([0, 1, -1]);
  });

  test('the axis: 0 to the most used (at least 1), whole labels within their width, the total on top of a pool that fills', () => {
    const axis = (total: number, ...ends: number[]) =>
      rowsOf(renderChart(makeStyle(0, 40), { ...chart, total, series: ends.map((e, i) => ({ design: ['merged', 'rfc-v4'][i], used: [0, e] })) }));
    expect(axis(64, 0).map((r) => r.label)).toEqual([1, 0]);
    expect(axis(64, 64, 3).map((r) => r.label)).toEqual([64, 56, 48, 40, 32, 24, 16, 8, 0]);
    expect(axis(1024, 1024).map((r) => r.label)).toEqual([1024, 896, 768, 640, 512, 384, 256, 128, 0]);
    expect(axis(1024, 228).map((r) => r.label)).toEqual([228, 205, 182, 160, 137, 114, 91, 68, 46, 23, 0]);
    for (const rows of [axis(64, 3), axis(1024, 1024), axis(1024, 228)]) expect(new Set(rows.map((r) => r.width)).size).toBe(1);
  });

  test('designs whose initials clash are numbered', () => {
    const text = renderChart(PLAIN, { ...chart, series: [{ design: 'dynamic', used: [0, 1] }, { design: 'dedicated', used: [0, 2] }] });
    expect(text.split('\n').pop()).toBe('1 dynamic (what-if)  2 dedicated  * lines overlap');
  });

  test('colour paints the letters only; the layout is the same', () => {
    const coloured = renderChart(makeStyle(1, 80, true, Chalk), chart);
    expect(ESC.test(coloured)).toBe(true);
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '').replace(/[┤┼]/g, (c) => (c === '┤' ? '|' : '+'))).toBe(renderChart(makeStyle(0, 80), chart));
  });
});

describe('compare and capacity as text', () => {
  test('every line fits the width, at 80 and at 50 columns, with no escape codes when plain', () => {
    for (const width of [80, 50]) {
      const style = makeStyle(0, width);
      const text = renderCompare(style, data);
      expect(ESC.test(text)).toBe(false);
      expect(widest(text)).toBeLessThanOrEqual(width);
      const cap = renderCapacity(style, runCapacity(am65x, NAMED_DESIGNS, 'main_udmap', 'both', null));
      expect(widest(cap)).toBeLessThanOrEqual(width);
    }
  });

  test('the summary names the failure, its pool and layer, and who starved', () => {
    const text = renderCompare(PLAIN, data);
    expect(text).toContain('compare inline: 5 commands from a fresh boot under merged, rfc-v4,');
    const rows = text.split('\n');
    const rfc = rows.findIndex((l) => l.startsWith('rfc-v4 '));
    // Each cell wraps within its column: where the first failure is, its code, pool and layer.
    expect(rows.slice(rfc, rfc + 5)).toEqual([
      'rfc-v4     ok                inline:3          main_udmap   2  intr_main_navss.',
      '                             request-channel   rx: 2           out 64/64',
      '                             EINVAL            refused;',
      '                             intr_main_navss.  ringacc: 1',
      '                             out (INTR)        refused',
    ]);
    expect(text).toMatch(/intr_main_navss\.out\s+3\/64\s+64\/64\*\s+64\/64\*\s+3\/64\n/);
    expect(text).toContain('* exhausted: reached its total, or refused a request');
    // probe-all's boot ran the outputs out before any command: the chart, after boot, says so.
    expect(text).toContain("intr_main_navss.out, used of 64 after each command (first to run out, at\n    probe-all's boot):");
  });

  test('capacity: the rows and what is left, the stopping pool marked', () => {
    const text = renderCapacity(PLAIN, runCapacity(am65x, parseDesignList('rfc-v4,merged'), 'main_udmap', 'both', null));
    const lines = text.split('\n');
    expect(lines[2]).toBe('DESIGN  BOOT  CHANNELS  TX  RX  NEXT       STOPPED BY');
    expect(lines[3]).toBe('rfc-v4  ok          63  32  31  rx EINVAL  intr_main_navss.out (INTR) 64/64');
    expect(lines[4]).toBe('merged  ok         100  50  50  tx ENOENT  main_udmap.tx_chan (DMA) 50/53');
    // The mark is part of its right-aligned cell.
    expect(text).toContain('\nintr_main_navss.out               0/64*     61/64\n');
    expect(text).toContain('\nmain_udmap.tx_chan                21/53     3/53*\n');
    expect(text).toContain('* the pool that stopped the next channel');
  });

  test('capacity: no mark, no footnote (probe-all never binds the ring accelerator)', () => {
    const text = renderCapacity(PLAIN, runCapacity(am65x, parseDesignList('probe-all'), 'main_udmap', 'rx', null));
    expect(text).not.toContain('*');
    expect(text.endsWith('virq                           1017/1024')).toBe(true);
  });
});

describe("compare's text gives the first failure's reason", () => {
  test('the message, under the summary, wrapped within 80 columns', () => {
    const typo = runCompare(am65x, parseDesignList('merged'), loadWorkload({ commands: 'alloc-irq ringac any' }));
    const lines = renderCompare(makeStyle(0, 80), typo).split('\n');
    expect(lines.slice(1, 7)).toEqual([
      'DESIGN  BOOT  FIRST FAILURE              STARVED  OK  BUSIEST AT PEAK',
      'merged  ok    inline:1 alloc-irq ENOENT  -         0  intr_main_gpio.out 6/20',
      '',
      "merged, first failure: inline:1: alloc-irq: ENOENT: unknown MSI device 'ringac'",
      '    (have: ringacc, main_udmap)',
      '',
    ]);
  });

  test('designs that failed the same way share a line; one that did not fail has none', () => {
    const reasons = (text: string) => text.split('\n').filter((l) => l.includes('first failure'));
    const same = runCompare(am65x, parseDesignList('merged,dynamic'), loadWorkload({ commands: 'pools; alloc-irq ringacc 999' }));
    expect(reasons(renderCompare(makeStyle(0, 80), same))).toEqual(['merged, dynamic (what-if), first failure: inline:2: alloc-irq: EINVAL: ringacc:']);
    // Only rfc-v4 runs out in `workload`.
    expect(reasons(renderCompare(makeStyle(0, 80), runCompare(am65x, parseDesignList('merged,rfc-v4,dynamic'), workload)))).toEqual([
      'rfc-v4, first failure: inline:3: request-channel: EINVAL: intr_main_navss.out',
    ]);
  });
});

describe('dynamic is labelled a what-if wherever compare and capacity name it', () => {
  test('capacity: its row and its column of what is left', () => {
    const lines = renderCapacity(PLAIN, runCapacity(am65x, parseDesignList('merged,dynamic'), 'main_udmap', 'tx', null)).split('\n');
    expect(lines.slice(2, 6)).toEqual([
      'DESIGN     BOOT  CHANNELS  NEXT       STOPPED BY',
      'merged     ok          50  tx ENOENT  main_udmap.tx_chan (DMA) 50/53',
      'dynamic    ok          50  tx ENOENT  main_udmap.tx_chan (DMA) 50/53',
      '(what-if)',
    ]);
    expect(lines.slice(7, 9)).toEqual(['FREE AFTER                       merged    dynamic', '                                         (what-if)']);
  });

  test('compare: the heading, its row, its column of peaks and the chart legend, within 80 columns', () => {
    const text = renderCompare(PLAIN, data);
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['compare inline: 5 commands from a fresh boot under merged, rfc-v4, probe-all,', '    dynamic (what-if)']);
    const row = lines.findIndex((l) => l.startsWith('dynamic '));
    expect(lines[row + 1].startsWith('(what-if) ')).toBe(true);
    expect(text).toContain('PEAK USED                        merged    rfc-v4  probe-all    dynamic\n                                                              (what-if)\n');
    expect(lines.at(-1)).toBe('m merged  r rfc-v4  p probe-all  d dynamic (what-if)  * lines overlap');
    expect(widest(text)).toBeLessThanOrEqual(80);
  });
});

describe('compare and capacity as JSON', () => {
  test('one object: designs, rows, pool peaks and the chart series', () => {
    const line = JSON.parse(renderJson({ file: 'f', line: 1 }, 'compare x', { ok: true, output: { kind: 'compare', compare: data } }));
    expect(Object.keys(line.data)).toEqual(['workload', 'commands', 'designs', 'rows', 'pools', 'chart']);
    expect(line.data.designs.map((d: { name: string }) => d.name)).toEqual(['merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(line.data.rows[1].firstFailure).toMatchObject({ command: 3, code: 'EINVAL', pool: { id: 'intr_main_navss.out', layer: 'INTR', used: 64, total: 64 } });
    expect(line.data.chart.series[1]).toEqual({ design: 'rfc-v4', used: [1, 51, 64, 64, 64, 64] });
  });
});
