import { BitmapPool } from '../bitmap-pool.js';
import { CoreError } from '../errors.js';
import type { Range } from '../ranges.js';
import { SPI_BASE, type ParentDomain, type ParentPath } from './domain.js';

/** The GIC's SPI lines that the routers can reach, by GIC hwirq (SPI number + 32). */
export class GicDomain implements ParentDomain {
  readonly pool: BitmapPool;

  constructor(
    readonly id: string,
    readonly name: string,
    lines: Range[],
  ) {
    this.pool = new BitmapPool(`${id}.spi`, id, lines);
  }

  alloc(hwirq: number): ParentPath {
    if (!this.pool.contains(hwirq)) throw new CoreError('EINVAL', `${this.id}: hwirq ${hwirq} (SPI ${hwirq - SPI_BASE}) is not a line any router reaches`);
    if (!this.pool.take(hwirq)) throw new CoreError('EBUSY', `${this.id}: SPI ${hwirq - SPI_BASE} (hwirq ${hwirq}) is already in use`, this.pool.usage());
    return { hops: [], gicHwirq: hwirq };
  }

  free(hwirq: number): void {
    this.pool.release(hwirq);
  }

  path(hwirq: number): ParentPath | undefined {
    return this.pool.isUsed(hwirq) ? { hops: [], gicHwirq: hwirq } : undefined;
  }

  fingerprint(): string {
    return this.pool.fingerprint();
  }
}
