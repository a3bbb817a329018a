import type { Direction } from '../dma.js';
import { channelName } from '../dma.js';
import { CoreError } from '../errors.js';
import { holderOf, type MsiDevice } from '../msi.js';
import { acquire, quietSteps, waitFor, type Step, type StepName, type Steps } from '../steps.js';
import type { System } from '../system.js';
import type { Ledger } from './ledger.js';
import type { Locks } from './locks.js';

/**
 * The operations `interleave` runs, one per CPU: each a factory of steps over a System. The INTA
 * part is the core's own stepped code (allocSteps / freeSteps); the MSI-layer part around it
 * (index, descriptor, virq) is composed here. Under `--lock device` it is steps too, under the
 * device's MSI mutex (Linux 6.2's msi_lock_descs), released before the INTA is touched, as
 * msi_domain_alloc_irq_at returns before request_irq takes the hardware. Under the other
 * settings it is no choice point: an allocation's part runs with its first step (the scheduler
 * starts an operation when it first schedules it), a free's with its last; each pool draw is
 * atomic, so stepping it would only multiply the schedules (two 9-step INTA allocations: 48,620;
 * with two more steps each: 705,432). One exception: an `any` index allocated on demand from a
 * device's whole index space (no pool of its own) with no MSI mutex (`none`, `list`) is two steps, the read of the
 * lowest free index and the insertion of its descriptor, as on RFC v4's unlocked per-device list
 * (upstream.md H8): two such operations can take one index, a lost descriptor.
 *
 * msi.ts and dma.ts keep their records (the MSI record of a requested virq, the channel map) in
 * their own maps, and run alone; these factories do the same work as the design in force asks
 * (an index, an on-demand descriptor and virq, the INTA's hardware) as steps, leaving those
 * records alone, and note in the schedule's Ledger what they took and freed, which the others
 * consult. Every schedule and every serial order run these same factories, so outcomes compare
 * like with like, and an interleave is a query whose final state nobody keeps.
 */

/** What an operation returns when it completes: a short result for the outcome table. */
export interface OpValue {
  summary: string;
  /** The INTA event it allocated (checked at the end: it must be live and alone on its bit). */
  allocated?: { inta: string; hwirq: number };
  /** The INTA event it freed (checked at the end: it must be gone). */
  freed?: { inta: string; hwirq: number };
}

/** What an operation runs with: the schedule's locks and ledger, its CPU, and whether it is watched. */
export interface OpContext {
  locks: Locks;
  ledger: Ledger;
  cpu: string;
  trace: boolean;
}

export interface OpSpec {
  /** The command line, as the user gave it. */
  label: string;
  start(sys: System, ctx: OpContext): Steps<OpValue>;
}

type Stepper = (name: StepName, detail?: string, writes?: string[], reads?: string[]) => Step;

/** Untraced, the steps are shared constants per operation kind: nothing allocated per step. */
const QUIET = new Map<string, Record<StepName, Step>>();
const stepper = (op: string, trace: boolean): Stepper => {
  if (trace) return (name, detail, writes, reads) => ({ op, name, detail, reads, writes });
  let quiet = QUIET.get(op);
  if (!quiet) QUIET.set(op, (quiet = quietSteps(op)));
  return (name) => quiet[name];
};

/**
 * The MSI layer's part of an allocation: an index (given, or the lowest free: a GP ring from the
 * ring pool, as k3_ringacc_request_ring(-1), under ringacc's req_lock, so one atomic draw; else
 * the lowest free index of the device's share), then, when MSIs come on demand, a descriptor and
 * virq; when they came at probe, the MSI allocated then.
 */
