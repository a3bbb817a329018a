import { BitmapPool } from './bitmap-pool.js';
import type { Mode } from './designs.js';
import { CoreError, driverNotBound, failedPartWay, heldOfPool, ProbeDeferred } from './errors.js';
import { formatRanges } from './ranges.js';
import type { MsiDevice, MsiDomain, MsiRecord } from './msi.js';
import type { ChannelSpec } from './topology.js';

export type Direction = 'tx' | 'rx';
export type { Mode } from './designs.js';

/**
 * The channel modes, as request-channel and capacity take them and menus offer them: packet mode
 * completes on the ring only; TR mode also raises the channel's own UDMA event.
 */
export const CHANNEL_MODES = ['pkt', 'tr'] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];

/** What request-channel (and capacity, and a count of grantable channels) takes when no mode is given. */
export const DEFAULT_CHANNEL_MODE: ChannelMode = 'pkt';

export interface Channel {
  dma: string;
  dir: Direction;
  /** The channel id (tchan or rchan). */
  n: number;
  /** "main_udmap:tx8" */
  name: string;
  mode: ChannelMode;
  /** The completion ring, a GP ring of the ring device. */
  ring: number;
  /** The completion ring's MSI. */
  msi: MsiRecord;
  /** TR mode: the channel's UDMA event MSI (tchan id, or rx offset + rchan id). */
  event: MsiRecord | undefined;
}

export const channelName = (dma: string, dir: Direction, n: number): string => `${dma}:${dir}${n}`;

/**
 * A UDMA-P controller driver (k3-udma.c). At probe (udma_setup_resources) it allocates one MSI
 * per channel of its share when MSIs come at probe. A channel request (udma_alloc_chan_resources)
 * takes the lowest free normal-capacity channel, a completion ring from the ring device's GP
 * pool (k3_ringacc_request_rings_pair(.., -1)), and requests the ring's irq and, in TR mode, the
 * channel's own UDMA event.
 */
