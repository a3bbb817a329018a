import { designNamed, type DesignName } from '../../src/core/designs.js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { am65x } from '../../src/core/topologies/am65x.js';
import { readFileSync } from 'node:fs';
import { runWords } from '../../src/commands/registry.js';
import type { Output, Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { Explorer } from '../../src/core/interleave/explore.js';
import { exploreAll } from '../../src/core/interleave/scheduler.js';
import { expectNoMatch, expectNotToBe } from '../hot-expect.js';
import { allocIrqOp, freeIrqOp, releaseChannelOp } from '../../src/core/interleave/ops.js';
import { LOCK_MODES } from '../../src/core/interleave/locks.js';
import { complete } from '../../src/cli/completion.js';
import { askPrompts, planPrompts } from '../../src/cli/prompts.js';
import { parseTopology } from '../../src/topology/validate.js';
import type { Topology } from '../../src/core/topology.js';
import { renderText } from '../../src/render/text.js';
import { PLAIN } from '../../src/render/style.js';

const race2 = (): Topology => {
  const parsed = parseTopology(readFileSync('fixtures/topologies/race2.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return parsed.topology;
};

const session = (...lines: string[]): Session => {
  const s = new Session(race2(), { ...designNamed('dynamic')!.settings });
  for (const l of lines) {
    const r = runWords(s, tokenize(l));
    if (!r.ok) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
};

const run = (s: Session, line: string): Result => runWords(s, tokenize(line));

const grades = (s: Session, ops: ReturnType<typeof allocIrqOp>[], lock: 'none' | 'list' | 'inta') =>
  new Explorer(s.system, ops, lock).run({ lock, mode: { kind: 'all' } }).outcomes.map((o) => `${o.result} ${o.grade}: ${o.description}`);

/** A session on the default SoC (am65x) under `design`, after `lines`. */
const onAm65x = (design: DesignName, ...lines: string[]): Session => {
  const s = new Session(am65x, { ...designNamed(design)!.settings });
  for (const l of lines) {
    const r = runWords(s, tokenize(l));
    if (!r.ok) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
};

/** What the user reads of an interleave: the summary and the outcome table (80 columns, no colour), and whether it passed. */
const seen = (s: Session, line: string): { ok: boolean; lines: string[] } => {
  const r = run(s, line);
  const o = r.ok ? r.output : r.output;
  if (o?.kind !== 'interleave') throw new Error(`${line}: ${r.ok ? 'no interleave output' : r.error.message}`);
  const text = renderText(PLAIN, o).split('\n');
  const end = text.indexOf('', text.indexOf('') + 1);
  return { ok: r.ok, lines: end < 0 ? text : text.slice(0, end) };
};

/** A passing interleave's explored line and outcome table (what follows its header). */
const outcomeLines = (s: Session, line: string): string[] => {
  const r = seen(s, line);
  expect(r.ok).toBe(true);
  return r.lines.slice(3);
};

/** In this describe block, the explored line has no time in it, as in the goldens. */
const untimed = (): void => {
  const timing = process.env.MSI_EXPLORER_TIMING;
  beforeAll(() => {
    process.env.MSI_EXPLORER_TIMING = 'off';
  });
  afterAll(() => {
    if (timing === undefined) delete process.env.MSI_EXPLORER_TIMING;
    else process.env.MSI_EXPLORER_TIMING = timing;
  });
};

describe('serial orders are serial: an operation sees what the operations before it did', () => {
  untimed();

  test('a double free-irq of one virq: the second fails with ENOENT as it does alone, under every lock', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc any');
    const virq = s.system.msi.find(s.system.msiDevice('ringacc'), 304)!.virq;
    // The first free's steps: 9 under vint_mutex (or none), 7 without its lock and unlock (v7's
    // unlocked free path), 12 with the device mutex's lock, release-index and unlock: the second
    // fails at its first step, after any of the first's.
    for (const [lock, steps] of [['none', 9], ['list', 7], ['inta', 9], ['device', 12]] as const) {
      const n = `${steps}`.padStart(9);
      expect(seen(s, `interleave "free-irq ${virq}" "free-irq ${virq}" --lock ${lock}`)).toEqual({
        ok: true,
        lines: [
          `interleave: 2 ops, lock ${lock}, explore all (exhaustive, no preemption bound)`,
          `  A  cpu0  free-irq ${virq}`,
          `  B  cpu1  free-irq ${virq}`,
          `explored ${2 * steps} schedules; 2 distinct outcomes; none FORBIDDEN`,
          '',
          '  RESULT            SCHEDULES   FREQ  EXPECT      DESCRIPTION',
          `  A=ENOENT B=freed  ${n}  50.0%  acceptable  serial B;A`,
          `  A=freed B=ENOENT  ${n}  50.0%  acceptable  serial A;B`,
        ],
      });
    }
    // As free-irq alone says it the second time.
    const alone = onAm65x('merged', 'alloc-irq ringacc any', `free-irq ${virq}`);
    const again = run(alone, `free-irq ${virq}`);
    expect(again.ok ? undefined : again.error.message).toBe(`virq ${virq} (ringacc 304) is not requested`);
    const r = new Explorer(s.system, [freeIrqOp(virq), freeIrqOp(virq)], 'inta').run({ lock: 'inta', mode: { kind: 'schedule', schedule: 'A1,B*,A*' } });
    expect(r.shown!.steps[1]).toMatchObject({ op: 'B', name: 'start', end: 'failed', error: `ENOENT: virq ${virq} (ringacc 304) is not requested` });
  });

  test('free-irq by virq and by device index name one MSI: one frees it, the other finds it not requested', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc any');
    expect(seen(s, 'interleave "free-irq 70" "free-irq ringacc 304" --lock none').lines.slice(5)).toEqual([
      '  RESULT            SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=ENOENT B=freed          9  50.0%  acceptable  serial B;A',
      '  A=freed B=ENOENT          9  50.0%  acceptable  serial A;B',
    ]);
  });

  test('a free racing an alloc of the index it frees: explored, the alloc succeeds only once the free has ended', () => {
    for (const design of ['merged', 'dynamic'] as const) {
      const s = onAm65x(design, 'alloc-irq ringacc 304');
      const virq = s.system.msi.find(s.system.msiDevice('ringacc'), 304)!.virq;
      for (const line of [`interleave "free-irq ${virq}" "alloc-irq ringacc 304" --lock none`, 'interleave "free-irq ringacc 304" "alloc-irq ringacc 304" --lock inta']) {
        // 9 steps of the free; the alloc, started before its last, finds the index still requested.
        expect(outcomeLines(s, line)).toEqual([
          'explored 10 schedules; 2 distinct outcomes; none FORBIDDEN',
          '',
          '  RESULT           SCHEDULES   FREQ  EXPECT      DESCRIPTION',
          '  A=freed B=EBUSY          9  90.0%  acceptable  serial B;A',
          '  A=freed B=16:0           1  10.0%  acceptable  serial A;B',
        ]);
      }
    }
  });

  test('a free of what another operation allocates: at probe, it frees it once the alloc has finished', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc 304');
    const before = s.system.fingerprint();
    for (const lock of ['none', 'inta']) {
      // The alloc's 6 steps on VINT 16 (it has a free bit); the free, started before its last, finds nothing requested.
      expect(outcomeLines(s, `interleave "alloc-irq ringacc 305" "free-irq ringacc 305" --lock ${lock}`)).toEqual([
        'explored 7 schedules; 2 distinct outcomes; none FORBIDDEN',
        '',
        '  RESULT           SCHEDULES   FREQ  EXPECT      DESCRIPTION',
        '  A=16:1 B=ENOENT          6  85.7%  acceptable  serial B;A',
        '  A=16:1 B=freed           1  14.3%  acceptable  serial A;B',
      ]);
    }
    expect(s.system.fingerprint()).toBe(before);
    // An alloc of an index nobody frees is still refused as alloc-irq alone refuses it.
    const twice = run(s, 'interleave "alloc-irq ringacc 304" "alloc-irq ringacc 305"');
    expect(twice.ok ? undefined : twice.error.message).toBe('operation A (alloc-irq ringacc 304): ringacc 304 is already requested by alloc-irq (virq 70)');
  });

  test('on demand, what another operation allocates cannot be named to free it: refused, saying why', () => {
    const s = onAm65x('dynamic', 'alloc-irq ringacc 304');
    const r = run(s, 'interleave "alloc-irq ringacc 305" "free-irq ringacc 305"');
    expect(r.ok ? undefined : r.error).toEqual({
      code: 'ENOENT',
      message: 'operation B: ringacc 305 has no MSI (on demand, one allocated within the interleave cannot be named to free it)',
      pool: undefined,
    });
  });

  test('a double release-channel: the second finds the channel not requested', () => {
    const s = onAm65x('merged', 'request-channel main_udmap tx');
    const r = seen(s, 'interleave "release-channel main_udmap:tx8" "release-channel main_udmap:tx8" --lock none');
    expect(r.ok).toBe(true);
    expect(r.lines.slice(3)).toEqual([
      'explored 18 schedules; 2 distinct outcomes; none FORBIDDEN',
      '',
      '  RESULT               SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=ENOENT B=released          9  50.0%  acceptable  serial B;A',
      '  A=released B=ENOENT          9  50.0%  acceptable  serial A;B',
    ]);
  });

  test('a refused release (a TR-mode channel) leaves no trace: the other release of it is refused the same way', () => {
    const s = onAm65x('merged', 'request-channel main_udmap tx 1 tr');
    const tr = () => releaseChannelOp('main_udmap', 'tx', 8);
    const r = new Explorer(s.system, [tr(), tr()], 'none').run({ lock: 'none', mode: { kind: 'all' } });
    expect(r.outcomes.map((o) => `${o.result} ${o.grade}: ${o.description}`)).toEqual(['A=EINVAL B=EINVAL acceptable: serial A;B']);
  });

  test('a ring given back and drawn again in the same schedule is no leak: serial B;A is acceptable', () => {
    const s = session('request-channel udma tx');
    expect(seen(s, 'interleave "request-channel udma rx" "release-channel udma:tx0" --lock inta').lines.slice(3)).toEqual([
      'explored 15 schedules; 2 distinct outcomes; none FORBIDDEN',
      '',
      '  RESULT                SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=rx0@0:0 B=released          9  60.0%  acceptable  serial B;A',
      '  A=rx0@0:1 B=released          6  40.0%  acceptable  serial A;B',
    ]);
  });
});

describe('any: every serial order gives distinct indices; with no MSI mutex, two can take one (upstream.md H8)', () => {
  untimed();
  const twoAny = 'interleave "alloc-irq main_udmap any" "alloc-irq main_udmap any"';

  test('on demand, under the device mutex: the serial orders are the commands run one after the other', () => {
    const s = onAm65x('dynamic');
    expect(seen(s, `${twoAny} --lock device --preemptions 2`).lines.slice(3)).toEqual([
      'explored 272 schedules; 5 distinct outcomes; 7.4% FORBIDDEN',
      '',
      '  RESULT         SCHEDULES   FREQ  EXPECT       DESCRIPTION',
      '  A=16:0 B=16:1         87  32.0%  acceptable   serial A;B',
      '  A=16:1 B=16:0         87  32.0%  acceptable   serial B;A',
      '  A=16:0 B=17:0         39  14.3%  interesting  2 VINTs where every serial order',
      '                                                has 1',
      '  A=17:0 B=16:0         39  14.3%  interesting  2 VINTs where every serial order',
      '                                                has 1',
      // No vint_mutex under `device`: the INTA steps still race (fixture 24), on two indices.
      '  A=16:0 B=16:0         20   7.4%  FORBIDDEN    VINT 16 bit 0 held twice',
      '                                                (0xbc0001 and 0xbc0002)',
    ]);
    // What the two commands give run one after the other: index 1, then index 2.
    const alone = onAm65x('dynamic', 'alloc-irq main_udmap any', 'alloc-irq main_udmap any');
    expect(['1', '2'].map((i) => alone.system.msi.find(alone.system.msiDevice('main_udmap'), Number(i))?.event?.bit)).toEqual([0, 1]);
  });

  test('under the device mutex no schedule gives two operations one index', () => {
    const s = onAm65x('dynamic');
    const ex = new Explorer(s.system, [allocIrqOp('main_udmap', 'any'), allocIrqOp('main_udmap', 'any')], 'device');
    let both = 0;
    exploreAll(ex.world, 3, (e) => {
      expectNoMatch(e.violation?.message ?? '', /lost descriptor/);
      const [a, b] = e.ends;
      if (a.kind === 'done' && b.kind === 'done') {
        both++;
        expectNotToBe(a.value.allocated!.hwirq, b.value.allocated!.hwirq);
      }
      return true;
    });
    expect(both).toBeGreaterThan(100);
  });

  test("upstream's locking (inta) on demand: the MSI layer under the device's mutex too, no lost descriptor", () => {
    const s = onAm65x('dynamic');
    expect(seen(s, twoAny)).toEqual({
      ok: true,
      lines: [
        'interleave: 2 ops, lock inta, explore all (exhaustive, no preemption bound)',
        '  A  cpu0  alloc-irq main_udmap any',
        '  B  cpu1  alloc-irq main_udmap any',
        'explored 18 schedules; 2 distinct outcomes; none FORBIDDEN',
        '',
        '  RESULT         SCHEDULES   FREQ  EXPECT      DESCRIPTION',
        '  A=16:0 B=16:1          9  50.0%  acceptable  serial A;B',
        '  A=16:1 B=16:0          9  50.0%  acceptable  serial B;A',
      ],
    });
  });

  test("v7's locking (list) on demand, no MSI mutex: two read index 1 before either inserts it", () => {
    const s = onAm65x('dynamic');
    const r = seen(s, `${twoAny} --lock list --preemptions 2`);
    expect(r.ok).toBe(false);
    expect(r.lines.filter((l) => /FORBIDDEN +A and B both took/.test(l))).toEqual([
      '  A=- B=-               18   9.2%  FORBIDDEN    A and B both took main_udmap',
      '  A=- B=16:0             2   1.0%  FORBIDDEN    A and B both took main_udmap',
      '  A=16:0 B=-             2   1.0%  FORBIDDEN    A and B both took main_udmap',
    ]);
    const shown = (run(s, `${twoAny} --lock list --schedule A1,B*,A*`) as Extract<Result, { ok: false }>).output as Extract<Output, { kind: 'interleave' }>;
    const steps = shown.report.shown!.steps;
    expect(steps.filter((x) => x.marker).map((x) => `${x.n} ${x.op} ${x.name}: ${x.result} ${x.marker}`)).toEqual([
      '1 A find-free-index: main_udmap 1 <',
      '3 B take-index: main_udmap 1 !',
      '13 A take-index: main_udmap 1 <',
    ]);
    expect(shown.report.shown!.conflict).toEqual({ step: 1, with: 3, object: 'main_udmap.msi_list[1]' });
    // B inserting another index leaves A's read true: the pair named is the VINT's, not the list's,
    // A's read of the new VINT's event map at its add-vint (find_first_zero_bit) to B's set-bit.
    const bit = (run(s, `${twoAny} --lock list --schedule A8,B*,A*`) as Extract<Result, { ok: false }>).output as Extract<Output, { kind: 'interleave' }>;
    expect(bit.report.shown!.conflict).toEqual({ step: 8, with: 13, object: 'VINT 16.map' });
  });

  test('RFC v4 (no lock at all): the lost descriptor among the INTA races, at 1 preemption', () => {
    const s = onAm65x('dynamic');
    const r = seen(s, `${twoAny} --lock none --preemptions 2`);
    expect(r.lines.slice(3)).toEqual([
      'explored 198 schedules; 8 distinct outcomes; 18.2% FORBIDDEN',
      '',
      '  RESULT         SCHEDULES   FREQ  EXPECT       DESCRIPTION',
      '  A=16:0 B=16:1         51  25.8%  acceptable   serial A;B',
      '  A=16:1 B=16:0         51  25.8%  acceptable   serial B;A',
      '  A=16:0 B=17:0         30  15.2%  interesting  2 VINTs where every serial order',
      '                                                has 1',
      '  A=17:0 B=16:0         30  15.2%  interesting  2 VINTs where every serial order',
      '                                                has 1',
      '  A=- B=-               18   9.1%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
      '  A=16:0 B=16:0         14   7.1%  FORBIDDEN    VINT 16 bit 0 held twice',
      '                                                (0xbc0001 and 0xbc0002)',
      '  A=- B=16:0             2   1.0%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
      '  A=16:0 B=-             2   1.0%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
    ]);
  });

  test('RFC v4, the default search: fewest preemptions first, its first 198 schedules are those of --preemptions 2, the lost descriptor among them', () => {
    const s = onAm65x('dynamic');
    const table = (r: { lines: string[] }) => r.lines.slice(r.lines.indexOf('') + 1);
    const capped = seen(s, `${twoAny} --lock none --max-schedules 198`);
    expect(capped.lines.slice(3, 7)).toEqual([
      'explored 198 schedules (truncated at the --max-schedules cap; more remain); 8',
      '    distinct outcomes; 18.2% FORBIDDEN',
      // 198 is the whole level: no schedule with 3 was run
      '  (fewest preemptions first: every schedule with at most 2 preemptions)',
      '',
    ]);
    expect(table(capped)).toEqual(table(seen(s, `${twoAny} --lock none --preemptions 2`)));
    expect(table(capped).filter((l) => l.includes('a lost descriptor'))).toHaveLength(3);
  });

  test('MSIs allocated at probe: any requests the lowest unrequested one, no new step, distinct in both orders', () => {
    const s = onAm65x('merged');
    expect(seen(s, twoAny).lines.slice(3)).toEqual([
      'explored 18 schedules; 2 distinct outcomes; none FORBIDDEN',
      '',
      '  RESULT         SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=16:0 B=16:1          9  50.0%  acceptable  serial A;B',
      '  A=16:1 B=16:0          9  50.0%  acceptable  serial B;A',
    ]);
  });

  test('which ring an any drew is the order of taking: no "interesting" twin of a serial outcome', () => {
    const s = session('alloc-irq ringacc 160');
    const r = seen(s, 'interleave "alloc-irq ringacc any" "alloc-irq ringacc any" --lock device --preemptions 2 --expect race');
    // Before, A=0:1 B=0:2 with the rings the other way round (B drew 96 first, A's INTA step ran
    // first) was a second, "interesting" row; so was A=0:2 B=0:1.
    expect(r.lines.slice(3)).toEqual([
      'explored 164 schedules; 3 distinct outcomes; 12.2% FORBIDDEN',
      '',
      '  RESULT       SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=0:1 B=0:2         72  43.9%  acceptable  serial A;B',
      '  A=0:2 B=0:1         72  43.9%  acceptable  serial B;A',
      '  A=0:1 B=0:1         20  12.2%  FORBIDDEN   VINT 0 bit 1 held twice (0x1e0060',
      '                                             and 0x1e0061)',
    ]);
  });
});

describe("Marc's case: one VINT left, the others full", () => {
  const marc = () => session('request-channel udma tx 64');
  const ops = () => [allocIrqOp('ringacc', 160), allocIrqOp('ringacc', 161)];

  test('no lock and v7 list lock: a spurious EINVAL (no VINT left), FORBIDDEN', () => {
    for (const lock of ['none', 'list'] as const) {
      const g = grades(marc(), ops(), lock);
      expect(g).toContain('A=EINVAL B=1:0 FORBIDDEN: A failed with EINVAL, though VINT 1 has 63 free bits; every serial order succeeds');
      expect(g).toContain('A=1:0 B=1:1 acceptable: serial A;B');
    }
  });

  test("upstream's vint_mutex: only the serial outcomes", () => {
    expect(grades(marc(), ops(), 'inta')).toEqual(['A=1:0 B=1:1 acceptable: serial A;B', 'A=1:1 B=1:0 acceptable: serial B;A']);
  });

  test("the shown schedule is the fewest preemptions' FORBIDDEN one, with the conflicting pair marked", () => {
    const s = marc();
    const r = new Explorer(s.system, ops(), 'list').run({ lock: 'list', mode: { kind: 'schedule', schedule: 'A3,B*,A*' } });
    const shown = r.shown!;
    expect(shown.grade).toBe('FORBIDDEN');
    expect(shown.conflict).toEqual({ step: 2, with: 9, object: 'vint_list' });
    expect(shown.steps.filter((x) => x.marker).map((x) => `${x.n} ${x.op} ${x.name} ${x.marker}`)).toEqual(['2 A find-free-bit <', '9 B add-vint !', '13 A take-vint <']);
    expect(shown.steps[12]).toMatchObject({ end: 'failed', error: 'EINVAL: inta0.vint exhausted (2/2 used)' });
  });
});

describe('a new VINT: the bit an alloc will set is read when it puts the VINT on the list', () => {
  test("A's add-vint reads the event map B then writes: the trace names the read, the write and the act", () => {
    const s = session('request-channel udma tx 64');
    const r = new Explorer(s.system, [allocIrqOp('ringacc', 160), allocIrqOp('ringacc', 161)], 'none').run({ lock: 'none', mode: { kind: 'schedule', schedule: 'A5,B*,A*' } });
    const shown = r.shown!;
    expect(shown.verdict).toBe('VINT 1 bit 0 held twice (0x1e00a0 and 0x1e00a1)');
    expect(shown.conflict).toEqual({ step: 5, with: 8, object: 'VINT 1.map' });
    expect(shown.steps.filter((x) => x.marker).map((x) => `${x.n} ${x.op} ${x.name} ${x.marker}`)).toEqual(['5 A add-vint <', '8 B set-bit !', '12 A set-bit <']);
  });
});

describe("Lokesh's case: two frees on a VINT with two events", () => {
  test('unlocked, the second removes a VINT already removed; under vint_mutex, serial only', () => {
    const s = session('alloc-irq ringacc 160', 'alloc-irq ringacc 161');
    const ops = [freeIrqOp(s.system.msi.find(s.system.msiDevice('ringacc'), 160)!.virq), freeIrqOp(s.system.msi.find(s.system.msiDevice('ringacc'), 161)!.virq)];
    expect(grades(s, ops, 'none')).toContain('A=freed B=crash FORBIDDEN: B: VINT 0 is not on vint_list (removed twice)');
    expect(grades(s, ops, 'inta')).toEqual(['A=freed B=freed acceptable: serial A;B']);
  });
});

describe('a free and an alloc on one VINT: released before its parent is disposed', () => {
  untimed();
  // ti_sci_inta_free_parent_irq releases the VINT (ti_sci_release_resource), then disposes its
  // parent virq (irq_dispose_mapping). An alloc that takes the VINT between the two asks
  // irq_create_fwspec_mapping for an INTR input still mapped: irq_find_mapping finds it, and it
  // returns that virq, A's, allocating nothing. A then disposes it under B's VINT.
  const line = (lock: string, more = '') => `interleave "free-irq ringacc 304" "alloc-irq ringacc 305" --lock ${lock}${more}`;
  const dead = "B's VINT 16 has parent virq 290, which A disposed: a dead VINT (irq_create_fwspec_mapping returned A's mapping)";
  const report = (r: Result) => ((r.ok ? r.output : r.output) as Extract<Output, { kind: 'interleave' }>).report;
  /** The shown schedule's block, at 80 columns without colour: from its verdict line on. */
  const block = (r: Result): string[] => {
    const text = renderText(PLAIN, (r.ok ? r.output : r.output)!).split('\n');
    return text.slice(text.findIndex((l) => /^FORBIDDEN \(/.test(l)));
  };

  test('without vint_mutex over the free: a dead VINT, FORBIDDEN, and no spurious EINVAL; with it, serial only', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc 304');
    const before = s.system.fingerprint();
    for (const lock of ['none', 'list', 'device']) {
      const r = run(s, line(lock, ' --preemptions 2'));
      expect(r.ok).toBe(false);
      const rows = report(r).outcomes;
      expect(rows.filter((o) => o.description === dead).length).toBeGreaterThan(0);
      expect(rows.filter((o) => o.grade === 'FORBIDDEN' && o.description !== dead && !/use after free/.test(o.description))).toEqual([]);
      expect(report(r).shown!.verdict).toBe(dead);
    }
    // Upstream's vint_mutex over the whole free leaves no window: only the serial outcomes.
    expect(outcomeLines(s, line('inta'))).toEqual([
      'explored 15 schedules; 2 distinct outcomes; none FORBIDDEN',
      '',
      '  RESULT          SCHEDULES   FREQ  EXPECT      DESCRIPTION',
      '  A=freed B=16:0          9  60.0%  acceptable  serial A;B',
      '  A=freed B=16:1          6  40.0%  acceptable  serial B;A',
    ]);
    expect(s.system.fingerprint()).toBe(before);
  });

  test('the fewest preemptions: B gets A\'s virq 290 back, allocating nothing, and A disposes it under B\'s VINT 16', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc 304');
    const r = run(s, line('none'));
    const lines = block(r);
    expect(lines.slice(0, 2)).toEqual([
      "FORBIDDEN (1 preemption): B's VINT 16 has parent virq 290, which A disposed: a",
      "  dead VINT (irq_create_fwspec_mapping returned A's mapping)",
    ]);
    expect(lines.slice(lines.findIndex((l) => /^ 11 /.test(l)))).toEqual([
      ' 11                                       allocate-parent: virq 290',
      '                                            (existing mapping)',
      ' 12                                       add-vint VINT 16',
      '                                            vint_list +16',
      '                                            VINT 16 map 0x0 (new)',
      ' 13                                       set-bit VINT 16 bit 0 !',
      '                                            VINT 16 map 0x0 -> 0x1',
      ' 14                                       take-event: event 16',
      '                                            inta_main_udmass.global_event free',
      '                                            1024 -> 1023',
      ' 15                                       program-map 0xbb0131 -> event 16 ->',
      '                                            VINT 16 bit 0',
      ' 16                                       unlock inta_main_udmass.vint_mutex',
      '                                            (no lock)',
      '    -- B finished --',
      ' 17 dispose-parent virq 290 <',
      '      gic500.spi free 76 -> 77',
      '      intr_main_navss.out free 62 -> 63',
      '      virq free 797 -> 798',
      '*** A read VINT 16.map at 5; B wrote it at 13; A acted on what it read at 17.',
      'replay: --schedule A7,B*,A*',
    ]);
    expect(report(r).shown!.conflict).toEqual({ step: 5, with: 13, object: 'VINT 16.map' });
  });

  test('A disposes before B has put its VINT on the list: B read the mapping, A cleared it, B chained on it', () => {
    const s = onAm65x('merged', 'alloc-irq ringacc 304');
    const r = run(s, line('none', ' --schedule A7,B4,A*,B*'));
    expect(report(r).shown!.verdict).toBe(dead);
    expect(report(r).shown!.conflict).toEqual({ step: 11, with: 12, object: 'intr_main_navss input 16' });
    expect(block(r).slice(-3)).toEqual([
      '*** B read intr_main_navss input 16 at 11; A wrote it at 12; B acted on what it',
      '    read at 14.',
      'replay: --schedule A7,B4,A*,B*',
    ]);
  });
});

describe('channels as operations', () => {
  const outcomes = (r: Result) => ((r.ok ? r.output : r.output) as Extract<Output, { kind: 'interleave' }>).report.outcomes;
  const graded = (r: Result) => outcomes(r).map((o) => `${o.result} ${o.grade}: ${o.description}`);

  test('two never overlap, under every lock: dmaengine holds dma_list_mutex over each request and release', () => {
    const s = session('request-channel udma tx');
    const before = s.system.fingerprint();
    for (const lock of LOCK_MODES) {
      const r = run(s, `interleave "request-channel udma rx" "release-channel udma:tx0" --lock ${lock}`);
      expect(r.ok).toBe(true);
      expect(graded(r)).toEqual(['A=rx0@0:0 B=released acceptable: serial B;A', 'A=rx0@0:1 B=released acceptable: serial A;B']);
    }
    // The second waits for the first, named in the trace: its start finds the mutex held (2),
    // and once the first has finished it takes it (8), no row of its saying it waits there.
    const replay = run(s, 'interleave "request-channel udma rx" "release-channel udma:tx0" --lock none --schedule A1,B*,A*,B*');
    const trace = renderText(PLAIN, (replay.ok ? replay.output : replay.output)!);
    expect(trace).toMatch(/^ {2}2 {39}lock dma_list_mutex: blocked\n {44}\(held by cpu0\)$/m);
    expect(trace).toMatch(/^ {2}8 {39}lock dma_list_mutex\n {44}\(was held by cpu0\)$/m);
    expect(trace).not.toMatch(/wait/);
    // Who holds it is said where it changes hands: the first takes it at its start and gives it
    // back with its last step; the second takes it with the step that gets it.
    expect(trace.match(/dma_list_mutex (taken by cpu\d|released)/g)).toEqual([
      'dma_list_mutex taken by cpu0',
      'dma_list_mutex released',
      'dma_list_mutex taken by cpu1',
      'dma_list_mutex released',
    ]);
    expect(trace).toMatch(/^ {4}start \(in step 1\):\n(?: {6}.*\n)* {6}dma_list_mutex taken by cpu0\n {2}1 /m);
    expect(s.system.fingerprint()).toBe(before);
  });

  test("a release against another INTA user's alloc on the released event's VINT: unlocked, a use after free; locked, serial", () => {
    const s = session('request-channel udma tx');
    const before = s.system.fingerprint();
    const line = (lock: string) => `interleave "alloc-irq ringacc 161" "release-channel udma:tx0" --lock ${lock}`;
    const locked = run(s, line('inta'));
    expect(locked.ok).toBe(true);
    expect(graded(locked)).toEqual(['A=0:0 B=released acceptable: serial B;A', 'A=0:1 B=released acceptable: serial A;B']);
    const unlocked = run(s, line('none'));
    expect(unlocked.ok).toBe(false);
    expect(outcomes(unlocked).some((o) => o.grade === 'FORBIDDEN' && /use after free/.test(o.description))).toBe(true);
    expect(s.system.fingerprint()).toBe(before);
  });
});

describe('the verb', () => {
  untimed();
  const out = (r: Result): Extract<Output, { kind: 'interleave' }> => {
    const o = r.ok ? r.output : r.output;
    if (o?.kind !== 'interleave') throw new Error('no interleave output');
    return o;
  };

  test('is a query: the session is exactly as before', () => {
    const s = session('request-channel udma tx 64');
    const before = s.system.fingerprint();
    const system = s.system;
    const r = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none');
    expect(r.ok).toBe(false);
    expect(s.system).toBe(system);
    expect(s.system.fingerprint()).toBe(before);
  });

  test('FORBIDDEN fails the command with its output; --expect race turns that around', () => {
    const s = session('request-channel udma tx 64');
    const r = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ code: 'EXPECT', message: '1040 of 1880 schedules FORBIDDEN (--expect race if that is the point)', pool: undefined });
    expect(out(r).report.explored).toBe(1880);
    expect(run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --expect race').ok).toBe(true);
    const none = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock inta --expect race');
    expect(none.ok ? undefined : none.error.message).toBe('no FORBIDDEN outcome in 18 schedules, but --expect race');
  });

  test('a replay that diverges fails with where', () => {
    const s = session();
    const r = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --schedule A20');
    expect(r.ok ? undefined : r.error).toEqual({ code: 'EINVAL', message: 'replay diverged at step 10: schedule says A, but A has finished', pool: undefined });
  });

  test('an operation on a driver that is not bound is refused as it is alone: EPROBE_DEFER, saying why', () => {
    // probe-all on am65x: ringacc's probe fails, main_udmap's is deferred; a user of either finds
    // no registered provider (of_dma_find_controller, of_k3_ringacc_get_by_phandle): -EPROBE_DEFER.
    const s = onAm65x('probe-all');
    const before = s.system.fingerprint();
    const alone = (line: string) => {
      const r = run(s, line);
      return r.ok ? undefined : r.error;
    };
    const channel = { code: 'EPROBE_DEFER', message: 'main_udmap: driver not bound: probe deferred: ringacc is not bound', pool: undefined };
    const ring = { code: 'EPROBE_DEFER', message: 'ringacc: driver not bound: its probe failed with EINVAL (see boot)', pool: undefined };
    expect(alone('request-channel main_udmap tx')).toEqual(channel);
    expect(alone('alloc-irq ringacc any')).toEqual(ring);
    expect(alone('interleave "request-channel main_udmap tx" "alloc-irq ringacc any"')).toEqual({ ...channel, message: `operation A (request-channel main_udmap tx): ${channel.message}` });
    expect(alone('interleave "alloc-irq ringacc 305" "request-channel main_udmap tx"')).toEqual({ ...ring, message: `operation A (alloc-irq ringacc 305): ${ring.message}` });
    expect(s.system.fingerprint()).toBe(before);
  });

  test.each([
    ['interleave "alloc-irq ringacc 160"', 'EUSAGE', 'give at least two operations, each quoted: interleave "alloc-irq ringacc any" "free-irq 71"'],
    ['interleave "pools" "alloc-irq ringacc 160"', 'EUSAGE', "operation A 'pools': an operation is alloc-irq, free-irq, request-channel, release-channel (quote each one)"],
    ['interleave "alloc-irq ringacc" "alloc-irq ringacc 160"', 'EUSAGE', 'operation A: missing <index>; usage: alloc-irq <device> <index|any>'],
    // ';' joins commands in -e and compare, not in an operation: said as that, not as a count of arguments.
    ['interleave "alloc-irq ringacc 160; pools" "alloc-irq ringacc 161"', 'EUSAGE', "operation A: ';' cannot join commands inside an operation: one command per operation"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161;free-irq 71"', 'EUSAGE', "operation B: ';' cannot join commands inside an operation: one command per operation"],
    ['interleave "alloc-irq ringacc 160;" "alloc-irq ringacc 161"', 'EUSAGE', "operation A: ';' cannot join commands inside an operation: one command per operation"],
    ['interleave "pools; alloc-irq ringacc 160" "alloc-irq ringacc 161"', 'EUSAGE', "operation A: ';' cannot join commands inside an operation: one command per operation"],
    // An argument's own error names the operation it is in, as every other error of an operation's words does.
    ['interleave "alloc-irq ringacc x" "alloc-irq ringacc 160"', 'EUSAGE', "operation A: index: expected a number, got 'x'"],
    ['interleave "alloc-irq ringacc 160" "free-irq x"', 'EUSAGE', "operation B: virq: expected a number, got 'x'"],
    ['interleave "alloc-irq ringacc 160" "free-irq ringacc 99999"', 'EINVAL', 'operation B: ringacc: index 99999 out of range (0-255)'],
    ['interleave "request-channel udma up" "alloc-irq ringacc 160"', 'EUSAGE', "operation A: direction: expected tx or rx, got 'up'"],
    ['interleave "request-channel udma tx x" "alloc-irq ringacc 160"', 'EUSAGE', "operation A: count: expected a number, got 'x'"],
    ['interleave "alloc-irq ringacc 160" "release-channel tx1"', 'EUSAGE', "operation B: channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got 'tx1'"],
    [`interleave "alloc-irq 'ringacc 160" "alloc-irq ringacc 161"`, 'EUSAGE', "operation A: unterminated ' quote"],
    ['interleave "alloc-irq nope 1" "alloc-irq ringacc 160"', 'ENOENT', "operation A (alloc-irq nope 1): unknown MSI device 'nope' (have: ringacc, timer, udma)"],
    ['interleave "free-irq 40" "alloc-irq ringacc 160"', 'ENOENT', 'operation A (free-irq 40): virq 40 is not an MSI'],
    // Only the requester holds the channel it requested: no operation releases another's.
    [
      'interleave "request-channel udma tx" "release-channel udma:tx1"',
      'ENOENT',
      'operation B (release-channel udma:tx1): udma:tx1 is not requested; an operation releases only a channel requested before the interleave (dma_release_channel takes the channel dma_request_chan returned to its own caller, not to operation A)',
    ],
    ['interleave "release-channel udma:tx1" "request-channel udma rx"', 'ENOENT', 'operation A (release-channel udma:tx1): udma:tx1 is not requested'],
    ['interleave "request-channel udma tx 2" "alloc-irq ringacc 160"', 'EUSAGE', 'operation A: one channel per operation (give the other channels operations of their own)'],
    // TR mode was dropped silently: the race shown would have left out the channel's events
    ['interleave "request-channel udma rx 1 tr" "alloc-irq ringacc 160"', 'EINVAL', 'operation A: a TR-mode channel: interleave runs packet-mode channels only'],
    ['interleave "alloc-irq ringacc 160" "request-channel udma tx tr"', 'EINVAL', 'operation B: a TR-mode channel: interleave runs packet-mode channels only'],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock mutex', 'EUSAGE', "--lock: expected none or list or inta or device, got 'mutex'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --frob 1', 'EUSAGE', "unknown option '--frob' (options: --lock, --explore, --preemptions, --seed, --schedule, --max-schedules, --expect)"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --schedule A1,C*', 'EUSAGE', "schedule: run 'C*' names operation C, but there are only 2 (A, B)"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --schedule A*,B* --explore some', 'EUSAGE', "--explore: expected all or random <N>, got 'some'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --schedule A*,B* --seed 3', 'EUSAGE', '--seed goes with --explore random <N>'],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed 4294967296', 'EINVAL', "--seed must be 0-4294967295, got '4294967296'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed 0x100000000', 'EINVAL', "--seed must be 0-4294967295, got '0x100000000'"],
    // Every number out of range is one message, quoting the word as typed, as other errors do.
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed -1', 'EINVAL', "--seed must be 0-4294967295, got '-1'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed -0', 'EINVAL', "--seed must be 0-4294967295, got '-0'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed 99999999999999999999', 'EINVAL', "--seed must be 0-4294967295, got '99999999999999999999'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed 1x', 'EUSAGE', "--seed: expected a number, got '1x'"],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --schedule B*,A*,B*', 'EINVAL', 'replay diverged at step 16: schedule says B, but B has finished'],
    ['interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --schedule A*,A*', 'EINVAL', 'replay diverged at step 10: schedule says A, but A has finished'],
  ])('%s: %s', (line, code, message) => {
    const s = session();
    const before = s.system.fingerprint();
    const r = run(s, line);
    expect(r.ok ? undefined : { code: r.error.code, message: r.error.message }).toEqual({ code, message });
    expect(s.system.fingerprint()).toBe(before);
  });

  test('a search the --max-schedules cap cut short says truncated, in the header and the summary', () => {
    const s = session();
    const ops = 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161"';
    expect(seen(s, `${ops} --lock none --max-schedules 3`)).toEqual({
      ok: true,
      lines: [
        'interleave: 2 ops, lock none, explore all (no preemption bound, truncated)',
        '  A  cpu0  alloc-irq ringacc 160',
        '  B  cpu1  alloc-irq ringacc 161',
        'explored 3 schedules (truncated at the --max-schedules cap; more remain); 2',
        '    distinct outcomes; none FORBIDDEN among them',
        // Fewest preemptions first: both serial orders, then one schedule with a preemption.
        '  (fewest preemptions first: every schedule with no preemption, then some with',
        '  1)',
        '',
        '  RESULT       SCHEDULES   FREQ  EXPECT      DESCRIPTION',
        '  A=0:0 B=0:1          2  66.7%  acceptable  serial A;B',
        '  A=0:1 B=0:0          1  33.3%  acceptable  serial B;A',
      ],
    });
    // A cap on a level's boundary: the two serial orders, and no schedule with a preemption.
    expect(seen(s, `${ops} --lock none --max-schedules 2`).lines[5]).toBe('  (fewest preemptions first: every schedule with no preemption)');
    expect(seen(s, `${ops} --lock inta --preemptions 1 --max-schedules 5`).lines.slice(0, 1)).toEqual(['interleave: 2 ops, lock inta, explore all (at most 1 preemption, truncated)']);
    expect(seen(s, `${ops} --lock inta --explore random 10 --seed 1 --max-schedules 5`).lines.slice(0, 1)).toEqual(['interleave: 2 ops, lock inta, explore random 10, seed 1 (truncated)']);
    // A search that ends exactly at the cap is complete.
    expect(seen(s, `${ops} --lock inta --max-schedules 18`).lines.slice(0, 4)).toEqual([
      'interleave: 2 ops, lock inta, explore all (exhaustive, no preemption bound)',
      '  A  cpu0  alloc-irq ringacc 160',
      '  B  cpu1  alloc-irq ringacc 161',
      'explored 18 schedules; 2 distinct outcomes; none FORBIDDEN',
    ]);
    const r = run(s, `${ops} --lock inta --max-schedules 17 --expect race`);
    expect(r.ok ? undefined : r.error.message).toBe('no FORBIDDEN outcome in 17 schedules (truncated: more remain), but --expect race');
    expect(out(r).report.truncated).toBe(true);
  });

  test('the largest seed, 2^32-1, is taken as given', () => {
    const r = run(session(), 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --explore random 5 --seed 4294967295');
    expect(renderText(PLAIN, out(r)).split('\n')[0]).toBe('interleave: 2 ops, lock inta, explore random 5, seed 4294967295');
  });

  test('no more operations than the SoC has CPUs: small8 has 2', () => {
    const parsed = parseTopology(readFileSync('fixtures/topologies/small8.json', 'utf8'));
    if (!parsed.ok) throw new Error('small8');
    const s = new Session(parsed.topology, { ...designNamed('merged')!.settings });
    const before = s.system.fingerprint();
    const r = run(s, 'interleave "alloc-irq ringacc 32" "alloc-irq ringacc 33" "alloc-irq ringacc 34"');
    expect(r.ok ? undefined : r.error).toEqual({ code: 'EUSAGE', message: '3 operations, but small8 has 2 CPUs: one operation per CPU', pool: undefined });
    expect(s.system.fingerprint()).toBe(before);
    expect(run(s, 'interleave "alloc-irq ringacc 32" "alloc-irq ringacc 33"').ok).toBe(true);
  });

  test('operations typed without their quotes: the count error says to quote them', () => {
    const s = session();
    const before = s.system.fingerprint();
    const fourCpus = run(s, 'interleave alloc-irq ringacc any free-irq 70');
    expect(fourCpus.ok ? undefined : fourCpus.error.message).toBe(
      '5 operations, but race2 has 4 CPUs: one operation per CPU; quote each operation whole: interleave "alloc-irq ringacc any" "free-irq 71"',
    );
    const many = run(s, 'interleave alloc-irq ringacc any || free-irq 70 x');
    expect(many.ok ? undefined : many.error.message).toBe('at most 6 operations (7 given); quote each operation whole: interleave "alloc-irq ringacc any" "free-irq 71"');
    expect(s.system.fingerprint()).toBe(before);
  });

  test('text fits 80 columns; random exploration prints its seed', () => {
    const s = session('request-channel udma tx 64');
    const r = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" "alloc-irq timer 0" --lock none --explore random 50 --seed 7 --expect race');
    const text = renderText(PLAIN, out(r));
    expect(text.split('\n')[0]).toBe('interleave: 3 ops, lock none, explore random 50, seed 7');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(out(r).report.explored).toBe(50);
  });
});

describe('in the REPL', () => {
  test('completes the verb, its options and their values', () => {
    const s = session();
    expect(complete(s, 'interl')).toEqual([['interleave'], 'interl']);
    expect(complete(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --l')).toEqual([['--lock'], '--l']);
    expect(complete(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock ')).toEqual([['none', 'list', 'inta', 'device'], '']);
    expect(complete(s, 'interleave "alloc-irq ringacc 160" --expect ')).toEqual([['ok', 'race'], '']);
  });

  test('asks for the operations when none is given, and runs what was typed', async () => {
    const s = session();
    const questions = planPrompts(s, ['interleave']);
    expect(questions).toMatchObject([{ type: 'input', arg: 'op', kind: 'op', words: true }]);
    const typed = '"alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock inta';
    const prompter = { input: async () => typed, select: async () => '', search: async () => '', confirm: async () => true };
    const words = await askPrompts(questions, ['interleave'], prompter);
    expect(words).toEqual(['interleave', 'alloc-irq ringacc 160', 'alloc-irq ringacc 161', '--lock', 'inta']);
    expect(runWords(s, words!).ok).toBe(true);
  });
});

describe('the trace, at 80 columns without colour', () => {
  untimed();
  /** The shown schedule's block: from its verdict line on. */
  const trace = (s: Session, line: string): string[] => {
    const r = run(s, line);
    const o = r.ok ? r.output : r.output;
    if (o?.kind !== 'interleave') throw new Error(`${line}: no interleave output`);
    const text = renderText(PLAIN, o).split('\n');
    for (const l of text) expect(l.length).toBeLessThanOrEqual(80);
    return text.slice(text.findIndex((l) => /^FORBIDDEN \(/.test(l)));
  };

  test('three operations: a legend names each above the table, whose columns are headed by letter and CPU', () => {
    const s = session('request-channel udma tx 64');
    expect(trace(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" "alloc-irq timer 0" --lock list --expect race').slice(0, 6)).toEqual([
      'FORBIDDEN (1 preemption): VINT 1 bit 0 held twice (0x1e00a0 and 0x1e00a1)',
      '    A = alloc-irq ringacc 160',
      '    B = alloc-irq ringacc 161',
      '    C = alloc-irq timer 0',
      '  # A cpu0                   B cpu1                   C cpu2',
      '    start (in step 1):',
    ]);
  });

  test('two operations whose labels fit keep them in the column heads; what an alloc draws as it starts is a line of its own', () => {
    const s = session('alloc-irq ringacc 160');
    const r = run(s, 'interleave "alloc-irq ringacc 161" "alloc-irq ringacc 162" --lock none --expect race');
    expect(trace(s, 'interleave "alloc-irq ringacc 161" "alloc-irq ringacc 162" --lock none --expect race').slice(0, 12)).toEqual([
      'FORBIDDEN (1 preemption): VINT 0 bit 1 held twice (0x1e00a1 and 0x1e00a2)',
      '  # A cpu0 alloc-irq ringacc 161          B cpu1 alloc-irq ringacc 162',
      '    start (in step 1):',
      '      ringacc.gp_ring free 127 -> 126',
      '      virq free 254 -> 253',
      '  1 lock inta0.vint_mutex (no lock)',
      '  2 find-free-bit: VINT 0 bit 1 <',
      '    -- switch --',
      '                                          start (in step 3):',
      '                                            ringacc.gp_ring free 126 -> 125',
      '                                            virq free 253 -> 252',
      '  3                                       lock inta0.vint_mutex (no lock)',
    ]);
    // The report (and so --json) says the same: the draws are the start's, not the lock's.
    const shown = ((r.ok ? r.output : r.output) as Extract<Output, { kind: 'interleave' }>).report.shown!;
    expect(shown.steps.slice(0, 3).map((st) => ({ n: st.n, name: st.name, startChanged: st.startChanged, changed: st.changed }))).toEqual([
      { n: 1, name: 'lock', startChanged: ['ringacc.gp_ring free 127 -> 126', 'virq free 254 -> 253'], changed: [] },
      { n: 2, name: 'find-free-bit', startChanged: undefined, changed: [] },
      { n: 3, name: 'lock', startChanged: ['ringacc.gp_ring free 126 -> 125', 'virq free 253 -> 252'], changed: [] },
    ]);
  });
});

describe('a lock found held, in the trace (reference/interleaving.md 5.2)', () => {
  untimed();
  /** The trace of a replay, from its column heads on, and the report's steps (what --json prints). */
  const replayed = (s: Session, line: string) => {
    const r = run(s, line);
    const o = r.ok ? r.output : r.output;
    if (o?.kind !== 'interleave') throw new Error(`${line}: no interleave output`);
    const text = renderText(PLAIN, o).split('\n');
    for (const l of text) expect(l.length).toBeLessThanOrEqual(80);
    const steps = o.report.shown!.steps.map(({ n, op, name, detail, blockedBy, wasHeldBy, lock }) => ({ n, op, name, detail, blockedBy, wasHeldBy, lock }));
    return { lines: text.slice(text.findIndex((l) => /^ {2}# /.test(l))), steps };
  };
  const lockRows = (steps: ReturnType<typeof replayed>['steps']) => steps.filter((x) => /lock/.test(x.name));

  test("v7's list lock, Marc's race: one row where B finds vint_mutex held, one where it takes it, none saying it waits there", () => {
    const s = session('request-channel udma tx 64');
    const r = replayed(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock list --schedule A1,B*,A2,B*,A* --expect race');
    const at = r.lines.findIndex((l) => l.startsWith('  2 '));
    expect(r.lines.slice(at, at + 12)).toEqual([
      '  2                                 lock inta0.vint_mutex: blocked',
      '                                      (held by cpu0)',
      '    -- switch --',
      '  3 find-free-bit: none free <',
      '  4 unlock inta0.vint_mutex',
      '    -- switch --',
      '  5                                 lock inta0.vint_mutex',
      '                                      (was held by cpu0)',
      '  6                                 find-free-bit: none free',
      '  7                                 unlock inta0.vint_mutex',
      '  8                                 take-vint: VINT 1',
      '                                      inta0.vint free 1 -> 0',
    ]);
    expect(r.lines.join('\n')).not.toMatch(/wait/);
    // --json says the same: the try that found it held (lock, blockedBy), the retry that took it
    // (wait-lock, the step B announced while it waited, with wasHeldBy and no blockedBy).
    expect(lockRows(r.steps)).toEqual([
      { n: 1, op: 'A', name: 'lock', detail: 'inta0.vint_mutex', blockedBy: undefined, wasHeldBy: undefined, lock: undefined },
      { n: 2, op: 'B', name: 'lock', detail: 'inta0.vint_mutex', blockedBy: 'cpu0', wasHeldBy: undefined, lock: 'inta0.vint_mutex' },
      { n: 4, op: 'A', name: 'unlock', detail: 'inta0.vint_mutex', blockedBy: undefined, wasHeldBy: undefined, lock: undefined },
      { n: 5, op: 'B', name: 'wait-lock', detail: 'inta0.vint_mutex', blockedBy: undefined, wasHeldBy: 'cpu0', lock: 'inta0.vint_mutex' },
      { n: 7, op: 'B', name: 'unlock', detail: 'inta0.vint_mutex', blockedBy: undefined, wasHeldBy: undefined, lock: undefined },
    ]);
  });

  test('a channel operation whose start finds dma_list_mutex held: its step is that lock, blocked, not a wait-lock', () => {
    const s = session('request-channel udma tx');
    const r = replayed(s, 'interleave "request-channel udma rx" "release-channel udma:tx0" --lock none --schedule A1,B*,A*,B*');
    expect(r.steps.filter((x) => x.op === 'B' && /dma_list/.test(x.detail ?? ''))).toEqual([
      { n: 2, op: 'B', name: 'lock', detail: 'dma_list_mutex', blockedBy: 'cpu0', wasHeldBy: undefined, lock: 'dma_list_mutex' },
      { n: 8, op: 'B', name: 'wait-lock', detail: 'dma_list_mutex', blockedBy: undefined, wasHeldBy: 'cpu0', lock: 'dma_list_mutex' },
    ]);
  });

  test('three operations: a retry that finds the lock taken by a third CPU is blocked again, by that CPU', () => {
    const s = session();
    const r = replayed(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" "alloc-irq ringacc 162" --lock inta --schedule A1,B*,A*,C1,B*,C*,B*');
    const row = (n: number) => r.lines.slice(r.lines.findIndex((l) => l.startsWith(`${n}`.padStart(3) + ' ')));
    expect(row(2).slice(0, 2)).toEqual(['  2                          lock inta0.vint_mutex:', '                               blocked (held by cpu0)']);
    expect(row(12).slice(0, 3)).toEqual([' 12                          lock inta0.vint_mutex:', '                               blocked again', '                               (held by cpu2)']);
    expect(row(18).slice(0, 2)).toEqual([' 18                          lock inta0.vint_mutex', '                               (was held by cpu2)']);
    expect(lockRows(r.steps).filter((x) => x.op === 'B' && x.name !== 'unlock')).toEqual([
      { n: 2, op: 'B', name: 'lock', detail: 'inta0.vint_mutex', blockedBy: 'cpu0', wasHeldBy: undefined, lock: 'inta0.vint_mutex' },
      { n: 12, op: 'B', name: 'wait-lock', detail: 'inta0.vint_mutex', blockedBy: 'cpu2', wasHeldBy: undefined, lock: 'inta0.vint_mutex' },
      { n: 18, op: 'B', name: 'wait-lock', detail: 'inta0.vint_mutex', blockedBy: undefined, wasHeldBy: 'cpu2', lock: 'inta0.vint_mutex' },
    ]);
  });
});

describe('the outcome FREQ and the FORBIDDEN share never round some to none, or all but some to all', () => {
  untimed();

  test('2 of 5000 schedules: <0.1%, not 0.0%', () => {
    const s = onAm65x('dynamic');
    const r = seen(s, 'interleave "alloc-irq main_udmap any" "alloc-irq main_udmap any" --lock none --max-schedules 5000 --expect race');
    expect(r.lines.slice(-6)).toEqual([
      '  A=- B=-               36   0.7%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
      '  A=- B=16:0             2  <0.1%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
      '  A=16:0 B=-             2  <0.1%  FORBIDDEN    A and B both took main_udmap',
      '                                                index 1: a lost descriptor',
    ]);
    expect(r.lines[3]).toBe('explored 5000 schedules (truncated at the --max-schedules cap; more remain); 8');
  });

  test('the header: 1 of 100000 FORBIDDEN is <0.1%, 99999 of 100000 is >99.9%; all is 100.0%', () => {
    const s = session('request-channel udma tx 64');
    const r = run(s, 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock list --schedule A3,B*,A* --expect race');
    const o = (r.ok ? r.output : r.output) as Extract<Output, { kind: 'interleave' }>;
    const head = (forbidden: number, explored: number): string[] => {
      const report = { ...o.report, explored, outcomes: [{ ...o.report.outcomes[0], count: forbidden }] };
      if (explored > forbidden) report.outcomes.unshift({ ...o.report.outcomes[0], grade: 'acceptable', result: 'A=1:0 B=1:1', description: 'serial A;B', count: explored - forbidden });
      const text = renderText(PLAIN, { ...o, report }).split('\n');
      return [text[3], ...text.slice(6, 8).map((l) => l.slice(0, 40).trimEnd())];
    };
    expect(head(1, 100000)).toEqual([
      'explored 100000 schedules; 2 distinct outcomes; <0.1% FORBIDDEN',
      '  A=1:0 B=1:1         99999  >99.9%  acc',
      '  A=EINVAL B=1:0          1   <0.1%  FOR',
    ]);
    expect(head(99999, 100000)).toEqual([
      'explored 100000 schedules; 2 distinct outcomes; >99.9% FORBIDDEN',
      '  A=1:0 B=1:1             1   <0.1%  acc',
      '  A=EINVAL B=1:0      99999  >99.9%  FOR',
    ]);
    expect(head(1, 1)[0]).toBe('explored 1 schedule; 1 distinct outcome; 100.0% FORBIDDEN');
  });
});

describe('fixture 23', () => {
  test('the printed replay string reproduces the found trace byte for byte', () => {
    const golden = readFileSync('fixtures/scripts/23-three-ops-replay.stdout', 'utf8');
    const [explored, replayed] = golden.split(/^interleave: /m).slice(1);
    const found = explored.split('first FORBIDDEN schedule with the fewest preemptions:\n')[1];
    const schedule = /^replay: --schedule (\S+)$/m.exec(found)![1];
    expect(readFileSync('fixtures/scripts/23-three-ops-replay.msi', 'utf8')).toContain(`--schedule ${schedule} `);
    const block = replayed.slice(replayed.indexOf('\nFORBIDDEN (') + 1);
    expect(block.length).toBeGreaterThan(1000);
    expect(block).toBe(found);
  });
});
