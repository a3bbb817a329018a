import { describe, expect, test } from '@jest/globals';
import { CoreError } from '../../src/core/errors.js';
import { Mutex, type Lock } from '../../src/core/lock.js';
import {
  Divergence,
  execute,
  exploreAll,
  exploreRandom,
  leftover,
  optionsOf,
  parseSchedule,
  replayChooser,
  scheduleString,
  searchAll,
  type Execution,
  type World,
} from '../../src/core/interleave/scheduler.js';
import { Snapshot } from '../../src/core/interleave/snapshot.js';
import { acquire, waitFor, type Steps } from '../../src/core/steps.js';
import { expectToEqual } from '../hot-expect.js';

/** Operations of `n` steps each touching nothing: the pure counting of schedules. */
const toy = (lengths: number[], locks?: () => Array<Lock[] | undefined>): World<string> & { trace: string[] } => {
  const trace: string[] = [];
  let held: Array<Lock[] | undefined> = [];
  return {
    opCount: lengths.length,
    trace,
    reset() {
      trace.length = 0;
      held = locks ? locks() : [];
    },
    *start(i): Steps<string> {
      const mine = held[i] ?? [];
      const cpu = `cpu${i}`;
      // Each lock taken is two steps (lock, and the action after it), so count them in the length.
      for (const l of mine) yield* acquire(l, `op${i}`, cpu);
      for (let s = mine.length; s < lengths[i]; s++) {
        yield { op: `op${i}`, name: 'set-bit' };
        trace.push(`${i}.${s}`);
      }
      for (const l of [...mine].reverse()) l.release(cpu);
      return `done${i}`;
    },
  };
};

const count = (lengths: number[], bound?: number): number => exploreAll(toy(lengths), bound, () => true);

