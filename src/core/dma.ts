import { BitmapPool } from './bitmap-pool.js';
import { CoreError } from './errors.js';
import type { MsiDevice, MsiDomain, MsiRecord } from './msi.js';
import type { ChannelSpec } from './topology.js';

export type Direction = 'tx' | 'rx';

/** When a DMA channel's completion MSI is allocated. */
export type Mode = 'demand' | 'probe';

export interface Channel {
  dma: string;
  dir: Direction;
  n: number;
  /** "main_udmap:tx5" */
  name: string;
  ring: number;
  msi: MsiRecord;
}

export const channelName = (dma: string, dir: Direction, n: number): string => `${dma}:${dir}${n}`;

/**
 * A UDMA-P controller driver. In `demand` mode a channel's ring MSI is allocated when the channel is
 * requested; in `probe` mode the driver allocates MSIs for all its rings at probe (as
 * msi_domain_alloc_irqs did) and requesting a channel only binds one.
 */
export class DmaController {
  readonly pools: Record<Direction, BitmapPool>;
  private readonly channels = new Map<string, Channel>();
  /** Probe-time MSIs by ring, in mode probe. */
  private readonly probeMsis = new Map<number, MsiRecord>();
  /** A driver is bound only once its probe has run and succeeded. */
  private boundState: { state: 'unprobed' } | { state: 'bound' } | { state: 'failed'; error: CoreError } = { state: 'unprobed' };

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly name: string,
    readonly ringDevice: MsiDevice,
    readonly spec: Record<Direction, ChannelSpec>,
    readonly mode: Mode,
    private readonly msi: MsiDomain,
  ) {
    this.pools = {
      tx: new BitmapPool(`${id}.tx_chan`, id, [{ start: 0, count: spec.tx.count }]),
      rx: new BitmapPool(`${id}.rx_chan`, id, [{ start: 0, count: spec.rx.count }]),
    };
    for (const dir of ['tx', 'rx'] as const) {
      ringDevice.reserve({ start: spec[dir].ringBase, count: spec[dir].count }, (ring) =>
        channelName(id, dir, ring - spec[dir].ringBase),
      );
    }
  }

  /** Who holds a probe-time MSI while no channel is bound to it. */
  get probeOwner(): string {
    return `${this.id} (probe)`;
  }

  get bound(): boolean {
    return this.boundState.state === 'bound';
  }

  ringOf(dir: Direction, n: number): number {
    return this.spec[dir].ringBase + n;
  }

  /** Driver probe. In mode probe: every ring's MSI, all or nothing. Returns the MSIs taken. */
  probe(): MsiRecord[] {
    if (this.mode !== 'probe') {
      this.boundState = { state: 'bound' };
      return [];
    }
    const taken: MsiRecord[] = [];
    try {
      for (const dir of ['tx', 'rx'] as const) {
        for (let n = 0; n < this.spec[dir].count; n++) {
          const ring = this.ringOf(dir, n);
          taken.push(this.msi.alloc(this.ringDevice, ring, this.probeOwner, false));
        }
      }
    } catch (e) {
      for (let i = taken.length - 1; i >= 0; i--) this.msi.free(taken[i]);
      if (e instanceof CoreError) {
        const msg = `${e.message}, at MSI ${taken.length + 1} of ${this.spec.tx.count + this.spec.rx.count}; the ${taken.length} allocated before were freed`;
        const error = new CoreError(e.code, msg, e.pool);
        this.boundState = { state: 'failed', error };
        throw error;
      }
      throw e;
    }
    for (const rec of taken) this.probeMsis.set(rec.index, rec);
    this.boundState = { state: 'bound' };
    return taken;
  }

  /** Requests the lowest free channels, all or nothing. */
  request(dir: Direction, count: number): Channel[] {
    if (this.boundState.state === 'unprobed') throw new CoreError('ENODEV', `${this.id}: driver not bound: it is not in the topology's boot list`);
    if (this.boundState.state === 'failed') {
      throw new CoreError('ENODEV', `${this.id}: driver not bound: its probe failed with ${this.boundState.error.code} (see boot)`);
    }
    const granted: Channel[] = [];
    try {
      for (let k = 0; k < count; k++) granted.push(this.requestOne(dir));
    } catch (e) {
      for (let i = granted.length - 1; i >= 0; i--) this.releaseChannel(granted[i]);
      if (e instanceof CoreError && count > 1) {
        const tail = granted.length === 0 ? '' : `; the ${granted.length} granted before were released`;
        throw new CoreError(e.code, `${e.message}, at channel ${granted.length + 1} of ${count}${tail}`, e.pool);
      }
      throw e;
    }
    return granted;
  }

  release(dir: Direction, n: number): Channel {
    this.checkChannel(dir, n);
    const ch = this.channels.get(channelName(this.id, dir, n));
    if (ch === undefined) throw new CoreError('ENOENT', `${channelName(this.id, dir, n)} is not requested`);
    this.releaseChannel(ch);
    return ch;
  }

  channel(name: string): Channel | undefined {
    return this.channels.get(name);
  }

  allChannels(): Channel[] {
    return [...this.channels.values()].sort((a, b) => (a.dir === b.dir ? a.n - b.n : a.dir === 'tx' ? -1 : 1));
  }

  checkChannel(dir: Direction, n: number): void {
    const count = this.spec[dir].count;
    if (!Number.isInteger(n) || n < 0 || n >= count) {
      throw new CoreError('EINVAL', `${this.id}: ${dir} channel ${n} out of range (0-${count - 1})`);
    }
  }

  private requestOne(dir: Direction): Channel {
    const pool = this.pools[dir];
    const n = pool.alloc();
    if (n === undefined) throw pool.exhausted();
    const name = channelName(this.id, dir, n);
    const ring = this.ringOf(dir, n);
    let msi: MsiRecord;
    if (this.mode === 'probe') {
      msi = this.probeMsis.get(ring)!;
      this.msi.setOwner(msi, name);
    } else {
      try {
        msi = this.msi.alloc(this.ringDevice, ring, name, false);
      } catch (e) {
        pool.release(n);
        throw e;
      }
    }
    const ch: Channel = { dma: this.id, dir, n, name, ring, msi };
    this.channels.set(name, ch);
    return ch;
  }

  private releaseChannel(ch: Channel): void {
    if (this.mode === 'demand') this.msi.free(ch.msi);
    else this.msi.setOwner(ch.msi, this.probeOwner);
    this.channels.delete(ch.name);
    this.pools[ch.dir].release(ch.n);
  }
}
