import { CoreError } from '../errors.js';
import type { System } from '../system.js';
import type { LockMode } from './locks.js';
import type { OpSpec, OpValue } from './ops.js';
import {
  Divergence,
  execute,
  leftover,
  letter,
  parseSchedule,
  randomSteps,
  replayChooser,
  scheduleString,
  searchAllSteps,
  type Chooser,
  type Execution,
  type OpEnd,
  type SearchProgress,
  type TraceRow,
} from './scheduler.js';
import { SystemWorld, viewDiff } from './world.js';
import { plural } from '../words.js';

/**
 * `interleave`: every schedule (or a bounded, random or given set) of several operations run
 * in parallel from one pre-state, each graded as jcstress grades outcomes:
 * - acceptable: every invariant holds and the outcome is that of some serial order;
 * - interesting: every invariant holds, but no serial order gives this state;
 * - FORBIDDEN: an invariant broke, a step threw, a deadlock, or a spurious failure (an operation
 *   failed although it succeeds in every serial order: Marc's "fails despite 63 free interrupts").
 */

export type Grade = 'acceptable' | 'interesting' | 'FORBIDDEN';

export type ExploreMode =
  | { kind: 'all'; bound?: number }
  | { kind: 'random'; count: number; seed: number }
  | { kind: 'schedule'; schedule: string };

export interface ExploreOptions {
  lock: LockMode;
  mode: ExploreMode;
  /** Stop after this many schedules (the report says it was truncated). */
  maxSchedules?: number;
  /** Milliseconds, for the time taken; the core itself reads no clock. */
  clock?: () => number;
}

export interface OutcomeRow {
  result: string;
  count: number;
  grade: Grade;
  description: string;
  /** The first schedule with this outcome among those with fewest preemptions. */
  witness: string;
  preemptions: number;
}

export interface ShownStep {
  n: number;
  op: string;
  cpu: string;
  /** The step performed; `wait-lock` is the retry of a lock waited for (see blockedBy, wasHeldBy). */
  name: string;
  detail?: string;
  result?: string;
  reads: readonly string[];
  writes: readonly string[];
  changed: string[];
  /**
   * An operation's first step only: what its start changed before the step itself (the checks
   * and atomic draws before its first yield, such as the ring an alloc-irq takes), which the
   * scheduler runs as part of that step.
   */
  startChanged?: string[];
  /** The step tried a lock and found it held: by whom (the operation waits until it is let go). */
  blockedBy?: string;
  /** The step was the retry of a lock waited for, and took it: who held it while it waited. */
  wasHeldBy?: string;
  /** With blockedBy or wasHeldBy: the lock's name. */
  lock?: string;
  end?: 'done' | 'failed' | 'crashed';
  error?: string;
  /** `<`: the failing operation's conflicting step; `!`: the other operation's write. */
  marker?: '<' | '!';
}

export interface ShownSchedule {
  schedule: string;
  preemptions: number;
  grade: Grade;
  result: string;
  verdict: string;
  steps: ShownStep[];
  conflict?: { step: number; with: number; object: string };
}

export interface InterleaveReport {
  ops: Array<{ letter: string; cpu: string; label: string }>;
  lock: LockMode;
  explore: { mode: 'all'; bound: number | null } | { mode: 'random'; count: number; seed: number } | { mode: 'schedule'; schedule: string };
  explored: number;
  truncated: boolean;
  /**
   * `explore all` cut short by the cap: every schedule with at most this many preemptions was
   * explored (fewest first), then some with one more; -1: only some of those with none.
   */
  preemptionsComplete?: number;
  /** With preemptionsComplete: some schedules with one preemption more were run too. */
  preemptionsPartial?: boolean;
  seconds?: number;
  outcomes: OutcomeRow[];
  /** The shown schedule: the first FORBIDDEN one with fewest preemptions, or the replayed one. */
  shown?: ShownSchedule;
  /** A replay that no longer fits the operations. */
  divergence?: string;
}

export const DEFAULT_MAX_SCHEDULES = 100_000;
/** More operations than this make n! serial orders (the oracle) and the output unwieldy. */
export const MAX_OPS = 6;

interface Serial {
  order: number[];
  result: string;
  fingerprint: string;
  ends: OpEnd<OpValue>[];
  vints: number;
  /** By operation: whether it failed its checks, before its first step. */
  refused: boolean[];
}

const endText = (e: OpEnd<OpValue>): string => {
  switch (e.kind) {
    case 'done':
      return e.value.summary;
    case 'failed':
      return e.code;
    case 'crashed':
      return 'crash';
    case 'unfinished':
      return '-';
  }
};

const resultOf = (ends: readonly OpEnd<OpValue>[]): string => ends.map((e, i) => `${letter(i)}=${endText(e)}`).join(' ');

