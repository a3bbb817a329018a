import type { BitmapPool, PoolStats } from './bitmap-pool.js';
import { DirectClient } from './direct-client.js';
import { DmaController, type Channel, type Direction, type Mode } from './dma.js';
import { SPI_BASE, type ParentDomain } from './domains/domain.js';
import { GicDomain } from './domains/gic.js';
import { IntaDomain, type EventDesc, type Policy, type VintDesc } from './domains/inta.js';
import { IntrDomain } from './domains/intr.js';
import { CoreError, quote } from './errors.js';
import { IrqDescs } from './irq-descs.js';
import { Mutex } from './lock.js';
import { Mapper } from './mapper.js';
import { MsiDevice, MsiDomain, type MsiRecord } from './msi.js';
import { formatRanges, type Range } from './ranges.js';
import { cpusOf, spanList } from './lists.js';
import type { Topology } from './topology.js';
import { domainTree, interruptsOf, routeOfVirq, routesOf } from './views.js';
import type {
  AffinityResult,
  BootEntry,
  DemuxedEvent,
  DomainNode,
  FireTrace,
  IrqView,
  MaskResult,
  Route,
} from './types.js';

export interface Settings {
  policy: Policy;
  mode: Mode;
}

export const DEFAULT_SETTINGS: Settings = { policy: 'coalesced', mode: 'demand' };

/** GIC lines reachable through the routers that feed the GIC, merged into ranges. */
const gicLines = (topology: Topology): Range[] => {
  const spans = topology.intrs
    .filter((r) => r.parent === topology.gic.id)
    .flatMap((r) => r.ranges.map((t) => ({ start: t.to, count: t.count })))
    .sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.start + last.count) last.count = Math.max(last.count, s.start + s.count - last.start);
    else merged.push({ ...s });
  }
  return merged;
};

/** Routers in an order where each one's parent comes first. */
const routersParentFirst = (topology: Topology) => {
  const order: Topology['intrs'] = [];
  const placed = new Set([topology.gic.id]);
  let pending = [...topology.intrs];
  while (pending.length > 0) {
    const ready = pending.filter((r) => placed.has(r.parent));
    if (ready.length === 0) throw new Error('internal: router parents form a cycle (the validator should have refused it)');
    for (const r of ready) {
      order.push(r);
      placed.add(r.id);
    }
    pending = pending.filter((r) => !placed.has(r.id));
  }
  return order;
};

/**
 * The whole SoC's interrupt hierarchy after boot, and the operations a user can run on it.
 * Every operation either completes or throws a CoreError with the model exactly as before.
 */
export class System {
  readonly descs: IrqDescs;
  readonly gic: GicDomain;
  readonly intrs = new Map<string, IntrDomain>();
  readonly intas = new Map<string, IntaDomain>();
  readonly msiDevices = new Map<string, MsiDevice>();
  readonly dmas = new Map<string, DmaController>();
  readonly clients = new Map<string, DirectClient>();
  readonly msi: MsiDomain;
  readonly bootLog: BootEntry[] = [];
  /** Events raised with no event map: the INTA drops them (the ERR line of /proc/interrupts). */
  unmapped = 0;
  private readonly pools: BitmapPool[] = [];
  private readonly directMapper: Mapper;

  static boot(topology: Topology, settings: Settings = DEFAULT_SETTINGS): System {
    return new System(topology, settings);
  }