function* takeMsi(sys: System, dev: MsiDevice, index: number | 'any', owner: string, drawn: boolean, ctx: OpContext, step: Stepper) {
  const { ledger, cpu } = ctx;
  const lock = ctx.locks.device(dev.id);
  if (lock) yield* acquire(lock, step('lock').op, cpu);
  // A ring the caller drew from the pool already (request-channel) is not taken again.
  const pool = drawn ? undefined : dev.indexPool;
  let idx: number | undefined;
  let took = false;
  let claimed = false;
  try {
    const list = ctx.trace ? [`${dev.id}.msi_list`] : undefined;
    const take = step('take-index', index === 'any' ? 'lowest free' : `${index}`, pool ? [pool.id] : list);
    if (index === 'any' && pool) {
      if (lock) yield take;
      idx = pool.alloc();
      if (idx === undefined) throw new CoreError('EBUSY', `${pool.id} exhausted (${pool.used}/${pool.total} used)`, pool.usage());
      took = true;
      // The pool hands each ring out once: nobody else holds it.
      ledger.take(dev.hwirq(idx), cpu, owner, true);
      claimed = true;
    } else if (index === 'any') {
      // MSI_ANY_INDEX on demand with no MSI mutex: the lowest free index is read at one step and
      // its descriptor inserted at a later one (RFC v4's unlocked list, and v7's); under the
      // mutex (6.2's xa_alloc under msi_lock_descs), and at probe, one step. `inta` is upstream's
      // locking, whose MSI layer never races: its lists are filled at probe, and since 6.2 an
      // allocation on demand takes the device's mutex as well as vint_mutex.
      const unlocked = !lock && sys.settings.mode === 'demand' && ctx.locks.mode !== 'inta';
      if (unlocked) {
        const find = step('find-free-index', dev.id, undefined, list);
        yield find;
        idx = lowestFree(sys, dev, ledger);
        if (!Object.isFrozen(find)) {
          find.result = `${dev.id} ${idx}`;
          // The footprint is the slot found free, not the whole list: another CPU inserting
          // another index leaves this read true (the race is elsewhere); inserting this one not.
          const slot = [`${dev.id}.msi_list[${idx}]`];
          find.reads = slot;
          take.writes = slot;
        }
        yield take;
      } else {
        if (lock) yield take;
        idx = lowestFree(sys, dev, ledger);
      }
      const other = ledger.take(dev.hwirq(idx), cpu, owner, true);
      if (!Object.isFrozen(take)) take.result = `${dev.id} ${idx}`;
      if (other !== undefined) {
        // Both insert a descriptor for the index: lookups find one, the other is lost. The
        // schedule stops after this step (an invariant broke): end the step here.
        ledger.lost = { what: `${dev.id} index ${idx}`, cpus: [other, cpu] };
        yield step('alloc-desc', `${dev.id} ${idx}`, ['virq']);
      }
      claimed = true;
    } else {
      if (lock && pool) yield take;
      // Checked when the operation started too; another CPU may have taken it since.
      if (pool) {
        if (!pool.take(index)) throw alreadyRequested(dev, index, ledger.holder(dev.hwirq(index)));
        took = true;
      }
      // A drawn ring is as much the pool's choice as an `any`'s index.
      const other = ledger.take(dev.hwirq(index), cpu, owner, drawn);
      if (other !== undefined) throw alreadyRequested(dev, index, ledger.holder(dev.hwirq(index)));
      claimed = true;
      idx = index;
    }
    if (!Object.isFrozen(take)) take.result = `${dev.id} ${idx}`;
    const hwirq = dev.hwirq(idx);
    let virq: number;
    let allocated = false;
    if (sys.settings.mode === 'demand') {
      const ad = step('alloc-desc', `${dev.id} ${idx}`, ['virq']);
      if (lock) yield ad;
      const desc = sys.descs.alloc('msi', dev.inta.id, hwirq, `${dev.id} ${idx}`, owner);
      if (desc === undefined) throw sys.descs.pool.exhausted('ENOSPC');
      if (!Object.isFrozen(ad)) ad.result = `virq ${desc.virq}`;
      virq = desc.virq;
      allocated = true;
    } else {
      const rec = sys.msi.find(dev, idx);
      if (!rec) throw new CoreError('EINVAL', `${dev.id} ${idx} has no MSI (msi_get_virq returned 0)`);
      virq = rec.virq;
    }
    if (lock) yield step('unlock', lock.name);
    const taken = { idx, hwirq, virq, allocated, took };
    idx = undefined;
    return taken;
  } finally {
    if (idx !== undefined) {
      if (took) pool!.release(idx);
      if (claimed) ledger.untake(dev.hwirq(idx), cpu);
    }
    if (lock) lock.release(cpu);
  }
}

