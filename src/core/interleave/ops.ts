import type { Direction } from '../dma.js';
import { channelName } from '../dma.js';
import { CoreError } from '../errors.js';
import type { MsiDevice } from '../msi.js';
import { acquire, quietSteps, type Step, type StepName, type Steps } from '../steps.js';
import type { System } from '../system.js';
import type { Locks } from './locks.js';

/**
 * The operations `interleave` runs, one per CPU: each a factory of steps over a System. The INTA
 * part is the core's own stepped code (allocSteps / freeSteps); the MSI-layer part around it
 * (index, descriptor, virq) is composed here. Under `--lock device` it is steps too, under the
 * device's MSI mutex (Linux 6.2's msi_lock_descs), released before the INTA is touched, as
 * msi_domain_alloc_irq_at returns before request_irq takes the hardware. Under the other
 * settings it is no choice point: an allocation's part runs before its first step (in operation
 * order), a free's with its last; each pool draw is atomic, so stepping it would only multiply
 * the schedules (two 9-step INTA allocations: 48,620; with two more steps each: 705,432).
 *
 * TODO(lead, two-phase MSI layer): msi.ts and dma.ts run their part in one go (runAlone) and keep
 * their records in private maps, so these factories redo the public part of MsiDomain.alloc/free
 * and DmaController.request/release as steps and leave those records alone (the MSI record of
 * an allocated virq, the channel map). Every schedule and every serial order run these same
 * factories, so the outcomes compare like with like, and an interleave is a query whose final
 * state nobody keeps. Once the MSI layer offers its operations as steps (taking a device Lock),
 * each factory below becomes one `yield*` of the real operation, and `--lock device` holds the
 * mutex over exactly upstream's critical section.
 */

/** What an operation returns when it completes: a short result for the outcome table. */
export interface OpValue {
  summary: string;
  /** The INTA event it allocated (checked at the end: it must be live and alone on its bit). */
  allocated?: { inta: string; hwirq: number };
  /** The INTA event it freed (checked at the end: it must be gone). */
  freed?: { inta: string; hwirq: number };
}

export interface OpSpec {
  /** The command line, as the user gave it. */
  label: string;
  start(sys: System, locks: Locks, cpu: string, trace: boolean): Steps<OpValue>;
}

type Stepper = (name: StepName, detail?: string, writes?: string[]) => Step;

/** Untraced, the steps are shared constants per operation kind: nothing allocated per step. */
const QUIET = new Map<string, Record<StepName, Step>>();
const stepper = (op: string, trace: boolean): Stepper => {
  if (trace) return (name, detail, writes) => ({ op, name, detail, writes });
  let quiet = QUIET.get(op);
  if (!quiet) QUIET.set(op, (quiet = quietSteps(op)));
  return (name) => quiet[name];
};

/**
 * The MSI layer's part of an allocation: an index (from the alloc-irq share: given, or the lowest
 * free; a channel's ring is the channel's and taken from no pool), a descriptor and virq.
 */
function* takeMsi(sys: System, dev: MsiDevice, index: number | 'any', owner: string, fromShare: boolean, locks: Locks, cpu: string, step: Stepper) {
  const lock = locks.device(dev.id);
  if (lock) yield* acquire(lock, step('lock').op, cpu);
  let idx: number | undefined;
  try {
    const take = step('take-index', index === 'any' ? 'lowest free' : `${index}`, [dev.freePool.id]);
    if (!fromShare) idx = index as number;
    else if (index === 'any') {
      if (lock) yield take;
      idx = dev.freePool.alloc();
      if (idx === undefined) throw dev.freePool.exhausted();
    } else {
      if (lock) yield take;
      // Checked before the first step too; another CPU may have taken it since.
      if (!dev.freePool.take(index)) throw new CoreError('EEXIST', `${dev.id} ${index} already has an MSI`);
      idx = index;
    }
    if (!Object.isFrozen(take)) take.result = `${dev.id} ${idx}`;
    const hwirq = dev.hwirq(idx);
    const ad = step('alloc-desc', `${dev.id} ${idx}`, ['virq']);
    if (lock) yield ad;
    const desc = sys.descs.alloc({ kind: 'msi', chip: dev.inta.id, hwirq, name: `${dev.id} ${idx}`, owner });
    if (desc === undefined) throw sys.descs.pool.exhausted();
    if (!Object.isFrozen(ad)) ad.result = `virq ${desc.virq}`;
    if (lock) yield step('unlock', lock.name);
    const taken = { idx, hwirq, desc };
    idx = undefined;
    return taken;
  } finally {
    if (idx !== undefined && fromShare) dev.freePool.release(idx);
    if (lock) lock.release(cpu);
  }
}

/** The MSI layer's part of a free: the descriptor and virq, then the index. */
function* dropMsi(sys: System, dev: MsiDevice, virq: number, index: number | undefined, locks: Locks, cpu: string, step: Stepper) {
  const lock = locks.device(dev.id);
  if (lock) yield* acquire(lock, step('lock').op, cpu);
  try {
    if (lock) yield step('free-desc', `virq ${virq}`, ['virq']);
    sys.descs.free(virq);
    if (index !== undefined) {
      if (lock) yield step('release-index', `${dev.id} ${index}`, [dev.freePool.id]);
      dev.freePool.release(index);
    }
    if (lock) yield step('unlock', lock.name);
  } finally {
    if (lock) lock.release(cpu);
  }
}

