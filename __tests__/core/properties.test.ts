import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { popcount64 } from '../../src/core/bits64.js';
import { FAILURES, LOCKS, MODES, POLICIES } from '../../src/core/designs.js';
import { MAX_EVENTS_PER_VINT } from '../../src/core/domains/inta.js';
import { CoreError, type ErrCode } from '../../src/core/errors.js';
import { holderOf } from '../../src/core/msi.js';
import { System } from '../../src/core/system.js';
import { apply, type TopoParams, buildTopology, cmdArb, topoArb } from './arbitraries.js';
import { seeded } from '../seed.js';

// ---- invariants -------------------------------------------------------------------------------

const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);
const distinct = (xs: number[], what: string): void => {
  if (new Set(xs).size !== xs.length) throw new Error(`${what} held twice: ${sorted(xs).join(',')}`);
};

/**
 * Cheap assertions: expect() is too slow for tens of thousands of checks. A message is built only
 * when the check fails (`what` a function), as building it for every check that holds was a fifth
 * of this suite's time.
 */
const ok = (cond: boolean, what: string | (() => string)): void => {
  if (!cond) throw new Error(`invariant failed: ${typeof what === 'string' ? what : what()}`);
};
const is = (a: unknown, b: unknown): void => {
  if (!Object.is(a, b)) ok(false, `${String(a)} !== ${String(b)}`);
};
const same = (a: unknown, b: unknown): void => {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  if (ja !== jb) ok(false, `${ja} != ${jb}`);
};