/** The lowest index of the device's share that is free: as alloc-irq alone picks it, and not taken in this schedule. */
const lowestFree = (sys: System, dev: MsiDevice, ledger: Ledger): number => {
  for (const i of dev.shareIndices()) if (ledger.isFree(dev.hwirq(i), sys.msi.find(dev, i)?.requestedBy !== undefined)) return i;
  throw new CoreError('EBUSY', `${dev.id}: every index of its share is requested (${dev.describeShare()})`);
};

/** An index already requested, before the schedule or by another of its operations: as alloc-irq alone says it. */
const alreadyRequested = (dev: MsiDevice, index: number, by: string | undefined): CoreError =>
  new CoreError('EBUSY', `${dev.id} ${index} is already requested${by === undefined ? '' : ` by ${by}`}`);

/** The MSI layer's part of a free: the descriptor and virq (MSIs on demand), then the index. */
function* dropMsi(sys: System, dev: MsiDevice, virq: number, hwirq: number, index: number | undefined, ctx: OpContext, step: Stepper) {
  const { cpu } = ctx;
  const lock = ctx.locks.device(dev.id);
  if (lock) yield* acquire(lock, step('lock').op, cpu);
  try {
    if (sys.settings.mode === 'demand') {
      if (lock) yield step('free-desc', `virq ${virq}`, ['virq']);
      sys.descs.free(virq);
    }
    if (index !== undefined && dev.indexPool) {
      if (lock) yield step('release-index', `${dev.id} ${index}`, [dev.indexPool.id]);
      dev.indexPool.release(index);
    }
    // Its index is free again for the other operations (an `any` may take it).
    ctx.ledger.endFree(hwirq);
    if (lock) yield step('unlock', lock.name);
  } finally {
    if (lock) lock.release(cpu);
  }
}

/** Hardware for a requested MSI, unless it came with the MSI at probe (hardware 'alloc'). */
function* takeHardware(sys: System, dev: MsiDevice, msi: { hwirq: number; virq: number }, owner: string, ctx: OpContext) {
  const existing = dev.inta.event(msi.hwirq);
  if (existing && sys.settings.mode === 'probe' && sys.settings.hardware === 'alloc') return existing;
  const ev = yield* dev.inta.allocSteps(msi.hwirq, msi.virq, owner, ctx.cpu, ctx.trace, ctx.locks.inta(dev.inta.id));
  const desc = sys.descs.get(msi.virq);
  if (desc) desc.parentVirq = ev.vint.parentVirq;
  return ev;
}

/** Gives a requested MSI's hardware back, unless it stays with the MSI (probe-time hardware). */
function* dropHardware(sys: System, dev: MsiDevice, hwirq: number, ctx: OpContext) {
  if (sys.settings.mode === 'probe' && sys.settings.hardware === 'alloc') return false;
  yield* dev.inta.freeSteps(hwirq, ctx.cpu, ctx.trace, ctx.locks.inta(dev.inta.id));
  return true;
}

/** `alloc-irq <device> <index|any>`: the checks of System.allocIrq, then MSI layer, then INTA. */
export const allocIrqOp = (deviceId: string, index: number | 'any'): OpSpec => ({
  label: `alloc-irq ${deviceId} ${index}`,
  *start(sys, ctx) {
    const dev = sys.msiDevice(deviceId);
    if (!dev.bound) throw sys.notBound(dev.id);
    if (index !== 'any') {
      dev.checkIndex(index);
      if (!dev.inShare(index)) throw new CoreError('EINVAL', `${dev.id} ${index} is not in this host's share (${dev.describeShare()})`);
      // As alloc-irq alone, against the pre-state and what the operations before this one did.
      const held = sys.msi.find(dev, index);
      const hwirq = dev.hwirq(index);
      if (!ctx.ledger.isFree(hwirq, held?.requestedBy !== undefined)) {
        const before = held?.requestedBy === undefined ? undefined : `${held.requestedBy} (virq ${held.virq})`;
        throw alreadyRequested(dev, index, ctx.ledger.holder(hwirq) ?? before);
      }
    }
    const step = stepper(ctx.trace ? `alloc-irq ${deviceId} ${index}` : 'alloc-irq', ctx.trace);
    const msi = yield* takeMsi(sys, dev, index, 'alloc-irq', false, ctx, step);
    let done = false;
    try {
      const ev = yield* takeHardware(sys, dev, msi, 'alloc-irq', ctx);
      done = true;
      // Requested: another operation of the schedule may free it now.
      ctx.ledger.requested(msi.hwirq);
      return { summary: `${ev.vint.vint}:${ev.bit}`, allocated: { inta: dev.inta.id, hwirq: msi.hwirq } };
    } finally {
      if (!done) {
        if (msi.allocated) sys.descs.free(msi.virq);
        if (msi.took) dev.indexPool!.release(msi.idx);
        ctx.ledger.untake(msi.hwirq, ctx.cpu);
      }
    }
  },
});