/** `alloc-irq <device> <index|any>`: the checks of System.allocIrq, then MSI layer, then INTA. */
export const allocIrqOp = (deviceId: string, index: number | 'any'): OpSpec => ({
  label: `alloc-irq ${deviceId} ${index}`,
  *start(sys, locks, cpu, trace) {
    const dev = sys.msiDevice(deviceId);
    if (index !== 'any') {
      dev.checkIndex(index);
      const owner = dev.reservedBy(index);
      if (owner) throw new CoreError('EBUSY', `${dev.id} ${index} is the completion ring of ${owner}; request the channel instead`);
      const held = sys.msi.find(dev, index);
      if (held) throw new CoreError('EEXIST', `${dev.id} ${index} already has an MSI (virq ${held.virq}, ${held.owner})`);
      if (!dev.freePool.contains(index)) throw new CoreError('EINVAL', `${dev.id} ${index} is not in this host's share (free for alloc-irq: ${dev.describeFree()})`);
    }
    const step = stepper(trace ? `alloc-irq ${deviceId} ${index}` : 'alloc-irq', trace);
    const msi = yield* takeMsi(sys, dev, index, 'alloc-irq', true, locks, cpu, step);
    let done = false;
    try {
      const ev = yield* dev.inta.allocSteps(msi.hwirq, msi.desc.virq, 'alloc-irq', cpu, trace, locks.inta(dev.inta.id));
      msi.desc.parentVirq = ev.vint.parentVirq;
      done = true;
      return { summary: `${ev.vint.vint}.${ev.bit}`, allocated: { inta: dev.inta.id, hwirq: msi.hwirq } };
    } finally {
      if (!done) {
        sys.descs.free(msi.desc.virq);
        dev.freePool.release(msi.idx);
      }
    }
  },
});

/** `free-irq <virq>`: the checks of System.freeIrq, then the INTA's free, then the MSI layer's. */
export const freeIrqOp = (virq: number, label = `free-irq ${virq}`): OpSpec => ({
  label,
  *start(sys, locks, cpu, trace) {
    const rec = sys.msi.byVirqNumber(virq);
    if (!rec) throw new CoreError('ENOENT', `virq ${virq} is not an MSI`);
    if (!rec.userOwned) throw new CoreError('EBUSY', `virq ${virq} belongs to ${rec.owner}; ${rec.owner.includes(':') ? 'release the channel instead' : 'it is held by the driver'}`);
    const dev = rec.device;
    const step = stepper(trace ? label : 'free-irq', trace);
    const hwirq = rec.event.hwirq;
    yield* dev.inta.freeSteps(hwirq, cpu, trace, locks.inta(dev.inta.id));
    yield* dropMsi(sys, dev, virq, rec.index, locks, cpu, step);
    return { summary: 'freed', freed: { inta: dev.inta.id, hwirq } };
  },
});

/** `request-channel <dma> <dir>` (one channel): the channel, then (mode demand) its ring's MSI. */
export const requestChannelOp = (dmaId: string, dir: Direction): OpSpec => ({
  label: `request-channel ${dmaId} ${dir}`,
  *start(sys, locks, cpu, trace) {
    const dma = sys.dma(dmaId);
    if (!dma.bound) throw new CoreError('ENODEV', `${dma.id}: driver not bound (see boot)`);
    // The channel is dmaengine's, drawn atomically under dma_list_mutex: no choice point.
    const pool = dma.pools[dir];
    const n = pool.alloc();
    if (n === undefined) throw pool.exhausted();
    const name = channelName(dma.id, dir, n);
    const ring = dma.ringOf(dir, n);
    let done = false;
    try {
      if (dma.mode === 'probe') {
        // The MSI exists since probe: binding it touches no interrupt hardware.
        sys.msi.setOwner(sys.msi.find(dma.ringDevice, ring)!, name);
        done = true;
        return { summary: `${dir}${n}` };
      }
      const dev = dma.ringDevice;
      const step = stepper(trace ? `request-channel ${dmaId} ${dir}` : 'request-channel', trace);
      const msi = yield* takeMsi(sys, dev, ring, name, false, locks, cpu, step);
      try {
        const ev = yield* dev.inta.allocSteps(msi.hwirq, msi.desc.virq, name, cpu, trace, locks.inta(dev.inta.id));
        msi.desc.parentVirq = ev.vint.parentVirq;
        done = true;
        return { summary: `${dir}${n}:${ev.vint.vint}.${ev.bit}`, allocated: { inta: dev.inta.id, hwirq: msi.hwirq } };
      } finally {
        if (!done) {
          sys.descs.free(msi.desc.virq);
        }
      }
    } finally {
      if (!done) pool.release(n);
    }
  },
});

/** `release-channel <dma>:<dir><n>`: (mode demand) the ring's MSI, then the channel. */
export const releaseChannelOp = (dmaId: string, dir: Direction, n: number): OpSpec => ({
  label: `release-channel ${channelName(dmaId, dir, n)}`,
  *start(sys, locks, cpu, trace) {
    const dma = sys.dma(dmaId);
    dma.checkChannel(dir, n);
    const name = channelName(dma.id, dir, n);
    const ch = dma.channel(name);
    if (!ch) throw new CoreError('ENOENT', `${name} is not requested`);
    const step = stepper(trace ? `release-channel ${name}` : 'release-channel', trace);
    let freed: OpValue['freed'];
    if (dma.mode === 'demand') {
      const dev = dma.ringDevice;
      const hwirq = ch.msi.event.hwirq;
      yield* dev.inta.freeSteps(hwirq, cpu, trace, locks.inta(dev.inta.id));
      yield* dropMsi(sys, dev, ch.msi.virq, undefined, locks, cpu, step);
      freed = { inta: dev.inta.id, hwirq };
    } else {
      sys.msi.setOwner(ch.msi, dma.probeOwner);
    }
    // Given back with the last step: dmaengine's, atomic, no choice point.
    dma.pools[dir].release(n);
    return { summary: 'released', freed };
  },
});

