import { CoreError } from '../errors.js';
import type { Lock } from '../lock.js';
import type { Step, Steps } from '../steps.js';

/**
 * Runs several step generators ("operations", one per CPU) in one chosen order, and enumerates
 * orders. Stateless, as CHESS and loom are: generators cannot be cloned, so every schedule starts
 * from the pre-state (the World resets it) with fresh generators, and replays its prefix.
 *
 * A yield announces a step; the next `next()` performs it. A schedule is the sequence of
 * operations whose announced step is performed, one per step. An operation whose announced step
 * is `wait-lock` is blocked, not a choice, until the lock's holder changes (else the search would
 * never end); when every unfinished operation is blocked, that is a deadlock.
 *
 * An operation starts when it is first scheduled, as a thread's code runs when the thread does:
 * what precedes its first yield (its checks of the state: is the virq requested, which index is
 * free) runs as part of its first step, so it sees what the operations scheduled before it did.
 * Run at the start of the schedule instead, every operation would check the pre-state, and in
 * the serial order A;B, B would not see what A did.
 */

/** What the scheduler runs: the pre-state, the operations' generators, and the checks. */
export interface World<R> {
  readonly opCount: number;
  /** Puts the pre-state back (a snapshot restore); called before every schedule. */
  reset(): void;
  /** A fresh generator for operation `i` on the reset state; traced when the schedule is shown. */
  start(i: number, trace: boolean): Steps<R>;
  /** Checked after every step (operation `op`'s): a broken invariant, or undefined. */
  checkStep?(op: number): string | undefined;
  /**
   * The schedule stopped with operations unfinished (a violation): it may leave what no finished
   * schedule does (a lock still held), which the next reset must find, not leave for a later one.
   */
  stopped?(): void;
}

/** How an operation ended in one schedule. */
export type OpEnd<R> =
  | { kind: 'done'; value: R }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'crashed'; message: string }
  | { kind: 'unfinished' };

export interface Violation {
  kind: 'exception' | 'deadlock' | 'invariant' | 'livelock';
  /** 1-based step number where it showed (0: before any step). */
  step: number;
  /** The operation at fault, when there is one. */
  op?: number;
  message: string;
}

/**
 * One performed step, for a shown trace. A lock the operation found held is two rows however
 * long it waited (a blocked operation takes no steps): its try (`lock`, with blockedBy), then
 * its retry once the holder let go (`wait-lock`, the step it announced while it waited: with
 * wasHeldBy where it took the lock, or blockedBy again where another CPU took it first).
 */
export interface TraceRow {
  n: number;
  op: number;
  step: Step;
  /** The step left the operation waiting for a lock: held by whom. */
  blockedBy?: string;
  /**
   * The step was the retry of a lock the operation had waited for, and it took the lock: who
   * held it while it waited. (A retry that finds the lock taken again has blockedBy instead.)
   */
  wasHeldBy?: string;
  /** With blockedBy or wasHeldBy: the lock's name. */
  lock?: string;
  /** The step ended the operation: how. */
  end?: 'done' | 'failed' | 'crashed';
  error?: string;
}

export interface Execution<R> {
  /** The operation that performed each step. */
  choices: number[];
  /**
   * Per choice point (step k at index k-1), kept as numbers, not objects, as there is one per
   * step of every schedule: the operations that could run (a bit mask), the position of the
   * chosen one among them (the current operation first, then by letter), and the preemptions
   * before it.
   */
  masks: number[];
  chosen: number[];
  before: number[];
  ends: OpEnd<R>[];
  violation?: Violation;
  preemptions: number;
  rows?: TraceRow[];
}

/** Picks the operation for step `k` among `options` (current first); may throw Divergence. */
export type Chooser = (options: readonly number[], k: number, running: readonly RunState[]) => number;

export interface RunState {
  state: 'ready' | 'blocked' | 'done';
  announced?: Step;
  heldBy?: string;
  lock?: Lock;
}

/** A replayed schedule that no longer fits the operations. */
export class Divergence extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Divergence';
  }
}

/** A step that never ends is a bug of a lock setting: stop well before memory does. */
export const MAX_STEPS = 10_000;

