/**
 * Random small topologies, settings and command sequences for the core's property tests, shared by
 * properties.test.ts and alone.test.ts.
 */
import fc from 'fast-check';
import { FAILURES, HARDWARE, LOCKS, MODES, POLICIES } from '../../src/core/designs.js';
import type { System, Settings } from '../../src/core/system.js';
import type { ChannelSpec, DirectClientSpec, IntrSpec, Topology } from '../../src/core/topology.js';

// ---- random small topologies ------------------------------------------------------------------

export interface TopoParams {
  cpus: number;
  virqs: number;
  /** Each INTR's outputs; `split` cuts its translation in two; Linux's share skips the first `skip` outputs. */
  intrs: Array<{ outputs: number; split: number; skip: number }>;
  intaParent: number;
  /** Linux's VINTs, after `vintSkip` VINTs that exist in hardware but belong to another host. */
  vints: number;
  vintSkip: number;
  events: number;
  /** Channels per direction: ids 0..a-1, then b more after a gap of 2; requests start at `firstNormal`. */
  tx: { a: number; b: number; firstNormal: number };
  rx: { a: number; b: number; firstNormal: number };
  gp: number;
  clients: Array<{ intr: number; inputs: number }>;
  order: number[];
  settings: Settings;
}

export const GP_RING = 16;
export const RX_EVENT_OFFSET = 0x40;

export const channelsArb = fc
  .record({ a: fc.integer({ min: 1, max: 4 }), b: fc.integer({ min: 0, max: 3 }), firstNormal: fc.nat() })
  .map((c) => ({ ...c, firstNormal: c.firstNormal % (c.a + 1) }));

/** Any combination of the five columns, not only the four designs. */
export const settingsArb: fc.Arbitrary<Settings> = fc.record({
  policy: fc.constantFrom(...POLICIES),
  mode: fc.constantFrom(...MODES),
  hardware: fc.constantFrom(...HARDWARE),
  lock: fc.constantFrom(...LOCKS),
  failure: fc.constantFrom(...FAILURES),
});

export const topoArb: fc.Arbitrary<TopoParams> = fc
  .record({
    cpus: fc.integer({ min: 1, max: 4 }),
    virqs: fc.integer({ min: 6, max: 160 }),
    intrs: fc.array(fc.record({ outputs: fc.integer({ min: 1, max: 8 }), split: fc.integer({ min: 0, max: 5 }), skip: fc.integer({ min: 0, max: 2 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    intaParent: fc.nat(),
    vints: fc.integer({ min: 1, max: 6 }),
    vintSkip: fc.integer({ min: 0, max: 3 }),
    events: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 60, max: 140 })),
    tx: channelsArb,
    rx: channelsArb,
    gp: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 16, max: 40 }), fc.integer({ min: 64, max: 130 })),
    clients: fc.array(fc.record({ intr: fc.nat(), inputs: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }),
    order: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    settings: settingsArb,
  })
  .map((p) => ({
    ...p,
    intrs: p.intrs.map((r) => ({ ...r, skip: Math.min(r.skip, r.outputs - 1) })),
    intaParent: p.intaParent % p.intrs.length,
    clients: p.clients.map((c) => ({ ...c, intr: c.intr % p.intrs.length })),
  }));

export const channelSpec = (c: TopoParams['tx']): ChannelSpec => ({
  share: [
    { start: 0, count: c.a, source: 'illustrative' as const },
    { start: c.a + 2, count: c.b, source: 'illustrative' as const },
  ].filter((r) => r.count > 0),
  firstNormal: c.firstNormal,
  firstNormalSource: 'illustrative',
});

export const buildTopology = (p: TopoParams): Topology => {
  const intrs: IntrSpec[] = p.intrs.map((r, k) => {
    // outputs 0..n-1 to GIC hwirq 64 + 100k..., split into two translation ranges when `split` allows
    const a = Math.min(r.split, r.outputs);
    const ranges = [
      { from: 0, to: 64 + 100 * k, count: a, source: 'illustrative' as const },
      { from: a, to: 64 + 100 * k + 50, count: r.outputs - a, source: 'illustrative' as const },
    ].filter((t) => t.count > 0);
    const share = [{ start: r.skip, count: r.outputs - r.skip, source: 'illustrative' as const }];
    return { id: `intr${k}`, sciId: 10 + k, parent: 'gic', inputs: 64, inputsSource: 'illustrative', ranges, share };
  });
  const clients: DirectClientSpec[] = p.clients.map((c, j) => ({
    id: `client${j}`,
    name: `client ${j}`,
    parent: `intr${c.intr}`,
    inputs: Array.from({ length: c.inputs }, (_, i) => 40 + 4 * j + i),
    source: 'illustrative',
  }));
  const drivers = ['rings', 'dma', ...clients.map((c) => c.id)];
  const sortedDrivers = [...drivers].sort((x, y) => p.order[drivers.indexOf(x)] - p.order[drivers.indexOf(y)] || x.localeCompare(y));
  // The ring device probes before its DMA: a DMA probed first is deferred and, today, never retried.
  const boot = sortedDrivers.filter((d) => d !== 'rings');
  boot.splice(boot.indexOf('dma'), 0, 'rings');
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
        vints: [{ from: 0, to: 0, count: p.vints + p.vintSkip, source: 'illustrative' }],
        vintShare: [{ start: p.vintSkip, count: p.vints, source: 'illustrative' }],
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
        indicesSource: 'illustrative',
        share: p.gp > 0 ? [{ start: GP_RING, count: p.gp, source: 'illustrative' }] : [],
      },
    ],
    dmas: [{ id: 'dma', sciId: 40, name: 'DMA', ringDevice: 'rings', tx: channelSpec(p.tx), rx: channelSpec(p.rx), rxEventOffset: RX_EVENT_OFFSET }],
    directClients: clients,
    boot,
  };
};

