/**
 * clone(): the snapshot behind expect-error's undo. It must copy a System so completely that the
 * copy and the original never again affect each other, whatever fields the classes have.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { clone } from '../../src/core/clone.js';
import { DEFAULT_SETTINGS, DESIGNS } from '../../src/core/designs.js';
import { System } from '../../src/core/system.js';
import type { Topology } from '../../src/core/topology.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { parseTopology } from '../../src/topology/validate.js';

/**
 * A System with something in every kind of state: channels, MSIs, counts, masks, affinities.
 * tx8-10 complete on GP rings 304-306 (virqs 70-72), rx8-9 on 307-308, alloc-irq takes ring 309;
 * only a direct INTR client's line has an affinity to set (CPTS, virq 289).
 */
const busy = (): System => {
  const s = System.boot(am65x, DEFAULT_SETTINGS);
  s.requestChannel('main_udmap', 'tx', 3);
  s.requestChannel('main_udmap', 'rx', 2);
  s.allocIrq('ringacc', 'any');
  s.fireRing(undefined, 304, 4);
  s.setMasked(71, true);
  s.setAffinity(289, [1]);
  return s;
};

/** The same operations, for the original and its copy. */
const mutate = (s: System): void => {
  s.requestChannel('main_udmap', 'tx', 5);
  s.releaseChannel('main_udmap', 'rx', 8);
  s.allocIrq('ringacc', 'any');
  s.fireRing(undefined, 305, 3);
  s.setMasked(71, false);
};

describe('clone of a System', () => {
  test('mutating the original leaves the clone as it was, and the other way round', () => {
    const s = busy();
    const before = s.fingerprint();
    const copy = clone(s, new Set([am65x]));
    expect(copy.fingerprint()).toBe(before);
    mutate(s);
    expect(s.fingerprint()).not.toBe(before);
    expect(copy.fingerprint()).toBe(before);
    expect(copy.poolStats()).toEqual(busy().poolStats());

    const again = busy();
    const copy2 = clone(again);
    mutate(copy2);
    expect(again.fingerprint()).toBe(before);
  });

  test('the clone works on: the same operations give the same results as on the original', () => {
    const s = busy();
    const copy = clone(s);
    mutate(s);
    mutate(copy);
    expect(copy.fingerprint()).toBe(s.fingerprint());
    expect(copy.routes()).toEqual(s.routes());
    expect(copy.interrupts()).toEqual(s.interrupts());
  });
});

describe('clone of any object graph', () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    norm(): number {
      return Math.abs(this.x) + Math.abs(this.y);
    }
  }

  test('keeps prototypes, shared references and cycles; copies arrays, Maps, Sets, typed arrays, Dates', () => {
    const p = new Point(1, -2);
    const graph: Record<string, unknown> = { p, again: p, list: [p, 3], map: new Map([[p, new Set([p])]]), words: new Uint32Array([1, 2]), when: new Date(5) };
    graph.self = graph;
    const c = clone(graph);
    expect(c).not.toBe(graph);
    expect(c.self).toBe(c);
    const cp = c.p as Point;
    expect(cp).toBeInstanceOf(Point);
    expect(cp).not.toBe(p);
    expect(cp.norm()).toBe(3);
    expect(c.again).toBe(cp);
    expect((c.list as unknown[])[0]).toBe(cp);
    const [[key, set]] = [...(c.map as Map<Point, Set<Point>>)];
    expect(key).toBe(cp);
    expect([...set][0]).toBe(cp);
    (c.words as Uint32Array)[0] = 9;
    expect(graph.words).toEqual(new Uint32Array([1, 2]));
    expect(c.words).toBeInstanceOf(Uint32Array);
    expect((c.when as Date).getTime()).toBe(5);
    expect(c.when).not.toBe(graph.when);
  });

  test('functions, frozen objects and what `keep` holds are shared, not copied', () => {
    const fn = () => 1;
    const frozen = Object.freeze({ a: 1 });
    const kept = { b: 2 };
    const c = clone({ fn, frozen, kept, other: { d: 3 } }, new Set([kept]));
    expect(c.fn).toBe(fn);
    expect(c.frozen).toBe(frozen);
    expect(c.kept).toBe(kept);
  });
});

describe('what clone() takes of the model', () => {
  /** Every object a System reaches, the topology (shared, never copied) and functions apart. */
  const reachable = (root: object, skip: object): object[] => {
    const seen = new Set<object>([skip]);
    const stack: unknown[] = [root];
    while (stack.length > 0) {
      const x = stack.pop();
      if (typeof x !== 'object' || x === null || seen.has(x)) continue;
      seen.add(x);
      if (x instanceof Map) stack.push(...x.keys(), ...x.values());
      else if (x instanceof Set) stack.push(...x);
      else if (!ArrayBuffer.isView(x)) stack.push(...Object.values(x));
    }
    seen.delete(skip);
    return [...seen];
  };

  /** A busy am65x, and every fixture topology and am65x booted under every design (some probes fail, and keep why). */
  const systems = (): Array<[string, System, Topology]> => {
    const files = readdirSync('fixtures/topologies').filter((f) => f.endsWith('.json'));
    const topologies: Topology[] = [am65x];
    for (const f of files) {
      const r = parseTopology(readFileSync(`fixtures/topologies/${f}`, 'utf8'));
      if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.issues)}`);
      topologies.push(r.topology);
    }
    const out: Array<[string, System, Topology]> = [['busy am65x', busy(), am65x]];
    for (const t of topologies) for (const d of DESIGNS) out.push([`${t.name} ${d.name}`, System.boot(t, d.settings), t]);
    return out;
  };

  test('every object the booted Systems reach holds only plain data fields, errors apart: what clone() copies', () => {
    const odd: string[] = [];
    let errors = 0;
    for (const [name, s, topology] of systems()) {
      for (const x of reachable(s, topology)) {
        // An error is copied with its descriptors (its message is not enumerable).
        if (x instanceof Error) {
          errors++;
          continue;
        }
        if (Object.isFrozen(x) || x instanceof Map || x instanceof Set || ArrayBuffer.isView(x)) continue;
        const keys = Reflect.ownKeys(x).filter((k) => !(Array.isArray(x) && k === 'length'));
        for (const k of keys) {
          const d = Object.getOwnPropertyDescriptor(x, k)!;
          if (typeof k !== 'string' || !('value' in d) || !d.writable || !d.enumerable || !d.configurable) odd.push(`${name}: ${x.constructor?.name}.${String(k)}`);
        }
      }
    }
    expect(odd).toEqual([]);
    // The walk met the errors a failed probe keeps.
    expect(errors).toBeGreaterThan(0);
  });

  test('a copy keeps the error a deferred probe left, message included', () => {
    const s = System.boot(am65x, DESIGNS.find((d) => d.name === 'probe-all')!.settings);
    const reason = (sys: System): string => {
      try {
        sys.requestChannel('main_udmap', 'tx', 1);
        return 'granted';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    };
    expect(reason(s)).toBe('CoreError: main_udmap: driver not bound: probe deferred: ringacc is not bound');
    expect(reason(clone(s, new Set([am65x])))).toBe(reason(s));
  });
});