/** The observer of one execution's steps (a trace builder); undefined when nobody is watching. */
export interface StepObserver {
  before?(k: number): void;
  /** An operation's first step: its start (its checks and draws, up to its first yield) has run, the step not yet. */
  started?(k: number): void;
  after(row: TraceRow): void;
}

const UNFINISHED: OpEnd<never> = Object.freeze({ kind: 'unfinished' });

/** The step of an operation that ended before its first yield (it failed its checks): untraced, one constant. */
const QUIET_START: Step = Object.freeze({ op: '', name: 'start' });

export const execute = <R>(world: World<R>, choose: Chooser, trace = false, observer?: StepObserver): Execution<R> => {
  world.reset();
  const n = world.opCount;
  const gens: Steps<R>[] = [];
  const run: RunState[] = [];
  const ends: OpEnd<R>[] = [];
  const started: boolean[] = [];
  const exec: Execution<R> = { choices: [], masks: [], chosen: [], before: [], ends, preemptions: 0, rows: trace ? [] : undefined };
  const finish = (i: number, end: OpEnd<R>) => {
    ends[i] = end;
    run[i].state = 'done';
  };
  const settle = (i: number, r: IteratorResult<Step, R>) => {
    if (r.done) return finish(i, { kind: 'done', value: r.value });
    const s = r.value;
    run[i].announced = s;
    if (s.name === 'wait-lock' && s.lock) {
      run[i].state = 'blocked';
      run[i].lock = s.lock;
      run[i].heldBy = s.lock.holder();
    } else run[i].state = 'ready';
  };
  /** Runs one `next()`; false when the schedule must stop (a violation). */
  const advance = (i: number, k: number): boolean => {
    try {
      settle(i, gens[i].next());
      return true;
    } catch (e) {
      if (e instanceof CoreError) {
        finish(i, { kind: 'failed', code: e.code, message: e.message });
        return true;
      }
      const message = (e instanceof Error ? e.message : String(e)).replace(/^internal: /, '');
      finish(i, { kind: 'crashed', message });
      exec.violation = { kind: 'exception', step: k, op: i, message };
      return false;
    }
  };
  for (let i = 0; i < n; i++) {
    // Every field from the start: one object shape for the engine, however the state goes.
    run.push({ state: 'ready', announced: undefined, heldBy: undefined, lock: undefined });
    ends.push(UNFINISHED);
    gens.push(world.start(i, trace));
    started.push(false);
  }
  let current = -1;
  const options: number[] = [];
  // Rows are kept when a trace is shown or an observer watches: the search runs without them.
  const keep = exec.rows !== undefined || observer !== undefined;
  for (let k = 1; ; k++) {
    options.length = 0;
    let unfinished = 0;
    for (let i = 0; i < n; i++) {
      const r = run[i];
      if (r.state === 'done') continue;
      unfinished++;
      // Blocked until the holder changes: then it may try again (and perhaps block again).
      if (r.state === 'blocked' && r.lock!.holder() !== r.heldBy) r.state = 'ready';
      if (r.state === 'ready') {
        if (i === current) options.unshift(i);
        else options.push(i);
      }
    }
    if (unfinished === 0) break;
    if (options.length === 0) {
      const waits = run.map((r, i) => (r.state === 'blocked' ? `${letter(i)} waits for ${r.lock!.name} (held by ${r.heldBy})` : '')).filter((s) => s !== '');
      exec.violation = { kind: 'deadlock', step: k - 1, message: `deadlock: ${waits.join(', ')}` };
      break;
    }
    if (k > MAX_STEPS) {
      exec.violation = { kind: 'livelock', step: k - 1, message: `no end after ${MAX_STEPS} steps` };
      break;
    }
    const pick = choose(options, k, run);
    const chosen = options.indexOf(pick);
    if (chosen < 0) throw new Error(`internal: chooser picked ${pick}, not among ${options.join(',')}`);
    const preempt = current >= 0 && options[0] === current && pick !== current;
    let mask = 0;
    for (const o of options) mask |= 1 << o;
    exec.masks.push(mask);
    exec.chosen.push(chosen);
    exec.before.push(exec.preemptions);
    if (preempt) exec.preemptions++;
    exec.choices.push(pick);
    observer?.before?.(k);
    let ok: boolean;
    let performed: Step;
    // The retry of a lock waited for: the lock and who held it (for the row, when one is kept).
    let retried: Lock | undefined;
    let heldBefore: string | undefined;
    if (started[pick]) {
      performed = run[pick].announced!;
      if (keep && performed.name === 'wait-lock') {
        retried = run[pick].lock;
        heldBefore = run[pick].heldBy;
      }
      ok = advance(pick, k);
    } else {
      // Its first step: up to its first yield, then that step (unless it ended or must wait first).
      started[pick] = true;
      ok = advance(pick, k);
      observer?.started?.(k);
      const r = run[pick];
      if (ok && r.state === 'ready') {
        performed = r.announced!;
        ok = advance(pick, k);
      } else if (r.state === 'blocked') {
        // It found a lock taken with no step of its own (waitFor) held: the step it performed
        // was that lock's first try, not the wait-lock it announced, which is its retry.
        performed = lockTry(r.announced!, r.lock!, trace);
      } else performed = r.announced ?? startStep(pick, ends[pick], trace);
    }
    current = pick;
    if (keep) {
      const row: TraceRow = { n: k, op: pick, step: performed };
      const r = run[pick];
      if (r.state === 'blocked') {
        row.blockedBy = r.heldBy;
        row.lock = r.lock!.name;
      }
      // A retry took its lock unless it waits for that lock again (a lock is taken by a step of
      // its own, or at an operation's start: never both taken and waited for in one step).
      else if (retried !== undefined) {
        row.wasHeldBy = heldBefore;
        row.lock = retried.name;
      }
      const end = ends[pick];
      if (r.state === 'done' && end.kind !== 'unfinished') {
        row.end = end.kind;
        if (end.kind !== 'done') row.error = end.kind === 'failed' ? `${end.code}: ${end.message}` : end.message;
      }
      exec.rows?.push(row);
      observer?.after(row);
    }
    if (!ok) break;
    const broken = world.checkStep?.(pick);
    if (broken !== undefined) {
      exec.violation = { kind: 'invariant', step: k, message: broken };
      break;
    }
  }
  if (exec.violation) world.stopped?.();
  return exec;
};