  private constructor(
    readonly topology: Topology,
    readonly settings: Settings,
  ) {
    this.descs = new IrqDescs(topology.virq.first, topology.virq.count, topology.cpus);
    this.gic = new GicDomain(topology.gic.id, topology.gic.name, gicLines(topology));
    this.pools.push(this.gic.pool);
    const parents = new Map<string, ParentDomain>([[this.gic.id, this.gic]]);
    for (const spec of routersParentFirst(topology)) {
      const intr = new IntrDomain(spec.id, spec.sciId, spec.inputs, spec.ranges, parents.get(spec.parent)!);
      this.intrs.set(spec.id, intr);
      parents.set(spec.id, intr);
      this.pools.push(intr.pool);
    }
    const vintMapper = new Mapper(this.descs, 'vint-parent');
    for (const spec of topology.intas) {
      const inta = new IntaDomain(
        spec.id,
        spec.sciId,
        spec.base,
        spec.vints,
        spec.globalEvents,
        parents.get(spec.parent)!,
        vintMapper,
        settings.policy,
        new Mutex(`${spec.id}.vint_mutex`),
      );
      this.intas.set(spec.id, inta);
      this.pools.push(inta.vintPool, inta.eventPool);
    }
    this.msi = new MsiDomain(this.descs);
    for (const spec of topology.msiDevices) {
      const dev = new MsiDevice(spec.id, spec.sciId, spec.name, spec.indices, this.intas.get(spec.msiParent)!, spec.free, 'gp_ring');
      this.msiDevices.set(spec.id, dev);
      this.pools.push(dev.freePool);
    }
    for (const spec of topology.dmas) {
      const dma = new DmaController(spec.id, spec.sciId, spec.name, this.msiDevices.get(spec.ringDevice)!, { tx: spec.tx, rx: spec.rx }, settings.mode, this.msi);
      this.dmas.set(spec.id, dma);
      this.pools.push(dma.pools.tx, dma.pools.rx);
    }
    this.pools.push(this.descs.pool);
    this.directMapper = new Mapper(this.descs, 'direct');
    for (const spec of topology.directClients) {
      this.clients.set(spec.id, new DirectClient(spec.id, spec.name, this.intrs.get(spec.parent)!, spec.inputs, this.directMapper));
    }
    this.runBoot();
  }

  // ---- boot --------------------------------------------------------------------------------

  private runBoot(): void {
    const log = (e: BootEntry) => this.bootLog.push(e);
    const t = this.topology;
    log({ device: this.gic.id, ok: true, message: `${t.gic.name}: ${this.gic.pool.total} SPI lines reachable through routers (hwirq ${formatRanges(this.gic.pool.ranges)})` });
    for (const intr of this.intrs.values()) {
      log({ device: intr.id, ok: true, message: `INTR sci id ${intr.sciId}: ${intr.pool.total} outputs -> ${intr.parent.id}` });
    }
    for (const inta of this.intas.values()) {
      log({
        device: inta.id,
        ok: true,
        message: `INTA sci id ${inta.sciId}: ${inta.vintPool.total} VINTs, ${inta.eventPool.total} global events -> ${inta.parent.id}; policy ${inta.policy}`,
      });
    }
    for (const id of t.boot) {
      const dma = this.dmas.get(id);
      const client = this.clients.get(id);
      try {
        if (dma) {
          const taken = this.atomic(() => dma.probe());
          log({ device: id, ok: true, message: this.describeDmaProbe(dma, taken) });
        } else if (client) {
          const virqs = this.atomic(() => client.probe());
          log({ device: id, ok: true, message: `${client.name}: virq ${spanList(virqs)} via ${client.intr.id} input${client.inputs.length === 1 ? '' : 's'} ${spanList([...client.inputs])}` });
        }
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        log({ device: id, ok: false, message: `probe failed: ${e.code}: ${e.message}`, error: { code: e.code, message: e.message, pool: e.pool } });
      }
    }
    this.logUnprobed(log);
  }

  private logUnprobed(log: (e: BootEntry) => void): void {
    const listed = new Set(this.topology.boot);
    for (const id of [...this.dmas.keys(), ...this.clients.keys()]) {
      if (!listed.has(id)) log({ device: id, ok: false, message: 'not probed: not in the boot list' });
    }
  }

  private describeDmaProbe(dma: DmaController, taken: MsiRecord[]): string {
    if (dma.mode === 'demand') return `${dma.name}: probed; ring MSIs are allocated as channels are requested (mode demand)`;
    const vints = new Set(taken.map((r) => r.event.vint.vint));
    const virqs = taken.map((r) => r.virq);
    const span = virqs.length === 0 ? 'none' : `${Math.min(...virqs)}-${Math.max(...virqs)}`;
    return `${dma.name}: probed; allocated ${taken.length} ring MSIs on ${vints.size} VINT${vints.size === 1 ? '' : 's'} (virqs ${span}, their VINTs' parents among them; mode probe)`;
  }