/**
 * `free-irq <virq>` (or `free-irq <device> <index>`, `by`): the checks of System.freeIrq, then the
 * INTA's free, then the MSI layer's. A second free of one virq finds it already freed when it
 * starts, as __free_irq, under the virq's request_mutex, finds the action gone.
 */
export const freeIrqOp = (virq: number, by?: { device: string; index: number }): OpSpec => ({
  label: by ? `free-irq ${by.device} ${by.index}` : `free-irq ${virq}`,
  *start(sys, ctx) {
    const rec = sys.msi.byVirqNumber(virq);
    if (!rec) throw new CoreError('ENOENT', `virq ${virq} is not an MSI`);
    const notRequested = () =>
      new CoreError(
        'ENOENT',
        by ? `${rec.device.id} ${rec.index} is not requested` : sys.settings.mode === 'demand' ? `virq ${virq} is not allocated` : `virq ${virq} (${rec.device.id} ${rec.index}) is not requested`,
      );
    const dev = rec.device;
    const hwirq = dev.hwirq(rec.index);
    if (rec.requestedBy === undefined || !rec.event) {
      // Not requested before the schedule: unless an alloc-irq of it has finished in it (MSIs
      // at probe keep their virq; on demand, one allocated in the schedule has no name yet).
      if (sys.settings.mode !== 'probe' || !ctx.ledger.isRequested(hwirq)) throw notRequested();
    } else if (rec.requestedBy !== 'alloc-irq') throw new CoreError('EBUSY', `virq ${virq} belongs to ${holderOf(rec)}; release the channel instead`);
    if (!ctx.ledger.beginFree(hwirq)) throw notRequested();
    const step = stepper(ctx.trace ? `free-irq ${virq}` : 'free-irq', ctx.trace);
    const freed = yield* dropHardware(sys, dev, hwirq, ctx);
    yield* dropMsi(sys, dev, virq, hwirq, rec.index, ctx, step);
    return { summary: 'freed', freed: freed ? { inta: dev.inta.id, hwirq } : undefined };
  },
});

/**
 * `request-channel <dma> <dir>` (one channel, packet mode): the channel and its completion ring
 * (dmaengine's and ringacc's, each drawn atomically: no choice point), then the ring's MSI and
 * its hardware.
 */
export const requestChannelOp = (dmaId: string, dir: Direction): OpSpec => {
  const label = `request-channel ${dmaId} ${dir}`;
  return {
    label,
    start(sys, ctx) {
      const op = ctx.trace ? label : 'request-channel';
      return underDmaList(ctx, op, requestChannel(sys, ctx, dmaId, dir, op));
    },
  };
};

