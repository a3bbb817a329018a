import type { Lock } from './lock.js';

/**
 * One named step of a domain operation. A generator yields a step just before doing it, so a
 * scheduler may interleave the steps of several operations; run alone, it simply runs through.
 */
export interface Step {
  op: string;
  name: StepName;
  detail?: string;
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
  | 'remove-vint'
  | 'dispose-parent'
  | 'release-vint';

export type Steps<T> = Generator<Step, T, void>;

const STEP_NAMES: readonly StepName[] = [
  'lock', 'wait-lock', 'unlock', 'find-free-bit', 'set-bit', 'take-vint', 'allocate-parent', 'add-vint', 'take-event',
  'program-map', 'unprogram-map', 'release-event', 'clear-bit', 'remove-vint', 'dispose-parent', 'release-vint',
];

/** One shared, frozen step per name, for operations nobody is watching. */
export const quietSteps = (op: string): Record<StepName, Step> =>
  Object.fromEntries(STEP_NAMES.map((name) => [name, Object.freeze({ op, name })])) as Record<StepName, Step>;

/** Acquire `lock` for `cpu`, yielding `wait-lock` for as long as another CPU holds it. */
export function* acquire(lock: Lock, op: string, cpu: string): Steps<void> {
  yield { op, name: 'lock', detail: lock.name };
  while (!lock.tryAcquire(cpu)) yield { op, name: 'wait-lock', detail: `${lock.name} held by ${lock.holder()}` };
}

/** Runs an operation's steps to completion on one CPU with nothing interleaved. */
export const runAlone = <T>(steps: Steps<T>): T => {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value.name === 'wait-lock') throw new Error(`internal: ${r.value.op} would wait forever: ${r.value.detail}`);
  }
};
