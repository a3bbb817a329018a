import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { popcount64 } from '../../src/core/bits64.js';
import { MAX_EVENTS_PER_VINT } from '../../src/core/domains/inta.js';
import { CoreError } from '../../src/core/errors.js';
import { System, type Settings } from '../../src/core/system.js';
import type { DirectClientSpec, IntrSpec, Topology } from '../../src/core/topology.js';

// ---- random small topologies ------------------------------------------------------------------

interface TopoParams {
  cpus: number;
  virqs: number;
  intrs: Array<{ outputs: number; split: number }>;
  intaParent: number;
  vints: number;
  events: number;
  tx: number;
  rx: number;
  gp: number;
  clients: Array<{ intr: number; inputs: number }>;
  order: number[];
  settings: Settings;
}

const TX_RING = 0;
const RX_RING = 8;
const GP_RING = 16;

const topoArb: fc.Arbitrary<TopoParams> = fc
  .record({
    cpus: fc.integer({ min: 1, max: 4 }),
    virqs: fc.integer({ min: 6, max: 160 }),
    intrs: fc.array(fc.record({ outputs: fc.integer({ min: 1, max: 8 }), split: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 2 }),
    intaParent: fc.nat(),
    vints: fc.integer({ min: 1, max: 6 }),
    events: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 60, max: 140 })),
    tx: fc.integer({ min: 1, max: 4 }),
    rx: fc.integer({ min: 1, max: 4 }),
    gp: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 64, max: 130 })),
    clients: fc.array(fc.record({ intr: fc.nat(), inputs: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }),
    order: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    settings: fc.record({
      policy: fc.constantFrom('coalesced' as const, 'dedicated' as const),
      mode: fc.constantFrom('demand' as const, 'probe' as const),
    }),
  })
  .map((p) => ({ ...p, intaParent: p.intaParent % p.intrs.length, clients: p.clients.map((c) => ({ ...c, intr: c.intr % p.intrs.length })) }));

const buildTopology = (p: TopoParams): Topology => {
  const intrs: IntrSpec[] = p.intrs.map((r, k) => {
    // outputs 0..n-1 to GIC hwirq 64 + 100k..., split into two translation ranges when `split` allows
    const a = Math.min(r.split, r.outputs);
    const ranges = [
      { from: 0, to: 64 + 100 * k, count: a, source: 'illustrative' as const },
      { from: a, to: 64 + 100 * k + 50, count: r.outputs - a, source: 'illustrative' as const },
    ].filter((t) => t.count > 0);
    return { id: `intr${k}`, sciId: 10 + k, parent: 'gic', inputs: 64, inputsSource: 'illustrative', ranges };
  });
  const clients: DirectClientSpec[] = p.clients.map((c, j) => ({
    id: `client${j}`,
    name: `client ${j}`,
    parent: `intr${c.intr}`,
    inputs: Array.from({ length: c.inputs }, (_, i) => 40 + 4 * j + i),
    source: 'illustrative',
  }));
  const drivers = ['dma', ...clients.map((c) => c.id)];
  const boot = [...drivers].sort((x, y) => p.order[drivers.indexOf(x)] - p.order[drivers.indexOf(y)] || x.localeCompare(y));
  return {
    name: 'random',
    description: 'random small topology',
    cpus: p.cpus,
    virq: { first: 32, count: p.virqs },
    gic: { id: 'gic', name: 'GIC' },
    intrs,
    intas: [
      {
        id: 'inta',
        sciId: 20,
        parent: `intr${p.intaParent}`,
        base: 0x1000000,
        vints: [{ from: 0, to: 0, count: p.vints, source: 'illustrative' }],
        globalEvents: [{ start: 1000, count: p.events, source: 'illustrative' }],
      },
    ],
    msiDevices: [
      {
        id: 'rings',
        sciId: 30,
        name: 'rings',
        msiParent: 'inta',
        indices: GP_RING + p.gp + 2,
        free: p.gp > 0 ? [{ start: GP_RING, count: p.gp, source: 'illustrative' }] : [],
      },
    ],
    dmas: [
      {
        id: 'dma',
        sciId: 40,
        name: 'DMA',
        ringDevice: 'rings',
        tx: { count: p.tx, ringBase: TX_RING, source: 'illustrative' },
        rx: { count: p.rx, ringBase: RX_RING, source: 'illustrative' },
      },
    ],
    directClients: clients,
    boot,
  };
};

