import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { requestOneChannel, runCapacity, runCompare } from '../../src/commands/compare-run.js';
import { NAMED_DESIGNS, parseDesignList } from '../../src/commands/designs-catalog.js';
import { runWords } from '../../src/commands/registry.js';
import type { Output, Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { splitFlags } from '../../src/commands/verbs/compare.js';
import { loadWorkload, workloadOf } from '../../src/commands/workload.js';
import { CoreError } from '../../src/core/errors.js';
import { am65x } from '../../src/core/topologies/am65x.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

const designs = (names: string) => parseDesignList(names);
const inline = (commands: string) => loadWorkload({ commands });
const thrown = (fn: () => unknown): CoreError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CoreError) return e;
    throw e;
  }
  throw new Error('did not throw');
};
const fresh = () => new Session(am65x, DEFAULT_SETTINGS);
const run = (s: Session, line: string): Result => runWords(s, line.split(' '));
const output = <K extends Output['kind']>(r: Result, kind: K): Extract<Output, { kind: K }> => {
  if (!r.ok) throw new Error(`failed: ${r.error.code}: ${r.error.message}`);
  expect(r.output.kind).toBe(kind);
  return r.output as Extract<Output, { kind: K }>;
};

describe('designs catalog', () => {
  test("the four named designs are the core's presets, in order, with all five settings", () => {
    const s = (d: (typeof NAMED_DESIGNS)[number]) => d.settings;
    expect(NAMED_DESIGNS.map((d) => [d.name, s(d).policy, s(d).mode, s(d).hardware, s(d).lock, s(d).failure])).toEqual([
      ['merged', 'coalesced', 'probe', 'request', 'inta', 'unwind'],
      ['rfc-v4', 'dedicated', 'demand', 'alloc', 'none', 'unwind'],
      ['probe-all', 'dedicated', 'probe', 'alloc', 'inta', 'unwind'],
      ['dynamic', 'coalesced', 'demand', 'request', 'inta', 'unwind'],
    ]);
    // The summary a reader sees is the preset's title, then what it stands for in the thread.
    expect(NAMED_DESIGNS[1].summary).toMatch(/^the seed patch, Feb 2019: "\[RFC PATCH v4 08\/13\] genirq\/msi: /);
  });

  test('a list keeps its order; all is every design; unknown and repeated names are refused', () => {
    expect(designs('dynamic,merged').map((d) => d.name)).toEqual(['dynamic', 'merged']);
    expect(designs('all')).toHaveLength(4);
    const unknown = thrown(() => designs('merged,rfcv4'));
    expect([unknown.code, unknown.message]).toEqual(['ENOENT', "unknown design 'rfcv4' (did you mean rfc-v4?); designs: merged, rfc-v4, probe-all, dynamic"]);
    expect(thrown(() => designs('merged,merged')).message).toBe('designs: merged named twice');
    expect(thrown(() => designs('merged,')).code).toBe('EUSAGE');
  });
});

describe('options', () => {
  test('--designs a,b and --designs=a,b; the other words keep their order', () => {
    expect(splitFlags(['x', '--designs', 'a,b', 'y'], ['--designs'])).toEqual({ flags: { '--designs': 'a,b' }, rest: ['x', 'y'] });
    expect(splitFlags(['--pool=virq', 'f.msi'], ['--designs', '--pool'])).toEqual({ flags: { '--pool': 'virq' }, rest: ['f.msi'] });
  });

  test('unknown, repeated or valueless options are refused', () => {
    expect(thrown(() => splitFlags(['--pool', 'x'], ['--designs'])).message).toBe("unknown option '--pool' (options: --designs)");
    expect(thrown(() => splitFlags(['--designs', 'a', '--designs', 'b'], ['--designs'])).message).toBe('--designs given twice');
    expect(thrown(() => splitFlags(['--designs'], ['--designs'])).message).toBe('--designs needs a value');
    expect(thrown(() => splitFlags(['--designs', '--pool', 'x'], ['--designs', '--pool'])).message).toBe('--designs needs a value');
  });
});

describe('workloads', () => {
  test('a file: comments and blank lines skipped, source relative to the file, places kept', () => {
    file('lib.msi', '# lib\nrequest-channel main_udmap rx\n');
    file('main.msi', 'request-channel main_udmap tx\n\n# c\nsource lib.msi\npools\n');
    const w = loadWorkload({ file: 'main.msi' }, tmp);
    expect(w.name).toBe('main.msi');
    expect(w.lines.map((l) => `${l.file}:${l.line} ${l.words.join(' ')}`)).toEqual([
      'main.msi:1 request-channel main_udmap tx',
      'lib.msi:2 request-channel main_udmap rx',
      'main.msi:5 pools',
    ]);
  });

  test('one word is a file; anything with ; or spaces is commands', () => {
    expect(workloadOf(['thread.msi'])).toEqual({ file: 'thread.msi' });
    expect(workloadOf(['request-channel', 'main_udmap', 'tx'])).toEqual({ commands: 'request-channel main_udmap tx' });
    expect(workloadOf(['pools;', 'routes'])).toEqual({ commands: 'pools; routes' });
    expect(inline('request-channel main_udmap tx 2; pools').lines.map((l) => `${l.file}:${l.line}`)).toEqual(['inline:1', 'inline:2']);
  });

  test('garbage, re-boots, recursion, nothing at all and unreadable files are refused before anything runs', () => {
    const cases: Array<[string, string, string]> = [
      ['pools; frobnicate main_udmap', 'EUSAGE', "inline:2: unknown verb 'frobnicate'; try help"],
      ['request-channel', 'EUSAGE', 'inline:1: missing <dma> <direction>; usage: request-channel <dma> <tx|rx> [count] [pkt|tr]'],
      ['mode probe', 'EUSAGE', 'inline:1: mode re-boots, which would replace the design being compared'],
      ['reset', 'EUSAGE', 'inline:1: reset re-boots, which would replace the design being compared'],
      ['expect-error ENOSPC compare x.msi', 'EUSAGE', 'inline:1: compare cannot run inside a workload'],
      ['capacity main_udmap tx', 'EUSAGE', 'inline:1: capacity cannot run inside a workload'],
      ['pools "unterminated', 'EUSAGE', 'inline:1: unterminated " quote'],
      ['# just a comment', 'EUSAGE', "workload 'inline' has no commands"],
    ];
    for (const [commands, code, message] of cases) {
      const e = thrown(() => inline(commands));
      expect([commands, e.code, e.message]).toEqual([commands, code, message]);
    }
    const missing = thrown(() => loadWorkload({ file: 'nope.msi' }, tmp));
    expect([missing.code, missing.message]).toEqual(['ENOENT', 'nope.msi: cannot read workload: no such file']);
    file('loop-a.msi', 'source loop-b.msi\n');
    file('loop-b.msi', 'source loop-a.msi\n');
    expect(thrown(() => loadWorkload({ file: 'loop-a.msi' }, tmp)).message).toBe('loop-b.msi:1: source loop: loop-a.msi -> loop-b.msi -> loop-a.msi');
    file('bad-source.msi', 'pools\nsource missing.msi\n');
    expect(thrown(() => loadWorkload({ file: 'bad-source.msi' }, tmp)).message).toBe('bad-source.msi:2: source: missing.msi: cannot read script: no such file');
  });
});

describe('runCompare', () => {
  const workload = inline('request-channel main_udmap tx 64; request-channel main_udmap rx 63; request-channel main_udmap rx; alloc-irq ringacc any');
  const data = runCompare(am65x, NAMED_DESIGNS, workload);
  const row = (name: string) => data.rows.find((r) => r.design === name)!;

  test('rfc-v4: the 128th channel finds no INTR output; main_udmap rx and ringacc starve', () => {
    const r = row('rfc-v4');
    expect(r.boot).toEqual({ ok: true, failed: [] });
    expect([r.commands, r.ran, r.succeeded]).toEqual([4, 4, 2]);
    expect(r.firstFailure).toEqual({
      file: 'inline',
      line: 3,
      command: 3,
      text: 'request-channel main_udmap rx',
      verb: 'request-channel',
      code: 'ENOSPC',
      message: 'intr_main_navss.out exhausted (128/128 used)',
      pool: { id: 'intr_main_navss.out', layer: 'INTR', used: 128, total: 128 },
    });
    expect(r.starved).toEqual([
      { who: 'main_udmap rx', at: 'request', refused: 1, pool: 'intr_main_navss.out' },
      { who: 'ringacc', at: 'request', refused: 1, pool: 'intr_main_navss.out' },
    ]);
    expect(r.busiest).toEqual({ id: 'intr_main_navss.out', layer: 'INTR', total: 128, peak: 128, exhausted: true });
    expect(r.firstOut).toEqual({ pool: 'intr_main_navss.out', command: 3 });
  });

  test('probe-all: CPTS starves at boot, on the INTR outputs', () => {
    const r = row('probe-all');
    expect(r.boot.ok).toBe(false);
    expect(r.boot.failed).toEqual([
      {
        device: 'cpts',
        code: 'ENOSPC',
        message: 'probe failed: ENOSPC: intr_main_navss.out exhausted (128/128 used)',
        pool: { id: 'intr_main_navss.out', layer: 'INTR', used: 128, total: 128 },
      },
    ]);
    expect(r.starved[0]).toEqual({ who: 'cpts', at: 'probe', refused: 1, pool: 'intr_main_navss.out' });
    expect(r.firstOut).toEqual({ pool: 'intr_main_navss.out', command: 0 });
  });

  test('merged and dynamic: everything succeeds; the DMA channel pools fill, not the interrupt path', () => {
    for (const name of ['merged', 'dynamic']) {
      const r = row(name);
      expect([name, r.succeeded, r.firstFailure, r.starved]).toEqual([name, 4, null, []]);
      expect(r.firstFull).toEqual({ pool: 'main_udmap.tx_chan', command: 1 });
    }
  });

  test('pool rows: peaks by design and who ran out', () => {
    const intr = data.pools.find((p) => p.id === 'intr_main_navss.out')!;
    expect(intr).toEqual({
      id: 'intr_main_navss.out',
      layer: 'INTR',
      total: 128,
      peak: { merged: 4, 'rfc-v4': 128, 'probe-all': 128, dynamic: 4 },
      exhausted: ['rfc-v4', 'probe-all'],
    });
  });

  test('the chart follows the first pool to run out (boot counts as command 0), one series per design', () => {
    expect(data.chart.pool).toBe('intr_main_navss.out');
    expect(data.chart.why).toBe('first to run out');
    expect(data.chart.total).toBe(128);
    expect(data.chart.series.map((s) => [s.design, s.used])).toEqual([
      // merged allocates at probe: its two VINTs' lines are taken at boot.
      ['merged', [3, 3, 3, 3, 4]],
      ['rfc-v4', [1, 65, 128, 128, 128]],
      ['probe-all', [128, 128, 128, 128, 128]],
      ['dynamic', [1, 2, 3, 3, 4]],
    ]);
  });

  test('--pool picks the charted pool; an unknown one is refused with a suggestion', () => {
    const d = runCompare(am65x, designs('rfc-v4'), workload, { pool: 'inta_main_udmass.vint' });
    expect([d.chart.pool, d.chart.why, d.chart.series[0].used]).toEqual(['inta_main_udmass.vint', 'chosen', [0, 64, 127, 127, 127]]);
    const e = thrown(() => runCompare(am65x, designs('rfc-v4'), workload, { pool: 'virqs' }));
    expect([e.code, e.message]).toEqual(['ENOENT', "unknown pool 'virqs' (did you mean virq?)"]);
  });

  test('with nothing refused the chart falls back to the first pool to fill, then to the busiest', () => {
    expect(runCompare(am65x, designs('merged'), inline('request-channel main_udmap tx 64')).chart).toMatchObject({ pool: 'main_udmap.tx_chan', why: 'first to fill' });
    expect(runCompare(am65x, designs('merged'), inline('alloc-irq ringacc any')).chart).toMatchObject({ pool: 'intr_main_gpio.out', why: 'busiest' });
  });

  test('expected refusals still count as starving; exit stops a design and the pools stay as they were', () => {
    const d = runCompare(am65x, designs('rfc-v4'), inline('request-channel main_udmap tx 64; request-channel main_udmap rx 63; expect-error ENOSPC request-channel main_udmap rx; exit; release-channel all'));
    const r = d.rows[0];
    expect([r.commands, r.ran, r.succeeded, r.firstFailure]).toEqual([5, 4, 4, null]);
    // A failed expectation names its pool, but nothing ran out: no one starved, no pool marked.
    const e = runCompare(am65x, designs('dynamic'), inline('expect-pool inta_main_udmass.vint used=5')).rows[0];
    expect([e.succeeded, e.firstFailure?.code, e.firstFailure?.pool, e.starved, e.firstOut]).toEqual([0, 'EXPECT', null, [], null]);
    expect(r.starved).toEqual([{ who: 'main_udmap rx', at: 'request', refused: 1, pool: 'intr_main_navss.out' }]);
    expect(d.chart.series[0].used).toEqual([1, 65, 128, 128, 128, 128]);
  });
});

describe('capacity', () => {
  test('both: one VINT per MSI stops at 127 channels on the INTR outputs; the others on the DMA channel pool', () => {
    const d = runCapacity(am65x, NAMED_DESIGNS, 'main_udmap', 'both', null);
    expect(d.rows.map((r) => [r.design, r.channels, r.tx, r.rx, r.stop?.dir, r.stop?.code, r.stop?.pool?.id, r.stop?.pool?.layer])).toEqual([
      ['merged', 128, 64, 64, 'tx', 'ENOSPC', 'main_udmap.tx_chan', 'DMA'],
      ['rfc-v4', 127, 64, 63, 'rx', 'ENOSPC', 'intr_main_navss.out', 'INTR'],
      ['probe-all', 128, 64, 64, 'tx', 'ENOSPC', 'main_udmap.tx_chan', 'DMA'],
      ['dynamic', 128, 64, 64, 'tx', 'ENOSPC', 'main_udmap.tx_chan', 'DMA'],
    ]);
    expect(d.rows[2].boot.failed.map((f) => f.device)).toEqual(['cpts']);
    const intr = d.pools.find((p) => p.id === 'intr_main_navss.out')!;
    expect([intr.free, intr.stopped]).toEqual([{ merged: 125, 'rfc-v4': 0, 'probe-all': 0, dynamic: 125 }, ['rfc-v4']]);
  });

  test('one direction, a subset of designs, pkt|tr passed through one function', () => {
    const d = runCapacity(am65x, designs('rfc-v4'), 'main_udmap', 'rx', 'tr');
    expect([d.type, d.rows[0].channels, d.rows[0].rx, d.rows[0].stop?.pool?.id]).toEqual(['tr', 64, 64, 'main_udmap.rx_chan']);
    const s = fresh();
    requestOneChannel(s, 'main_udmap', 'rx', 'pkt');
    expect(s.system.channels().map((c) => c.name)).toEqual(['main_udmap:rx0']);
    expect(thrown(() => runCapacity(am65x, designs('merged'), 'nope', 'tx', null)).message).toBe("unknown DMA controller 'nope' (have: main_udmap)");
  });
});

describe('the verbs', () => {
  test('compare and capacity leave the session exactly as it was', () => {
    const s = fresh();
    run(s, 'request-channel main_udmap tx 3');
    const before = s.system.fingerprint();
    const system = s.system;
    output(runWords(s, ['compare', 'request-channel main_udmap tx 64; request-channel main_udmap rx 64']), 'compare');
    output(run(s, 'capacity main_udmap both'), 'capacity');
    expect(s.system).toBe(system);
    expect(s.system.fingerprint()).toBe(before);
  });

  test('bad input is one failed result', () => {
    const s = fresh();
    const cases: Array<[string[], string, string]> = [
      [['compare'], 'EUSAGE', 'missing <workload>; usage: compare [--designs a,b,...] [--pool P] <script.msi | "cmd; cmd; ...">'],
      [['compare', '--designs', 'merged'], 'EUSAGE', 'missing workload: a script file, or commands separated by ;'],
      [['compare', '--designs', 'nope', 'pools;'], 'ENOENT', 'unknown design \'nope\'; designs: merged, rfc-v4, probe-all, dynamic'],
      [['compare', 'pools'], 'ENOENT', 'pools: cannot read workload: no such file (to run the command pools as the workload, write "pools;")'],
      [['capacity', 'main_udmap'], 'EUSAGE', 'missing <direction>; usage: capacity <dma> <tx|rx|both> [pkt|tr] [--designs a,b,...]'],
      [['capacity', 'main_udmap', 'tx', 'packet'], 'EUSAGE', "channel type: expected pkt or tr, got 'packet'"],
      [['capacity', 'x', 'tx'], 'ENOENT', "unknown DMA controller 'x' (have: main_udmap)"],
    ];
    for (const [words, code, message] of cases) {
      const r = runWords(s, words);
      expect([words, r.ok ? 'ok' : r.error.code, r.ok ? '' : r.error.message]).toEqual([words, code, message]);
    }
  });
});
