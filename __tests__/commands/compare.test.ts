import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { DEFAULT_CHANNEL_MODE } from '../../src/core/dma.js';
import { CoreError } from '../../src/core/errors.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { renderCapacity, renderCompare } from '../../src/render/compare.js';
import { makeStyle } from '../../src/render/style.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
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

  test('a sourced file is named as the batch run names it: its path joined to its includer as given', () => {
    file('a/chan.msi', 'request-channel main_udmap tx 40\n');
    file('b/chan.msi', 'request-channel main_udmap rx 40\n');
    const top = file('two.msi', 'source a/chan.msi\nsource b/chan.msi\n');
    const places = (w: { lines: Array<{ file: string; line: number }> }) => w.lines.map((l) => `${l.file}:${l.line}`);
    expect(places(loadWorkload({ file: 'two.msi' }, tmp))).toEqual(['a/chan.msi:1', 'b/chan.msi:1']);
    // from an absolute path, absolute (not relative to the current folder), as sourcedName gives it
    expect(places(loadWorkload({ file: top }, '/'))).toEqual([`${tmp}/a/chan.msi:1`, `${tmp}/b/chan.msi:1`]);
    // inline, the path as written
    expect(places(loadWorkload({ commands: 'source ./a/../b/chan.msi' }, tmp))).toEqual(['b/chan.msi:1']);
  });

  test("compare's FIRST FAILURE cell and reasons give the place whole, so files of one name stay apart; a long one wraps within 80 columns", () => {
    file('a/chan.msi', 'request-channel main_udmap tx 40\n');
    file('b/chan.msi', 'request-channel main_udmap rx 40\n');
    file('two.msi', 'source a/chan.msi\nsource b/chan.msi\n');
    const text = renderCompare(makeStyle(0, 80), runCompare(am65x, parseDesignList('merged,rfc-v4'), loadWorkload({ file: 'two.msi' }, tmp))).split('\n');
    // rfc-v4 runs out of INTR outputs in b/chan.msi, not a/chan.msi
    expect(text).toContain('rfc-v4  ok    b/chan.msi:1         main_udmap rx: 1   1  intr_main_navss.out');
    expect(text).toContain('rfc-v4, first failure: b/chan.msi:1: request-channel: EINVAL:');
    const deep = `${'folder_with_a_long_name/'.repeat(3)}${'y'.repeat(70)}/chan.msi`;
    file(deep, 'request-channel main_udmap rx 70\n');
    const long = renderCompare(makeStyle(0, 80), runCompare(am65x, NAMED_DESIGNS, loadWorkload({ commands: `source ${deep}` }, tmp)));
    expect(Math.max(...long.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    // nothing cut: the place is all there once the lines are joined again
    const joined = long.replace(/\n +/g, '');
    expect(joined).toContain(`first failure: ${deep}:1 request-channel ENOENT`);
    expect(joined).toContain(`(what-if), first failure: ${deep}:1:`);
  });

  test('one word is a file; anything with ; or spaces is commands', () => {
    expect(workloadOf(['thread.msi'])).toEqual({ file: 'thread.msi' });
    expect(workloadOf(['request-channel', 'main_udmap', 'tx'])).toEqual({ commands: 'request-channel main_udmap tx' });
    expect(workloadOf(['pools;', 'routes'])).toEqual({ commands: 'pools; routes' });
    expect(inline('request-channel main_udmap tx 2; pools').lines.map((l) => `${l.file}:${l.line}`)).toEqual(['inline:1', 'inline:2']);
  });

  test('two script files are two workloads: refused as --compare refuses them, not as an unknown verb', () => {
    const s = fresh();
    const cases: Array<[string[], string]> = [
      [
        ['compare', 'fixtures/workloads/thread.msi', 'fixtures/tour.msi'],
        "compare takes one workload: a script file, or commands separated by ; (got 2: 'fixtures/workloads/thread.msi', 'fixtures/tour.msi'; to run them as one workload: \"source fixtures/workloads/thread.msi; source fixtures/tour.msi\")",
      ],
      [['compare', '--designs', 'merged', 'a.msi', 'b.msi', 'c.msi'], "compare takes one workload: a script file, or commands separated by ; (got 3: 'a.msi', 'b.msi', 'c.msi'; to run them as one workload: \"source a.msi; source b.msi; source c.msi\")"],
      // One quoted word holding both: the same.
      [['compare', 'a.msi b.msi'], "compare takes one workload: a script file, or commands separated by ; (got 2: 'a.msi', 'b.msi'; to run them as one workload: \"source a.msi; source b.msi\")"],
      // A file and something that is no file: no hint to source it.
      [['compare', 'fixtures/tour.msi', 'extra'], "compare takes one workload: a script file, or commands separated by ; (got 2: 'fixtures/tour.msi', 'extra')"],
      // A quoted ';' joins no commands (as -e reads it, and the workload would): still two words, the first a script.
      [['compare', "a.msi 'b;c.msi'"], "compare takes one workload: a script file, or commands separated by ; (got 2: 'a.msi', ''b;c.msi'')"],
      // A '#' starting a word starts a comment, as on a script line: its words (and its ';') are no workloads.
      [['compare', 'a.msi b.msi # then; x'], "compare takes one workload: a script file, or commands separated by ; (got 2: 'a.msi', 'b.msi'; to run them as one workload: \"source a.msi; source b.msi\")"],
      // ...only there: inside quotes or a word, a '#' is the word's.
      [['compare', "a.msi '#x' b#c.msi"], "compare takes one workload: a script file, or commands separated by ; (got 3: 'a.msi', ''#x'', 'b#c.msi')"],
    ];
    for (const [words, message] of cases) {
      const r = runWords(s, words);
      expect([words, r.ok ? 'ok' : r.error.code, r.ok ? '' : r.error.message]).toEqual([words, 'EUSAGE', message]);
    }
    // A command typed out, and a mistyped verb, stay what they were.
    expect(workloadOf(['request-channel', 'main_udmap', 'tx'])).toEqual({ commands: 'request-channel main_udmap tx' });
    const typo = runWords(s, ['compare', 'frobnicate', 'main_udmap']);
    expect(typo.ok ? '' : typo.error.message).toBe("inline:1: unknown verb 'frobnicate'; try help");
  });

  test('garbage, re-boots, recursion, nothing at all and unreadable files are refused before anything runs', () => {
    const cases: Array<[string, string, string]> = [
      ['pools; frobnicate main_udmap', 'EUSAGE', "inline:2: unknown verb 'frobnicate'; try help"],
      // Named by its verb, as a batch run of the line names it.
      ['request-channel', 'EUSAGE', 'inline:1: request-channel: missing <dma> <direction>; usage: request-channel <dma> <tx|rx> [count] [pkt|tr]'],
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
  // am65x grants Linux (host 12) 64 intr_main_navss outputs, CPTS holding one: 63 for the INTA.
  // 50 tx + 13 rx is 63 channels, so under one VINT per MSI the 64th (command 3) finds no output.
  // The coalesced designs go on to 99 channels and a ring MSI: the 100 GP rings are the pool that fills.
  const workload = inline(
    'request-channel main_udmap tx 50; request-channel main_udmap rx 13; request-channel main_udmap rx; request-channel main_udmap rx 35; alloc-irq ringacc any',
  );
  const data = runCompare(am65x, NAMED_DESIGNS, workload);
  const row = (name: string) => data.rows.find((r) => r.design === name)!;

  test('rfc-v4: the 64th channel finds no INTR output (EINVAL); main_udmap rx and ringacc starve', () => {
    const r = row('rfc-v4');
    expect(r.boot).toEqual({ ok: true, failed: [] });
    expect([r.commands, r.ran, r.succeeded]).toEqual([5, 5, 2]);
    expect(r.firstFailure).toEqual({
      file: 'inline',
      line: 3,
      command: 3,
      text: 'request-channel main_udmap rx',
      verb: 'request-channel',
      code: 'EINVAL',
      message: 'intr_main_navss.out exhausted (64/64 used)',
      pool: { id: 'intr_main_navss.out', layer: 'INTR', used: 64, total: 64 },
    });
    expect(r.starved).toEqual([
      { who: 'main_udmap rx', at: 'request', refused: 2, pool: 'intr_main_navss.out' },
      { who: 'ringacc', at: 'request', refused: 1, pool: 'intr_main_navss.out' },
    ]);
    expect(r.busiest).toEqual({ id: 'intr_main_navss.out', layer: 'INTR', total: 64, peak: 64, exhausted: true });
    expect(r.firstOut).toEqual({ pool: 'intr_main_navss.out', command: 3 });
  });

  test('probe-all: ringacc takes every INTR output at probe and fails at MSI 65, so the DMA never binds; CPTS, probing after, is fine', () => {
    const r = row('probe-all');
    expect(r.boot.ok).toBe(false);
    expect(r.boot.failed).toEqual([
      {
        device: 'ringacc',
        code: 'EINVAL',
        message: 'probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed',
        pool: { id: 'intr_main_navss.out', layer: 'INTR', used: 64, total: 64 },
      },
      { device: 'main_udmap', code: 'EPROBE_DEFER', message: 'probe deferred: ringacc is not bound (EPROBE_DEFER)', pool: null },
    ]);
    // An unbound driver is not a pool running out: the refused commands starve no one more.
    expect(r.starved).toEqual([
      { who: 'ringacc', at: 'probe', refused: 1, pool: 'intr_main_navss.out' },
      { who: 'main_udmap', at: 'probe', refused: 1, pool: null },
    ]);
    expect([r.succeeded, r.firstFailure?.command, r.firstFailure?.code, r.firstFailure?.pool]).toEqual([0, 1, 'EPROBE_DEFER', null]);
    expect(r.firstOut).toEqual({ pool: 'intr_main_navss.out', command: 0 });
  });

  test('merged and dynamic: everything succeeds; the GP ring pool fills, not the interrupt path', () => {
    for (const name of ['merged', 'dynamic']) {
      const r = row(name);
      expect([name, r.succeeded, r.firstFailure, r.starved, r.firstOut]).toEqual([name, 5, null, [], null]);
      // 99 channels and one ring MSI: the 100th of Linux's 100 GP rings.
      expect(r.firstFull).toEqual({ pool: 'ringacc.gp_ring', command: 5 });
    }
  });

  test('pool rows: peaks by design and who ran out', () => {
    const rowOf = (id: string) => data.pools.find((p) => p.id === id)!;
    const [intr, rings] = [rowOf('intr_main_navss.out'), rowOf('ringacc.gp_ring')];
    expect([intr.layer, intr.total, intr.exhausted]).toEqual(['INTR', 64, ['rfc-v4', 'probe-all']]);
    // coalesced: CPTS and two VINTs (64 + 36 events); rfc-v4 and probe-all: every output.
    expect(intr.peak).toEqual({ merged: 3, 'rfc-v4': 64, 'probe-all': 64, dynamic: 3 });
    expect([rings.layer, rings.total, rings.exhausted]).toEqual(['rings', 100, ['merged', 'dynamic']]);
    // rfc-v4: 63 channels' rings and the 64th's, taken before its irq was refused.
    expect(rings.peak).toEqual({ merged: 100, 'rfc-v4': 64, 'probe-all': 0, dynamic: 100 });
  });

  test('the chart follows the first pool to run out (boot counts as command 0), one series per design', () => {
    expect(data.chart.pool).toBe('intr_main_navss.out');
    expect(data.chart.why).toBe('first to run out');
    // probe-all's boot ran it out first: the chart, which starts after boot, says whose.
    expect(data.chart.atBoot).toBe('probe-all');
    expect(data.chart.total).toBe(64);
    expect(data.chart.series.map((s) => [s.design, s.used])).toEqual([
      // Hardware is taken at request_irq: boot holds only CPTS's output; a VINT's opens with its first event.
      ['merged', [1, 2, 2, 2, 3, 3]],
      ['rfc-v4', [1, 51, 64, 64, 64, 64]],
      // ringacc's failed probe gave its 64 back: CPTS's is all that stays.
      ['probe-all', [1, 1, 1, 1, 1, 1]],
      ['dynamic', [1, 2, 2, 2, 3, 3]],
    ]);
  });

  test('--pool picks the charted pool; an unknown one is refused with a suggestion', () => {
    const d = runCompare(am65x, designs('rfc-v4'), workload, { pool: 'inta_main_udmass.vint' });
    // CPTS is wired to the INTR directly: no VINT at boot.
    expect([d.chart.pool, d.chart.why, d.chart.series[0].used]).toEqual(['inta_main_udmass.vint', 'chosen', [0, 50, 63, 63, 63, 63]]);
    const e = thrown(() => runCompare(am65x, designs('rfc-v4'), workload, { pool: 'virqs' }));
    expect([e.code, e.message]).toEqual(['ENOENT', "unknown pool 'virqs' (did you mean virq?)"]);
  });

  test('with nothing refused the chart falls back to the first pool to fill, then to where the designs differ most, then to what the workload grew most, then to the busiest', () => {
    expect(runCompare(am65x, designs('merged'), inline('request-channel main_udmap tx 50; request-channel main_udmap rx 50')).chart).toMatchObject({
      pool: 'ringacc.gp_ring',
      why: 'first to fill',
    });
    // The GPIO router's boot-time lines (6/20) are the busiest pool, but no workload here moves
    // them: a flat line. Nor is virq the busiest of those it moved (merged boots with 226 of
    // 1024): one design grows a share of a pool most, here an INTR output of 64 for the VINT.
    const merged = runCompare(am65x, designs('merged'), inline('alloc-irq ringacc any')).chart;
    expect([merged.pool, merged.why, merged.series[0].used]).toEqual(['intr_main_navss.out', 'grew most', [1, 2]]);
    // Two designs: the pool whose growth sets them furthest apart, rfc-v4's GIC line per MSI
    // taking three INTR outputs where merged's one VINT takes one.
    const both = runCompare(am65x, designs('merged,rfc-v4'), inline('request-channel main_udmap tx 3; pools')).chart;
    expect([both.pool, both.why, both.series.map((x) => x.used)]).toEqual(['intr_main_navss.out', 'designs differ most', [[1, 2, 2], [1, 4, 4]]]);
    // Designs that grow every pool alike (rfc-v4 and dynamic differ in VINT sharing, which one MSI does not show): what it grew most.
    const alike = runCompare(am65x, designs('rfc-v4,dynamic'), inline('alloc-irq ringacc any')).chart;
    expect([alike.pool, alike.why]).toEqual(['intr_main_navss.out', 'grew most']);
    // A workload that changes nothing: the busiest pool of all, as before.
    expect(runCompare(am65x, designs('merged,rfc-v4'), inline('pools; interrupts')).chart).toMatchObject({ pool: 'intr_main_gpio.out', why: 'busiest' });
  });

  test('expected refusals still count as starving; exit stops a design and the pools stay as they were', () => {
    const d = runCompare(
      am65x,
      designs('rfc-v4'),
      inline('request-channel main_udmap tx 50; request-channel main_udmap rx 13; expect-error EINVAL request-channel main_udmap rx; exit; release-channel all'),
    );
    const r = d.rows[0];
    expect([r.commands, r.ran, r.succeeded, r.firstFailure]).toEqual([5, 4, 4, null]);
    // A failed expectation names its pool, but nothing ran out: no one starved, no pool marked.
    const e = runCompare(am65x, designs('dynamic'), inline('expect-pool inta_main_udmass.vint used=5')).rows[0];
    expect([e.succeeded, e.firstFailure?.code, e.firstFailure?.pool, e.starved, e.firstOut]).toEqual([0, 'EXPECT', null, [], null]);
    expect(r.starved).toEqual([{ who: 'main_udmap rx', at: 'request', refused: 1, pool: 'intr_main_navss.out' }]);
    expect(d.chart.series[0].used).toEqual([1, 51, 64, 64, 64, 64]);
  });
});

describe('runCompare across an undo', () => {
  test('a failed expect-error re-boots and replays to undo itself: the peaks reached before it stay', () => {
    // tx 60 holds the 50 normal tx channels (and 50 GP rings) before the 51st is refused and all are
    // released; `pools` then succeeds where EINVAL was expected, so the session is restored.
    const d = runCompare(am65x, designs('merged'), inline('request-channel main_udmap tx 60; expect-error EINVAL pools'));
    const r = d.rows[0];
    expect([r.succeeded, r.firstFailure?.command, r.firstFailure?.code]).toEqual([0, 1, 'ENOENT']);
    const peak = (id: string) => d.pools.find((p) => p.id === id)!.peak.merged;
    expect([peak('main_udmap.tx_chan'), peak('ringacc.gp_ring'), peak('inta_main_udmass.global_event'), peak('intr_main_navss.out')]).toEqual([50, 50, 50, 2]);
    expect(r.busiest).toEqual({ id: 'main_udmap.tx_chan', layer: 'DMA', total: 53, peak: 50, exhausted: true });
  });
});

describe('capacity', () => {
  test('both: one VINT per MSI stops at 63 channels on the INTR outputs; merged and dynamic hold 100, stopped by the tx channels with every GP ring taken; under probe-all the DMA never binds', () => {
    const d = runCapacity(am65x, NAMED_DESIGNS, 'main_udmap', 'both', null);
    expect(d.rows.map((r) => [r.design, r.channels, r.tx, r.rx, r.stop?.dir, r.stop?.code, r.stop?.pool?.id, r.stop?.pool?.layer])).toEqual([
      // 50 normal tx channels (8-19, 26-63) and as many rx; the 101st request is the 51st tx.
      ['merged', 100, 50, 50, 'tx', 'ENOENT', 'main_udmap.tx_chan', 'DMA'],
      // 64 outputs, CPTS holding one: 63 channels, tx first; the 64th is an rx.
      ['rfc-v4', 63, 32, 31, 'rx', 'EINVAL', 'intr_main_navss.out', 'INTR'],
      ['probe-all', 0, 0, 0, 'tx', 'EPROBE_DEFER', undefined, undefined],
      ['dynamic', 100, 50, 50, 'tx', 'ENOENT', 'main_udmap.tx_chan', 'DMA'],
    ]);
    expect(d.rows[0].stop?.pool).toEqual({ id: 'main_udmap.tx_chan', layer: 'DMA', used: 50, total: 53 });
    expect(d.rows[2].boot.failed.map((f) => [f.device, f.code])).toEqual([
      ['ringacc', 'EINVAL'],
      ['main_udmap', 'EPROBE_DEFER'],
    ]);
    expect(d.rows[2].stop?.message).toBe('main_udmap: driver not bound: probe deferred: ringacc is not bound');
    const free = (id: string) => {
      const p = d.pools.find((x) => x.id === id)!;
      return [p.free, p.stopped];
    };
    expect(free('intr_main_navss.out')).toEqual([{ merged: 61, 'rfc-v4': 0, 'probe-all': 63, dynamic: 61 }, ['rfc-v4']]);
    expect(free('inta_main_udmass.vint')).toEqual([{ merged: 78, 'rfc-v4': 17, 'probe-all': 80, dynamic: 78 }, []]);
    expect(free('ringacc.gp_ring')).toEqual([{ merged: 0, 'rfc-v4': 37, 'probe-all': 100, dynamic: 0 }, []]);
    expect(free('main_udmap.tx_chan')).toEqual([{ merged: 3, 'rfc-v4': 21, 'probe-all': 53, dynamic: 3 }, ['merged', 'dynamic']]);
  });

  test('one direction, a subset of designs', () => {
    const d = runCapacity(am65x, designs('rfc-v4'), 'main_udmap', 'rx', 'pkt');
    // 64 normal rx channels, but only 63 INTR outputs free.
    expect([d.dir, d.type, d.rows[0].channels, d.rows[0].tx, d.rows[0].rx, d.rows[0].stop?.dir, d.rows[0].stop?.pool?.id]).toEqual(['rx', 'pkt', 63, 0, 63, 'rx', 'intr_main_navss.out']);
    expect(thrown(() => runCapacity(am65x, designs('merged'), 'nope', 'tx', null)).message).toBe("unknown DMA controller 'nope' (have: main_udmap)");
  });

  test('tr: each TR channel needs two events, so rfc-v4 holds 31 (two VINTs and INTR outputs each); coalesced, the tx channels still stop it', () => {
    const d = runCapacity(am65x, designs('rfc-v4,merged'), 'main_udmap', 'tx', 'tr');
    expect(d.type).toBe('tr');
    expect(d.rows.map((r) => [r.design, r.channels, r.tx, r.stop?.code, r.stop?.pool])).toEqual([
      // 63 outputs: 31 channels use 62; the 32nd's ring irq takes the last and its UDMA event finds none.
      ['rfc-v4', 31, 31, 'EINVAL', { id: 'intr_main_navss.out', layer: 'INTR', used: 64, total: 64 }],
      ['merged', 50, 50, 'ENOENT', { id: 'main_udmap.tx_chan', layer: 'DMA', used: 50, total: 53 }],
    ]);
    const free = (id: string) => d.pools.find((x) => x.id === id)!.free;
    // The refused channel gave back its ring irq's output: one stays free under rfc-v4.
    expect(free('intr_main_navss.out')).toEqual({ 'rfc-v4': 1, merged: 61 });
    expect(free('inta_main_udmass.vint')).toEqual({ 'rfc-v4': 18, merged: 78 });
    // Two events a channel: 62 and 100 (in two VINTs of 64 and 36 under merged).
    expect(free('inta_main_udmass.global_event')).toEqual({ 'rfc-v4': 962, merged: 924 });
  });

  test('requestOneChannel passes pkt|tr through: a TR channel also requests its UDMA event', () => {
    const s = fresh();
    const events = () => s.system.allPools().find((p) => p.id === 'inta_main_udmass.global_event')!.used;
    const held = () => s.system.channels().map((c) => `${c.name} ${c.mode}`);
    // Normal requests start at channel 8 of Linux's share.
    requestOneChannel(s, 'main_udmap', 'rx', 'pkt');
    expect([held(), events()]).toEqual([['main_udmap:rx8 pkt'], 1]);
    requestOneChannel(s, 'main_udmap', 'tx', 'tr');
    expect([held(), events()]).toEqual([['main_udmap:tx8 tr', 'main_udmap:rx8 pkt'], 3]);
    // No type is what request-channel does by default: packet mode.
    expect(DEFAULT_CHANNEL_MODE).toBe('pkt');
    requestOneChannel(s, 'main_udmap', 'tx', DEFAULT_CHANNEL_MODE);
    expect([held()[1], events()]).toEqual(['main_udmap:tx9 pkt', 4]);
  });
});

describe('the verbs', () => {
  test('compare and capacity leave the session exactly as it was', () => {
    const s = fresh();
    run(s, 'request-channel main_udmap tx 3');
    const before = s.system.fingerprint();
    const system = s.system;
    output(runWords(s, ['compare', 'request-channel main_udmap tx 50; request-channel main_udmap rx 50']), 'compare');
    output(run(s, 'capacity main_udmap both'), 'capacity');
    expect(s.system).toBe(system);
    expect(s.system.fingerprint()).toBe(before);
  });

  test('capacity with no channel type is the default, pkt: one value for one meaning, in the data and the title', () => {
    const omitted = output(run(fresh(), 'capacity main_udmap rx --designs rfc-v4'), 'capacity').capacity;
    const given = output(run(fresh(), 'capacity main_udmap rx pkt --designs rfc-v4'), 'capacity').capacity;
    expect(omitted.type).toBe('pkt');
    expect(omitted).toEqual(given);
    expect(renderCapacity(makeStyle(0, 200), omitted).split('\n')[0]).toBe('capacity of main_udmap: rx pkt channels held at once, requested one at a time from a fresh boot');
  });

  test('capacity <dma> <dir> tr reaches the runner as TR mode', () => {
    const c = output(run(fresh(), 'capacity main_udmap both tr --designs rfc-v4'), 'capacity').capacity;
    // 31 TR channels, tx first: 16 tx and 15 rx; the 32nd (an rx) finds no second INTR output.
    expect([c.type, c.rows[0].channels, c.rows[0].tx, c.rows[0].rx, c.rows[0].stop?.dir, c.rows[0].stop?.code]).toEqual(['tr', 31, 16, 15, 'rx', 'EINVAL']);
  });

  test("capacity: a figure the failed request itself made is explained under the table, in the error's words", () => {
    const c = output(run(fresh(), 'capacity main_udmap both tr --designs merged,rfc-v4'), 'capacity').capacity;
    const text = renderCapacity(makeStyle(0, 80), c);
    const lines = text.split('\n');
    // rfc-v4 stopped at 64/64 and ends with one output free: its rx channel's ring MSI held it.
    expect(lines.filter((l) => /^rfc-v4\s/.test(l))[0]).toMatch(/rx EINVAL\s+intr_main_navss\.out \(INTR\) 64\/64$/);
    const at = lines.indexOf('rfc-v4, next rx channel: EINVAL: intr_main_navss.out exhausted (64/64 used, 1 of');
    expect(lines.slice(at, at + 2)).toEqual(['rfc-v4, next rx channel: EINVAL: intr_main_navss.out exhausted (64/64 used, 1 of', "    them this channel's ring MSI, released)"]);
    expect(lines.find((l) => l.startsWith('intr_main_navss.out'))).toMatch(/ 1\/64\*$/);
    // merged stopped at 50/53 and holds 50 after: nothing to explain, no line.
    expect(lines.filter((l) => l.startsWith('merged,'))).toEqual([]);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  test('bad input is one failed result', () => {
    const s = fresh();
    const cases: Array<[string[], string, string]> = [
      [['compare'], 'EUSAGE', 'missing <workload>; usage: compare [--designs a,b,...] [--pool P] <script.msi | "cmd; cmd; ...">'],
      [['compare', '--designs', 'merged'], 'EUSAGE', 'missing workload: a script file, or commands separated by ;'],
      [['compare', ''], 'EUSAGE', 'empty workload: give a script file, or commands separated by ;'],
      [['compare', '--designs', 'merged', ''], 'EUSAGE', 'empty workload: give a script file, or commands separated by ;'],
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
