import type { BitmapPool, PoolStats } from './bitmap-pool.js';
import { isEmpty64 } from './bits64.js';
import { DirectClient } from './direct-client.js';
import { DEFAULT_SETTINGS, type Settings } from './designs.js';
import { DmaController, type Channel, type ChannelMode, type Direction } from './dma.js';
import { SPI_BASE, type ParentDomain } from './domains/domain.js';
import { GicDomain } from './domains/gic.js';
import { hasPendingEnabled, IntaDomain, type EventDesc, type VintDesc } from './domains/inta.js';
import { IntrDomain } from './domains/intr.js';
import { CoreError, driverNotBound, noSuchCpu, ProbeDeferred, probeCode, quote } from './errors.js';
import { IrqDescs, type IrqDesc } from './irq-descs.js';
import { Mutex, NoLock } from './lock.js';
import { Mapper } from './mapper.js';
import { MsiDevice, MsiDomain, type MsiRecord } from './msi.js';
import { formatRanges, translate, type Range } from './ranges.js';
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
import { plural } from './words.js';

export type { Settings } from './designs.js';
export { DEFAULT_SETTINGS } from './designs.js';

const alreadyRequested = (rec: MsiRecord): CoreError =>
  new CoreError('EBUSY', `${rec.device.id} ${rec.index} is already requested by ${rec.requestedBy} (virq ${rec.virq})`);

const noProbeTimeMsi = (dev: MsiDevice, index: number): Error => new Error(`internal: ${dev.id} ${index} has no probe-time MSI`);

/** free-irq of an MSI that is not alloc-irq's to free. */
const notFreeable = (rec: MsiRecord): CoreError => {
  const held = rec.requestedBy;
  if (held === undefined) return new CoreError('ENOENT', `virq ${rec.virq} (${rec.device.id} ${rec.index}) is not requested`);
  return new CoreError('EBUSY', `virq ${rec.virq} belongs to ${held}; ${held.includes(':') ? 'release the channel instead' : 'it is held by the driver'}`);
};

/** GIC lines reachable through the outputs Linux was granted on the routers that feed the GIC. */
const gicLines = (topology: Topology): Range[] => {
  const hwirqs: number[] = [];
  for (const r of topology.intrs) {
    if (r.parent !== topology.gic.id) continue;
    for (const s of r.share) for (let o = s.start; o < s.start + s.count; o++) {
      const h = translate(r.ranges, o);
      if (h !== undefined) hwirqs.push(h);
    }
  }
  const spans = hwirqs.sort((a, b) => a - b).map((h) => ({ start: h, count: 1 }));
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
 * The VINTs a probe's MSIs landed on, as "2 VINTs opened, 1 shared": opened by this probe (each
 * with its own INTR output and parent virq), or shared with MSIs before it (coalesced, the first
 * bits go to the last VINT another device left part full). A VINT is shared when it holds an
 * event not of this probe: at boot nothing is freed, and a VINT goes when its last event does.
 */
