import { describe, expect, test } from '@jest/globals';
import { runWords, startWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { designNamed } from '../../src/core/designs.js';
import { Explorer, type ExploreMode, type InterleaveReport } from '../../src/core/interleave/explore.js';
import type { LockMode, Locks } from '../../src/core/interleave/locks.js';
import { allocIrqOp, freeIrqOp, type OpSpec } from '../../src/core/interleave/ops.js';
import { Snapshot } from '../../src/core/interleave/snapshot.js';
import { am65x } from '../../src/core/topologies/am65x.js';

/**
 * The search run a slice at a time (Explorer.search), as the REPL runs it so that Ctrl-C is
 * read: the same report as the search run in one go, whatever the slices; stopped part-way, the
 * model as it was.
 */

const session = (...lines: string[]): Session => {
  const s = new Session(am65x, { ...designNamed('merged')!.settings, lock: 'none' });
  for (const l of lines) {
    const r = runWords(s, tokenize(l));
    if (!r.ok) throw new Error(`${l}: ${r.error.message}`);
  }
  return s;
};

const untimed = (r: InterleaveReport | undefined): InterleaveReport | undefined => r && { ...r, seconds: undefined };

/** A second snapshot of what the explorer's world restores: restore() counts what differs. */
const reference = (ex: Explorer): Snapshot => {
  const world = ex.world as unknown as { sys: Explorer['world']['sys']; locks: Locks };
  return Snapshot.take([world.sys, world.locks.all()], [world.sys.topology]);
};

const three = (): OpSpec[] => [allocIrqOp('ringacc', 310), allocIrqOp('ringacc', 311), allocIrqOp('ringacc', 312)];

describe('the search in slices', () => {
  const two = (): OpSpec[] => [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)];
  const cases: Array<[string, () => OpSpec[], LockMode, ExploreMode, number | undefined]> = [
    ['two allocs under vint_mutex, every schedule', two, 'inta', { kind: 'all' }, undefined],
    ['two allocs unlocked, FORBIDDEN, cut short by the cap', two, 'none', { kind: 'all' }, 1500],
    ['three allocs cut short by the cap, past a level boundary', three, 'none', { kind: 'all', bound: 5 }, 1500],
    ['an alloc against a free, random', () => [allocIrqOp('ringacc', 304), freeIrqOp(70)], 'none', { kind: 'random', count: 300, seed: 7 }, undefined],
    ['a replayed schedule', two, 'none', { kind: 'schedule', schedule: 'A3,B*,A*' }, undefined],
  ];
  for (const [name, ops, lock, mode, max] of cases) {
    test(`${name}: the same report in slices of 1, 7 and 500 schedules as in one go`, () => {
      const opts = { lock, mode, maxSchedules: max };
      const whole = new Explorer(session().system, ops(), lock).run(opts);
      expect(whole.explored).toBeGreaterThan(0);
      for (const budget of [1, 7, 500]) {
        const search = new Explorer(session().system, ops(), lock).search(opts);
        let report: InterleaveReport | undefined;
        let slices = 0;
        while ((report = search.step(budget)) === undefined) {
          slices++;
          // Between slices, errors keep their stacks (the search turns them off for its own throws only).
          expect(Error.stackTraceLimit).toBeGreaterThan(0);
          expect(search.explored).toBeLessThanOrEqual(slices * budget);
        }
        if (budget === 1 && mode.kind !== 'schedule') expect(slices).toBeGreaterThanOrEqual(whole.explored - 1);
        expect(untimed(report)).toEqual(untimed(whole));
        // Done: it says so again, and runs nothing more.
        expect(search.step(1)).toBe(report);
      }
    });
  }

  test('stopped part-way, the model is as it was before the search, and a later search reports as a fresh one', () => {
    const s = session('request-channel main_udmap tx 2', 'alloc-irq ringacc 320');
    const ex = new Explorer(s.system, three(), 'none');
    const ref = reference(ex);
    const search = ex.search({ lock: 'none', mode: { kind: 'all', bound: 20 }, maxSchedules: 10_000_000 });
    for (let i = 0; i < 30; i++) expect(search.step(97)).toBeUndefined();
    expect(search.explored).toBe(30 * 97);
    search.stop();
    // Nothing differs from a snapshot taken before the search.
    expect(ref.restore()).toBe(0);
    // Stopped: it runs nothing more, and reports nothing.
    expect(search.step(10)).toBeUndefined();
    const opts = { lock: 'none' as const, mode: { kind: 'all' as const }, maxSchedules: 500 };
    expect(untimed(ex.run(opts))).toEqual(untimed(new Explorer(session('request-channel main_udmap tx 2', 'alloc-irq ringacc 320').system, three(), 'none').run(opts)));
  });

  test('a command started and stopped changes nothing the views show; run to its end in slices it gives what runWords gives', () => {
    const line = 'interleave "alloc-irq ringacc 310" "alloc-irq ringacc 311" "free-irq ringacc 320" --preemptions 20 --max-schedules 2000';
    const s = session('request-channel main_udmap tx 2', 'alloc-irq ringacc 320');
    const views = () => ['pools', 'routes', 'interrupts'].map((v) => runWords(s, [v]));
    const before = views();
    const running = startWords(s, tokenize(line));
    expect(running.step(50)).toBeUndefined();
    expect(running.progress()).toBe('50 schedules');
    running.stop();
    expect(views()).toEqual(before);

    const sliced = startWords(s, tokenize(line));
    let result;
    while ((result = sliced.step(13)) === undefined);
    const whole = runWords(s, tokenize(line));
    const strip = (r: typeof whole) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'seconds' ? undefined : v)));
    expect(strip(result)).toEqual(strip(whole));
    expect(views()).toEqual(before);
    // A command with no slices runs whole at its first step; a mistake is its failed Result.
    expect(startWords(s, ['pools']).step(1)).toEqual(runWords(s, ['pools']));
    expect(startWords(s, tokenize('interleave "alloc-irq ringacc 310"')).step(1)).toMatchObject({ ok: false, error: { code: 'EUSAGE' } });
  });
});
