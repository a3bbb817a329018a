import { BitmapPool } from './bitmap-pool.js';
import type { Hardware } from './designs.js';
import type { EventDesc, IntaDomain } from './domains/inta.js';
import { CoreError, failedPartWay } from './errors.js';
import type { IrqDesc, IrqDescs } from './irq-descs.js';
import { formatRanges, type Range } from './ranges.js';

/** How a requested irq fires: ring irqs are level (IRQF_TRIGGER_HIGH), UDMA TR events edge. */
export type Trigger = 'level' | 'edge';

/** A device that raises MSIs through an INTA: the ring accelerator, or a UDMA-P's own TR events. */
export class MsiDevice {
  /**
   * Indices this host hands out one at a time (`ringacc.gp_ring`: k3_ringacc_request_ring(-1)
   * takes the first free GP ring); none for a device whose indices are its channels.
   */
  readonly indexPool: BitmapPool | undefined;
  /** The driver has probed (its MSIs exist, in designs that allocate them at probe). */
  bound = false;
  /** Each index's descriptor name, made once: an MSI is allocated and freed again and again. */
  private readonly names: string[] = [];
  /**
   * The MSI of each index, if it has one: the device's own store of its descriptors, as Linux
   * keeps them per device by index (dev->msi.data's xarray). MsiDomain's to fill and empty; an
   * array slot per index, where a map keyed by hwirq cost a lookup of the device first.
   */
  readonly msis: Array<MsiRecord | undefined>;

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly name: string,
    /** Size of the index space in hardware (rings), for range checks. */
    readonly indices: number,
    readonly inta: IntaDomain,
    /** Linux's share of indices: one MSI each at probe. */
    readonly share: readonly Range[],
    readonly trigger: Trigger,
    poolName: string | undefined,
  ) {
    this.indexPool = poolName === undefined ? undefined : new BitmapPool(`${id}.${poolName}`, id, share);
    // Filled with undefined, not left holey: a packed array's slots load faster.
    this.msis = new Array<MsiRecord | undefined>(indices).fill(undefined);
  }

  /** TO_HWIRQ(dev, index) in irq-ti-sci-inta.c: sci dev id << 16 | index. */
  hwirq(index: number): number {
    return ((this.sciId << 16) | index) >>> 0;
  }

  /** The name /proc/interrupts shows for the MSI of `index`: "ringacc 304". */
  descName(index: number): string {
    return (this.names[index] ??= `${this.id} ${index}`);
  }

  inShare(index: number): boolean {
    return this.share.some((r) => index >= r.start && index < r.start + r.count);
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.indices) throw this.outOfRange(index);
  }

  private outOfRange(index: number): CoreError {
    return new CoreError('EINVAL', `${this.id}: index ${index} out of range (0-${this.indices - 1})`);
  }

  describeShare(): string {
    return formatRanges(this.share);
  }

  *shareIndices(): Generator<number> {
    for (const r of this.share) for (let i = r.start; i < r.start + r.count; i++) yield i;
  }
}

/** One MSI: a descriptor and child virq, and, while its hardware is taken, an INTA event. */
export interface MsiRecord {
  virq: number;
  device: MsiDevice;
  index: number;
  hwirq: number;
  /** Who allocated it: the driver at probe, or the requester on demand. */
  allocatedBy: string;
  /** Who requested it (request_irq), if anyone: a channel or `alloc-irq`. */
  requestedBy: string | undefined;
  trigger: Trigger | undefined;
  /** The hardware (global event, VINT bit), while taken. */
  event: EventDesc | undefined;
  /** Its virq's descriptor, held rather than looked up on every request and release. */
  desc: IrqDesc;
}

/** Who holds an MSI, as routes and /proc show it. */
export const holderOf = (rec: MsiRecord): string => rec.requestedBy ?? rec.allocatedBy;

// Errors built apart from the operations that raise them, which V8 inlines only while small.
const hasAnMsi = (rec: MsiRecord): CoreError =>
  new CoreError('EEXIST', `${rec.device.id} ${rec.index} already has an MSI (virq ${rec.virq}, ${holderOf(rec)})`);
const requestedTwice = (rec: MsiRecord): CoreError =>
  new CoreError('EBUSY', `virq ${rec.virq} (${rec.device.id} ${rec.index}) is already requested by ${rec.requestedBy}`);
const internal = (what: string, rec: MsiRecord, why: string): Error => new Error(`internal: ${what} virq ${rec.virq}, ${why}`);
const stillRequested = (rec: MsiRecord): Error => internal('freeing', rec, `still requested by ${rec.requestedBy}`);

/**
 * The ti_sci_inta_msi layer, in two phases as upstream: allocating an MSI creates its descriptor
 * and virq ("No actual allocation happens here", ti_sci_inta_irq_domain_alloc); the hardware is
 * taken by ti_sci_inta_request_resources at request_irq and given back at free_irq. Designs that
 * take the hardware with the allocation (the RFC, probe-all) do both at once.
 */
export class MsiDomain {
  // By virq an MSI is found through its descriptor (IrqDesc.msi), by device and index through the
  // device (MsiDevice.msis): no table of its own.

  /**
   * `hardware`, as flags read on every allocation and request: a string compared in optimized
   * code is first checked to be an internalized string (its map and type loaded), a flag not.
   */
  private readonly hardwareAtAlloc: boolean;
  private readonly hardwareAtRequest: boolean;