const probeVints = (taken: readonly MsiRecord[]): string => {
  const ours = new Set(taken.flatMap((r) => (r.event ? [r.event] : [])));
  const vints = new Set([...ours].map((e) => e.vint));
  let shared = 0;
  for (const v of vints) if (v.events.some((e) => e !== undefined && !ours.has(e))) shared++;
  const opened = vints.size - shared;
  if (opened === 0) return `${plural(shared, 'VINT')} shared`;
  return `${plural(opened, 'VINT')} opened${shared === 0 ? '' : `, ${shared} shared`}`;
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
  /** Events raised with no event map: the INTA drops them, and Linux never sees them (interrupts counts them apart). */
  unmapped = 0;
  private readonly pools: BitmapPool[] = [];
  private readonly poolById: Map<string, BitmapPool>;
  private readonly directMapper: Mapper;
  private lastMsiDevice: MsiDevice | undefined;
  /** settings.mode, as flags for alloc-irq and free-irq (see MsiDomain's hardware flags). */
  private readonly msisAtProbe: boolean;
  private readonly msisOnDemand: boolean;

  static boot(topology: Topology, settings: Settings = DEFAULT_SETTINGS): System {
    return new System(topology, settings);
  }

  private constructor(
    readonly topology: Topology,
    readonly settings: Settings,
  ) {
    this.msisAtProbe = settings.mode === 'probe';
    this.msisOnDemand = settings.mode === 'demand';
    this.descs = new IrqDescs(topology.virq.first, topology.virq.count, topology.cpus);
    this.gic = new GicDomain(topology.gic.id, topology.gic.name, gicLines(topology));
    this.pools.push(this.gic.pool);
    const parents = new Map<string, ParentDomain>([[this.gic.id, this.gic]]);
    for (const spec of routersParentFirst(topology)) {
      const intr = new IntrDomain(spec.id, spec.sciId, spec.inputs, spec.ranges, parents.get(spec.parent)!, spec.share, spec.triggerType);
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
        spec.vintShare,
        spec.globalEvents,
        parents.get(spec.parent)!,
        vintMapper,
        settings.policy,
        settings.lock === 'none' || settings.lock === 'device' ? new NoLock(`${spec.id}.vint_mutex`) : new Mutex(`${spec.id}.vint_mutex`),
        settings.failure,
      );
      this.intas.set(spec.id, inta);
      this.pools.push(inta.vintPool, inta.eventPool);
    }
    this.msi = new MsiDomain(this.descs, settings.hardware);
    for (const spec of topology.msiDevices) {
      const dev = new MsiDevice(spec.id, spec.sciId, spec.name, spec.indices, this.intas.get(spec.msiParent)!, spec.share, 'level', 'gp_ring');
      this.msiDevices.set(spec.id, dev);
      this.pools.push(dev.indexPool!);
    }
    for (const spec of topology.dmas) {
      const ringDevice = this.msiDevices.get(spec.ringDevice)!;
      const eventShare = [
        ...spec.tx.share.map((r) => ({ start: r.start, count: r.count })),
        ...spec.rx.share.map((r) => ({ start: spec.rxEventOffset + r.start, count: r.count })),
      ];
      const indices = Math.max(0, ...eventShare.map((r) => r.start + r.count));
      const events = new MsiDevice(spec.id, spec.sciId, spec.name, indices, ringDevice.inta, eventShare, 'edge', undefined);
      this.msiDevices.set(spec.id, events);
      const dma = new DmaController(spec.id, spec.sciId, spec.name, ringDevice, events, { tx: spec.tx, rx: spec.rx }, spec.rxEventOffset, settings.mode, this.msi, this.pools);
      this.dmas.set(spec.id, dma);
      this.pools.push(dma.pools.tx, dma.pools.rx);
    }
    this.pools.push(this.descs.pool);
    // The first pool of an id wins, as a search of the list would find it.
    this.poolById = new Map([...this.pools].reverse().map((p) => [p.id, p]));
    this.directMapper = new Mapper(this.descs, 'direct');
    for (const spec of topology.directClients) {
      this.clients.set(spec.id, new DirectClient(spec.id, spec.name, this.intrs.get(spec.parent)!, spec.inputs, this.directMapper, spec.chained));
    }
    this.runBoot();
  }

  // ---- boot --------------------------------------------------------------------------------

  private runBoot(): void {
    const log = (e: BootEntry) => this.bootLog.push(e);
    const t = this.topology;
    log({ device: this.gic.id, ok: true, message: `${t.gic.name}: ${this.gic.pool.total} SPI lines reachable through Linux's router outputs (hwirq ${formatRanges(this.gic.pool.ranges)})` });
    for (const intr of this.intrs.values()) {
      log({ device: intr.id, ok: true, message: `INTR sci id ${intr.sciId}: outputs ${formatRanges(intr.pool.ranges)} (${intr.pool.total}) -> ${intr.parent.id}` });
    }
    for (const inta of this.intas.values()) {
      log({
        device: inta.id,
        ok: true,
        message: `INTA sci id ${inta.sciId}: VINTs ${formatRanges(inta.vintPool.ranges)} (${inta.vintPool.total}), global events ${formatRanges(inta.eventPool.ranges)} (${inta.eventPool.total}) -> ${inta.parent.id}`,
      });
    }
    const probed = new Set<string>();
    const deferred = new Set<string>();
    let final = false;
    const probe = (id: string): void => {
      if (probed.has(id)) return;
      const dma = this.dmas.get(id);
      // A DMA needs its ring accelerator: one left out of the boot list probes first; one listed
      // later defers the DMA, whose probe is retried once its supplier has bound (as Linux's
      // deferred probe list does).
      if (dma && !t.boot.includes(dma.ringDevice.id)) probe(dma.ringDevice.id);
      if (dma && !dma.ringDevice.bound && !probed.has(dma.ringDevice.id) && !final) {
        deferred.add(id);
        return;
      }
      probed.add(id);
      deferred.delete(id);
      const dev = dma ? undefined : this.msiDevices.get(id);
      const client = this.clients.get(id);
      const before = this.descs.pool.used;
      const virqsSince = (): number[] => this.virqsAllocatedSince(before);
      try {
        if (dma) {
          const taken = dma.probe();
          log({ device: id, ok: true, message: this.describeProbe(dma.name, taken, virqsSince(), `${dma.pools.tx.total} tx and ${dma.pools.rx.total} rx channel events`) });
        } else if (dev) {
          const taken = this.probeMsiDevice(dev);
          log({ device: id, ok: true, message: this.describeProbe(dev.name, taken, virqsSince(), `GP rings ${dev.describeShare()}`) });
          for (const waiting of [...deferred]) if (this.dmas.get(waiting)?.ringDevice === dev) probe(waiting);
        } else if (client) {
          const virqs = client.probe();
          const how = client.chained === undefined ? '' : `, chained (${client.chained})`;
          log({ device: id, ok: true, message: `${client.name}: virq ${spanList(virqs)} via ${client.intr.id} input${client.inputs.length === 1 ? '' : 's'} ${spanList([...client.inputs])}${how}` });
        }
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        // -EPROBE_DEFER is no failure: really_probe puts the device on the deferred list.
        if (e instanceof ProbeDeferred) log({ device: id, ok: false, deferred: true, message: e.message });
        else log({ device: id, ok: false, message: `probe failed: ${e.code}: ${e.message}`, error: { code: e.code, message: e.message, pool: e.pool } });
      }
    };
    for (const id of t.boot) probe(id);
    // Suppliers that never bound leave their consumers deferred for good: say so.
    final = true;
    for (const id of [...deferred]) probe(id);
    this.logUnprobed(log, probed);
  }

  /** Every virq allocated since the virq pool held `before` (probe allocates in order). */
  private virqsAllocatedSince(before: number): number[] {
    return this.descs.pool.usedNumbers().slice(before);
  }

  /** ringacc probe: one MSI per GP ring of the share (ti_sci_inta_msi_domain_alloc_irqs), all or nothing. */
  private probeMsiDevice(dev: MsiDevice): MsiRecord[] {
    const taken = this.settings.mode === 'probe' ? this.msi.allocateAll(dev, dev.id) : [];
    dev.bound = true;
    return taken;
  }

  private logUnprobed(log: (e: BootEntry) => void, probed: Set<string>): void {
    const t = this.topology;
    for (const id of [...t.msiDevices.map((d) => d.id), ...t.dmas.map((d) => d.id), ...t.directClients.map((c) => c.id)]) {
      if (!probed.has(id)) log({ device: id, ok: false, message: 'not probed: not in the boot list' });
    }
  }

  private describeProbe(name: string, taken: MsiRecord[], virqs: number[], what: string): string {
    if (this.settings.mode === 'demand') return `${name}: probed; MSIs are allocated on demand`;
    const hw = this.settings.hardware === 'alloc' ? `, with hardware: ${probeVints(taken)}` : '; no hardware until request_irq';
    return `${name}: probed; ${plural(taken.length, 'MSI')} for ${what} (virqs ${spanList(virqs)}${hw})`;
  }

  // ---- lookups -----------------------------------------------------------------------------

  dma(id: string): DmaController {
    const dma = this.dmas.get(id);
    if (!dma) throw new CoreError('ENOENT', `unknown DMA controller ${quote(id)} (have: ${[...this.dmas.keys()].join(', ') || 'none'})`);
    return dma;
  }

  msiDevice(id: string): MsiDevice {
    // Most commands name the device the one before named: alloc-irq ringacc, again and again.
    const last = this.lastMsiDevice;
    return last !== undefined && id === last.id ? last : this.lookUpMsiDevice(id);
  }

  /** msiDevice for another device than the last: apart, so that msiDevice stays small enough to inline. */
  private lookUpMsiDevice(id: string): MsiDevice {
    const dev = this.msiDevices.get(id);
    if (dev) return (this.lastMsiDevice = dev);
    throw new CoreError('ENOENT', `unknown MSI device ${quote(id)} (have: ${[...this.msiDevices.keys()].join(', ') || 'none'})`);
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
    return this.poolById.get(id);
  }

  poolStats(): PoolStats[] {
    return this.pools.map((p) => p.stats());
  }

  channels(): Channel[] {
    return [...this.dmas.values()].flatMap((d) => d.allChannels());
  }

  // ---- operations --------------------------------------------------------------------------

  requestChannel(dmaId: string, dir: Direction, count = 1, mode?: ChannelMode): Channel[] {
    const dma = this.dma(dmaId);
    if (!Number.isInteger(count) || count < 1) throw new CoreError('EINVAL', `channel count must be at least 1, got ${count}`);
    const channels = dma.request(dir, count, mode);
    for (const ch of channels) {
      this.deliverPending(ch.msi);
      if (ch.event) this.deliverPending(ch.event);
    }
    return channels;
  }

  /**
   * request_irq starts the irq (irq_startup -> unmask: VINT_ENABLE_SET): an event raised while
   * its MSI had hardware but nobody had requested it, pending in STATUS, fires at once, as on
   * unmask-irq. Only where the hardware comes with the MSI (hardware alloc) can that be. The
   * VINT's STATUS is read first: nothing raised, the usual case, and nothing else is looked at.
   */
  private deliverPending(rec: MsiRecord): void {
    const ev = rec.event;
    if (ev !== undefined && !isEmpty64(ev.vint.status) && !rec.desc.masked) this.firePending(rec.device.inta, ev.vint);
  }

  /** A level VINT line with a pending, enabled bit fires at once, unless its parent is masked: what it delivered. */
  private firePending(inta: IntaDomain, v: VintDesc): DemuxedEvent[] {
    if (!hasPendingEnabled(v) || this.descs.get(v.parentVirq)!.masked) return [];
    return this.deliver(inta, v, undefined, 1);
  }

  releaseChannel(dmaId: string, dir: Direction, n: number): Channel {
    const dma = this.dma(dmaId);
    return dma.release(dir, n);
  }

  /**
   * alloc-irq: makes the MSI of one device index live, as a driver does under the design in
   * force: allocate it if MSIs come on demand, then request_irq it (taking the hardware when
   * that is where hardware is taken). `any` takes the lowest free index: a GP ring from the ring
   * pool (k3_ringacc_request_ring(-1)), or the lowest unrequested index of the share.
   */
  allocIrq(deviceId: string, index: number | 'any'): MsiRecord {
    const dev = this.msiDevice(deviceId);
    if (!dev.bound) throw this.notBound(dev.id);
    if (index !== 'any') this.checkShareIndex(dev, index);
    const idx = this.takeIndex(dev, index);
    // Given back in reverse order if a later step throws: the MSI this call allocated, then the ring.
    let allocated: MsiRecord | undefined;
    try {
      let rec = this.msi.find(dev, idx);
      if (rec !== undefined && rec.requestedBy !== undefined) throw alreadyRequested(rec);
      if (rec === undefined) {
        if (this.msisAtProbe) throw noProbeTimeMsi(dev, idx);
        rec = allocated = this.msi.allocate(dev, idx, 'alloc-irq');
      }
      this.msi.request(rec, 'alloc-irq', dev.trigger);
      this.deliverPending(rec);
      return rec;
    } catch (e) {
      this.giveBack(dev, idx, allocated);
      throw e;
    }
  }

  /** What a failed alloc-irq took, given back: apart from allocIrq, as rarely run. */
  private giveBack(dev: MsiDevice, idx: number, allocated: MsiRecord | undefined): void {
    if (allocated !== undefined) this.msi.free(allocated);
    dev.indexPool?.release(idx);
  }

  /** The index alloc-irq works on, taken: a ring from the ring pool, or a free index of the share. */
  private takeIndex(dev: MsiDevice, index: number | 'any'): number {
    const pool = dev.indexPool;
    // The usual case inline, the others apart: a ring from the ring pool.
    if (pool !== undefined && index === 'any') return pool.alloc() ?? this.noFreeRing(pool);
    return this.takeGivenIndex(dev, index);
  }

  private noFreeRing(pool: BitmapPool): never {
    throw pool.exhausted('EBUSY');
  }

  /** takeIndex of a given index, or of `any` on a device with no pool of its own. */
  private takeGivenIndex(dev: MsiDevice, index: number | 'any'): number {
    const pool = dev.indexPool;
    if (pool) {
      if (!pool.take(index as number)) throw this.indexTaken(dev, index as number);
      return index as number;
    }
    if (index !== 'any') return index;
    for (const i of dev.shareIndices()) if (this.msi.find(dev, i)?.requestedBy === undefined) return i;
    throw new CoreError('EBUSY', `${dev.id}: every index of its share is requested (${dev.describeShare()})`);
  }

  // The errors of alloc-irq, built apart from it: an operation run a million times is inlined by
  // V8 only while it is small, and the text of an error it rarely raises would count against it.

  /**
   * What a user of an unbound driver (a DMA, or an MSI device: ringacc, a DMA's own events) gets:
   * -EPROBE_DEFER whatever the reason, saying why (driverNotBound). A DMA's event device has the
   * DMA's id, and its probe is the DMA's.
   */
  notBound(id: string): CoreError {
    const dma = this.dmas.get(id);
    if (dma) return dma.notBound();
    const entry = this.bootLog.find((e) => e.device === id && !e.ok);
    const code = entry === undefined ? undefined : probeCode(entry);
    return driverNotBound(id, code === undefined ? undefined : { code });
  }

  private checkShareIndex(dev: MsiDevice, index: number): void {
    dev.checkIndex(index);
    if (!dev.inShare(index)) throw new CoreError('EINVAL', `${dev.id} ${index} is not in this host's share (${dev.describeShare()})`);
  }

  private indexTaken(dev: MsiDevice, index: number): CoreError {
    const ch = this.channels().find((c) => c.ring === index && c.msi.device === dev);
    const by = ch ? `the completion ring of ${ch.name}; release the channel instead` : `already requested by ${this.msi.find(dev, index)?.requestedBy ?? 'another user'}`;
    return new CoreError('EBUSY', `${dev.id} ${index} is ${by}`);
  }

  /** free-irq: free_irq on an MSI taken with alloc-irq; in designs that allocate on demand the MSI goes too. */
  freeIrq(virq: number): MsiRecord {
    const rec = this.msi.byVirqNumber(virq);
    if (!rec) throw this.notAnMsi(virq);
    if (rec.requestedBy !== 'alloc-irq') throw notFreeable(rec);
    this.msi.release(rec);
    if (this.msisOnDemand) this.msi.free(rec);
    rec.device.indexPool?.release(rec.index);
    return rec;
  }

  freeIrqOf(deviceId: string, index: number): MsiRecord {
    const dev = this.msiDevice(deviceId);
    dev.checkIndex(index);
    const rec = this.msi.find(dev, index);
    if (!rec || rec.requestedBy === undefined) throw new CoreError('ENOENT', `${dev.id} ${index} is not requested`);
    return this.freeIrq(rec.virq);
  }

  private notAnMsi(virq: number): CoreError {
    const desc = this.descs.get(virq);
    if (!desc) return new CoreError('ENOENT', `virq ${virq} is not allocated`);
    if (desc.kind === 'vint-parent') return new CoreError('EINVAL', `virq ${virq} is the parent of ${desc.name}; free its events instead`);
    if (desc.chained !== undefined) return new CoreError('EBUSY', `virq ${virq} belongs to ${desc.owner}, whose driver chained ${desc.chained} on it`);
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
      enableSetAddress: inta.registerAddress(v.vint, 'ENABLE_SET'),
      enableClearAddress: inta.registerAddress(v.vint, 'ENABLE_CLR'),
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
    // A chained handler is never counted (no kstat_incr_irqs_this_cpu): only the children are.
    const handled: DemuxedEvent[] = [];
    // Indexed, as the hot loops here are: for-of allocates an iterator until V8 optimizes it.
    const events = inta.demux(v);
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const rec = this.msi.byVirqNumber(e.virq)!;
      // The fired event is handled `times` times; a sibling that was pending, once.
      this.descs.count(rec.desc, cpu, e === fired ? times : 1);
      handled.push({ bit: e.bit, virq: e.virq, device: rec.device.id, index: rec.index, hwirq: e.hwirq, trigger: rec.trigger ?? 'edge' });
    }
    return handled;
  }

  /**
   * Affinity: refused for an INTA event (ti_sci_inta_set_affinity returns -EINVAL) and for a
   * VINT's parent (a chained interrupt has no /proc/irq entry: irq_set_chained_handler marks it
   * IRQ_NOREQUEST and it is never requested); a direct INTR client's line moves at the GIC.
   */
  /**
   * The descriptor of `virq`, or EINVAL: irq_set_affinity's __irq_set_affinity returns -EINVAL
   * when irq_to_desc finds none. Also for a verb to check its virq before its other arguments,
   * as the kernel does (no /proc/irq/N without a descriptor).
   */
  affinityTarget(virq: number): IrqDesc {
    const desc = this.descs.get(virq);
    if (!desc) throw new CoreError('EINVAL', `virq ${virq} is not allocated`);
    return desc;
  }

  setAffinity(virq: number, cpus: number[]): AffinityResult {
    const desc = this.affinityTarget(virq);
    if (cpus.length === 0) throw new CoreError('EINVAL', 'empty CPU list');
    for (const c of cpus) {
      if (!Number.isInteger(c) || c < 0 || c >= this.topology.cpus) throw noSuchCpu(c, this.topology.cpus);
    }
    if (desc.kind === 'msi') {
      const rec = this.msi.byVirqNumber(virq)!;
      const v = rec.event?.vint;
      if (!v) throw new CoreError('EINVAL', `virq ${virq} is an INTA event; the INTA cannot steer one event (ti_sci_inta_set_affinity)`);
      const siblings = v.events.filter((e) => e !== undefined).length - 1;
      const why =
        siblings > 0
          ? `virq ${virq} shares VINT ${v.vint} with ${plural(siblings, 'other event')}`
          : `virq ${virq} is an event of VINT ${v.vint}`;
      throw new CoreError('EINVAL', `${why}; the INTA cannot steer one event (ti_sci_inta_set_affinity), and VINT ${v.vint}'s parent virq ${v.parentVirq} is chained`);
    }
    if (desc.kind === 'vint-parent') {
      throw new CoreError('EINVAL', `virq ${virq} is the chained parent of ${desc.name}: /proc/irq has no entry for it, only the kernel could move it (and every event of the VINT with it)`);
    }
    if (desc.chained !== undefined) {
      throw new CoreError('EINVAL', `virq ${virq} (${desc.name}) is chained by its driver (${desc.chained}): /proc/irq has no entry for it, only the kernel could move it`);
    }
    desc.affinity = cpus.reduce((m, c) => m | (1 << c), 0);
    return { virq, cpus: cpusOf(desc.affinity), moved: [] };
  }

  /** The INTA and VINT whose chained handler runs on parent virq `virq`. */
  private vintOfParent(virq: number): { inta: IntaDomain; v: VintDesc } | undefined {
    for (const inta of this.intas.values()) {
      const v = inta.vints.find((x) => x.parentVirq === virq);
      if (v) return { inta, v };
    }
    return undefined;
  }

  /**
   * mask-irq / unmask-irq: disable_irq / enable_irq. A virq with no descriptor is EINVAL, what
   * upstream's __disable_irq_nosync returns when irq_get_desc_buslock (irq_to_desc) finds none
   * (enable_irq takes the same lookup and returns), as setAffinity. An MSI nobody requested has
   * no action to mask: ENOENT, as free-irq says of it.
   */
  setMasked(virq: number, masked: boolean): MaskResult {
    const desc = this.descs.get(virq);
    if (!desc) throw new CoreError('EINVAL', `virq ${virq} is not allocated: nothing to ${masked ? 'mask' : 'unmask'}`);
    const rec = desc.kind === 'msi' ? this.msi.byVirqNumber(virq)! : undefined;
    if (rec && rec.requestedBy === undefined) throw new CoreError('ENOENT', `virq ${virq} (${rec.device.id} ${rec.index}) is not requested: nothing to ${masked ? 'mask' : 'unmask'}`);
    desc.masked = masked;
    if (rec?.event) rec.device.inta.setEnabled(rec.event.hwirq, !masked);
    let delivered: DemuxedEvent[] = [];
    if (!masked) {
      const found = rec?.event ? { inta: rec.device.inta, v: rec.event.vint } : this.vintOfParent(virq);
      if (found) delivered = this.firePending(found.inta, found.v);
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
    let s = '';
    for (const p of this.pools) s += `${p.fingerprint()}\n`;
    for (const r of this.intrs.values()) s += `${r.fingerprint()}\n`;
    for (const a of this.intas.values()) s += `${a.fingerprint()}\n`;
    s += `${this.descs.fingerprint()}\n`;
    let sep = '';
    for (const c of this.channels()) {
      s += `${sep}${c.name}>${c.msi.virq}${c.event ? `+${c.event.virq}` : ''}`;
      sep = ',';
    }
    s += '\n';
    sep = '';
    for (const r of this.msi.all()) {
      s += `${sep}${r.virq}:${r.hwirq}:${r.allocatedBy}:${r.requestedBy ?? ''}`;
      sep = ',';
    }
    return `${s}\nunmapped:${this.unmapped}`;
  }
}