  // ---- lookups -----------------------------------------------------------------------------

  dma(id: string): DmaController {
    const dma = this.dmas.get(id);
    if (!dma) throw new CoreError('ENOENT', `unknown DMA controller ${quote(id)} (have: ${[...this.dmas.keys()].join(', ') || 'none'})`);
    return dma;
  }

  msiDevice(id: string): MsiDevice {
    const dev = this.msiDevices.get(id);
    if (!dev) throw new CoreError('ENOENT', `unknown MSI device ${quote(id)} (have: ${[...this.msiDevices.keys()].join(', ') || 'none'})`);
    return dev;
  }

  /** The device `fire-ring` means when none is named: the first DMA's ring device. */
  defaultRingDevice(): MsiDevice {
    const first = this.dmas.values().next().value?.ringDevice ?? this.msiDevices.values().next().value;
    if (!first) throw new CoreError('ENOENT', 'this topology has no ring device');
    return first;
  }

  allPools(): BitmapPool[] {
    return this.pools;
  }

  pool(id: string): BitmapPool | undefined {
    return this.pools.find((p) => p.id === id);
  }

  poolStats(): PoolStats[] {
    return this.pools.map((p) => p.stats());
  }

  channels(): Channel[] {
    return [...this.dmas.values()].flatMap((d) => d.allChannels());
  }

  // ---- operations --------------------------------------------------------------------------

  requestChannel(dmaId: string, dir: Direction, count = 1): Channel[] {
    const dma = this.dma(dmaId);
    if (!Number.isInteger(count) || count < 1) throw new CoreError('EINVAL', `channel count must be at least 1, got ${count}`);
    return this.atomic(() => dma.request(dir, count));
  }

  releaseChannel(dmaId: string, dir: Direction, n: number): Channel {
    const dma = this.dma(dmaId);
    return this.atomic(() => dma.release(dir, n));
  }

  /** alloc-irq: an MSI for one device index; `any` takes the lowest free general-purpose index. */
  allocIrq(deviceId: string, index: number | 'any'): MsiRecord {
    const dev = this.msiDevice(deviceId);
    return this.atomic(() => {
      let idx: number;
      if (index === 'any') {
        const n = dev.freePool.alloc();
        if (n === undefined) throw dev.freePool.exhausted();
        idx = n;
      } else {
        dev.checkIndex(index);
        const owner = dev.reservedBy(index);
        if (owner) {
          const dma = owner.split(':')[0];
          const how = this.dmas.get(dma)?.bound === false ? `${dma} is not bound` : 'request the channel instead';
          throw new CoreError('EBUSY', `${dev.id} ${index} is the completion ring of ${owner}; ${how}`);
        }
        const held = this.msi.find(dev, index);
        if (held) throw new CoreError('EEXIST', `${dev.id} ${index} already has an MSI (virq ${held.virq}, ${held.owner})`);
        if (!dev.freePool.take(index)) {
          throw new CoreError('EINVAL', `${dev.id} ${index} is not in this host's share (free for alloc-irq: ${dev.describeFree()})`);
        }
        idx = index;
      }
      try {
        return this.msi.alloc(dev, idx, 'alloc-irq', true);
      } catch (e) {
        dev.freePool.release(idx);
        throw e;
      }
    });
  }

  freeIrq(virq: number): MsiRecord {
    const rec = this.msi.byVirqNumber(virq);
    if (!rec) throw this.notAnMsi(virq);
    if (!rec.userOwned) throw new CoreError('EBUSY', `virq ${virq} belongs to ${rec.owner}; ${rec.owner.includes(':') ? 'release the channel instead' : 'it is held by the driver'}`);
    this.atomic(() => {
      this.msi.free(rec);
      rec.device.freePool.release(rec.index);
    });
    return rec;
  }