export class DmaController {
  readonly pools: Record<Direction, BitmapPool>;
  private readonly channels = new Map<string, Channel>();
  private boundState: { state: 'unprobed' } | { state: 'bound' } | { state: 'failed'; error: CoreError } = { state: 'unprobed' };

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly name: string,
    readonly ringDevice: MsiDevice,
    /** This controller's own MSI source: its TR events. */
    readonly events: MsiDevice,
    readonly spec: Record<Direction, ChannelSpec>,
    readonly rxEventOffset: number,
    readonly mode: Mode,
    private readonly msi: MsiDomain,
    /**
     * The system's pools (the first of an id wins), read when a request fails: to tell how much
     * of the pool that ran out the request itself gave back.
     */
    private readonly allPools: readonly BitmapPool[],
  ) {
    this.pools = {
      tx: new BitmapPool(`${id}.tx_chan`, id, spec.tx.share),
      rx: new BitmapPool(`${id}.rx_chan`, id, spec.rx.share),
    };
  }

  get bound(): boolean {
    return this.boundState.state === 'bound';
  }

  /** The MSI index of a channel's UDMA event. */
  eventIndex(dir: Direction, n: number): number {
    return dir === 'tx' ? n : this.rxEventOffset + n;
  }

  /**
   * The channel whose UDMA event has MSI index `index` (eventIndex's inverse): a tchan of the share
   * if it is one, else rxEventOffset + an rchan. A tx id may lie above the offset (upstream does
   * not forbid it; the topology's validation keeps the two sets of indices apart).
   */
  eventChannel(index: number): { dir: Direction; n: number } {
    return this.pools.tx.contains(index) ? { dir: 'tx', n: index } : { dir: 'rx', n: index - this.rxEventOffset };
  }

  /** Driver probe: in designs that allocate MSIs at probe, one per channel of the share, all or nothing. */
  probe(): MsiRecord[] {
    if (!this.ringDevice.bound) {
      const error = new ProbeDeferred(this.ringDevice.id);
      this.boundState = { state: 'failed', error };
      throw error;
    }
    let taken: MsiRecord[] = [];
    if (this.mode === 'probe') {
      try {
        taken = this.msi.allocateAll(this.events, this.id);
      } catch (e) {
        if (e instanceof CoreError) this.boundState = { state: 'failed', error: e };
        throw e;
      }
    }
    this.events.bound = true;
    this.boundState = { state: 'bound' };
    return taken;
  }

  /**
   * What a user of this driver gets while it is not bound (-EPROBE_DEFER: dma_request_chan finds
   * no registered controller), saying why: the supplier a deferred probe waits for, a failed
   * probe's code, or that it never ran.
   */
  notBound(): CoreError {
    return driverNotBound(this.id, this.boundState.state === 'failed' ? this.boundState.error : undefined);
  }

  /** Requests the lowest free channels, all or nothing. */
  request(dir: Direction, count: number, mode: ChannelMode = DEFAULT_CHANNEL_MODE): Channel[] {
    if (this.boundState.state !== 'bound') throw this.notBound();
    const granted: Channel[] = [];
    try {
      for (let k = 0; k < count; k++) granted.push(this.requestOne(dir, mode));
    } catch (e) {
      for (let i = granted.length - 1; i >= 0; i--) this.releaseChannel(granted[i]);
      if (e instanceof CoreError && count > 1) throw failedPartWay(e, 'channel', granted.length, count, 'granted', 'released');
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
    if (!Number.isInteger(n) || !this.pools[dir].contains(n)) {
      throw new CoreError('EINVAL', `${this.id}: ${dir} channel ${n} is not one of this host's (${this.describe(dir)})`);
    }
  }

  describe(dir: Direction): string {
    return formatRanges(this.pools[dir].ranges);
  }

  private requestOne(dir: Direction, mode: ChannelMode): Channel {
    const pool = this.pools[dir];
    const first = this.spec[dir].firstNormal;
    // __udma_reserve_tchan/rchan: find_next_zero_bit from the normal throughput level's start.
    const n = pool.allocFrom(first);
    if (n === undefined) {
      const normal = pool.ranges.reduce((k, r) => k + Math.max(0, r.start + r.count - Math.max(r.start, first)), 0);
      throw new CoreError('ENOENT', `${pool.id}: no free normal-capacity ${dir} channel (${normal} of ${normal} from ${first} in use; ${pool.used}/${pool.total} used)`, pool.usage());
    }
    const name = channelName(this.id, dir, n);
    const rings = this.ringDevice.indexPool!;
    // What this request has taken, given back in reverse order if a later step throws.
    let ring: number | undefined;
    let msi: MsiRecord | undefined;
    try {
      ring = rings.alloc();
      // udma_alloc_tx/rx_resources turn a failed k3_ringacc_request_rings_pair into -EBUSY.
      if (ring === undefined) throw new CoreError('EBUSY', `${rings.id} exhausted (${rings.used}/${rings.total} used): no completion ring for ${name}`, rings.usage());
      msi = this.requestIrq(this.ringDevice, ring, name, 'level');
      const event = mode === 'tr' ? this.requestIrq(this.events, this.eventIndex(dir, n), name, 'edge') : undefined;
      const ch: Channel = { dma: this.id, dir, n, name, mode, ring, msi, event };
      this.channels.set(name, ch);
      return ch;
    } catch (e) {
      let held = 0;
      if (msi !== undefined) {
        // The ring MSI may hold some of the pool its TR event found empty (on demand, its own
        // virq; with a VINT of its own, an INTR output, a SPI, a parent virq): counted as it goes.
        const ranOut = e instanceof CoreError && e.pool !== undefined ? this.allPools.find((p) => p.id === e.pool!.id) : undefined;
        const before = ranOut?.used ?? 0;
        this.freeIrq(msi);
        held = before - (ranOut?.used ?? 0);
      }
      if (ring !== undefined) rings.release(ring);
      pool.release(n);
      throw e instanceof CoreError ? heldOfPool(e, held, "this channel's ring MSI", 'released') : e;
    }
  }

  /** msi_get_virq + request_irq; on demand the MSI is allocated first. A failure leaves nothing taken. */
  private requestIrq(dev: MsiDevice, index: number, name: string, trigger: 'level' | 'edge'): MsiRecord {
    let rec = this.msi.find(dev, index);
    let allocated = false;
    if (this.mode === 'demand') {
      if (rec === undefined) {
        rec = this.msi.allocate(dev, index, name);
        allocated = true;
      }
    } else if (rec === undefined) {
      throw new CoreError('EINVAL', `${dev.id} ${index} has no MSI (msi_get_virq returned 0)`);
    }
    try {
      this.msi.request(rec, name, trigger);
    } catch (e) {
      if (allocated) this.msi.free(rec);
      throw e;
    }
    return rec;
  }

  /** free_irq, and on demand the MSI goes too: what requestIrq took, in reverse. */
  private freeIrq(rec: MsiRecord): void {
    this.msi.release(rec);
    if (this.mode === 'demand') this.msi.free(rec);
  }

  private releaseChannel(ch: Channel): void {
    if (ch.event) this.freeIrq(ch.event);
    this.freeIrq(ch.msi);
    this.ringDevice.indexPool!.release(ch.ring);
    this.channels.delete(ch.name);
    this.pools[ch.dir].release(ch.n);
  }
}
