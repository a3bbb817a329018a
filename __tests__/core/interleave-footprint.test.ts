import { describe, expect, test } from '@jest/globals';
import { runWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { designNamed, type DesignName } from '../../src/core/designs.js';
import { Explorer, type InterleaveReport } from '../../src/core/interleave/explore.js';
import type { LockMode, Locks } from '../../src/core/interleave/locks.js';
import { allocIrqOp, freeIrqOp, releaseChannelOp, requestChannelOp, type OpSpec } from '../../src/core/interleave/ops.js';
import { CHECK_GROUPS, Snapshot } from '../../src/core/interleave/snapshot.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { expectToBe } from '../hot-expect.js';

/**
 * The footprint restore (Snapshot.restoreFootprint) puts back only what schedules have been seen
 * to change: these tests catch a restore it missed, against a full restore of a second snapshot
 * of the same state, and check that a miss makes the explorer search again with full restores.
 */

const onAm65x = (design: DesignName, lock: LockMode | undefined, ...lines: string[]): Session => {
  const s = new Session(am65x, { ...designNamed(design)!.settings, ...(lock ? { lock } : {}) });
  for (const l of lines) {
    const r = runWords(s, tokenize(l));
    if (!r.ok) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
};

/** A second snapshot of what the explorer's world restores: the System and the schedule's locks. */
const reference = (ex: Explorer): Snapshot => {
  const world = ex.world as unknown as { sys: Explorer['world']['sys']; locks: Locks };
  return Snapshot.take([world.sys, world.locks.all()], [world.sys.topology]);
};

const untimed = (r: InterleaveReport): InterleaveReport => ({ ...r, seconds: undefined });

/** Counts the calls of `obj`'s method `name` (one of no arguments), `after` run after each: the count so far, in `calls`. */
const counted = <T extends object>(obj: T, name: keyof T & string, after?: () => void): { calls: number } => {
  const count = { calls: 0 };
  const method = (obj[name] as () => void).bind(obj);
  (obj as Record<string, unknown>)[name] = () => {
    method();
    count.calls++;
    after?.();
  };
  return count;
};

describe('the footprint restore', () => {
  test('after the learning, a change outside the footprint is put back within one round of checks, and counted missed', () => {
    // Most of it never changes, as most of a SoC's model: there the footprint pays, and is used.
    const rest = Array.from({ length: 300 }, (_, i) => ({ i }));
    const state = { hot: { n: 0 }, cold: { n: 0 }, xs: new Array<number>(200).fill(0), m: new Map([[1, 'a']]), words: new Uint32Array(2), rest };
    const snap = Snapshot.take([state]);
    const ref = Snapshot.take([state]);
    // The learning: only `hot.n` and xs[1] ever change (the footprint holds xs[0-63], a block).
    for (let i = 0; i < 600; i++) {
      state.hot.n = i + 1;
      state.xs[1] = i + 1;
      snap.restoreFootprint();
      expectToBe(ref.restore(), 0);
    }
    expect(snap.footprintSize).toBe(2);
    for (const [what, change, changed] of [
      ['a field', () => (state.cold.n = 7), () => state.cold.n !== 0],
      ['an element in another block', () => (state.xs[150] = 7), () => state.xs[150] !== 0],
      ['a Map', () => state.m.set(2, 'b'), () => state.m.size !== 1],
      ['a typed array', () => (state.words[1] = 7), () => state.words[1] !== 0],
    ] as const) {
      const missed = snap.missed;
      change();
      let restores = 0;
      while (changed() && restores <= CHECK_GROUPS) {
        state.hot.n = 5;
        snap.restoreFootprint();
        restores++;
      }
      expect({ what, restores: restores <= CHECK_GROUPS, missed: snap.missed - missed }).toEqual({ what, restores: true, missed: 1 });
      // Then it is in the footprint: put back at the next restore.
      change();
      snap.restoreFootprint();
      expect({ what, changed: changed() }).toEqual({ what, changed: false });
    }
    rest[7].i = -1;
    snap.check();
    expect(rest[7].i).toBe(7);
    // check() is a full restore: a change outside the footprint is put back at once.
    state.cold.n = 3;
    state.xs[0] = 3;
    snap.check();
    expect(ref.restore()).toBe(0);
  });

  test('where the footprint is most of the snapshot (a small model), every restore is a full one', () => {
    const state = { hot: { n: 0 }, cold: { n: 0 } };
    const snap = Snapshot.take([state]);
    for (let i = 0; i < 600; i++) {
      state.hot.n = i + 1;
      snap.restoreFootprint();
    }
    state.cold.n = 1;
    snap.restoreFootprint();
    expect({ cold: state.cold.n, missed: snap.missed }).toEqual({ cold: 0, missed: 0 });
  });

  test.each([
    ['merged', 'none', [], 'two alloc-irq', () => [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)]],
    ['dynamic', 'none', [], 'two alloc-irq any', () => [allocIrqOp('main_udmap', 'any'), allocIrqOp('main_udmap', 'any')]],
    ['dynamic', 'list', [], 'two alloc-irq any', () => [allocIrqOp('main_udmap', 'any'), allocIrqOp('main_udmap', 'any')]],
    ['rfc-v4', 'none', ['alloc-irq ringacc 304'], 'free-irq, alloc-irq', () => [freeIrqOp(71), allocIrqOp('ringacc', 305)]],
    ['merged', 'none', ['alloc-irq ringacc 304', 'alloc-irq ringacc 305'], 'two free-irq', () => [freeIrqOp(70), freeIrqOp(71)]],
    // Two channel operations never overlap (dma_list_mutex): one races an alloc-irq.
    ['merged', 'device', ['request-channel main_udmap tx'], 'request-channel, alloc-irq', () => [requestChannelOp('main_udmap', 'rx'), allocIrqOp('ringacc', 320)]],
    ['merged', 'device', ['request-channel main_udmap tx'], 'release-channel, alloc-irq', () => [releaseChannelOp('main_udmap', 'tx', 8), allocIrqOp('ringacc', 320)]],
  ] as Array<[DesignName, LockMode, string[], string, () => OpSpec[]]>)('%s, lock %s, after %j, %s: every schedule starts from the state a full restore gives', (design, lock, lines, _ops, ops) => {
    const s = onAm65x(design, undefined, ...lines);
    const before = s.system.fingerprint();
    const ex = new Explorer(s.system, ops(), lock);
    const ref = reference(ex);
    let leftChanged = 0;
    const restores = counted(ex.world, 'reset', () => (leftChanged += ref.restore()));
    const report = ex.run({ lock, mode: { kind: 'all' }, maxSchedules: 2000 });
    // Past the learning, so the footprint was in use.
    expect(restores.calls).toBeGreaterThan(1000);
    expect({ leftChanged, missed: ex.world.missed }).toEqual({ leftChanged: 0, missed: 0 });
    expect(ref.restore()).toBe(0);
    expect(s.system.fingerprint()).toBe(before);
    expect(report.explored).toBeGreaterThan(0);
  });

  test('a schedule stopped at a violation is followed by a full check: what it left part-way (a lock still held) is found before the next one runs', () => {
    // A's alloc crashes part-way in some schedules, as B's free pulls the VINT from under it.
    const s = onAm65x('merged', 'none', 'alloc-irq ringacc 306');
    const ex = new Explorer(s.system, [allocIrqOp('ringacc', 304), freeIrqOp(72)], 'none');
    const world = ex.world as unknown as { snapshot: Snapshot; stopped(): void };
    const checks = counted(world.snapshot, 'check');
    const stops = counted(world, 'stopped');
    const report = ex.run({ lock: 'none', mode: { kind: 'all' } });
    expect(report.outcomes.some((o) => o.result.includes('crash'))).toBe(true);
    expect(stops.calls).toBeGreaterThan(100);
    // one before each schedule that follows a stopped one (none after the last schedule), and
    // the search's closing check
    expect(checks.calls - 1).toBeGreaterThanOrEqual(stops.calls - 1);
    expect(checks.calls - 1).toBeLessThanOrEqual(stops.calls);
    expect(ex.world.missed).toBe(0);
  });

  test('a search that finds dead VINTs (a parent virq reused, schedules stopped while another holds vint_mutex) misses nothing and runs once', () => {
    const s = onAm65x('merged', undefined, 'alloc-irq ringacc 304');
    const ring = s.system.msi.find(s.system.msiDevice('ringacc'), 304)!;
    const ops = [allocIrqOp('ringacc', 306), allocIrqOp('ringacc', 307), freeIrqOp(ring.virq, { device: 'ringacc', index: 304 }), allocIrqOp('ringacc', 305)];
    const ex = new Explorer(s.system, ops, 'list');
    const ref = reference(ex);
    const restores = counted(ex.world, 'reset');
    const stops = counted(ex.world, 'stopped');
    // The whole search: its first schedule stopped holding vint_mutex past the learning comes late (past 10,000).
    const report = ex.run({ lock: 'list', mode: { kind: 'all', bound: 2 } });
    expect(report.outcomes.some((o) => o.description.includes('a dead VINT'))).toBe(true);
    expect(stops.calls).toBeGreaterThan(0);
    // Once: a restore a schedule, the serial orders', and a few more (preflight's, the closing check's).
    expect({ missed: ex.world.missed, once: restores.calls < report.explored + 100 }).toEqual({ missed: 0, once: true });
    expect(ref.restore()).toBe(0);
  });

  test('a search that fails inside over footprint restores is run again with full ones; with full ones a failure is thrown', () => {
    const exact = (() => {
      const ex = new Explorer(onAm65x('merged', 'none').system, [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)], 'none');
      ex.world.exact = true;
      return ex.run({ lock: 'none', mode: { kind: 'all' }, maxSchedules: 1500 });
    })();
    const ex = new Explorer(onAm65x('merged', 'none').system, [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)], 'none');
    const start = ex.world.start.bind(ex.world);
    let starts = 0;
    // as a wrong start state makes a schedule's replayed prefix fail (chooser picked 1, not among 0,2)
    ex.world.start = (i, trace) => {
      if (++starts === 1200 && !ex.world.exact) throw new Error('internal: chooser picked 1, not among 0,2');
      return start(i, trace);
    };
    expect(untimed(ex.run({ lock: 'none', mode: { kind: 'all' }, maxSchedules: 1500 }))).toEqual(untimed(exact));
    ex.world.start = () => {
      throw new Error('internal: a defect');
    };
    expect(() => ex.run({ lock: 'none', mode: { kind: 'all' }, maxSchedules: 10 })).toThrow('internal: a defect');
  });

  test('a change the footprint missed makes the explorer search again with full restores: the same report, the model put back', () => {
    const exact = (() => {
      const s = onAm65x('merged', 'none');
      const ex = new Explorer(s.system, [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)], 'none');
      ex.world.exact = true;
      return ex.run({ lock: 'none', mode: { kind: 'all' }, maxSchedules: 4000 });
    })();
    const s = onAm65x('merged', 'none');
    const ex = new Explorer(s.system, [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)], 'none');
    const ref = reference(ex);
    // Once, past the learning: a write no schedule makes, to a descriptor no operation touches.
    const cpts = s.system.descs.all().find((d) => d.owner.includes('cpts'))!;
    const start = ex.world.start.bind(ex.world);
    let starts = 0;
    ex.world.start = (i, trace) => {
      if (++starts === 3000) cpts.name = 'changed behind the footprint';
      return start(i, trace);
    };
    const restores = counted(ex.world, 'reset');
    const report = ex.run({ lock: 'none', mode: { kind: 'all' }, maxSchedules: 4000 });
    expect(ex.world.missed).toBe(1);
    // Twice the schedules: the search ran again.
    expect(restores.calls).toBeGreaterThan(8000);
    expect(untimed(report)).toEqual(untimed(exact));
    expect(ref.restore()).toBe(0);
  });
});

