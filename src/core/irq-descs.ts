import { BitmapPool } from './bitmap-pool.js';
import { DenseMap } from './dense-map.js';
import type { MsiRecord } from './msi.js';

export type IrqKind = 'msi' | 'vint-parent' | 'direct';

/** A Linux interrupt descriptor: what /proc/interrupts shows for one virq. */
export interface IrqDesc {
  virq: number;
  kind: IrqKind;
  /** The irq domain (chip) that owns the hwirq. */
  chip: string;
  hwirq: number;
  name: string;
  /** Who asked for it: a driver, a DMA channel, or `alloc-irq`. */
  owner: string;
  /** Per-CPU handled counts; shared zeros until the first count (IrqDescs.count copies them). */
  counts: readonly number[];
  /** Affinity as a CPU bitmask; children of a VINT follow their parent's. */
  affinity: number;
  masked: boolean;
  /** For an INTA event: the parent virq whose chained handler demultiplexes it. */
  parentVirq?: number;
  /** request_irq done (an action is installed); direct clients' and VINT parents' always are. */
  requested?: boolean;
  trigger?: 'level' | 'edge';
  /** The flow handler a driver chained on it instead of requesting it (gpio_irq_handler). */
  chained: string | undefined;
  /** An MSI's descriptor: its MSI, as irq_data holds its msi_desc (irq_data_get_msi_desc). */
  msi: MsiRecord | undefined;
}

/** The virq number space and its descriptors (the kernel's irq_desc table). */
export class IrqDescs {
  readonly pool: BitmapPool;
  private readonly descs: DenseMap<IrqDesc>;
  /** Every new descriptor's counts until it first fires: most are freed without ever firing. */
  private readonly zeroCounts: readonly number[];
  /** Every CPU, as an affinity mask. */
  readonly allCpus: number;

  constructor(first: number, count: number, readonly cpus: number) {
    this.pool = new BitmapPool('virq', 'linux', [{ start: first, count }]);
    this.descs = new DenseMap(first, count);
    this.zeroCounts = Object.freeze(new Array<number>(cpus).fill(0));
    this.allCpus = cpus >= 31 ? 0x7fffffff : (1 << cpus) - 1;
  }

  /** Counts `n` more handled interrupts of `desc` on `cpu`. */
  count(desc: IrqDesc, cpu: number, n: number): void {
    const counts = desc.counts === this.zeroCounts ? (desc.counts = this.zeroCounts.slice()) : desc.counts;
    (counts as number[])[cpu] += n;
  }

  /** Allocates the lowest free virq and its descriptor; undefined when the space is exhausted. */
  alloc(kind: IrqKind, chip: string, hwirq: number, name: string, owner: string): IrqDesc | undefined {
    const virq = this.pool.alloc();
    if (virq === undefined) return undefined;
    // Every field in one literal, always in this order, so descriptors share one hidden class.
    const desc: IrqDesc = {
      virq,
      kind,
      chip,
      hwirq,
      name,
      owner,
      counts: this.zeroCounts,
      affinity: this.allCpus,
      masked: false,
      parentVirq: undefined,
      requested: kind !== 'msi',
      trigger: undefined,
      chained: undefined,
      msi: undefined,
    };
    this.descs.set(virq, desc);
    return desc;
  }

  free(virq: number): void {
    this.descs.delete(virq);
    this.pool.release(virq);
  }

  get(virq: number): IrqDesc | undefined {
    return this.descs.get(virq);
  }

  /** Handled count over all CPUs. */
  total(virq: number): number {
    const counts = this.descs.get(virq)!.counts;
    let n = 0;
    for (let i = 0; i < counts.length; i++) n += counts[i];
    return n;
  }

  all(): IrqDesc[] {
    return this.descs.values();
  }

  /** The CPU an interrupt is delivered to: the lowest CPU of its (parent's) affinity. */
  effectiveCpu(desc: IrqDesc): number {
    const parent = desc.parentVirq === undefined ? undefined : this.descs.get(desc.parentVirq);
    const mask = parent ? parent.affinity : desc.affinity;
    return 31 - Math.clz32(mask & -mask);
  }

  fingerprint(): string {
    // Most descriptors have never fired: their counts are the shared zeros, spelled once.
    const zeros = this.zeroCounts;
    const zerosText = zeros.join(',');
    let s = '';
    let sep = '';
    for (const d of this.all()) {
      s += `${sep}${d.virq}:${d.kind}:${d.chip}:${d.hwirq}:${d.owner}:${d.affinity}:${d.masked ? 1 : 0}:${d.parentVirq ?? ''}:${d.requested ? 1 : 0}:${d.trigger ?? ''}:${d.counts === zeros ? zerosText : d.counts.join(',')}`;
      sep = '|';
    }
    return s;
  }
}
