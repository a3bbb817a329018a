import { BitmapPool } from './bitmap-pool.js';
import { denseOver, type DenseMap } from './dense-map.js';
import type { EventDesc, IntaDomain } from './domains/inta.js';
import { CoreError } from './errors.js';
import type { IrqDescs } from './irq-descs.js';
import { formatRanges, type Range } from './ranges.js';
import { runAlone } from './steps.js';

/** A device that raises MSIs through an INTA (the ring accelerator). */
export class MsiDevice {
  /** Indices this host may take with `alloc-irq` (`<id>.gp_ring`-style pool). */
  readonly freePool: BitmapPool;
  private readonly reserved: Array<{ range: Range; label: (index: number) => string }> = [];

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly name: string,
    readonly indices: number,
    readonly inta: IntaDomain,
    free: Range[],
    poolName: string,
  ) {
    this.freePool = new BitmapPool(`${id}.${poolName}`, id, free);
  }

  hwirq(index: number): number {
    return ((this.sciId << 16) | index) >>> 0;
  }

  /** Marks indices as belonging to another driver (a DMA controller's completion rings). */
  reserve(range: Range, label: (index: number) => string): void {
    this.reserved.push({ range, label });
  }

  reservedBy(index: number): string | undefined {
    for (const r of this.reserved) if (index >= r.range.start && index < r.range.start + r.range.count) return r.label(index);
    return undefined;
  }

  checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.indices) {
      throw new CoreError('EINVAL', `${this.id}: index ${index} out of range (0-${this.indices - 1})`);
    }
  }

  describeFree(): string {
    return formatRanges(this.freePool.ranges);
  }
}

/** One live MSI: a child virq whose event is mapped through an INTA. */
export interface MsiRecord {
  virq: number;
  device: MsiDevice;
  index: number;
  owner: string;
  /** True when taken with alloc-irq, so free-irq may release it. */
  userOwned: boolean;
  event: EventDesc;
}

/** The ti_sci_inta_msi layer: allocates a child virq and an INTA event for (device, index). */
export class MsiDomain {
  private readonly byVirq: DenseMap<MsiRecord>;
  /** by hwirq, which is unique across devices (sci dev id << 16 | index) */
  private readonly byHwirq = new Map<number, MsiRecord>();

  constructor(private readonly descs: IrqDescs) {
    this.byVirq = denseOver(descs.pool.ranges);
  }

  alloc(device: MsiDevice, index: number, owner: string, userOwned: boolean, cpu = 'cpu0'): MsiRecord {
    device.checkIndex(index);
    const hwirq = device.hwirq(index);
    const existing = this.byHwirq.get(hwirq);
    if (existing) throw new CoreError('EEXIST', `${device.id} ${index} already has an MSI (virq ${existing.virq}, ${existing.owner})`);
    const desc = this.descs.alloc({ kind: 'msi', chip: device.inta.id, hwirq, name: `${device.id} ${index}`, owner });
    if (desc === undefined) throw this.descs.pool.exhausted();
    let event: EventDesc;
    try {
      event = runAlone(device.inta.allocSteps(hwirq, desc.virq, owner, cpu, false));
    } catch (e) {
      this.descs.free(desc.virq);
      throw e;
    }
    desc.parentVirq = event.vint.parentVirq;
    const rec: MsiRecord = { virq: desc.virq, device, index, owner, userOwned, event };
    this.byVirq.set(rec.virq, rec);
    this.byHwirq.set(hwirq, rec);
    return rec;
  }

  free(rec: MsiRecord, cpu = 'cpu0'): void {
    runAlone(rec.device.inta.freeSteps(rec.event.hwirq, cpu, false));
    this.byVirq.delete(rec.virq);
    this.byHwirq.delete(rec.event.hwirq);
    this.descs.free(rec.virq);
  }

  /** A probe-time MSI changes hands when a channel binds it, and back when it is released. */
  setOwner(rec: MsiRecord, owner: string): void {
    rec.owner = owner;
    this.descs.get(rec.virq)!.owner = owner;
  }

  byVirqNumber(virq: number): MsiRecord | undefined {
    return this.byVirq.get(virq);
  }

  find(device: MsiDevice, index: number): MsiRecord | undefined {
    return this.byHwirq.get(device.hwirq(index));
  }

  all(): MsiRecord[] {
    return this.byVirq.values();
  }
}
