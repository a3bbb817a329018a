import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { expectToBe } from '../hot-expect.js';
import type { IntaDomain } from '../../src/core/domains/inta.js';
import { CoreError } from '../../src/core/errors.js';
import { runAlone } from '../../src/core/steps.js';
import { System } from '../../src/core/system.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { apply, buildTopology, cmdArb, topoArb, type Cmd } from './arbitraries.js';
import { seeded } from '../seed.js';

/**
 * The INTA's plain-call path (allocAlone/freeAlone, what the MSI layer runs) against its steps
 * (allocSteps/freeSteps, what the interleaving explorer runs) run alone: two systems take the same
 * random commands, one through each path, and must agree on every result, every error and every
 * fingerprint, so the two definitions of an operation can never drift apart.
 */
const throughSteps = (inta: IntaDomain): void => {
  inta.allocAlone = (hwirq, virq, owner, cpu) => runAlone(inta.allocSteps(hwirq, virq, owner, cpu, false));
  inta.freeAlone = (hwirq, cpu) => runAlone(inta.freeSteps(hwirq, cpu, false));
};

/** What a command did, as a user could tell: its error (class, code, message) or nothing. */
const outcome = (s: System, c: Cmd): string => {
  try {
    apply(s, c);
    return 'ok';
  } catch (e) {
    if (e instanceof CoreError) return `${e.code}: ${e.message}`;
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
};

/** Another CPU holds every INTA's lock, or lets go of it: the lock's state is part of an operation's effects. */
type Step = Cmd | { op: 'hold'; held: boolean };
const stepArb: fc.Arbitrary<Step> = fc.oneof({ weight: 12, arbitrary: cmdArb }, { weight: 1, arbitrary: fc.boolean().map((held) => ({ op: 'hold' as const, held })) });

const hold = (s: System, held: boolean): void => {
  for (const inta of s.intas.values()) {
    if (held && inta.lock.holder() === undefined) inta.lock.tryAcquire('cpu1');
    if (!held && inta.lock.holder() === 'cpu1') inta.lock.release('cpu1');
  }
};

describe('plain calls and steps run alone', () => {
  test('give the same results, errors and state after every command, on random topologies and settings', () => {
    const seen = { ok: 0, failed: 0, internal: 0 };
    fc.assert(
      fc.property(topoArb, fc.array(stepArb, { minLength: 5, maxLength: 40, size: 'max' }), (params, steps) => {
        const fast = System.boot(buildTopology(params), params.settings);
        const slow = System.boot(buildTopology(params), params.settings);
        for (const inta of slow.intas.values()) throughSteps(inta);
        expect(fast.fingerprint()).toBe(slow.fingerprint());
        for (const c of steps) {
          if (c.op === 'hold') {
            hold(fast, c.held);
            hold(slow, c.held);
          } else {
            const a = outcome(fast, c);
            expectToBe(a, outcome(slow, c));
            if (a === 'ok') seen.ok++;
            else if (a.startsWith('Error: internal')) seen.internal++;
            else seen.failed++;
          }
          expectToBe(fast.fingerprint(), slow.fingerprint());
        }
      }),
      { seed: seeded(20261130), numRuns: 200 },
    );
    // both outcomes, and the waits a held lock would make, are reached
    expect(seen.ok).toBeGreaterThan(500);
    expect(seen.failed).toBeGreaterThan(300);
    expect(seen.internal).toBeGreaterThan(10);
  });

  test('a free whose stage throws does that stage again and finishes, as the steps do', () => {
    // The random commands never make a stage of a free throw; here each stage that calls out of
    // the INTA fails once, on a free that empties its VINT (so that all seven stages run).
    const failOnce = <T extends object>(obj: T, method: keyof T & string): void => {
      const real = (obj[method] as (...a: unknown[]) => unknown).bind(obj);
      let failed = false;
      (obj as Record<string, unknown>)[method] = (...a: unknown[]) => {
        if (failed) return real(...a);
        failed = true;
        throw new Error(`injected: ${method}`);
      };
    };
    const targets: Array<(inta: IntaDomain) => void> = [
      (inta) => failOnce(inta.eventPool, 'release'),
      (inta) => failOnce(inta.vintPool, 'release'),
      (inta) => failOnce(inta.mapper, 'disposeMapping'),
    ];
    for (const inject of targets) {
      const run = (viaSteps: boolean): string[] => {
        const s = System.boot(am65x, DEFAULT_SETTINGS);
        const inta = [...s.intas.values()][0];
        if (viaSteps) throughSteps(inta);
        const { virq } = s.allocIrq('ringacc', 'any');
        const before = inta.vintPool.used;
        inject(inta);
        let error = 'none';
        try {
          s.freeIrq(virq);
        } catch (e) {
          error = `${(e as Error).constructor.name}: ${(e as Error).message}`;
        }
        return [error, `${before - inta.vintPool.used}`, inta.fingerprint()];
      };
      const fast = run(false);
      expect(fast[0]).toMatch(/^Error: injected: /);
      expect(fast[1]).toBe('1'); // the free was finished: its VINT went back
      expect(fast).toEqual(run(true));
    }
  });

  test('the fast path is the one the MSI layer runs', () => {
    // Guards the test above: were takeHardware back on the steps, both systems would run the same code.
    const s = System.boot(buildTopology(fc.sample(topoArb, { seed: 1, numRuns: 1 })[0]), { policy: 'coalesced', mode: 'demand', hardware: 'request', lock: 'inta', failure: 'unwind' });
    let calls = 0;
    for (const inta of s.intas.values()) {
      const alloc = inta.allocAlone.bind(inta);
      inta.allocAlone = (...a) => (calls++, alloc(...a));
    }
    s.allocIrq('rings', 'any');
    expect(calls).toBe(1);
  });
});
