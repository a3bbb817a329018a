import { BitmapPool } from './bitmap-pool.js';
import { DenseMap } from './dense-map.js';

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
  /** Per-CPU handled counts. */
  counts: number[];
  /** Affinity as a CPU bitmask; children of a VINT follow their parent's. */
  affinity: number;
  masked: boolean;
  /** For an INTA event: the parent virq whose chained handler demultiplexes it. */
  parentVirq?: number;
  /** request_irq done (an action is installed); direct clients' and VINT parents' always are. */
  requested?: boolean;
  trigger?: 'level' | 'edge';
}

/** The virq number space and its descriptors (the kernel's irq_desc table). */
export class IrqDescs {
  readonly pool: BitmapPool;
  private readonly descs: DenseMap<IrqDesc>;
  /** Copied for each new descriptor's counts: slice() of a packed array beats new Array(n).fill(0). */
  private readonly zeroCounts: number[];

  constructor(first: number, count: number, readonly cpus: number) {
    this.pool = new BitmapPool('virq', 'linux', [{ start: first, count }]);
    this.descs = new DenseMap(first, count);
    this.zeroCounts = new Array<number>(cpus).fill(0);
  }

  get allCpus(): number {
    return this.cpus >= 31 ? 0x7fffffff : (1 << this.cpus) - 1;
  }

  /** Allocates the lowest free virq and its descriptor; undefined when the space is exhausted. */
  alloc(d: Omit<IrqDesc, 'virq' | 'counts' | 'affinity' | 'masked' | 'requested'>): IrqDesc | undefined {
    const virq = this.pool.alloc();
    if (virq === undefined) return undefined;
    // Field by field: a spread into a fresh literal is a slow path in V8.
    const desc: IrqDesc = {
      virq,
      kind: d.kind,
      chip: d.chip,
      hwirq: d.hwirq,
      name: d.name,
      owner: d.owner,
      counts: this.zeroCounts.slice(),
      affinity: this.allCpus,
      masked: false,
      parentVirq: d.parentVirq,
      requested: d.kind !== 'msi',
      trigger: d.trigger,
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
    for (const c of counts) n += c;
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
    return this.all()
      .map((d) => `${d.virq}:${d.kind}:${d.chip}:${d.hwirq}:${d.owner}:${d.affinity}:${d.masked ? 1 : 0}:${d.parentVirq ?? ''}:${d.requested ? 1 : 0}:${d.trigger ?? ''}:${d.counts.join(',')}`)
      .join('|');
  }
}