  constructor(
    private readonly descs: IrqDescs,
    readonly hardware: Hardware,
  ) {
    this.hardwareAtAlloc = hardware === 'alloc';
    this.hardwareAtRequest = hardware === 'request';
  }

  /**
   * A driver's probe (ti_sci_inta_msi_domain_alloc_irqs): an MSI for every index of the device's
   * share, all or nothing; a failure part way frees what was allocated and says where.
   */
  allocateAll(device: MsiDevice, allocatedBy: string): MsiRecord[] {
    const indices = [...device.shareIndices()];
    const taken: MsiRecord[] = [];
    try {
      for (const index of indices) taken.push(this.allocate(device, index, allocatedBy));
    } catch (e) {
      for (let i = taken.length - 1; i >= 0; i--) this.free(taken[i]);
      if (e instanceof CoreError) throw failedPartWay(e, 'MSI', taken.length, indices.length, 'allocated', 'freed');
      throw e;
    }
    return taken;
  }

  /** msi_domain_alloc: a descriptor and virq for (device, index); with hardware 'alloc', the event too. */
  allocate(device: MsiDevice, index: number, allocatedBy: string): MsiRecord {
    device.checkIndex(index);
    const existing = device.msis[index];
    if (existing) throw hasAnMsi(existing);
    const hwirq = device.hwirq(index);
    const desc = this.descs.alloc('msi', device.inta.id, hwirq, device.descName(index), allocatedBy);
    // __msi_domain_alloc_irqs turns any failure into -ENOSPC on a non-PCI bus (msi_handle_pci_fail).
    if (desc === undefined) throw this.descs.pool.exhausted('ENOSPC');
    const rec: MsiRecord = { virq: desc.virq, device, index, hwirq, allocatedBy, requestedBy: undefined, trigger: undefined, event: undefined, desc };
    if (this.hardwareAtAlloc) this.takeHardwareWith(rec);
    desc.msi = rec;
    device.msis[index] = rec;
    return rec;
  }

  /** allocate's hardware, where it comes with the MSI: the descriptor goes back if none can be had. */
  private takeHardwareWith(rec: MsiRecord): void {
    try {
      this.takeHardware(rec);
    } catch (e) {
      this.descs.free(rec.virq);
      throw e;
    }
  }

  /** request_irq: the first action requests the resources (hardware 'request'). */
  request(rec: MsiRecord, requestedBy: string, trigger: Trigger): void {
    if (rec.requestedBy !== undefined) throw requestedTwice(rec);
    rec.requestedBy = requestedBy;
    if (this.hardwareAtRequest) {
      try {
        this.takeHardware(rec);
      } catch (e) {
        rec.requestedBy = undefined;
        throw e;
      }
    }
    rec.trigger = trigger;
    // irq_startup -> unmask: ti_sci_inta_unmask_irq sets the bit in VINT_ENABLE_SET.
    rec.device.inta.enableEvent(rec.event!);
    const desc = rec.desc;
    desc.owner = requestedBy;
    desc.trigger = trigger;
    desc.requested = true;
  }

  /** free_irq: the last action releases the resources (hardware 'request'); the MSI stays. */
  release(rec: MsiRecord): void {
    if (rec.requestedBy === undefined) throw internal('free_irq of', rec, 'which is not requested');
    // irq_shutdown masks the event (VINT_ENABLE_CLR) before the resources are released.
    rec.device.inta.disableEvent(rec.event!);
    if (this.hardwareAtRequest) this.releaseHardware(rec);
    rec.requestedBy = undefined;
    rec.trigger = undefined;
    const desc = rec.desc;
    desc.owner = rec.allocatedBy;
    desc.trigger = undefined;
    desc.requested = false;
    desc.masked = false;
  }

  /** msi_domain_free: the descriptor and virq go (and the hardware, if it came with them). */
  free(rec: MsiRecord): void {
    if (rec.requestedBy !== undefined) throw stillRequested(rec);
    if (rec.event) this.releaseHardware(rec);
    rec.desc.msi = undefined;
    rec.device.msis[rec.index] = undefined;
    this.descs.free(rec.virq);
  }

  // Nothing interleaves here: the INTA's plain-call path, kept equal to its steps by a property test.
  private takeHardware(rec: MsiRecord, cpu = 'cpu0'): void {
    const event = rec.device.inta.allocAlone(rec.hwirq, rec.virq, holderOf(rec), cpu);
    rec.event = event;
    rec.desc.parentVirq = event.vint.parentVirq;
  }

  private releaseHardware(rec: MsiRecord, cpu = 'cpu0'): void {
    rec.device.inta.freeAlone(rec.hwirq, cpu);
    rec.event = undefined;
    rec.desc.parentVirq = undefined;
  }

  byVirqNumber(virq: number): MsiRecord | undefined {
    return this.descs.get(virq)?.msi;
  }

  /** The MSI of `index` (in the device's range: callers check it first), if it has one. */
  find(device: MsiDevice, index: number): MsiRecord | undefined {
    return device.msis[index];
  }

  all(): MsiRecord[] {
    const out: MsiRecord[] = [];
    for (const d of this.descs.all()) if (d.msi !== undefined) out.push(d.msi);
    return out;
  }
}