const permutations = (n: number): number[][] => {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) for (let i = 0; i <= rest.length; i++) out.push([...rest.slice(0, i), n - 1, ...rest.slice(i)]);
  return out.sort((a, b) => a.join().localeCompare(b.join()));
};

interface Graded {
  key: string;
  result: string;
  grade: Grade;
  description: string;
}

export class Explorer {
  readonly world: SystemWorld;
  private readonly serials: Serial[];

  constructor(
    sys: System,
    readonly ops: readonly OpSpec[],
    readonly lock: LockMode,
  ) {
    this.world = new SystemWorld(sys, ops, lock);
    // The oracle: each serial order, run alone one operation after the other.
    this.serials = permutations(ops.length).map((order) => {
      const refused = ops.map(() => false);
      const chooser: Chooser = (options, _k, run) => order.find((i) => run[i].state !== 'done' && options.includes(i)) ?? options[0];
      const exec = execute(this.world, chooser, false, {
        after: (row) => {
          if (row.end === 'failed' && row.step.name === 'start') refused[row.op] = true;
        },
      });
      return { order, result: resultOf(exec.ends), fingerprint: this.world.fingerprint(), ends: exec.ends, vints: this.world.vintCount(), refused };
    });
    this.world.reset();
  }

  /**
   * Refuses an operation that fails its checks, before its first step, in every serial order
   * (an unknown device, a virq that is no MSI, an index requested before and freed by none of
   * the others): a mistake in the command, not a finding of any schedule. One that passes them
   * in some order (an alloc of the index another operation frees) is explored: its outcome in
   * each order is graded like any other.
   */
  preflight(): void {
    for (let i = 0; i < this.ops.length; i++) {
      if (this.serials.some((s) => !s.refused[i])) continue;
      // Its error when it runs first (alone, from the pre-state), unless running after the
      // others says more (what they took that it cannot use).
      const last = this.serials.find((s) => s.order[s.order.length - 1] === i)!.ends[i];
      this.world.reset();
      try {
        this.world.start(i, false).next();
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        const why = last.kind === 'failed' && last.message !== e.message ? last.message : e.message;
        throw new CoreError(e.code, `operation ${letter(i)} (${this.ops[i].label}): ${why}`, e.pool);
      } finally {
        this.world.reset();
      }
    }
  }

  /** Grades the execution that just ran (the world still holds its final state). */
  grade(exec: Execution<OpValue>): Graded {
    const result = resultOf(exec.ends);
    const forbidden = (description: string): Graded => ({ key: `F\0${result}\0${description}`, result, grade: 'FORBIDDEN', description });
    if (exec.violation) {
      const v = exec.violation;
      return forbidden(v.op === undefined ? v.message : `${letter(v.op)}: ${v.message}`);
    }
    const broken = this.world.checkEnd(exec.ends);
    if (broken !== undefined) return forbidden(broken);
    const fp = this.world.fingerprint();
    const serial = this.serials.find((s) => s.result === result && s.fingerprint === fp);
    if (serial) return { key: `A\0${result}\0${fp}`, result, grade: 'acceptable', description: `serial ${serial.order.map(letter).join(';')}` };
    for (let i = 0; i < exec.ends.length; i++) {
      const e = exec.ends[i];
      if (e.kind === 'failed' && this.serials.every((s) => s.ends[i].kind === 'done')) {
        const free = this.world.freeBits();
        const where = free.length > 0 ? `, though ${free.map((f) => `VINT ${f.vint} has ${plural(f.free, 'free bit')}`).join(', ')}` : '';
        return forbidden(`${letter(i)} failed with ${e.code}${where}; every serial order succeeds`);
      }
    }
    const vints = this.world.vintCount();
    const serialVints = new Set(this.serials.map((s) => s.vints));
    const why = serialVints.size === 1 && !serialVints.has(vints) ? `${plural(vints, 'VINT')} where every serial order has ${[...serialVints][0]}` : 'a state no serial order gives';
    return { key: `I\0${result}\0${fp}`, result, grade: 'interesting', description: why };
  }

  /** The whole search in one go: what batch runs, and the search's reference (see search). */
  run(opts: ExploreOptions): InterleaveReport {
    return this.search(opts).step(Infinity)!;
  }

  /**
   * The search as a computation run a slice at a time: `step(n)` runs at most n schedules, so
   * that a front end can do other work between slices (the REPL reads Ctrl-C) and `stop()`
   * part-way. Run to its end, slice by slice or in one go, it reports the same as `run`: the
   * slices only choose where the search pauses. The core reads no clock: how long a slice is is
   * the caller's choice.
   */
  search(opts: ExploreOptions): Search {
    return new Search(this.steps(opts));
  }