describe('schedule counts (reference/interleaving.md 5.2)', () => {
  test('two 9-step operations: 48,620 schedules unbounded; 2, 18, 146, 594 at bounds 0-3', () => {
    expect(count([9, 9])).toBe(48620);
    expect([0, 1, 2, 3].map((b) => count([9, 9], b))).toEqual([2, 18, 146, 594]);
  });

  test('three 9-step operations: 6, 150, 2,622 at bounds 0-2', () => {
    expect([0, 1, 2].map((b) => count([9, 9, 9], b))).toEqual([6, 150, 2622]);
  });

  test('an allocation (9 steps) against a free (6): 2, 15, 95, 315 at bounds 0-3', () => {
    expect([0, 1, 2, 3].map((b) => count([9, 6], b))).toEqual([2, 15, 95, 315]);
  });

  test('the schedules are distinct, and each one replays from its own schedule string', () => {
    const world = toy([4, 3]);
    const seen = new Set<string>();
    const all: Execution<string>[] = [];
    exploreAll(world, undefined, (e) => {
      seen.add(e.choices.join(''));
      all.push(e);
      return true;
    });
    expect(seen.size).toBe(35); // C(7,3)
    for (const e of all) {
      const again = execute(world, replayChooser(parseSchedule(scheduleString(e), 2)));
      expect(again.choices).toEqual(e.choices);
      expect(again.preemptions).toBe(e.preemptions);
    }
  });

  test('fewest preemptions first: the schedules of one depth-first search, each once, level by level, depth-first within a level', () => {
    /** Every schedule of `world` within `bound`, by one plain depth-first search (the explorer's order before iterative bounding). */
    const depthFirst = (world: World<string>, bound = Infinity): Execution<string>[] => {
      const out: Execution<string>[] = [];
      let prefix: number[] = [];
      for (;;) {
        const forced = prefix;
        const exec = execute(world, (options, k) => (k <= forced.length ? forced[k - 1] : options[0]));
        out.push(exec);
        let next: number[] | undefined;
        for (let k = exec.masks.length - 1; k >= 0 && next === undefined; k--) {
          const current = k === 0 ? -1 : exec.choices[k - 1];
          const options = optionsOf(exec.masks[k], current);
          if (exec.chosen[k] + 1 >= options.length) continue;
          const cost = current >= 0 && options[0] === current ? 1 : 0;
          if (exec.before[k] + cost <= bound) next = [...exec.choices.slice(0, k), options[exec.chosen[k] + 1]];
        }
        if (next === undefined) return out;
        prefix = next;
      }
    };
    const mutex = new Mutex('m');
    const worlds: Array<[string, () => World<string>]> = [
      ['4+3 steps', () => toy([4, 3])],
      ['3+2+3 steps', () => toy([3, 2, 3])],
      // A lock makes choices free (the holder blocked the other): levels are not plain step counts.
      ['3+4 steps under a lock', () => toy([3, 4], () => [[mutex], [mutex]])],
    ];
    for (const [name, make] of worlds) {
      for (const bound of [undefined, 0, 1, 2]) {
        const reference = depthFirst(make(), bound);
        const iterative: Execution<string>[] = [];
        const progress = searchAll(make(), bound, (e) => iterative.push(e) > 0);
        const key = (e: Execution<string>) => `${e.choices.join('')}/${e.preemptions}`;
        expect({ name, bound, count: progress.count, done: progress.done }).toEqual({ name, bound, count: reference.length, done: true });
        // Level by level: each level holds the schedules of that many preemptions, in depth-first order.
        const levels = [...new Set(iterative.map((e) => e.preemptions))];
        expect(levels).toEqual([...levels].sort((a, b) => a - b));
        for (const p of levels) expect(iterative.filter((e) => e.preemptions === p).map(key)).toEqual(reference.filter((e) => e.preemptions === p).map(key));
        expect(iterative.map(key).sort()).toEqual(reference.map(key).sort());
      }
    }
  });

  test('a search cut short says how far it got: every schedule with at most N preemptions, then some with N+1', () => {
    const cut = (max: number) => {
      let n = 0;
      return searchAll(toy([9, 9]), undefined, () => ++n <= max);
    };
    // 2 with none, 16 with exactly one, 128 with exactly two (2, 18, 146 at bounds 0-2).
    expect(cut(1)).toEqual({ count: 2, complete: -1, done: false, partial: true });
    // On a level's boundary (2, 18, 146 schedules): none with one preemption more was run.
    expect(cut(2)).toEqual({ count: 3, complete: 0, done: false, partial: false });
    expect(cut(3)).toEqual({ count: 4, complete: 0, done: false, partial: true });
    expect(cut(18)).toEqual({ count: 19, complete: 1, done: false, partial: false });
    expect(cut(146)).toEqual({ count: 147, complete: 2, done: false, partial: false });
    expect(cut(48620)).toEqual({ count: 48620, complete: 16, done: true, partial: false });
  });

  test('random schedules are a function of the seed', () => {
    const run = (seed: number) => {
      const out: string[] = [];
      exploreRandom(toy([5, 5, 5]), 20, seed, (e) => out.push(scheduleString(e)) > 0);
      return out;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});

describe('schedule strings and replay', () => {
  test('runs of an operation: a count, or * until it finishes or blocks', () => {
    const world = toy([3, 3]);
    const e = execute(world, replayChooser(parseSchedule('A2,B*,A*', 2)));
    expect(world.trace).toEqual(['0.0', '0.1', '1.0', '1.1', '1.2', '0.2']);
    expect(scheduleString(e)).toBe('A2,B*,A*');
    expect(e.preemptions).toBe(1);
  });

  test('a replay that ends with runs left over diverges, as one that asks a finished operation mid-way does', () => {
    const world = toy([3, 3]);
    const replay = (text: string) => {
      const chooser = replayChooser(parseSchedule(text, 2));
      return leftover(execute(world, chooser), chooser)?.message;
    };
    expect(replay('B*,A*,B*')).toBe('replay diverged at step 7: schedule says B, but B has finished');
    expect(replay('B*,A5')).toBe('replay diverged at step 7: schedule says A, but A has finished');
    expect(replay('A2,B*,A*')).toBeUndefined();
    expect(replay('B*,A3')).toBeUndefined();
    expect(replay('A*,B*')).toBeUndefined();
  });

  test('a replay that no longer fits says where', () => {
    const world = toy([9, 9]);
    expect(() => execute(world, replayChooser(parseSchedule('A7,B*,B2', 2)))).toThrow(
      new Divergence('replay diverged at step 17: schedule says B, but B has finished'),
    );
    expect(() => execute(world, replayChooser(parseSchedule('A10', 2)))).toThrow('replay diverged at step 10: schedule says A, but A has finished');
    expect(() => execute(world, replayChooser(parseSchedule('A3', 2)))).toThrow('replay diverged at step 4: the schedule ends, but A, B have not finished');
  });

  test('malformed schedule strings are usage errors naming the bad run', () => {
    expect(() => parseSchedule('A2,,B*', 2)).toThrow("schedule: expected runs such as A2,B*,A*, got 'A2,,B*'");
    expect(() => parseSchedule('A0', 2)).toThrow("schedule: bad run 'A0' (an operation letter, then a step count or *)");
    expect(() => parseSchedule('C*', 2)).toThrow("schedule: run 'C*' names operation C, but there are only 2 (A, B)");
  });
});

describe('an operation starts when first scheduled', () => {
  /** Each operation reads a shared counter before its first yield, then bumps it at each of its two steps. */
  const counter = () => {
    let shared = 0;
    const world: World<string> = {
      opCount: 2,
      reset() {
        shared = 0;
      },
      *start(i) {
        const saw = shared;
        if (i === 1 && saw > 0) throw new CoreError('ENOENT', `B saw ${saw}`);
        yield { op: `op${i}`, name: 'set-bit' };
        shared++;
        yield { op: `op${i}`, name: 'set-bit' };
        shared++;
        return `saw ${saw}`;
      },
    };
    return world;
  };

  test("what precedes its first yield runs with its first step: in B;A, A sees B's work; in A;B, B sees A's", () => {
    const ba = execute(counter(), replayChooser(parseSchedule('B*,A*', 2)));
    expect(ba.ends).toEqual([
      { kind: 'done', value: 'saw 2' },
      { kind: 'done', value: 'saw 0' },
    ]);
    const ab = execute(counter(), replayChooser(parseSchedule('A*,B*', 2)));
    expect(ab.ends[1]).toEqual({ kind: 'failed', code: 'ENOENT', message: 'B saw 2' });
  });

  test('an operation that fails before its first yield takes one step, shown as start with why', () => {
    const e = execute(counter(), replayChooser(parseSchedule('A1,B*,A*', 2)), true);
    expect(e.choices).toEqual([0, 1, 0]);
    expect(e.rows!.map((r) => `${r.n} ${r.op} ${r.step.name}${r.step.result ? `: ${r.step.result}` : ''}${r.end ? ` (${r.end})` : ''}`)).toEqual([
      '1 0 set-bit',
      '2 1 start: B saw 1 (failed)',
      '3 0 set-bit (done)',
    ]);
  });
});

describe('locks', () => {
  test('a CPU waiting for a lock is no choice point: a mutex over both operations leaves the serial orders and the lock races', () => {
    const m = () => new Mutex('m');
    let lock = m();
    const world = toy([4, 4], () => {
      lock = m();
      return [[lock], [lock]];
    });
    const results: string[] = [];
    const n = exploreAll(world, undefined, (e) => {
      expect(e.violation).toBeUndefined();
      results.push(world.trace.join(' '));
      return true;
    });
    // The bodies never interleave: every trace is A's steps then B's, or B's then A's.
    expect(new Set(results)).toEqual(new Set(['0.1 0.2 0.3 1.1 1.2 1.3', '1.1 1.2 1.3 0.1 0.2 0.3']));
    // Far fewer than the 70 schedules of two unlocked 4-step operations, and finite.
    expect(n).toBeLessThan(70);
  });

  test('two CPUs taking two locks in opposite orders: a deadlock, found and named', () => {
    let found: Execution<string> | undefined;
    const world = toy([3, 3], () => {
      const a = new Mutex('a');
      const b = new Mutex('b');
      return [
        [a, b],
        [b, a],
      ];
    });
    exploreAll(world, undefined, (e) => {
      if (e.violation?.kind === 'deadlock') found ??= e;
      return true;
    });
    expect(found).toBeDefined();
    expect(found!.violation!.message).toBe('deadlock: A waits for b (held by cpu1), B waits for a (held by cpu0)');
  });

  test("a trace's lock rows: the try that finds it held (blockedBy), then the retry that takes it (wasHeldBy), never a wait that took it", () => {
    let m = new Mutex('m');
    const world: World<string> = {
      opCount: 2,
      reset() {
        m = new Mutex('m');
      },
      *start(i) {
        const cpu = `cpu${i}`;
        // A takes m by a step of its own; B at its start, with no step (dma_list_mutex's way).
        if (i === 0) yield* acquire(m, 'A', cpu);
        else yield* waitFor(m, 'B', cpu);
        yield { op: i === 0 ? 'A' : 'B', name: 'set-bit' };
        if (i === 1) yield { op: 'B', name: 'set-bit' };
        m.release(cpu);
        return cpu;
      },
    };
    const rows = (schedule: string) =>
      execute(world, replayChooser(parseSchedule(schedule, 2)), true).rows!.map((r) => [r.n, r.op, r.step.name, r.step.detail, r.blockedBy, r.wasHeldBy, r.lock]);
    expect(rows('A1,B*,A*,B*')).toEqual([
      [1, 0, 'lock', 'm', undefined, undefined, undefined],
      [2, 1, 'lock', 'm', 'cpu0', undefined, 'm'],
      [3, 0, 'set-bit', undefined, undefined, undefined, undefined],
      [4, 1, 'wait-lock', 'm', undefined, 'cpu0', 'm'],
      [5, 1, 'set-bit', undefined, undefined, undefined, undefined],
      [6, 1, 'set-bit', undefined, undefined, undefined, undefined],
    ]);
    // B first (taking m with its first step): A's own lock step finds m held; its retry takes it.
    expect(rows('B1,A*,B*,A*')).toEqual([
      [1, 1, 'set-bit', undefined, undefined, undefined, undefined],
      [2, 0, 'lock', 'm', 'cpu1', undefined, 'm'],
      [3, 1, 'set-bit', undefined, undefined, undefined, undefined],
      [4, 0, 'wait-lock', 'm', undefined, 'cpu1', 'm'],
      [5, 0, 'set-bit', undefined, undefined, undefined, undefined],
    ]);
  });

  test('an exception inside a step is a finding, never a crash', () => {
    const world: World<number> = {
      opCount: 2,
      reset() {},
      *start(i) {
        yield { op: `op${i}`, name: 'set-bit' };
        if (i === 1) throw new Error('internal: VINT 3 is not on vint_list (removed twice)');
        return i;
      },
    };
    const e = execute(world, replayChooser(parseSchedule('A*,B*', 2)));
    expect(e.violation).toEqual({ kind: 'exception', step: 2, op: 1, message: 'VINT 3 is not on vint_list (removed twice)' });
    expect(e.ends).toEqual([{ kind: 'done', value: 0 }, { kind: 'crashed', message: 'VINT 3 is not on vint_list (removed twice)' }]);
  });
});

describe('snapshot', () => {
  test('puts objects, arrays, Maps, Sets and typed arrays back in place, cycles and all', () => {
    class Node {
      next: Node | undefined;
      constructor(public n: number) {}
    }
    const a = new Node(1);
    const b = new Node(2);
    a.next = b;
    b.next = a;
    const state = { list: [a, b], byId: new Map([[1, a]]), ids: new Set([1, 2]), words: new Uint32Array([1, 2]), count: 2 };
    const snap = Snapshot.take([state]);
    for (let round = 0; round < 3; round++) {
      state.list.push(new Node(3));
      state.list[0] = b;
      a.n = 99;
      b.next = undefined;
      state.byId.set(2, b);
      state.byId.delete(1);
      state.ids.add(7);
      state.words[1] = 5;
      state.count = 0;
      snap.restore();
      expect(state.list).toEqual([a, b]);
      expect(state.list[0]).toBe(a);
      expect(a.n).toBe(1);
      expect(b.next).toBe(a);
      expect([...state.byId]).toEqual([[1, a]]);
      expect([...state.ids]).toEqual([1, 2]);
      expect([...state.words]).toEqual([1, 2]);
      expect(state.count).toBe(2);
    }
  });

  test('the generated restorers of long runs restore exactly as the first ones do', () => {
    const state = { xs: [1, 2, 3], o: { a: 1, 'odd key': 'x' } };
    const snap = Snapshot.take([state]);
    for (let i = 0; i < 2100; i++) {
      state.xs[i % 3] = -1;
      state.xs.length = i % 5;
      state.o.a = i;
      state.o['odd key'] = `${i}`;
      snap.restore();
      expectToEqual(state, { xs: [1, 2, 3], o: { a: 1, 'odd key': 'x' } });
    }
  });
});
