import { BitmapPool } from '../bitmap-pool.js';
import { and64, bitsOf64, clearBit64, EMPTY64, firstZero64, isEmpty64, isFull64, lowestBit32, setBit64, testBit64, type Bits64 } from '../bits64.js';
import { denseOver, HwirqMap, type DenseMap } from '../dense-map.js';
import { CoreError } from '../errors.js';
import type { Lock } from '../lock.js';
import { translate, type Range, type Translation } from '../ranges.js';
import { acquire, acquireAlone, quietSteps, type Step, type StepName, type Steps } from '../steps.js';
import type { ParentDomain, ParentPath } from './domain.js';
import type { Failure, Policy } from '../designs.js';

export const MAX_EVENTS_PER_VINT = 64;

const QUIET_ALLOC = quietSteps('alloc');
const QUIET_FREE = quietSteps('free');

/**
 * A free, in upstream's order (ti_sci_inta_free_irq): free_event_map, clear_bit, release the
 * event; then ti_sci_inta_free_parent_irq checks the map (check-empty) and, only when the
 * VINT's last event went: list_del, release the VINT, irq_dispose_mapping of the parent.
 */
const FREE_STAGES: readonly StepName[] = ['unprogram-map', 'clear-bit', 'release-event', 'check-empty', 'remove-vint', 'release-vint', 'dispose-parent'];

/**
 * What an operation holds while it runs: `whole` is upstream's vint_mutex over the whole alloc and
 * the whole free (v8 on); `list` is v7's, over the list walk and the bit claimed there only.
 */
export type LockScope = 'whole' | 'list';

export interface Locking {
  lock: Lock;
  scope: LockScope;
}

/** VINT register block offsets (per VINT at base + vint * 0x1000). */
export const VINT_REGS = { ENABLE_SET: 0x0, ENABLE_CLR: 0x8, STATUS: 0x18, STATUS_MASKED: 0x20 } as const;

export type { Policy } from '../designs.js';

export interface VintDesc {
  vint: number;
  /** Position in vint_list. */
  pos: number;
  intrInput: number;
  parentVirq: number;
  path: ParentPath;
  /** event_map: which status bits are allocated */
  map: Bits64;
  enable: Bits64;
  status: Bits64;
  events: Array<EventDesc | undefined>;
}

export interface EventDesc {
  /** The MSI's hwirq: source sci dev id << 16 | index. */
  hwirq: number;
  globalEvent: number;
  vint: VintDesc;
  bit: number;
  /** The child virq the chained handler demultiplexes this bit to. */
  virq: number;
}

/**
 * Creates and disposes parent virqs (irq_create_fwspec_mapping / irq_dispose_mapping). A hwirq
 * already mapped gives that mapping's virq back, `reused` (irq_find_mapping; see Mapper).
 */
export interface ParentMapper {
  createMapping(domain: ParentDomain, hwirq: number, name: string, owner: string): ParentMapping;
  disposeMapping(virq: number): void;
}

/** What createMapping gives: the virq and its path; `reused` when the hwirq was mapped already. */
export interface ParentMapping {
  virq: number;
  path: ParentPath;
  /** irq_find_mapping found the hwirq mapped: this is that mapping's virq, nothing was allocated. */
  reused?: true;
}

/**
 * A parent virq ti_sci_inta_alloc_parent_irq got back mapped already: irq_create_fwspec_mapping
 * found the VINT's INTR input mapped, as another CPU released the VINT and has not yet disposed
 * its mapping. The interleave's checks watch that virq: once its first owner disposes it, the
 * VINT that took it is dead.
 */
export interface ParentReuse {
  readonly inta: IntaDomain;
  readonly vint: number;
  /** The VINT's INTR input: what the virq maps while it is alive. */
  readonly intrInput: number;
  readonly virq: number;
}

/** What raising one global event did inside the INTA. */
export interface RaiseResult {
  event: EventDesc;
  statusBefore: Bits64;
  status: Bits64;
  enable: Bits64;
  statusMasked: Bits64;
  masked: boolean;
}

/** A bit both pending in STATUS and enabled: the VINT's line is asserted (STATUS_MASKED is not 0). */
export const hasPendingEnabled = (v: VintDesc): boolean => ((v.status[0] & v.enable[0]) | (v.status[1] & v.enable[1])) !== 0;