export const letter = (i: number): string => String.fromCharCode(65 + i);

/**
 * The step performed by an operation whose start found a lock held, one taken with no step of
 * its own (dmaengine's dma_list_mutex): a try of that lock, as an acquire()'s `lock` step is.
 */
const lockTry = (announced: Step, lock: Lock, trace: boolean): Step => (trace ? { op: announced.op, name: 'lock', detail: lock.name } : QUIET_LOCK_TRY);

/** lockTry's step when nobody is watching: one constant. */
const QUIET_LOCK_TRY: Step = Object.freeze({ op: '', name: 'lock' });

/** The row of an operation that ended before its first yield: `start`, with why when traced. */
const startStep = (i: number, end: OpEnd<unknown>, trace: boolean): Step => {
  if (!trace) return QUIET_START;
  const step: Step = { op: letter(i), name: 'start' };
  if (end.kind === 'failed' || end.kind === 'crashed') step.result = end.message;
  return step;
};

/** The options of a choice point in their order: the current operation first if it could run, then by letter. */
export const optionsOf = (mask: number, current: number): number[] => {
  const out: number[] = [];
  if (current >= 0 && mask & (1 << current)) out.push(current);
  for (let i = 0; i < 31; i++) if (mask & (1 << i) && i !== current) out.push(i);
  return out;
};

/** Continue the current operation when it can run, else the first that can: the zero-preemption default. */
const keepGoing = (options: readonly number[]): number => options[0];

/** How far a search of every schedule got. */
export interface SearchProgress {
  /** Schedules run. */
  count: number;
  /**
   * Every schedule with at most this many preemptions was run (-1: not even those with none);
   * the whole space (or all within the bound) when `done`.
   */
  complete: number;
  done: boolean;
  /** Stopped early after some schedules with one preemption more than `complete` (not on a level's boundary). */
  partial: boolean;
}