  private *steps(opts: ExploreOptions): Generator<number, InterleaveReport, undefined> {
    let ended = false;
    try {
      // The footprint restore (Snapshot) is checked by a full one at the end; when it missed an
      // object, schedules may have started from a wrong state: the search runs again, every
      // restore a full one. Slower, never different.
      const started = opts.clock?.();
      const missed = this.world.missed;
      let report = yield* this.attempt(opts);
      this.world.check();
      if (report === undefined || this.world.missed !== missed) {
        this.world.exact = true;
        try {
          report = yield* this.explore(opts);
        } finally {
          this.world.exact = false;
          this.world.check();
        }
      }
      if (started !== undefined) report.seconds = (opts.clock!() - started) / 1000;
      ended = true;
      return report;
    } finally {
      // Stopped part-way (or thrown): the session's state as it was before the search.
      if (!ended) this.world.check();
    }
  }

  /**
   * A search over footprint restores; undefined when it failed inside (a schedule that could not
   * replay its prefix): a start state the footprint got wrong can do that before the closing
   * check would find it, so the caller searches again with full restores, where such a failure is
   * a defect and is thrown.
   */
  private *attempt(opts: ExploreOptions): Generator<number, InterleaveReport | undefined, undefined> {
    try {
      return yield* this.explore(opts);
    } catch (e) {
      if (this.world.exact || e instanceof CoreError || e instanceof Divergence) throw e;
      return undefined;
    }
  }

  /** Yields the number of schedules explored after each one. */
  private *explore(opts: ExploreOptions): Generator<number, InterleaveReport, undefined> {
    const max = opts.maxSchedules ?? DEFAULT_MAX_SCHEDULES;
    const rows = new Map<string, OutcomeRow>();
    let worst: { exec: Execution<OpValue>; graded: Graded } | undefined;
    let explored = 0;
    let truncated = false;
    let last: Graded | undefined;
    const visit = (exec: Execution<OpValue>): boolean => {
      // One past the cap: there was more to explore (a search that ends at the cap is complete).
      if (explored >= max) {
        truncated = true;
        return false;
      }
      const g = (last = this.grade(exec));
      let row = rows.get(g.key);
      if (!row) {
        row = { result: g.result, count: 0, grade: g.grade, description: g.description, witness: scheduleString(exec), preemptions: exec.preemptions };
        rows.set(g.key, row);
      } else if (exec.preemptions < row.preemptions) {
        row.witness = scheduleString(exec);
        row.preemptions = exec.preemptions;
      }
      row.count++;
      if (g.grade === 'FORBIDDEN' && (!worst || exec.preemptions < worst.exec.preemptions)) worst = { exec, graded: g };
      explored++;
      return true;
    };
    const report: InterleaveReport = {
      ops: this.ops.map((o, i) => ({ letter: letter(i), cpu: `cpu${i}`, label: o.label })),
      lock: this.lock,
      explore:
        opts.mode.kind === 'all'
          ? { mode: 'all', bound: opts.mode.bound ?? null }
          : opts.mode.kind === 'random'
            ? { mode: 'random', count: opts.mode.count, seed: opts.mode.seed }
            : { mode: 'schedule', schedule: opts.mode.schedule },
      explored: 0,
      truncated: false,
      outcomes: [],
    };
    const mode = opts.mode;
    if (mode.kind === 'all') {
      const search = searchAllSteps(this.world, mode.bound, visit);
      let progress: SearchProgress;
      for (let r = search.next(); ; r = search.next()) {
        if (r.done) {
          progress = r.value;
          break;
        }
        yield explored;
      }
      if (!progress.done) {
        report.preemptionsComplete = progress.complete;
        report.preemptionsPartial = progress.partial;
      }
    } else if (mode.kind === 'random') {
      for (const _ of randomSteps(this.world, Math.min(mode.count, max), mode.seed, visit)) yield explored;
      truncated = mode.count > max;
    } else {
      const runs = parseSchedule(mode.schedule, this.ops.length);
      try {
        const chooser = replayChooser(runs);
        const exec = execute(this.world, chooser);
        const rest = leftover(exec, chooser);
        if (rest) throw rest;
        visit(exec);
        truncated = false;
        report.shown = this.show(exec.choices, last!);
      } catch (e) {
        if (!(e instanceof Divergence)) throw e;
        report.divergence = e.message;
      }
    }
    if (mode.kind !== 'schedule' && worst) report.shown = this.show(worst.exec.choices, worst.graded);
    report.explored = explored;
    report.truncated = truncated && mode.kind !== 'schedule';
    const order: Record<Grade, number> = { acceptable: 0, interesting: 1, FORBIDDEN: 2 };
    report.outcomes = [...rows.values()].sort((a, b) => order[a.grade] - order[b.grade] || b.count - a.count || a.result.localeCompare(b.result));
    return report;
  }

