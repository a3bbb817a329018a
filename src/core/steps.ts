import type { Lock } from './lock.js';

/**
 * One named step of a domain operation. A generator yields a step just before doing it, so a
 * scheduler may interleave the steps of several operations; run alone, it simply runs through.
 */
export interface Step {
  op: string;
  name: StepName;
  detail?: string;
  /** What the step found or did, filled in (when traced) once it has run: `VINT 17 bit 0`, `none free`. */
  result?: string;
  /** Footprint, when traced: the objects the step reads and writes, to name a conflicting pair. */
  reads?: readonly string[];
  writes?: readonly string[];
  /** For `wait-lock`: the lock waited on, so a scheduler can treat the CPU as blocked until its holder changes. */
  lock?: Lock;
}

export type StepName =
  | 'lock'
  | 'wait-lock'
  | 'unlock'
  | 'find-free-bit'
  | 'set-bit'
  | 'take-vint'
  | 'allocate-parent'
  | 'add-vint'
  | 'take-event'
  | 'program-map'
  | 'unprogram-map'
  | 'release-event'
  | 'clear-bit'
  | 'check-empty'
  | 'remove-vint'
  | 'dispose-parent'
  | 'release-vint'
  // the MSI layer's steps (descriptor and index), for operations composed above the INTA
  | 'find-free-index'
  | 'take-index'
  | 'alloc-desc'
  | 'free-desc'
  | 'release-index'
  // an interleaved operation that ended before its first step proper (its checks failed)
  | 'start';

export type Steps<T> = Generator<Step, T, void>;

const STEP_NAMES: readonly StepName[] = [
  'lock', 'wait-lock', 'unlock', 'find-free-bit', 'set-bit', 'take-vint', 'allocate-parent', 'add-vint', 'take-event',
  'program-map', 'unprogram-map', 'release-event', 'clear-bit', 'check-empty', 'remove-vint', 'dispose-parent', 'release-vint',
  'find-free-index', 'take-index', 'alloc-desc', 'free-desc', 'release-index', 'start',
];

/** One shared, frozen step per name, for operations nobody is watching. */
export const quietSteps = (op: string): Record<StepName, Step> =>
  Object.fromEntries(STEP_NAMES.map((name) => [name, Object.freeze({ op, name })])) as Record<StepName, Step>;

/** Acquire `lock` for `cpu`, yielding `wait-lock` for as long as another CPU holds it. */
export function* acquire(lock: Lock, op: string, cpu: string): Steps<void> {
  yield { op, name: 'lock', detail: lock.name };
  yield* waitFor(lock, op, cpu);
}

/**
 * Acquire `lock` for `cpu` with no step of its own (a lock taken with the step that follows),
 * yielding `wait-lock` for as long as another CPU holds it. Its detail is the lock's name: who
 * holds it is the scheduler's to note (RunState.heldBy), at no cost of a string per retry.
 */
export function* waitFor(lock: Lock, op: string, cpu: string): Steps<void> {
  while (!lock.tryAcquire(cpu)) {
    const wait: Step = { op, name: 'wait-lock', detail: lock.name };
    // Not enumerable: a step stays plain data when printed or compared; a scheduler reads it.
    Object.defineProperty(wait, 'lock', { value: lock });
    yield wait;
  }
}

/** Runs an operation's steps to completion on one CPU with nothing interleaved. */
export const runAlone = <T>(steps: Steps<T>): T => {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value.name === 'wait-lock') throw waitsForever(r.value.lock!, r.value.op);
  }
};

/** acquire() for an operation run alone as plain calls: waiting would be forever, as in runAlone. */
export const acquireAlone = (lock: Lock, op: string, cpu: string): void => {
  if (!lock.tryAcquire(cpu)) throw waitsForever(lock, op);
};

/** Built apart from acquireAlone, which V8 inlines only while it is small. */
const waitsForever = (lock: Lock, op: string): Error => new Error(`internal: ${op} would wait forever: ${lock.name} held by ${lock.holder()}`);