  freeIrqOf(deviceId: string, index: number): MsiRecord {
    const dev = this.msiDevice(deviceId);
    dev.checkIndex(index);
    const rec = this.msi.find(dev, index);
    if (!rec) throw new CoreError('ENOENT', `${dev.id} ${index} has no MSI`);
    return this.freeIrq(rec.virq);
  }

  private notAnMsi(virq: number): CoreError {
    const desc = this.descs.get(virq);
    if (!desc) return new CoreError('ENOENT', `virq ${virq} is not allocated`);
    if (desc.kind === 'vint-parent') return new CoreError('EINVAL', `virq ${virq} is the parent of ${desc.name}; free its events instead`);
    return new CoreError('EBUSY', `virq ${virq} belongs to ${desc.owner}, a direct INTR client`);
  }

  /** Raise a ring's event `times` times and follow it through the hierarchy. */
  fireRing(deviceId: string | undefined, ring: number, times = 1): FireTrace {
    const dev = deviceId === undefined ? this.defaultRingDevice() : this.msiDevice(deviceId);
    dev.checkIndex(ring);
    if (!Number.isInteger(times) || times < 1) throw new CoreError('EINVAL', `times must be at least 1, got ${times}`);
    const hwirq = dev.hwirq(ring);
    const inta = dev.inta;
    const ev = inta.event(hwirq);
    if (!ev) {
      this.unmapped += times;
      return { device: dev.id, index: ring, hwirq, times, outcome: 'unmapped', inta: inta.id };
    }
    const raised = inta.raise(ev.globalEvent)!;
    const v = ev.vint;
    const parent = this.descs.get(v.parentVirq)!;
    // One literal with every field: spreading a trace this size is a slow path in V8.
    const trace: FireTrace = {
      device: dev.id,
      index: ring,
      hwirq,
      times,
      outcome: 'delivered',
      inta: inta.id,
      globalEvent: ev.globalEvent,
      vint: v.vint,
      bit: ev.bit,
      statusBefore: raised.statusBefore,
      status: raised.status,
      enable: raised.enable,
      statusMasked: raised.statusMasked,
      statusAddress: inta.registerAddress(v.vint, 'STATUS'),
      statusMaskedAddress: inta.registerAddress(v.vint, 'STATUS_MASKED'),
      hops: v.path.hops,
      gicHwirq: v.path.gicHwirq,
      gicSpi: v.path.gicHwirq - SPI_BASE,
      parentVirq: v.parentVirq,
      cpu: undefined,
      handled: undefined,
      childVirq: ev.virq,
      count: undefined,
    };
    if (raised.masked) trace.outcome = 'masked';
    else if (parent.masked) trace.outcome = 'parent-masked';
    else {
      trace.cpu = this.descs.effectiveCpu(parent);
      trace.handled = this.deliver(inta, v, ev, times);
    }
    trace.count = this.descs.total(ev.virq);
    return trace;
  }

  /** The parent virq fires; its chained handler demultiplexes every pending, enabled bit. */
  private deliver(inta: IntaDomain, v: VintDesc, fired: EventDesc | undefined, times: number): DemuxedEvent[] {
    const parent = this.descs.get(v.parentVirq)!;
    const cpu = this.descs.effectiveCpu(parent);
    parent.counts[cpu] += times;
    const handled = inta.demux(v).map((e) => {
      const rec = this.msi.byVirqNumber(e.virq)!;
      // The fired event is handled `times` times; a sibling that was pending, once.
      this.descs.get(e.virq)!.counts[cpu] += e === fired ? times : 1;
      return { bit: e.bit, virq: e.virq, device: rec.device.id, index: rec.index, hwirq: e.hwirq };
    });
    return handled;
  }