// ---- random commands --------------------------------------------------------------------------

type Cmd =
  | { op: 'request'; dir: 'tx' | 'rx'; count: number }
  | { op: 'release'; dir: 'tx' | 'rx'; pick: number }
  | { op: 'alloc'; index: number | 'any' }
  | { op: 'burst'; count: number }
  | { op: 'free'; pick: number; own: boolean }
  | { op: 'freeOf'; index: number }
  | { op: 'fire'; ring: number; times: number }
  | { op: 'affinity'; pick: number; cpus: number[] }
  | { op: 'mask'; pick: number; masked: boolean };

const dir = fc.constantFrom('tx' as const, 'rx' as const);
/** Ring indices: channel rings, general-purpose rings, and a few past the end (up to GP_RING + 130 + 2). */
const ring = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 150 }) });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('request' as const), dir, count: fc.integer({ min: 0, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), dir, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('alloc' as const), index: fc.oneof(fc.constant('any' as const), ring) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), count: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat(), own: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('freeOf' as const), index: ring }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('fire' as const), ring, times: fc.integer({ min: 0, max: 4 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('affinity' as const),
      pick: fc.nat(),
      cpus: fc.oneof({ weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 3 }) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('mask' as const), pick: fc.nat(), masked: fc.boolean() }) },
);

/** A virq to aim at: usually a live one (with `own`, one taken by alloc-irq), sometimes one that is not allocated. */
const pickVirq = (s: System, pick: number, own = false): number => {
  const live = own ? s.msi.all().filter((m) => m.userOwned).map((m) => m.virq) : s.descs.all().map((d) => d.virq);
  const k = pick % (live.length + 2);
  return k < live.length ? live[k] : s.topology.virq.first + (pick % (s.topology.virq.count + 4)) - 2;
};

/** A channel number to release: usually a requested one, sometimes a free or out-of-range one. */
const pickChannel = (s: System, d: 'tx' | 'rx', pick: number): number => {
  const live = s.channels().filter((c) => c.dir === d).map((c) => c.n);
  const k = pick % (live.length + 1);
  return k < live.length ? live[k] : (pick % 7) - 1;
};

const apply = (s: System, c: Cmd): void => {
  switch (c.op) {
    case 'request':
      s.requestChannel('dma', c.dir, c.count);
      return;
    case 'release':
      s.releaseChannel('dma', c.dir, pickChannel(s, c.dir, c.pick));
      return;
    case 'alloc':
      s.allocIrq('rings', c.index);
      return;
    case 'burst':
      for (let k = 0; k < c.count; k++) s.allocIrq('rings', 'any');
      return;
    case 'free':
      s.freeIrq(pickVirq(s, c.pick, c.own));
      return;
    case 'freeOf':
      s.freeIrqOf('rings', c.index);
      return;
    case 'fire':
      s.fireRing(undefined, c.ring, c.times);
      return;
    case 'affinity':
      s.setAffinity(pickVirq(s, c.pick), c.cpus);
      return;
    case 'mask':
      s.setMasked(pickVirq(s, c.pick), c.masked);
      return;
  }
};

// ---- invariants -------------------------------------------------------------------------------

const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);
const distinct = (xs: number[], what: string): void => {
  if (new Set(xs).size !== xs.length) throw new Error(`${what} held twice: ${sorted(xs).join(',')}`);
};

/** Cheap assertions: expect() is too slow for tens of thousands of checks. */
const ok = (cond: boolean, what: string): void => {
  if (!cond) throw new Error(`invariant failed: ${what}`);
};
const is = (a: unknown, b: unknown): void => ok(Object.is(a, b), `${String(a)} !== ${String(b)}`);
const same = (a: unknown, b: unknown): void => {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  ok(ja === jb, `${ja} != ${jb}`);
};