  /** Replays a schedule traced, with the state each step changed, and names the conflicting pair. */
  show(choices: readonly number[], graded: Graded): ShownSchedule {
    let before = new Map<string, string>();
    let start: string[] = [];
    const changed: string[][] = [];
    const starts: string[][] = [];
    const exec = execute(this.world, (_o, k) => choices[k - 1], true, {
      before: () => {
        before = this.world.view();
        start = [];
      },
      started: () => {
        const now = this.world.view();
        start = viewDiff(before, now);
        before = now;
      },
      after: () => {
        changed.push(viewDiff(before, this.world.view()));
        starts.push(start);
      },
    });
    const rows = exec.rows ?? [];
    const steps: ShownStep[] = rows.map((r: TraceRow, i) => {
      // An operation that ended at its start has no step beyond it: what it did is the row's.
      const atStart = starts[i] ?? [];
      const own = r.step.name === 'start';
      return {
        n: r.n,
        op: letter(r.op),
        cpu: `cpu${r.op}`,
        name: r.step.name,
        detail: r.step.detail,
        result: r.step.result,
        reads: r.step.reads ?? [],
        writes: r.step.writes ?? [],
        changed: own ? [...atStart, ...(changed[i] ?? [])] : (changed[i] ?? []),
        startChanged: own || atStart.length === 0 ? undefined : atStart,
        blockedBy: r.blockedBy,
        wasHeldBy: r.wasHeldBy,
        lock: r.lock,
        end: r.end,
        error: r.error,
      };
    });
    const shown: ShownSchedule = {
      schedule: scheduleString(exec),
      preemptions: exec.preemptions,
      grade: graded.grade,
      result: graded.result,
      verdict: graded.description,
      steps,
    };
    if (graded.grade === 'FORBIDDEN') this.markConflict(shown, exec);
    return shown;
  }

  /**
   * The step where it went wrong (a throw, a failure, a flagged result, else the last step), and
   * the pair that explains it, KCSAN-style: the latest earlier step of the same operation that
   * read an object which another operation then wrote (a stale read), else the other
   * operation's latest write to what the failing step touches.
   */
  private markConflict(shown: ShownSchedule, exec: Execution<OpValue>): void {
    const steps = shown.steps;
    if (steps.length === 0) return;
    let at = steps.findIndex((s) => s.end === 'crashed' || s.end === 'failed' || s.result === 'already set');
    if (at < 0 && exec.violation && exec.violation.step > 0) at = exec.violation.step - 1;
    if (at < 0) at = steps.length - 1;
    const bad = steps[at];
    for (let r = at - 1; r >= 0; r--) {
      if (steps[r].op !== bad.op) continue;
      for (const obj of steps[r].reads) {
        for (let w = at - 1; w > r; w--) {
          if (steps[w].op !== bad.op && steps[w].writes.includes(obj)) {
            steps[r].marker = '<';
            bad.marker = '<';
            steps[w].marker = '!';
            shown.conflict = { step: steps[r].n, with: steps[w].n, object: obj };
            return;
          }
        }
      }
    }
    const touched = [...bad.reads, ...bad.writes];
    for (let w = at - 1; w >= 0; w--) {
      const obj = steps[w].writes.find((o) => touched.includes(o));
      if (steps[w].op !== bad.op && obj !== undefined) {
        bad.marker = '<';
        steps[w].marker = '!';
        shown.conflict = { step: bad.n, with: steps[w].n, object: obj };
        return;
      }
    }
    bad.marker = '<';
  }
}

/**
 * A search run a slice at a time (Explorer.search). It sets Error.stackTraceLimit to 0 for the
 * length of a slice only (a failing step throws, and capturing a stack for each of thousands of
 * throws would cost more than the schedules themselves), so what runs between slices keeps its
 * stacks.
 */
export class Search {
  private report?: InterleaveReport;
  private stopped = false;
  /** Schedules explored so far (by the search that runs again with full restores, once it has started). */
  explored = 0;

  constructor(private readonly steps: Generator<number, InterleaveReport, undefined>) {}

  /** Runs at most `budget` schedules: the report once the search has ended, else undefined. */
  step(budget: number): InterleaveReport | undefined {
    if (this.report !== undefined || this.stopped) return this.report;
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let n = 0; n < budget; n++) {
        const r = this.steps.next();
        if (r.done) return (this.report = r.value);
        this.explored = r.value;
      }
      return undefined;
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
  }

  /** Abandons the search part-way: the state is put back as it was before it, and nothing is reported. */
  stop(): void {
    if (this.report !== undefined || this.stopped) return;
    this.stopped = true;
    this.steps.return(undefined as never);
  }
}