const checkInvariants = (s: System): void => {
  const settings = s.settings;
  // every pool adds up, and its count is what its bitmap holds
  for (const p of s.allPools()) {
    const st = p.stats();
    is(st.used + st.free, st.total);
    is([...p.usedNumbers()].length, st.used);
    ok(st.peak >= st.used, () => `${p.id}: peak ${st.peak} below use ${st.used}`);
    ok(st.peak <= st.total, () => `${p.id}: peak ${st.peak} above total ${st.total}`);
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
      // only upstream's failure handling leaves a VINT with no event on the list
      ok(events.length > 0 || settings.failure === 'upstream', () => `VINT ${v.vint} is empty`);
      ok(events.length <= MAX_EVENTS_PER_VINT, 'at most 64 events a VINT');
      is(popcount64(v.map), events.length);
      if (inta.policy === 'dedicated') ok(events.length <= 1, () => `dedicated VINT ${v.vint} holds ${events.length} events`);
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

  // each MSI: the hardware is there exactly when the design says; its descriptor agrees
  for (const m of msis) {
    is(m.hwirq, m.device.hwirq(m.index));
    ok(m.device.inShare(m.index), () => `${m.device.id} ${m.index} has an MSI outside the share`);
    is(m.event !== undefined, settings.hardware === 'alloc' || m.requestedBy !== undefined);
    if (m.event) is(m.device.inta.event(m.hwirq), m.event);
    else is(m.device.inta.event(m.hwirq), undefined);
    is(m.trigger === undefined, m.requestedBy === undefined);
    const d = s.descs.get(m.virq)!;
    is(d.parentVirq, m.event?.vint.parentVirq);
    is(d.requested, m.requestedBy !== undefined);
    is(d.owner, holderOf(m));
    is(d.trigger, m.trigger);
    // at probe the driver allocates; on demand the requester does, and only while it holds it
    if (settings.mode === 'probe') is(m.allocatedBy, m.device.id);
    else is(m.allocatedBy, m.requestedBy);
  }

  // every MSI with hardware has a complete route
  const routes = s.routes();
  const withHardware = msis.filter((m) => m.event !== undefined);
  for (const r of routes.filter((x) => x.globalEvent !== null)) {
    for (const k of ['vint', 'vintBit', 'intrInput', 'intrOutput', 'parentVirq'] as const) {
      if (r[k] === null) throw new Error(`route of virq ${r.virq} has no ${k}`);
    }
    is(r.gicSpi, r.gicHwirq - 32);
    is(s.descs.get(r.virq)!.parentVirq, r.parentVirq);
  }
  same(routes.filter((r) => r.globalEvent !== null).map((r) => r.virq), withHardware.map((m) => m.virq));

  // channels against the channel pools, the GP ring pool and their MSIs
  for (const dma of s.dmas.values()) {
    const rings = dma.ringDevice.indexPool!;
    const held: number[] = [];
    for (const d of ['tx', 'rx'] as const) {
      const chans = dma.allChannels().filter((c) => c.dir === d);
      same(chans.map((c) => c.n), [...dma.pools[d].usedNumbers()]);
      for (const c of chans) {
        held.push(c.ring);
        is(s.msi.byVirqNumber(c.msi.virq), c.msi);
        is(c.msi.device, dma.ringDevice);
        is(c.msi.index, c.ring);
        is(c.msi.requestedBy, c.name);
        is(c.msi.trigger, 'level');
        is(c.event !== undefined, c.mode === 'tr');
        if (c.event) {
          is(s.msi.byVirqNumber(c.event.virq), c.event);
          is(c.event.device, dma.events);
          is(c.event.index, dma.eventIndex(d, c.n));
          is(c.event.requestedBy, c.name);
          is(c.event.trigger, 'edge');
        }
      }
    }
    // a GP ring is held by a channel or by alloc-irq, never both, never neither
    const byAllocIrq = msis.filter((m) => m.device === dma.ringDevice && m.requestedBy === 'alloc-irq').map((m) => m.index);
    same(sorted([...held, ...byAllocIrq]), [...rings.usedNumbers()]);
    // at probe: one MSI per ring of the share and per channel of the controller (rchan at the offset)
    if (settings.mode === 'probe') {
      const ringMsis = msis.filter((m) => m.device === dma.ringDevice).map((m) => m.index);
      same(ringMsis, dma.ringDevice.bound ? [...dma.ringDevice.shareIndices()] : []);
      const eventMsis = msis.filter((m) => m.device === dma.events).map((m) => m.index);
      same(eventMsis, dma.bound ? [...dma.events.shareIndices()] : []);
    }
  }
};

/** Pool usage (not peaks): which numbers each pool holds. */
const usage = (s: System): string[] => s.allPools().map((p) => `${p.id}:${p.used}:${[...p.usedNumbers()].join(',')}`);

/** VINTs on the list with no event: what upstream's failure handling leaves behind. */
const emptyVints = (s: System): number => [...s.intas.values()].reduce((n, a) => n + a.vints.filter((v) => popcount64(v.map) === 0).length, 0);

/**
 * The pools a VINT holds one number of: the VINT, an output of the INTA's parent router (which in
 * these topologies feeds the GIC), a GIC line and the parent virq.
 */
const vintPools = (s: System): Set<string> =>
  new Set([...s.intas.values()].flatMap((a) => [a.vintPool.id, `${a.parent.id}.out`, s.gic.pool.id, s.descs.pool.id]));

/**
 * Everything but what an empty VINT holds: under failure 'upstream' a failed operation may add
 * such VINTs and must change nothing else.
 */
const apartFromLeaks = (s: System): string =>
  JSON.stringify([
    s.allPools()
      .filter((p) => !vintPools(s).has(p.id))
      .map((p) => p.fingerprint()),
    [...s.intas.values()].map((a) => a.vints.filter((v) => popcount64(v.map) > 0).map((v) => [v.vint, v.map, v.enable, v.status, v.parentVirq])),
    s.msi.all().map((m) => [m.virq, m.index, m.allocatedBy, m.requestedBy, m.event?.globalEvent]),
    s.channels().map((c) => [c.name, c.ring, c.msi.virq, c.event?.virq]),
    s.descs.all().filter((d) => d.kind !== 'vint-parent').map((d) => [d.virq, d.owner, d.masked, d.counts]),
    [...s.clients.values()].map((c) => c.virqs),
    s.unmapped,
  ]);

/** What a failed operation may leave: nothing, or with failure 'upstream' only new empty VINTs. */
const expectNoTrace = (s: System, before: { print: string; apart: string; empty: number; used: Record<string, number> }): void => {
  if (s.settings.failure === 'unwind') {
    is(s.fingerprint(), before.print);
    return;
  }
  is(apartFromLeaks(s), before.apart);
  const leaked = emptyVints(s) - before.empty;
  ok(leaked >= 0, 'a failed operation removed an empty VINT');
  for (const id of vintPools(s)) is(s.pool(id)!.used, before.used[id] + leaked);
};

const snapshot = (s: System) => ({
  print: s.fingerprint(),
  apart: apartFromLeaks(s),
  empty: emptyVints(s),
  used: Object.fromEntries(s.allPools().map((p) => [p.id, p.used])),
});

const releaseAll = (s: System): void => {
  for (const ch of s.channels()) s.releaseChannel(ch.dma, ch.dir, ch.n);
  for (const m of s.msi.all()) if (m.requestedBy === 'alloc-irq') s.freeIrq(m.virq);
};

// ---- properties -------------------------------------------------------------------------------

describe('properties of random topologies, settings and command sequences', () => {
  test('invariants hold after every step; failures change nothing; releasing everything restores boot usage', () => {
    let failures = 0;
    let successes = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(topoArb, fc.array(cmdArb, { minLength: 5, maxLength: 40, size: 'max' }), (params, cmds) => {
        const s = System.boot(buildTopology(params), params.settings);
        seen.add(JSON.stringify(params.settings));
        checkInvariants(s);
        const bootUsage = usage(s);
        const bootEmpty = emptyVints(s);
        for (const c of cmds) {
          const before = snapshot(s);
          const peaks = s.allPools().map((p) => p.peak);
          try {
            apply(s, c);
            successes++;
          } catch (e) {
            if (!(e instanceof CoreError)) throw e;
            failures++;
            // a burst stops at its first failure: the allocations before it stand
            if (c.op !== 'burst') expectNoTrace(s, before);
          }
          // a high-water mark never goes down, whatever happened
          s.allPools().forEach((p, i) => ok(p.peak >= peaks[i], () => `${p.id} peak went down`));
          checkInvariants(s);
        }
        releaseAll(s);
        checkInvariants(s);
        // nothing remains that a user could free
        expect(s.channels()).toEqual([]);
        expect(s.msi.all().filter((m) => m.requestedBy !== undefined)).toEqual([]);
        if (params.settings.failure === 'unwind') {
          expect(usage(s)).toEqual(bootUsage);
        } else {
          // what is left over is empty VINTs, each with its output, GIC line and parent virq
          const leaked = emptyVints(s) - bootEmpty;
          const now = usage(s);
          s.allPools().forEach((p, i) => {
            if (vintPools(s).has(p.id)) is(p.used, Number(bootUsage[i].split(':')[1]) + leaked);
            else is(now[i], bootUsage[i]);
          });
        }
      }),
      { seed: seeded(20240611), numRuns: 250 },
    );
    // the generators reach both outcomes often, under many settings
    expect(failures).toBeGreaterThan(500);
    expect(successes).toBeGreaterThan(500);
    expect(seen.size).toBeGreaterThan(40);
  });

  test('a failed operation in a burst leaves the state of the last success, and names the pool as its layer does', () => {
    // INTA and INTR exhaustion is EINVAL upstream; a GP ring shortage EBUSY (k3-udma); an MSI's own
    // virq: ENOSPC (__msi_domain_alloc_irqs); a VINT parent's virq: EINVAL (Parent IRQ allocation failed).
    const codes: Record<string, ErrCode[]> = { vint: ['EINVAL'], global_event: ['EINVAL'], out: ['EINVAL'], gp_ring: ['EBUSY'], virq: ['ENOSPC', 'EINVAL'] };
    fc.assert(
      fc.property(topoArb, fc.integer({ min: 1, max: 150 }), (params, n) => {
        const s = System.boot(buildTopology(params), params.settings);
        let last = snapshot(s);
        for (let k = 0; k < n; k++) {
          try {
            s.allocIrq('rings', 'any');
          } catch (e) {
            if (!(e instanceof CoreError)) throw e;
            expectNoTrace(s, last);
            if (!s.msiDevices.get('rings')!.bound) {
              expect(e.code).toBe('EPROBE_DEFER');
              break;
            }
            expect(e.pool).toBeDefined();
            expect(codes[e.pool!.id.replace(/^.*\./, '')]).toContain(e.code);
            const exhausted = `${e.pool!.id} exhausted (${e.pool!.used}/${e.pool!.total} used)`;
            // A VINT's parent virq: the INTA says which step failed, over the pool's own words.
            expect(e.message).toBe(e.pool!.id === 'virq' && e.code === 'EINVAL' ? `inta: parent IRQ allocation failed: ${exhausted}` : exhausted);
            break;
          }
          last = snapshot(s);
          checkInvariants(s);
        }
      }),
      { seed: seeded(7), numRuns: 150 },
    );
  });

  test('coalesced packs 64 events per VINT; dedicated uses one VINT per event', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 130 }),
        fc.constantFrom(...POLICIES),
        fc.constantFrom(...MODES),
        fc.constantFrom(...LOCKS),
        fc.constantFrom(...FAILURES),
        (n, policy, mode, lock, failure) => {
          const params: TopoParams = {
            cpus: 2,
            virqs: 400,
            intrs: [{ outputs: 6, split: 3, skip: 0 }],
            intaParent: 0,
            vints: 4,
            vintSkip: 0,
            events: 140,
            tx: { a: 1, b: 0, firstNormal: 0 },
            rx: { a: 1, b: 0, firstNormal: 0 },
            gp: 130,
            clients: [],
            order: [0, 0, 0, 0],
            // hardware at request_irq, so that only the alloc-irqs below take any
            settings: { policy, mode, hardware: 'request', lock, failure },
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
        },
      ),
      { seed: seeded(99), numRuns: 80 },
    );
  });
});