/**
 * Every schedule with at most `bound` preemptions (CHESS: a switch away from an operation that
 * could still run), unbounded when `bound` is undefined, by iterative preemption bounding as
 * CHESS does: every schedule with no preemption, then every one with exactly 1, then 2, ..., so
 * that a search the cap cuts short has tried the simple schedules of the whole run, where races
 * are most often found, rather than every late switch of the first operation's steps.
 *
 * Each level is a depth-first search that runs each schedule once: a choice that would exceed
 * the level's preemptions is not run but kept, with the choices before it, for the next level,
 * which searches below each kept prefix in the order they were kept. Within a level the
 * schedules come in the order of one depth-first search of the whole space, and each schedule
 * runs at the level of its preemption count, so a search run to its end runs the same schedules
 * as one depth-first search, each once. Calls `visit` with each execution; stops early when it
 * returns false.
 */
export const exploreAll = <R>(world: World<R>, bound: number | undefined, visit: (e: Execution<R>) => boolean): number => searchAll(world, bound, visit).count;

export const searchAll = <R>(world: World<R>, bound: number | undefined, visit: (e: Execution<R>) => boolean): SearchProgress =>
  drain(searchAllSteps(world, bound, visit));

/**
 * Runs a resumable search to its end in one go: what the synchronous callers do with the
 * generators below, whose every `next()` runs one schedule (a checkpoint, where a caller that
 * runs it a slice at a time may stop, and `return()` it).
 */
export const drain = <T>(steps: Generator<unknown, T, undefined>): T => {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
};

/** searchAll, resumable: yields after each schedule that `visit` took. */
export function* searchAllSteps<R>(world: World<R>, bound: number | undefined, visit: (e: Execution<R>) => boolean): Generator<void, SearchProgress, undefined> {
  const limit = bound ?? Infinity;
  let count = 0;
  // The prefixes to search below at this level (each ends with the preemption that puts it here).
  let level = new Prefixes();
  level.add([], 0, -1);
  for (let preemptions = 0; ; preemptions++) {
    const levelStart = count;
    // The last level keeps nothing for a level past the bound.
    const next = preemptions < limit ? new Prefixes() : undefined;
    for (let r = 0; r < level.length; r++) {
      const root = level.next();
      let prefix: number[] | undefined = root;
      while (prefix !== undefined) {
        const forced: number[] = prefix;
        const exec = execute(world, (options, k) => (k <= forced.length ? forced[k - 1] : keepGoing(options)));
        count++;
        // visit refuses the schedule past the cap: those before it at this level were run.
        if (!visit(exec)) return { count, complete: preemptions - 1, done: false, partial: count - 1 > levelStart };
        prefix = backtrack(exec, root.length, preemptions, next);
        yield;
      }
    }
    if (next === undefined || next.length === 0) return { count, complete: preemptions, done: true, partial: false };
    level = next;
  }
}

/** The bytes of a Prefixes buffer come in chunks of this many (a level can hold tens of millions of bytes). */
const CHUNK = 1 << 16;

/**
 * The prefixes kept for the next level, written in order and read back once, in the same order:
 * the frontier of iterative preemption bounding, which grows with the schedules run (some four
 * prefixes a schedule at the levels a long search reaches), as CHESS's work list does. Each is
 * kept as how it differs from the one before it, in bytes: prefixes kept one after the other
 * share all but their last few choices (those of one schedule all but the last, most often), so
 * most take one byte, where each whole, one byte a choice, took tens (a 10-million schedule
 * search grew past a gigabyte). The bytes are in chunks, each dropped once read.
 * - one byte with the high bit set: drop (bits 3-6, under 16) choices from the end of the
 *   previous prefix, then append one (bits 0-2, under 8);
 * - else a zero byte, then how many to drop and how many follow (each a varint), then those.
 */
class Prefixes {
  private readonly chunks: Array<Uint8Array | undefined> = [];
  private chunk = new Uint8Array(CHUNK);
  private used = CHUNK;
  /** The last prefix added (written) and the last one read. */
  private readonly written: number[] = [];
  private readonly read: number[] = [];
  private readChunk = 0;
  private readAt = 0;
  length = 0;

