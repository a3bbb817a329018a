import { BitmapPool } from '../bitmap-pool.js';
import { and64, bitsOf64, clearBit64, EMPTY64, firstZero64, isEmpty64, setBit64, testBit64, type Bits64 } from '../bits64.js';
import { denseOver, type DenseMap } from '../dense-map.js';
import { CoreError } from '../errors.js';
import type { Lock } from '../lock.js';
import { translate, type Range, type Translation } from '../ranges.js';
import { acquire, quietSteps, type Step, type StepName, type Steps } from '../steps.js';
import type { ParentDomain, ParentPath } from './domain.js';
import type { Failure, Policy } from '../designs.js';

export const MAX_EVENTS_PER_VINT = 64;

const QUIET_ALLOC = quietSteps('alloc');
const QUIET_FREE = quietSteps('free');

/**
 * A free, in upstream's order (ti_sci_inta_free_irq): free_event_map, clear_bit, release the
 * event; then, only when the VINT's last event goes (ti_sci_inta_free_parent_irq): list_del,
 * release the VINT, irq_dispose_mapping of the parent.
 */
const FREE_STAGES: readonly StepName[] = ['unprogram-map', 'clear-bit', 'release-event', 'remove-vint', 'release-vint', 'dispose-parent'];

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

/** Creates and disposes parent virqs (irq_create_fwspec_mapping / irq_dispose_mapping). */
export interface ParentMapper {
  createMapping(domain: ParentDomain, hwirq: number, name: string, owner: string): { virq: number; path: ParentPath };
  disposeMapping(virq: number): void;
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
  private readonly byHwirq = new Map<number, EventDesc>();
  private readonly byGlobal: DenseMap<EventDesc>;

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
   */
  *allocSteps(hwirq: number, virq: number, owner: string, cpu: string, trace = true): Steps<EventDesc> {
    // Run alone and unwatched, the steps are shared constants and nothing is formatted.
    const op = trace ? `alloc ${hex(hwirq)}` : 'alloc';
    const step = (name: StepName, detail?: string): Step => (trace ? { op, name, detail } : QUIET_ALLOC[name]);
    if (this.byHwirq.has(hwirq)) throw new CoreError('EEXIST', `${this.id}: hwirq ${hex(hwirq)} already has an event`);
    yield* acquire(this.lock, op, cpu);
    // What this call took, for unwinding in reverse order.
    let tookVint: number | undefined;
    let parentVirq: number | undefined;
    let added: VintDesc | undefined;
    let v: VintDesc | undefined;
    let bit = -1;
    let bitSet = false;
    let globalEvent: number | undefined;
    let done = false;
    let failed = false;
    try {
      yield step('find-free-bit');
      if (this.policy === 'coalesced') {
        const list = this.vints;
        let i = this.noFreeBelow;
        for (; i < list.length; i++) {
          bit = firstZero64(list[i].map);
          if (bit >= 0) {
            v = list[i];
            break;
          }
        }
        this.noFreeBelow = i;
      }
      if (v === undefined) {
        yield step('take-vint');
        const id = this.vintPool.alloc();
        if (id === undefined) throw this.vintPool.exhausted('EINVAL');
        tookVint = id;

        const intrInput = translate(this.vintRanges, id)!;
        yield step('allocate-parent', trace ? `VINT ${id} -> ${this.parent.id} input ${intrInput}` : undefined);
        let parent: { virq: number; path: ParentPath };
        try {
          parent = this.mapper.createMapping(this.parent, intrInput, `${this.id} VINT ${id}`, owner);
        } catch (e) {
          // ti_sci_inta_alloc_parent_irq: irq_create_fwspec_mapping returning 0 for any reason
          // is "Parent IRQ allocation failed", -EINVAL.
          if (e instanceof CoreError && e.code !== 'EINVAL') throw new CoreError('EINVAL', `${this.id}: parent IRQ allocation failed: ${e.message}`, e.pool);
          throw e;
        }
        parentVirq = parent.virq;

        const desc: VintDesc = {
          vint: id,
          pos: this.vints.length,
          intrInput,
          parentVirq: parent.virq,
          path: parent.path,
          map: EMPTY64(),
          enable: EMPTY64(),
          status: EMPTY64(),
          events: new Array<EventDesc | undefined>(MAX_EVENTS_PER_VINT).fill(undefined),
        };
        yield step('add-vint', trace ? `VINT ${id}` : undefined);
        this.vints.push(desc);
        added = v = desc;
        bit = firstZero64(desc.map);
      }
      yield step('set-bit', trace ? `VINT ${v.vint} bit ${bit}` : undefined);
      setBit64(v.map, bit);
      bitSet = true;

      yield step('take-event');
      globalEvent = this.eventPool.alloc();
      if (globalEvent === undefined) throw this.eventPool.exhausted('EINVAL');

      yield step('program-map', trace ? `${hex(hwirq)} -> event ${globalEvent} -> VINT ${v.vint} bit ${bit}` : undefined);
      const ev: EventDesc = { hwirq, globalEvent, vint: v, bit, virq };
      v.events[bit] = ev;
      // The bit stays disabled until request_irq starts the irq up (ti_sci_inta_unmask_irq).
      this.byHwirq.set(hwirq, ev);
      this.byGlobal.set(globalEvent, ev);
      done = true;
      yield step('unlock', this.lock.name);
      return ev;
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (!done) {
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
      this.lock.release(cpu);
    }
  }

  /**
   * ti_sci_inta_free_irq: releases the event; the last event of a VINT takes the VINT and its
   * parent with it. An abandoned free is finished rather than undone: once its event is out of
   * the map, the only consistent state is the freed one.
   */
  *freeSteps(hwirq: number, cpu: string, trace = true): Steps<void> {
    const op = trace ? `free ${hex(hwirq)}` : 'free';
    const ev = this.byHwirq.get(hwirq);
    if (ev === undefined) throw new CoreError('ENOENT', `${this.id}: hwirq ${hex(hwirq)} has no event`);
    yield* acquire(this.lock, op, cpu);
    let stage = 0;
    try {
      for (; stage < FREE_STAGES.length && this.freeStageApplies(ev, stage); stage++) {
        yield trace ? { op, name: FREE_STAGES[stage], detail: this.describeFreeStage(ev, stage) } : QUIET_FREE[FREE_STAGES[stage]];
        this.freeStage(ev, stage);
      }
      stage = FREE_STAGES.length;
      yield trace ? { op, name: 'unlock', detail: this.lock.name } : QUIET_FREE.unlock;
    } finally {
      for (; stage < FREE_STAGES.length && this.freeStageApplies(ev, stage); stage++) this.freeStage(ev, stage);
      this.lock.release(cpu);
    }
  }

  /** The VINT and its parent go only with their last event. */
  private freeStageApplies(ev: EventDesc, stage: number): boolean {
    return stage < 3 || isEmpty64(ev.vint.map);
  }

  private freeStage(ev: EventDesc, stage: number): void {
    const v = ev.vint;
    switch (FREE_STAGES[stage]) {
      case 'unprogram-map':
        this.byHwirq.delete(ev.hwirq);
        this.byGlobal.delete(ev.globalEvent);
        v.events[ev.bit] = undefined;
        clearBit64(v.enable, ev.bit);
        clearBit64(v.status, ev.bit);
        return;
      case 'release-event':
        this.eventPool.release(ev.globalEvent);
        return;
      case 'clear-bit':
        this.clearMapBit(v, ev.bit);
        return;
      case 'remove-vint':
        this.removeVint(v);
        return;
      case 'dispose-parent':
        this.mapper.disposeMapping(v.parentVirq);
        return;
      case 'release-vint':
        this.vintPool.release(v.vint);
        return;
    }
  }

  private describeFreeStage(ev: EventDesc, stage: number): string {
    const v = ev.vint;
    switch (FREE_STAGES[stage]) {
      case 'unprogram-map':
      case 'release-event':
        return `event ${ev.globalEvent}`;
      case 'clear-bit':
        return `VINT ${v.vint} bit ${ev.bit}`;
      case 'dispose-parent':
        return `virq ${v.parentVirq}`;
      default:
        return `VINT ${v.vint}`;
    }
  }

  private clearMapBit(v: VintDesc, bit: number): void {
    clearBit64(v.map, bit);
    if (v.pos < this.noFreeBelow) this.noFreeBelow = v.pos;
  }

  private removeVint(v: VintDesc): void {
    const list = this.vints;
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
    const pending = bitsOf64(and64(v.status, v.enable));
    for (const bit of pending) clearBit64(v.status, bit);
    return pending.map((bit) => v.events[bit]!);
  }

  setEnabled(hwirq: number, enabled: boolean): EventDesc {
    const ev = this.byHwirq.get(hwirq)!;
    (enabled ? setBit64 : clearBit64)(ev.vint.enable, ev.bit);
    return ev;
  }

  vintOf(vint: number): VintDesc | undefined {
    return this.vints.find((v) => v.vint === vint);
  }

  fingerprint(): string {
    const vints = this.vints
      .map((v) => `${v.vint}@${v.parentVirq}:${v.map.join('.')}:${v.enable.join('.')}:${v.status.join('.')}`)
      .join(',');
    const events = [...this.byHwirq.values()]
      .sort((a, b) => a.hwirq - b.hwirq)
      .map((e) => `${e.hwirq}>${e.globalEvent}>${e.vint.vint}.${e.bit}>${e.virq}`)
      .join(',');
    return `${this.vintPool.fingerprint()}|${this.eventPool.fingerprint()}|${vints}|${events}|${this.lock.holder() ?? ''}`;
  }
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