// ---- random commands --------------------------------------------------------------------------

export type Device = 'rings' | 'dma';
export type Cmd =
  | { op: 'request'; dir: 'tx' | 'rx'; count: number; mode: 'pkt' | 'tr' }
  | { op: 'release'; dir: 'tx' | 'rx'; pick: number }
  | { op: 'alloc'; device: Device; index: number | 'any' }
  | { op: 'burst'; count: number }
  | { op: 'free'; pick: number; own: boolean }
  | { op: 'freeOf'; device: Device; index: number }
  | { op: 'fire'; device: Device; index: number; times: number }
  | { op: 'affinity'; pick: number; cpus: number[] }
  | { op: 'mask'; pick: number; masked: boolean };

export const dir = fc.constantFrom('tx' as const, 'rx' as const);
/** Ring indices: GP rings from 16, others below, and a few past the end (up to GP_RING + 130 + 2). */
export const ringIndex = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 150 }) });
/** The DMA's own event indices: tchan ids, RX_EVENT_OFFSET + rchan ids, and some that are neither. */
export const eventIndex = fc.oneof(fc.integer({ min: -1, max: 12 }), fc.integer({ min: RX_EVENT_OFFSET - 1, max: RX_EVENT_OFFSET + 12 }), fc.integer({ min: 0, max: 100 }));
export const target = fc.oneof(
  { weight: 3, arbitrary: fc.record({ device: fc.constant('rings' as const), index: ringIndex }) },
  { weight: 1, arbitrary: fc.record({ device: fc.constant('dma' as const), index: eventIndex }) },
);
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('request' as const),
      dir,
      count: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }),
      mode: fc.constantFrom('pkt' as const, 'tr' as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('release' as const), dir, pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      target.map((t) => ({ op: 'alloc' as const, ...t })),
      fc.constantFrom('rings' as const, 'dma' as const).map((device) => ({ op: 'alloc' as const, device, index: 'any' as const })),
    ),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), count: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat(), own: fc.boolean() }) },
  { weight: 1, arbitrary: target.map((t) => ({ op: 'freeOf' as const, ...t })) },
  { weight: 2, arbitrary: fc.tuple(target, fc.integer({ min: 0, max: 4 })).map(([t, times]) => ({ op: 'fire' as const, ...t, times })) },
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

/** A virq to aim at: usually a live one (with `own`, one requested by alloc-irq), sometimes one that is not allocated. */
export const pickVirq = (s: System, pick: number, own = false): number => {
  const live = own ? s.msi.all().filter((m) => m.requestedBy === 'alloc-irq').map((m) => m.virq) : s.descs.all().map((d) => d.virq);
  const k = pick % (live.length + 2);
  return k < live.length ? live[k] : s.topology.virq.first + (pick % (s.topology.virq.count + 4)) - 2;
};

/** A channel number to release: usually a requested one, sometimes a free or foreign one. */
export const pickChannel = (s: System, d: 'tx' | 'rx', pick: number): number => {
  const live = s.channels().filter((c) => c.dir === d).map((c) => c.n);
  const k = pick % (live.length + 1);
  return k < live.length ? live[k] : (pick % 12) - 1;
};

export const apply = (s: System, c: Cmd): void => {
  switch (c.op) {
    case 'request':
      s.requestChannel('dma', c.dir, c.count, c.mode);
      return;
    case 'release':
      s.releaseChannel('dma', c.dir, pickChannel(s, c.dir, c.pick));
      return;
    case 'alloc':
      s.allocIrq(c.device, c.index);
      return;
    case 'burst':
      for (let k = 0; k < c.count; k++) s.allocIrq('rings', 'any');
      return;
    case 'free':
      s.freeIrq(pickVirq(s, c.pick, c.own));
      return;
    case 'freeOf':
      s.freeIrqOf(c.device, c.index);
      return;
    case 'fire':
      s.fireRing(c.device, c.index, c.times);
      return;
    case 'affinity':
      s.setAffinity(pickVirq(s, c.pick), c.cpus);
      return;
    case 'mask':
      s.setMasked(pickVirq(s, c.pick), c.masked);
      return;
  }
};