  /** Keeps the first `k` of `choices`, then `last` (none when negative). */
  add(choices: readonly number[], k: number, last: number): void {
    const prev = this.written;
    const n = k + (last >= 0 ? 1 : 0);
    const m = Math.min(prev.length, n);
    let same = 0;
    while (same < m && (same < k ? choices[same] : last) === prev[same]) same++;
    const drop = prev.length - same;
    prev.length = same;
    for (let i = same; i < n; i++) prev.push(i < k ? choices[i] : last);
    if (n - same === 1 && drop < 16 && prev[same] < 8) this.byte(0x80 | (drop << 3) | prev[same]);
    else {
      this.byte(0);
      this.varint(drop);
      this.varint(n - same);
      for (let i = same; i < n; i++) this.byte(prev[i]);
    }
    this.length++;
  }

  /** The next prefix, in the order they were added (each is read once). */
  next(): number[] {
    const cur = this.read;
    const b = this.take();
    if (b & 0x80) {
      cur.length -= (b >> 3) & 15;
      cur.push(b & 7);
    } else {
      cur.length -= this.takeVarint();
      for (let tail = this.takeVarint(); tail > 0; tail--) cur.push(this.take());
    }
    return cur.slice();
  }

  private byte(b: number): void {
    if (this.used === CHUNK) {
      this.chunk = new Uint8Array(CHUNK);
      this.chunks.push(this.chunk);
      this.used = 0;
    }
    this.chunk[this.used++] = b;
  }

  private varint(n: number): void {
    for (; n >= 0x80; n >>>= 7) this.byte((n & 0x7f) | 0x80);
    this.byte(n);
  }

  private take(): number {
    if (this.readAt === CHUNK) {
      this.chunks[this.readChunk++] = undefined;
      this.readAt = 0;
    }
    return this.chunks[this.readChunk]![this.readAt++];
  }

  private takeVarint(): number {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.take();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  }
}

/**
 * The next schedule of a level's depth-first search below a prefix of `depth` choices: the
 * deepest choice point below it with an untried option within `preemptions`, as the prefix
 * that takes it; undefined when there is none. An untried option past the level's preemptions
 * goes to `later`, with the options after it at that point, in their order.
 */
const backtrack = (exec: Execution<unknown>, depth: number, preemptions: number, later: Prefixes | undefined): number[] | undefined => {
  for (let k = exec.masks.length - 1; k >= depth; k--) {
    const mask = exec.masks[k];
    // Only a point with an option left is worth building the options of.
    if ((mask & (mask - 1)) === 0) continue;
    const current = k === 0 ? -1 : exec.choices[k - 1];
    const options = optionsOf(mask, current);
    const from = exec.chosen[k] + 1;
    if (from >= options.length) continue;
    const cost = current >= 0 && options[0] === current ? 1 : 0;
    if (exec.before[k] + cost <= preemptions) return [...exec.choices.slice(0, k), options[from]];
    // Every option after the chosen one preempts alike: all of them for the next level.
    if (later) {
      for (let j = from; j < options.length; j++) later.add(exec.choices, k, options[j]);
    }
  }
  return undefined;
};

/** A small, seedable PRNG (mulberry32): the same seed gives the same schedules everywhere. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** `count` schedules, each choice uniform among the operations that can run. */
export const exploreRandom = <R>(world: World<R>, count: number, seed: number, visit: (e: Execution<R>) => boolean): number =>
  drain(randomSteps(world, count, seed, visit));

/** exploreRandom, resumable: yields after each schedule that `visit` took. */
export function* randomSteps<R>(world: World<R>, count: number, seed: number, visit: (e: Execution<R>) => boolean): Generator<void, number, undefined> {
  const rand = prng(seed);
  let done = 0;
  while (done < count) {
    const exec = execute(world, (options) => options[Math.floor(rand() * options.length)]);
    done++;
    if (!visit(exec)) break;
    yield;
  }
  return done;
}

// ---- schedule strings ------------------------------------------------------------------------

/** One run of a schedule string: an operation, and a step count or `*` (until it finishes or blocks). */
export interface Run {
  op: number;
  count: number | '*';
}