/** What the check-empty step of a free saw. */
const describeEmpty = (v: VintDesc, empty: boolean): string => (empty ? `VINT ${v.vint} empty` : `VINT ${v.vint} still has bits ${bitsOf64(v.map).join(',')}`);

const useAfterFree = (what: string, v: VintDesc): Error => new Error(`internal: ${what} VINT ${v.vint}, which is no longer on vint_list (use after free)`);

/**
 * An interrupt aggregator (irq-ti-sci-inta.c). Every operation is a sequence of named steps over
 * explicit state, taken under an explicit lock, so interleavings can be replayed step by step.
 */
export class IntaDomain {
  readonly vintPool: BitmapPool;
  readonly eventPool: BitmapPool;
  /** vint_list, in the order VINTs were added (first fit walks it in this order). */
  readonly vints: VintDesc[] = [];
  /**
   * No VINT at a list position below this has a free bit, so first fit starts here: the same
   * answer as upstream's walk from the head, without walking past full VINTs again and again.
   */
  private noFreeBelow = 0;
  private readonly byHwirq = new HwirqMap<EventDesc>();
  private readonly byGlobal: DenseMap<EventDesc>;
  /** policy, as a flag for allocAlone (see MsiDomain's hardware flags). */
  private readonly coalesced: boolean;
  /**
   * Where ti_sci_inta_alloc_parent_irq notes a parent virq it got back mapped already (see
   * ParentReuse): the interleave's world hands its INTAs one log, which it keeps out of its
   * snapshot (the entries are no state of the model; restored, they would count as missed), and
   * empties with every reset. Undefined, nothing is noted: run alone, nothing reuses a mapping
   * (see Mapper.createMapping).
   */
  reuseLog: ParentReuse[] | undefined = undefined;

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly base: number,
    readonly vintRanges: readonly Translation[],
    vintShare: readonly Range[],
    globalEvents: readonly Range[],
    readonly parent: ParentDomain,
    readonly mapper: ParentMapper,
    readonly policy: Policy,
    readonly lock: Lock,
    readonly failure: Failure = 'unwind',
  ) {
    this.vintPool = new BitmapPool(`${id}.vint`, id, vintShare);
    this.eventPool = new BitmapPool(`${id}.global_event`, id, globalEvents);
    this.byGlobal = denseOver(globalEvents);
    this.coalesced = policy === 'coalesced';
  }

  event(hwirq: number): EventDesc | undefined {
    return this.byHwirq.get(hwirq);
  }

  eventByGlobal(globalEvent: number): EventDesc | undefined {
    return this.byGlobal.get(globalEvent);
  }

  registerAddress(vint: number, reg: keyof typeof VINT_REGS): number {
    return this.base + vint * 0x1000 + VINT_REGS[reg];
  }

  /**
   * ti_sci_inta_alloc_irq + ti_sci_inta_alloc_event: one event for `hwirq`, demuxed to `virq`.
   * However the operation ends short of done (an error, or a scheduler abandoning it with
   * return()), everything it took is given back in reverse order before the lock is released.
   * `locking` says what is held and for how long (an interleaving explorer passes its own); run
   * alone, it is this INTA's vint_mutex over the whole operation, as upstream since v8.
   */
  *allocSteps(hwirq: number, virq: number, owner: string, cpu: string, trace = true, locking?: Locking): Steps<EventDesc> {
    // Run alone and unwatched, the steps are shared constants and nothing is formatted.
    const op = trace ? `alloc ${hex(hwirq)}` : 'alloc';
    const step = (name: StepName, detail?: string, reads?: string[], writes?: string[]): Step =>
      trace ? { op, name, detail, reads, writes } : QUIET_ALLOC[name];
    const lock = locking?.lock ?? this.lock;
    // v7 held the lock over the list walk and the bit it claims there, nothing else (Marc's race).
    const listOnly = locking?.scope === 'list';
    if (this.byHwirq.has(hwirq)) throw this.hasEvent(hwirq);
    yield* acquire(lock, op, cpu);
    let held = true;
    // What this call took, for unwinding in reverse order.
    const t = nothingTaken();
    let done = false;
    let failed = false;
    try {
      const find = step('find-free-bit', undefined, ['vint_list']);
      yield find;
      if (this.policy === 'coalesced') {
        const from = this.noFreeBelow;
        const i = this.firstFit();
        if (i < this.vints.length) {
          t.v = this.vints[i];
          t.bit = firstZero64(t.v.map);
        }
        if (trace) find.reads = ['vint_list', ...this.vints.slice(from, i + 1).map((w) => `VINT ${w.vint}.map`)];
      }
      if (trace) find.result = t.v ? `VINT ${t.v.vint} bit ${t.bit}` : 'none free';
      if (t.v === undefined) {
        if (listOnly) {
          yield step('unlock', lock.name);
          held = false;
          lock.release(cpu);
        }
        const take = step('take-vint', undefined, [this.vintPool.id], [this.vintPool.id]);
        yield take;
        const id = this.vintPool.alloc();
        if (id === undefined) throw this.vintPool.exhausted('EINVAL');
        t.tookVint = id;
        if (trace) take.result = `VINT ${id}`;

        const intrInput = translate(this.vintRanges, id)!;
        // irq_create_fwspec_mapping reads the INTR input's mapping (irq_find_mapping) before it maps it.
        const ap = step(
          'allocate-parent',
          trace ? `VINT ${id} -> ${this.parent.id} input ${intrInput}` : undefined,
          trace ? [inputOf(this.parent.id, intrInput)] : undefined,
          [this.parent.id],
        );
        yield ap;
        const parent = this.allocateParent(id, intrInput, owner);
        t.parentVirq = parent.virq;
        if (trace) ap.result = parent.reused ? `virq ${parent.virq} (existing mapping)` : `virq ${parent.virq}`;

        const desc = newVint(id, intrInput, parent);
        // list_add_tail (and the chained handler on the parent), then, back in
        // ti_sci_inta_alloc_irq, find_first_zero_bit on the new VINT's event_map: the bit that
        // set-bit sets is read here.
        yield step('add-vint', trace ? `VINT ${id}` : undefined, trace ? [`VINT ${id}.map`] : undefined, ['vint_list']);
        this.addVint(desc);
        t.added = t.v = desc;
        t.bit = firstZero64(desc.map);
      }
      const map = trace ? [`VINT ${t.v.vint}.map`] : undefined;
      const set = step('set-bit', trace ? `VINT ${t.v.vint} bit ${t.bit}` : undefined, map, map);
      yield set;
      this.checkLive(t.v, 'set a bit in');
      // Upstream's set_bit is idempotent, and so is the model's; a watcher is told, as this is the
      // earliest point at which two events sharing one bit show.
      if (trace && testBit64(t.v.map, t.bit)) set.result = 'already set';
      setBit64(t.v.map, t.bit);
      t.bitSet = true;
      if (listOnly && held) {
        yield step('unlock', lock.name);
        held = false;
        lock.release(cpu);
      }

      const te = step('take-event', undefined, [this.eventPool.id], [this.eventPool.id]);
      yield te;
      t.globalEvent = this.eventPool.alloc();
      if (t.globalEvent === undefined) throw this.eventPool.exhausted('EINVAL');
      if (trace) te.result = `event ${t.globalEvent}`;

      yield step(
        'program-map',
        trace ? `${hex(hwirq)} -> event ${t.globalEvent} -> VINT ${t.v.vint} bit ${t.bit}` : undefined,
        undefined,
        trace ? [`VINT ${t.v.vint}.events`] : undefined,
      );
      const ev = this.mapEvent(hwirq, t.globalEvent, t.v, t.bit, virq);
      done = true;
      if (held) yield step('unlock', lock.name);
      return ev;
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (!done) this.unwindAlloc(t, failed);
      if (held) lock.release(cpu);
    }
  }

  /**
   * allocSteps run alone, as plain calls: the same effects, errors and unwinding, with the INTA's
   * own lock over the whole operation, without a generator and a step object per step. A property
   * test (__tests__/core/alone.test.ts) runs both on random sequences and compares every result.
   */
  allocAlone(hwirq: number, virq: number, owner: string, cpu: string): EventDesc {
    if (this.byHwirq.has(hwirq)) throw this.hasEvent(hwirq);
    const lock = this.lock;
    acquireAlone(lock, 'alloc', cpu);
    // Locals rather than an AllocTaken: the record of what was taken is built only to unwind.
    let added: VintDesc | undefined;
    let v: VintDesc | undefined;
    let bit = -1;
    let bitSet = false;
    let globalEvent: number | undefined;
    let ev: EventDesc;
    try {
      if (this.coalesced) {
        const i = this.firstFit();
        if (i < this.vints.length) v = this.vints[i];
      }
      // (No use-after-free check before the bit is set, as the set-bit step has: nothing runs
      // between, and a VINT found on vint_list or just put there is on it.)
      if (v === undefined) added = v = this.openVint(owner);
      bit = firstZero64(v.map);
      setBit64(v.map, bit);
      bitSet = true;
      globalEvent = this.eventPool.alloc();
      if (globalEvent === undefined) throw this.eventPool.exhausted('EINVAL');
      ev = this.mapEvent(hwirq, globalEvent, v, bit, virq);
    } catch (e) {
      this.unwindAllocAlone(lock, cpu, added, v, bit, bitSet, globalEvent);
      throw e;
    }
    // Released here, not in a finally: the lock is taken on every path that gets here, and a
    // finally's bytecode counts against allocAlone's inlining in the callers (see bits64.ts).
    lock.release(cpu);
    return ev;
  }

  /** allocAlone's unwinding, then its lock released whatever the unwinding does: apart, as rarely run. */
  private unwindAllocAlone(
    lock: Lock,
    cpu: string,
    added: VintDesc | undefined,
    v: VintDesc | undefined,
    bit: number,
    bitSet: boolean,
    globalEvent: number | undefined,
  ): void {
    try {
      this.unwindAlloc({ tookVint: added?.vint, parentVirq: added?.parentVirq, added, v, bit, bitSet, globalEvent }, true);
    } finally {
      lock.release(cpu);
    }
  }

  /**
   * allocAlone's new VINT: taken, given its parent and put on vint_list; the VINT goes back if
   * its parent cannot be had. Apart from allocAlone, which V8 inlines only while it is small.
   */
  private openVint(owner: string): VintDesc {
    const id = this.vintPool.alloc();
    if (id === undefined) throw this.vintPool.exhausted('EINVAL');
    const intrInput = translate(this.vintRanges, id)!;
    let parent: { virq: number; path: ParentPath };
    try {
      parent = this.allocateParent(id, intrInput, owner);
    } catch (e) {
      this.vintPool.release(id);
      throw e;
    }
    const desc = newVint(id, intrInput, parent);
    this.addVint(desc);
    return desc;
  }

  /** freeSteps run alone, as plain calls (see allocAlone). */
  freeAlone(hwirq: number, cpu: string): void {
    const ev = this.byHwirq.get(hwirq);
    if (ev === undefined) throw this.noEvent(hwirq);
    const lock = this.lock;
    acquireAlone(lock, 'free', cpu);
    // FREE_STAGES written out in order, each as freeStage does it (alone.test.ts holds the two
    // equal): through freeStage, V8 ran out of its inlining budget before the maps' deletes, and a
    // free cost about 7% more. `stage` counts the stages done, for finishFree.
    let stage = 0;
    try {
      const v = ev.vint;
      this.byHwirq.delete(ev.hwirq);
      this.byGlobal.delete(ev.globalEvent);
      v.events[ev.bit] = undefined;
      clearBit64(v.enable, ev.bit);
      clearBit64(v.status, ev.bit);
      stage++;
      this.clearMapBit(v, ev.bit);
      stage++;
      this.eventPool.release(ev.globalEvent);
      stage++;
      if (isEmpty64(v.map)) {
        stage++;
        this.removeVint(v);
        stage++;
        this.vintPool.release(v.vint);
        stage++;
        this.mapper.disposeMapping(v.parentVirq);
      }
    } catch (e) {
      this.finishFree(ev, stage, lock, cpu);
      throw e;
    }
    // As in allocAlone, released here rather than in a finally.
    lock.release(cpu);
  }

  /**
   * As freeSteps' finally: a stage that threw is done again, and the free is finished, not undone;
   * then the lock goes, whatever the stages do. Apart from freeAlone, as rarely run.
   */
  private finishFree(ev: EventDesc, stage: number, lock: Lock, cpu: string): void {
    try {
      for (; stage < FREE_STAGES.length; stage++) if (!this.freeStage(ev, stage)) break;
    } finally {
      lock.release(cpu);
    }
  }

  /** First fit over vint_list from the hint: the position of the first VINT with a free bit, or the list's length. */
  private firstFit(): number {
    const list = this.vints;
    let i = this.noFreeBelow;
    while (i < list.length && isFull64(list[i].map)) i++;
    this.noFreeBelow = i;
    return i;
  }

  /** ti_sci_inta_alloc_parent_irq: the parent virq for VINT `id` on INTR input `intrInput`. */
  private allocateParent(id: number, intrInput: number, owner: string): ParentMapping {
    try {
      const m = this.mapper.createMapping(this.parent, intrInput, `${this.id} VINT ${id}`, owner);
      if (m.reused) this.noteReuse(id, intrInput, m.virq);
      return m;
    } catch (e) {
      // irq_create_fwspec_mapping returning 0 for any reason is "Parent IRQ allocation failed", -EINVAL.
      if (e instanceof CoreError && e.code !== 'EINVAL') throw new CoreError('EINVAL', `${this.id}: parent IRQ allocation failed: ${e.message}`, e.pool);
      throw e;
    }
  }

  /** Apart from allocateParent, as rarely run. */
  private noteReuse(vint: number, intrInput: number, virq: number): void {
    this.reuseLog?.push({ inta: this, vint, intrInput, virq });
  }

  private addVint(desc: VintDesc): void {
    desc.pos = this.vints.length;
    this.vints.push(desc);
  }

  private mapEvent(hwirq: number, globalEvent: number, v: VintDesc, bit: number, virq: number): EventDesc {
    this.checkLive(v, 'map an event to');
    const ev: EventDesc = { hwirq, globalEvent, vint: v, bit, virq };
    v.events[bit] = ev;
    // The bit stays disabled until request_irq starts the irq up (ti_sci_inta_unmask_irq).
    this.byHwirq.set(hwirq, ev);
    this.byGlobal.set(globalEvent, ev);
    return ev;
  }

  /** Gives back, in reverse order, what an alloc that ended short of done took. */
  private unwindAlloc({ globalEvent, bitSet, v, bit, added, parentVirq, tookVint }: AllocTaken, failed: boolean): void {
    if (globalEvent !== undefined) this.eventPool.release(globalEvent);
    if (bitSet) this.clearMapBit(v!, bit);
    // ti_sci_inta_alloc_irq clears only the bit when alloc_event fails: the VINT it just
    // opened stays on vint_list with its INTR output and SPI (failure 'upstream'). By
    // default the model gives it back too, so that a failed command leaves no trace.
    const keep = failed && added !== undefined && this.failure === 'upstream' && bitSet;
    if (!keep) {
      if (added) this.removeVint(added);
      if (parentVirq !== undefined) this.mapper.disposeMapping(parentVirq);
      if (tookVint !== undefined) this.vintPool.release(tookVint);
    }
  }

  /**
   * ti_sci_inta_free_irq: releases the event; the last event of a VINT takes the VINT and its
   * parent with it. An abandoned free is finished rather than undone: once its event is out of
   * the map, the only consistent state is the freed one. Whether the VINT is empty is its own
   * step (find_first_bit after clear_bit), where two unlocked frees both find it empty.
   */
  *freeSteps(hwirq: number, cpu: string, trace = true, locking?: Locking): Steps<void> {
    const op = trace ? `free ${hex(hwirq)}` : 'free';
    const ev = this.byHwirq.get(hwirq);
    if (ev === undefined) throw this.noEvent(hwirq);
    // v7's free path took no lock (as Lokesh describes it); otherwise the lock covers it all.
    const lock = locking?.scope === 'list' ? undefined : (locking?.lock ?? this.lock);
    if (lock) yield* acquire(lock, op, cpu);
    let stage = 0;
    try {
      for (; stage < FREE_STAGES.length; stage++) {
        const s = trace ? this.describeFreeStage(op, ev, stage) : QUIET_FREE[FREE_STAGES[stage]];
        yield s;
        if (!this.freeStage(ev, stage, s)) break;
      }
      stage = FREE_STAGES.length;
      if (lock) yield trace ? { op, name: 'unlock', detail: lock.name } : QUIET_FREE.unlock;
    } finally {
      for (; stage < FREE_STAGES.length; stage++) if (!this.freeStage(ev, stage)) break;
      if (lock) lock.release(cpu);
    }
  }

  /** Does one stage of a free; false when the free ends there (the VINT still has events). */
  private freeStage(ev: EventDesc, stage: number, s?: Step): boolean {
    const v = ev.vint;
    switch (FREE_STAGES[stage]) {
      case 'unprogram-map':
        this.byHwirq.delete(ev.hwirq);
        this.byGlobal.delete(ev.globalEvent);
        v.events[ev.bit] = undefined;
        clearBit64(v.enable, ev.bit);
        clearBit64(v.status, ev.bit);
        return true;
      case 'release-event':
        this.eventPool.release(ev.globalEvent);
        return true;
      case 'clear-bit':
        this.clearMapBit(v, ev.bit);
        return true;
      case 'check-empty': {
        const empty = isEmpty64(v.map);
        if (s && !Object.isFrozen(s)) s.result = describeEmpty(v, empty);
        return empty;
      }
      case 'remove-vint':
        this.removeVint(v);
        return true;
      case 'dispose-parent':
        this.mapper.disposeMapping(v.parentVirq);
        return true;
      case 'release-vint':
        this.vintPool.release(v.vint);
        return true;
    }
    return true;
  }

  private describeFreeStage(op: string, ev: EventDesc, stage: number): Step {
    const v = ev.vint;
    const name = FREE_STAGES[stage];
    const map = [`VINT ${v.vint}.map`];
    switch (name) {
      case 'unprogram-map':
        return { op, name, detail: `event ${ev.globalEvent}`, writes: [`VINT ${v.vint}.events`] };
      case 'release-event':
        return { op, name, detail: `event ${ev.globalEvent}`, writes: [this.eventPool.id] };
      case 'clear-bit':
        return { op, name, detail: `VINT ${v.vint} bit ${ev.bit}`, writes: map };
      case 'check-empty':
        return { op, name, detail: `VINT ${v.vint}`, reads: map };
      case 'remove-vint':
        return { op, name, detail: `VINT ${v.vint}`, writes: ['vint_list'] };
      case 'dispose-parent':
        return { op, name, detail: `virq ${v.parentVirq}`, writes: [this.parent.id, inputOf(this.parent.id, v.intrInput)] };
      default:
        return { op, name, detail: `VINT ${v.vint}`, writes: [this.vintPool.id] };
    }
  }

  // Errors built apart from the operations that raise them, which V8 inlines only while small.
  private hasEvent(hwirq: number): CoreError {
    return new CoreError('EEXIST', `${this.id}: hwirq ${hex(hwirq)} already has an event`);
  }

  private noEvent(hwirq: number): CoreError {
    return new CoreError('ENOENT', `${this.id}: hwirq ${hex(hwirq)} has no event`);
  }

  /** A step acting on a VINT another CPU has already taken off the list: use after free. */
  private checkLive(v: VintDesc, what: string): void {
    if (this.vints[v.pos] !== v) throw useAfterFree(what, v);
  }

  private clearMapBit(v: VintDesc, bit: number): void {
    clearBit64(v.map, bit);
    if (v.pos < this.noFreeBelow) this.noFreeBelow = v.pos;
  }

  private removeVint(v: VintDesc): void {
    const list = this.vints;
    if (list[v.pos] !== v) throw new Error(`internal: VINT ${v.vint} is not on vint_list (removed twice)`);
    list.splice(v.pos, 1);
    for (let j = v.pos; j < list.length; j++) list[j].pos = j;
    if (v.pos < this.noFreeBelow) this.noFreeBelow = v.pos;
  }

  /** The source raised its event: the INTA sets the VINT status bit of the mapped event. */
  raise(globalEvent: number): RaiseResult | undefined {
    const ev = this.byGlobal.get(globalEvent);
    if (ev === undefined) return undefined;
    const v = ev.vint;
    const statusBefore: Bits64 = [v.status[0], v.status[1]];
    setBit64(v.status, ev.bit);
    const statusMasked = and64(v.status, v.enable);
    return {
      event: ev,
      statusBefore,
      status: [v.status[0], v.status[1]],
      enable: [v.enable[0], v.enable[1]],
      statusMasked,
      masked: !testBit64(v.enable, ev.bit),
    };
  }

  /** ti_sci_inta_irq_handler: reads STATUS_MASKED, acks each set bit, returns the child events. */
  demux(v: VintDesc): EventDesc[] {
    // A loop and push, not map: map's result array changes kind once TurboFan inlines it, and
    // the caller's optimized code deoptimizes on the array it has not seen.
    const out: EventDesc[] = [];
    for (let i = 0; i < 2; i++) {
      const pending = v.status[i] & v.enable[i];
      v.status[i] &= ~pending;
      for (let w = pending; w !== 0; w &= w - 1) out.push(v.events[32 * i + lowestBit32(w)]!);
    }
    return out;
  }

  setEnabled(hwirq: number, enabled: boolean): EventDesc {
    const ev = this.byHwirq.get(hwirq)!;
    if (enabled) this.enableEvent(ev);
    else this.disableEvent(ev);
    return ev;
  }

  // setEnabled's two halves, for a caller that knows which it wants (request_irq, free_irq):
  // each small enough for V8 to inline wherever it is called.

  /** VINT_ENABLE_SET. */
  enableEvent(ev: EventDesc): void {
    setBit64(ev.vint.enable, ev.bit);
  }

  /** VINT_ENABLE_CLR. */
  disableEvent(ev: EventDesc): void {
    clearBit64(ev.vint.enable, ev.bit);
  }

  vintOf(vint: number): VintDesc | undefined {
    return this.vints.find((v) => v.vint === vint);
  }

  fingerprint(): string {
    let s = `${this.vintPool.fingerprint()}|${this.eventPool.fingerprint()}|`;
    let sep = '';
    for (const v of this.vints) {
      s += `${sep}${v.vint}@${v.parentVirq}:${v.map[0]}.${v.map[1]}:${v.enable[0]}.${v.enable[1]}:${v.status[0]}.${v.status[1]}`;
      sep = ',';
    }
    s += '|';
    sep = '';
    for (const e of this.byHwirq.values().sort((a, b) => a.hwirq - b.hwirq)) {
      s += `${sep}${e.hwirq}>${e.globalEvent}>${e.vint.vint}.${e.bit}>${e.virq}`;
      sep = ',';
    }
    return `${s}|${this.lock.holder() ?? ''}`;
  }
}

export const hex = (n: number): string => `0x${n.toString(16)}`;

/** A parent domain's input as a footprint object: its mapping, read by irq_find_mapping, cleared by irq_dispose_mapping. */
const inputOf = (parent: string, input: number): string => `${parent} input ${input}`;

/** What an alloc has taken so far, for unwinding in reverse order. */
interface AllocTaken {
  tookVint: number | undefined;
  parentVirq: number | undefined;
  added: VintDesc | undefined;
  v: VintDesc | undefined;
  bit: number;
  bitSet: boolean;
  globalEvent: number | undefined;
}

const nothingTaken = (): AllocTaken => ({ tookVint: undefined, parentVirq: undefined, added: undefined, v: undefined, bit: -1, bitSet: false, globalEvent: undefined });

/** A VINT just taken, with no events yet (its position is set when it is added to vint_list). */
const newVint = (vint: number, intrInput: number, parent: { virq: number; path: ParentPath }): VintDesc => ({
  vint,
  pos: -1,
  intrInput,
  parentVirq: parent.virq,
  path: parent.path,
  map: EMPTY64(),
  enable: EMPTY64(),
  status: EMPTY64(),
  events: new Array<EventDesc | undefined>(MAX_EVENTS_PER_VINT).fill(undefined),
});