const checkInvariants = (s: System): void => {
  // every pool adds up, and its count is what its bitmap holds
  for (const p of s.allPools()) {
    const st = p.stats();
    is(st.used + st.free, st.total);
    is(([...p.usedNumbers()]).length, st.used);
    ok((st.peak) >= (st.used), "at least");
    ok((st.peak) <= (st.total), "at most");
  }

  // INTR routes against each INTR's output pool; GIC lines against every route's GIC hwirq
  const gicHwirqs: number[] = [];
  for (const intr of s.intrs.values()) {
    const routes = intr.routedInputs();
    const outputs = routes.map((r) => r.output);
    distinct(outputs, `${intr.id} output`);
    same(sorted(outputs), [...intr.pool.usedNumbers()]);
    for (const r of routes) gicHwirqs.push(intr.path(r.input)!.gicHwirq);
    // who holds each input: a VINT of an INTA below, or a bound direct client
    const holders = [
      ...[...s.intas.values()].filter((a) => a.parent === intr).flatMap((a) => a.vints.map((v) => v.intrInput)),
      ...[...s.clients.values()].filter((c) => c.intr === intr).flatMap((c) => (c.bound ? [...c.inputs] : [])),
    ];
    distinct(holders, `${intr.id} input`);
    same(sorted(routes.map((r) => r.input)), sorted(holders));
  }
  distinct(gicHwirqs, 'GIC line');
  same(sorted(gicHwirqs), [...s.gic.pool.usedNumbers()]);

  // INTA: VINT list against the vint pool, events against the global event pool
  let vintParents = 0;
  for (const inta of s.intas.values()) {
    is(inta.lock.holder(), undefined);
    const ids = inta.vints.map((v) => v.vint);
    distinct(ids, `${inta.id} VINT`);
    same(sorted(ids), [...inta.vintPool.usedNumbers()]);
    const globals: number[] = [];
    for (const v of inta.vints) {
      const events = v.events.filter((e) => e !== undefined);
      ok((events.length) > (0), "more than");
      ok((events.length) <= (MAX_EVENTS_PER_VINT), "at most");
      is(popcount64(v.map), events.length);
      if (inta.policy === 'dedicated') is(events.length, 1);
      events.forEach((e) => {
        is(e!.vint, v);
        is(v.events[e!.bit], e);
        is(inta.event(e!.hwirq), e);
        is(inta.eventByGlobal(e!.globalEvent), e);
        globals.push(e!.globalEvent);
      });
      // the parent virq exists, is a VINT parent, and the path is the INTR's
      is(s.descs.get(v.parentVirq)?.kind, 'vint-parent');
      same(inta.parent.path(v.intrInput), v.path);
    }
    distinct(globals, `${inta.id} global event`);
    same(sorted(globals), [...inta.eventPool.usedNumbers()]);
    vintParents += inta.vints.length;
  }

  // descriptors against the virq pool: one per MSI, per VINT parent, per direct client input
  const descs = s.descs.all();
  same(descs.map((d) => d.virq), [...s.descs.pool.usedNumbers()]);
  const msis = s.msi.all();
  const directs = [...s.clients.values()].flatMap((c) => c.virqs);
  is(descs.length, msis.length + vintParents + directs.length);
  same(descs.filter((d) => d.kind === 'msi').map((d) => d.virq), msis.map((m) => m.virq));
  same(sorted(descs.filter((d) => d.kind === 'direct').map((d) => d.virq)), sorted(directs));

  // every live MSI route is complete
  const routes = s.routes();
  for (const r of routes.filter((x) => x.globalEvent !== null || x.device === 'rings')) {
    for (const k of ['globalEvent', 'vint', 'vintBit', 'intrInput', 'intrOutput', 'parentVirq'] as const) {
      if (r[k] === null) throw new Error(`route of virq ${r.virq} has no ${k}`);
    }
    is(r.gicSpi, r.gicHwirq - 32);
    is(s.descs.get(r.virq)!.parentVirq, r.parentVirq);
  }
  is((routes.filter((r) => r.device === 'rings')).length, msis.length);

  // channels against the channel pools; the ring device's free pool against alloc-irq MSIs
  for (const dma of s.dmas.values()) {
    for (const d of ['tx', 'rx'] as const) {
      const chans = dma.allChannels().filter((c) => c.dir === d);
      same(chans.map((c) => c.n), [...dma.pools[d].usedNumbers()]);
      for (const c of chans) {
        is(s.msi.byVirqNumber(c.msi.virq), c.msi);
        is(c.msi.index, c.ring);
      }
    }
    // a probe-time MSI is held by the driver, or by the channel bound to it
    const probed = msis.filter((m) => m.owner === dma.probeOwner || (dma.mode === 'probe' && dma.channel(m.owner) !== undefined));
    is((probed).length, dma.mode === 'probe' && dma.bound ? dma.spec.tx.count + dma.spec.rx.count : 0);
  }
  for (const dev of s.msiDevices.values()) {
    same(msis.filter((m) => m.device === dev && m.userOwned).map((m) => m.index).sort((a, b) => a - b), [...dev.freePool.usedNumbers()]);
  }
};