describe('the generated restorers', () => {
  test("a second snapshot of the same shape runs the first one's, warm, from its first restore, and puts back its own state", () => {
    // The same classes and fields in the same order, other values.
    const make = (n: number) => ({ a: { x: n, ys: [n, n + 1] }, b: Array.from({ length: 100 }, (_, i) => ({ i: i + n, s: `${n}` })) });
    const first = make(0);
    const one = Snapshot.take([first]);
    // Past the switch to generated restorers.
    for (let i = 1; i <= 200; i++) {
      first.a.x = i;
      first.b[5].i = -i;
      first.a.ys.push(i);
      expect(one.restore()).toBe(3);
    }
    expect(first).toEqual(make(0));
    const second = make(1000);
    const two = Snapshot.take([second]);
    second.a.x = 7;
    second.b[99].s = 'changed';
    second.a.ys.length = 0;
    expect(two.restore()).toBe(3);
    expect(second).toEqual(make(1000));
    expect(first).toEqual(make(0));
    const restorers = (s: Snapshot) => (s as unknown as { arrays: Array<{ restore: unknown }> }).arrays.map((c) => c.restore);
    expect(restorers(two).length).toBe(2);
    expect(restorers(two).every((f, i) => f === restorers(one)[i])).toBe(true);
    // and its footprint restore, learnt afresh
    for (let i = 0; i < 600; i++) {
      second.b[3].i = i;
      two.restoreFootprint();
    }
    second.b[3].i = -1;
    two.check();
    expect({ state: second, missed: two.missed }).toEqual({ state: make(1000), missed: 0 });
  });
});