/** "A2,B*,A*" -> runs; a malformed string is a usage error naming the bad part. */
export const parseSchedule = (text: string, opCount: number): Run[] => {
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '' || parts.some((p) => p === '')) throw new CoreError('EUSAGE', `schedule: expected runs such as A2,B*,A*, got '${text}'`);
  return parts.map((p) => {
    const m = /^([A-Z])(\*|[1-9]\d{0,5})$/.exec(p);
    if (!m) throw new CoreError('EUSAGE', `schedule: bad run '${p}' (an operation letter, then a step count or *)`);
    const op = m[1].charCodeAt(0) - 65;
    if (op >= opCount) throw new CoreError('EUSAGE', `schedule: run '${p}' names operation ${m[1]}, but there ${opCount === 1 ? 'is' : 'are'} only ${opCount} (${Array.from({ length: opCount }, (_, i) => letter(i)).join(', ')})`);
    return { op, count: m[2] === '*' ? '*' : Number(m[2]) };
  });
};

/** A chooser that follows a schedule string, and can say what of it was left unused. */
export type ReplayChooser = Chooser & {
  /** After an execution that ran to its end: the first run left unused (it names a finished operation), if any. */
  unused(): Run | undefined;
};

/** The chooser that follows a schedule string, throwing Divergence where it no longer fits. */
export const replayChooser = (runs: readonly Run[]): ReplayChooser => {
  let r = 0;
  let used = 0;
  const why = (i: number, run: readonly RunState[]): string => {
    const s = run[i];
    if (s.state === 'done') return `${letter(i)} has finished`;
    return `${letter(i)} is blocked on ${s.lock?.name ?? 'a lock'} (held by ${s.heldBy})`;
  };
  const choose: Chooser = (options, k, run) => {
    for (;;) {
      const cur = runs[r];
      if (cur === undefined) {
        const left = run.map((s, i) => (s.state === 'done' ? '' : letter(i))).filter((x) => x !== '');
        throw new Divergence(`replay diverged at step ${k}: the schedule ends, but ${left.join(', ')} ${left.length === 1 ? 'has' : 'have'} not finished`);
      }
      const can = options.includes(cur.op);
      if (cur.count === '*') {
        if (can) {
          used++;
          return cur.op;
        }
        if (used === 0) throw new Divergence(`replay diverged at step ${k}: schedule says ${letter(cur.op)}, but ${why(cur.op, run)}`);
      } else if (used < cur.count) {
        if (!can) throw new Divergence(`replay diverged at step ${k}: schedule says ${letter(cur.op)}, but ${why(cur.op, run)}`);
        used++;
        return cur.op;
      }
      r++;
      used = 0;
    }
  };
  // The run in progress is used once it has taken a step, unless it asks for more than it got;
  // every run after it is unused.
  const unused = (): Run | undefined => {
    const cur = runs[r];
    if (cur !== undefined && (used === 0 || (cur.count !== '*' && used < cur.count))) return cur;
    return runs[r + 1];
  };
  return Object.assign(choose, { unused });
};

/**
 * The divergence of a replay that ran to its end with runs left over (`B*,A*,B*`: B has
 * finished), as one that asks a finished operation for a step mid-way (`A*,A*`) diverges.
 */
export const leftover = (exec: Execution<unknown>, chooser: ReplayChooser): Divergence | undefined => {
  if (exec.violation) return undefined;
  const run = chooser.unused();
  if (run === undefined) return undefined;
  return new Divergence(`replay diverged at step ${exec.choices.length + 1}: schedule says ${letter(run.op)}, but ${letter(run.op)} has finished`);
};

/** The schedule string of an execution: runs, `*` where the run ended because its op finished or blocked. */
export const scheduleString = (exec: Execution<unknown>): string => {
  const out: string[] = [];
  const c = exec.choices;
  for (let k = 0; k < c.length; ) {
    let e = k;
    while (e < c.length && c[e] === c[k]) e++;
    // The op could have gone on after its run when it is among the next step's options.
    const couldGoOn = e < exec.masks.length && (exec.masks[e] & (1 << c[k])) !== 0;
    out.push(`${letter(c[k])}${couldGoOn ? e - k : '*'}`);
    k = e;
  }
  return out.join(',');
};