  /** Affinity: per event it is refused, as the INTA chip does; on a parent it moves every sibling. */
  setAffinity(virq: number, cpus: number[]): AffinityResult {
    const desc = this.descs.get(virq);
    if (!desc) throw new CoreError('ENOENT', `virq ${virq} is not allocated`);
    if (cpus.length === 0) throw new CoreError('EINVAL', 'empty CPU list');
    for (const c of cpus) {
      if (!Number.isInteger(c) || c < 0 || c >= this.topology.cpus) throw new CoreError('EINVAL', `CPU ${c} does not exist (CPUs 0-${this.topology.cpus - 1})`);
    }
    if (desc.kind === 'msi') {
      const rec = this.msi.byVirqNumber(virq)!;
      const v = rec.event.vint;
      const siblings = v.events.filter((e) => e !== undefined).length - 1;
      const why =
        siblings > 0
          ? `virq ${virq} shares VINT ${v.vint} with ${siblings} other event${siblings === 1 ? '' : 's'}`
          : `virq ${virq} is an event of VINT ${v.vint}`;
      const move = siblings > 0 ? 'to move them all' : 'to move it';
      throw new CoreError('EINVAL', `${why}; the INTA cannot steer one event (set the affinity of parent virq ${v.parentVirq} ${move})`);
    }
    desc.affinity = cpus.reduce((m, c) => m | (1 << c), 0);
    const moved: number[] = [];
    if (desc.kind === 'vint-parent') for (const e of this.vintOfParent(virq)!.v.events) if (e) moved.push(e.virq);
    moved.sort((x, y) => x - y);
    return { virq, cpus: cpusOf(desc.affinity), moved };
  }

  /** The INTA and VINT whose chained handler runs on parent virq `virq`. */
  private vintOfParent(virq: number): { inta: IntaDomain; v: VintDesc } | undefined {
    for (const inta of this.intas.values()) {
      const v = inta.vints.find((x) => x.parentVirq === virq);
      if (v) return { inta, v };
    }
    return undefined;
  }

  setMasked(virq: number, masked: boolean): MaskResult {
    const desc = this.descs.get(virq);
    if (!desc) throw new CoreError('ENOENT', `virq ${virq} is not allocated`);
    desc.masked = masked;
    const rec = desc.kind === 'msi' ? this.msi.byVirqNumber(virq)! : undefined;
    if (rec) rec.device.inta.setEnabled(rec.event.hwirq, !masked);
    let delivered: DemuxedEvent[] = [];
    if (!masked) {
      // A level VINT line with a pending, now enabled bit fires at once.
      const found = rec ? { inta: rec.device.inta, v: rec.event.vint } : this.vintOfParent(virq);
      const inta = found?.inta;
      const v = found?.v;
      if (inta && v && !this.descs.get(v.parentVirq)!.masked && (v.status[0] & v.enable[0] || v.status[1] & v.enable[1])) {
        delivered = this.deliver(inta, v, undefined, 1);
      }
    }
    return { virq, masked, delivered };
  }

  // ---- views (src/core/views.ts) -------------------------------------------------------------

  routes(device?: string): Route[] {
    return routesOf(this, device);
  }

  /** The route of one live virq (an MSI or a direct client's), without building the table. */
  routeOf(virq: number): Route | undefined {
    return routeOfVirq(this, virq);
  }

  interrupts(): IrqView[] {
    return interruptsOf(this);
  }

  domains(): DomainNode {
    return domainTree(this);
  }

  /** A canonical picture of every piece of state, for "left exactly as before" checks. */
  fingerprint(): string {
    return [
      ...this.pools.map((p) => p.fingerprint()),
      ...[...this.intrs.values()].map((r) => r.fingerprint()),
      ...[...this.intas.values()].map((a) => a.fingerprint()),
      this.descs.fingerprint(),
      this.channels()
        .map((c) => `${c.name}>${c.msi.virq}`)
        .join(','),
      `unmapped:${this.unmapped}`,
    ].join('\n');
  }

  /**
   * Runs an operation; if it fails, its own unwinding has returned every resource, and this puts
   * back the pools' high-water marks so that nothing at all shows the attempt.
   */
  private atomic<T>(fn: () => T): T {
    const peaks = this.pools.map((p) => p.peak);
    try {
      return fn();
    } catch (e) {
      this.pools.forEach((p, i) => p.restorePeak(peaks[i]));
      throw e;
    }
  }
}