/** requestChannelOp's steps, of operation `op` (its label when traced, as underDmaList's). */
function* requestChannel(sys: System, ctx: OpContext, dmaId: string, dir: Direction, op: string): Steps<OpValue> {
  const dma = sys.dma(dmaId);
  if (!dma.bound) throw dma.notBound();
  const pool = dma.pools[dir];
  const n = pool.allocFrom(dma.spec[dir].firstNormal);
  if (n === undefined) throw new CoreError('ENOENT', `${pool.id}: no free normal-capacity ${dir} channel`, pool.usage());
  const rings = dma.ringDevice.indexPool!;
  const ring = rings.alloc();
  if (ring === undefined) {
    pool.release(n);
    throw new CoreError('EBUSY', `${rings.id} exhausted (${rings.used}/${rings.total} used)`, rings.usage());
  }
  const name = channelName(dma.id, dir, n);
  let done = false;
  try {
    const dev = dma.ringDevice;
    const step = stepper(op, ctx.trace);
    const msi = yield* takeMsi(sys, dev, ring, name, true, ctx, step);
    try {
      const ev = yield* takeHardware(sys, dev, msi, name, ctx);
      done = true;
      return { summary: `${dir}${n}@${ev.vint.vint}:${ev.bit}`, allocated: { inta: dev.inta.id, hwirq: msi.hwirq } };
    } finally {
      if (!done) {
        if (msi.allocated) sys.descs.free(msi.virq);
        ctx.ledger.untake(msi.hwirq, ctx.cpu);
      }
    }
  } finally {
    if (!done) {
      rings.release(ring);
      pool.release(n);
    }
  }
}

/**
 * `release-channel <dma>:<dir><n>`: the ring irq's hardware (and an on-demand MSI), then ring and
 * channel. A second release of one channel finds it gone when it starts, as dma_release_channel
 * does under dma_list_mutex.
 */
export const releaseChannelOp = (dmaId: string, dir: Direction, n: number): OpSpec => {
  const label = `release-channel ${channelName(dmaId, dir, n)}`;
  return {
    label,
    start(sys, ctx) {
      const op = ctx.trace ? label : 'release-channel';
      return underDmaList(ctx, op, releaseChannel(sys, ctx, dmaId, dir, n, op));
    },
  };
};

/** releaseChannelOp's steps, of operation `op` (its label when traced, as underDmaList's). */
function* releaseChannel(sys: System, ctx: OpContext, dmaId: string, dir: Direction, n: number, op: string): Steps<OpValue> {
  const dma = sys.dma(dmaId);
  dma.checkChannel(dir, n);
  const name = channelName(dma.id, dir, n);
  const ch = dma.channel(name);
  if (!ch) throw new CoreError('ENOENT', `${name} is not requested`);
  // Refused before the ledger hears of it: a failed operation leaves no trace for the others.
  if (ch.event) throw new CoreError('EINVAL', `${name} is a TR-mode channel: interleave runs packet-mode channels only`);
  if (!ctx.ledger.beginRelease(name)) throw new CoreError('ENOENT', `${name} is not requested`);
  const step = stepper(op, ctx.trace);
  const dev = dma.ringDevice;
  const hwirq = ch.msi.hwirq;
  const freed = yield* dropHardware(sys, dev, hwirq, ctx);
  yield* dropMsi(sys, dev, ch.msi.virq, hwirq, undefined, ctx, step);
  // Given back with the last step: ringacc's and dmaengine's, atomic, no choice point.
  dev.indexPool!.release(ch.ring);
  dma.pools[dir].release(n);
  return { summary: 'released', freed: freed ? { inta: dev.inta.id, hwirq } : undefined };
}

/**
 * A channel operation under dmaengine's dma_list_mutex, as Linux runs one under every design of
 * the thread: __dma_request_channel holds it around find_candidate (the channel's choice, then
 * dma_chan_get -> alloc_chan_resources, where k3-udma requests the ring's irq), and
 * dma_release_channel around dma_chan_put (free_chan_resources, its free_irq). So two channel
 * operations never overlap; one races only the INTA's other users (alloc-irq, free-irq: drivers
 * that request a ring's irq themselves, as through k3-udma-glue). It is taken with the
 * operation's first step and given back with its last, no choice point of its own (nothing else
 * takes it): an operation that finds it held waits.
 */
function* underDmaList(ctx: OpContext, op: string, body: Steps<OpValue>): Steps<OpValue> {
  const lock = ctx.locks.dmaList();
  yield* waitFor(lock, op, ctx.cpu);
  try {
    return yield* body;
  } finally {
    lock.release(ctx.cpu);
  }
}