/** Pool usage (not peaks): which numbers each pool holds. */
const usage = (s: System): string[] => s.allPools().map((p) => `${p.id}:${p.used}:${[...p.usedNumbers()].join(',')}`);

const releaseAll = (s: System): void => {
  for (const ch of s.channels()) s.releaseChannel(ch.dma, ch.dir, ch.n);
  for (const m of s.msi.all()) if (m.userOwned) s.freeIrq(m.virq);
};

// ---- properties -------------------------------------------------------------------------------

describe('properties of random topologies and command sequences', () => {
  test('invariants hold after every step; failures change nothing; releasing everything restores boot usage', () => {
    let failures = 0;
    let successes = 0;
    fc.assert(
      fc.property(topoArb, fc.array(cmdArb, { minLength: 5, maxLength: 40, size: 'max' }), (params, cmds) => {
        const s = System.boot(buildTopology(params), params.settings);
        checkInvariants(s);
        const bootUsage = usage(s);
        for (const c of cmds) {
          const before = s.fingerprint();
          try {
            apply(s, c);
            successes++;
          } catch (e) {
            if (!(e instanceof CoreError)) throw e;
            failures++;
            // a burst stops at its first failure: the allocations before it stand
            if (c.op !== 'burst') is(s.fingerprint(), before);
          }
          checkInvariants(s);
        }
        releaseAll(s);
        checkInvariants(s);
        expect(usage(s)).toEqual(bootUsage);
        // nothing remains that a user could free
        expect(s.channels()).toEqual([]);
        expect(s.msi.all().filter((m) => m.userOwned)).toEqual([]);
      }),
      { seed: 20240611, numRuns: 250 },
    );
    // the generators reach both outcomes often
    expect(failures).toBeGreaterThan(500);
    expect(successes).toBeGreaterThan(500);
  });

  test('a failed operation in a burst leaves the state of the last success', () => {
    fc.assert(
      fc.property(topoArb, fc.integer({ min: 1, max: 150 }), (params, n) => {
        const s = System.boot(buildTopology(params), params.settings);
        let last = s.fingerprint();
        for (let k = 0; k < n; k++) {
          try {
            s.allocIrq('rings', 'any');
          } catch (e) {
            if (!(e instanceof CoreError)) throw e;
            expect(s.fingerprint()).toBe(last);
            expect(e.code).toBe('ENOSPC');
            expect(e.pool).toBeDefined();
            expect(e.message).toBe(`${e.pool!.id} exhausted (${e.pool!.used}/${e.pool!.total} used)`);
            break;
          }
          last = s.fingerprint();
          checkInvariants(s);
        }
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  test('coalesced packs 64 events per VINT; dedicated uses one VINT per event', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.constantFrom('coalesced' as const, 'dedicated' as const), (n, policy) => {
        const params: TopoParams = {
          cpus: 2,
          virqs: 400,
          intrs: [{ outputs: 6, split: 3 }],
          intaParent: 0,
          vints: 4,
          events: 140,
          tx: 1,
          rx: 1,
          gp: 130,
          clients: [],
          order: [0, 0, 0],
          settings: { policy, mode: 'demand' },
        };
        const s = System.boot(buildTopology(params), params.settings);
        let got = 0;
        for (; got < n; got++) {
          try {
            s.allocIrq('rings', 'any');
          } catch {
            break;
          }
        }
        const inta = s.intas.get('inta')!;
        if (policy === 'coalesced') {
          expect(got).toBe(n);
          expect(inta.vints.length).toBe(Math.ceil(n / 64));
          expect(inta.vints.map((v) => popcount64(v.map))).toEqual(Array.from({ length: Math.ceil(n / 64) }, (_, i) => Math.min(64, n - 64 * i)));
        } else {
          expect(got).toBe(Math.min(n, 4));
          expect(inta.vints.length).toBe(got);
        }
        checkInvariants(s);
      }),
      { seed: 99, numRuns: 60 },
    );
  });
});
