import { isEmpty64, popcount64, type Bits64 } from '../bits64.js';
import type { IntaDomain, ParentReuse } from '../domains/inta.js';
import type { Steps } from '../steps.js';
import type { System } from '../system.js';
import { Ledger } from './ledger.js';
import { makeLocks, type LockMode, type Locks } from './locks.js';
import type { OpSpec, OpValue } from './ops.js';
import { letter, type OpEnd, type World } from './scheduler.js';
import { Snapshot } from './snapshot.js';
import { plural } from '../words.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** cpu2 -> C: operations run one per CPU, in letter order. */
const letterOf = (cpu: string): string => letter(Number(cpu.slice(3)));

/**
 * The System as the scheduler's world: a snapshot of the session's state restored before every
 * schedule, the operations' factories, and the invariants of reference/interleaving.md 5.3.
 */
export class SystemWorld implements World<OpValue> {
  readonly opCount: number;
  private readonly snapshot: Snapshot;
  private readonly locks: Locks;
  /** What the operations of the running schedule took and freed, for one another (cleared with the state). */
  private readonly ledger = new Ledger();
  private readonly intas: IntaDomain[];
  /**
   * The INTAs' reuse log (IntaDomain.reuseLog): the parent virqs this schedule's allocations got
   * from an existing mapping. Outside the snapshot, as the ledger is: cleared with the state.
   */
  private readonly reuses: ParentReuse[] = [];
  /** By entry of `reuses` (once a step's check has seen it): who reused it, who disposed it (see sharedParents). */
  private readonly shared: SharedParent[] = [];

  constructor(
    readonly sys: System,
    readonly ops: readonly OpSpec[],
    readonly lock: LockMode,
  ) {
    this.opCount = ops.length;
    this.locks = makeLocks(lock);
    this.intas = [...sys.intas.values()];
    for (const inta of this.intas) inta.reuseLog = this.reuses;
    // Every lock exists before the snapshot, so that restoring it frees them all. In the footprint
    // from the start: a schedule stopped at a violation may leave one held (a dead VINT found
    // while another operation holds vint_mutex), which no finished schedule does, so the learning
    // may never see one change; the check at the next reset would count it missed, and the search
    // would run again, every restore a full one.
    for (const inta of this.intas) this.locks.inta(inta.id);
    for (const id of sys.msiDevices.keys()) this.locks.device(id);
    const locks = this.locks.all();
    this.snapshot = Snapshot.take([sys, locks], [sys.topology, this.reuses], locks);
  }

  /** Every restore a full one, the footprint not trusted (a search run again after a missed object). */
  exact = false;

  get snapshotSize(): number {
    return this.snapshot.size;
  }

  /** Objects the footprint restore has been found to miss (see Snapshot). */
  get missed(): number {
    return this.snapshot.missed;
  }

  /** The last schedule stopped part-way (see World.stopped): the next reset checks it all. */
  private stoppedLast = false;

  stopped(): void {
    this.stoppedLast = true;
  }

  reset(): void {
    if (this.exact) this.snapshot.restore();
    // A full check, not a silent full restore: what it finds outside the footprint may have been
    // left by an earlier schedule too, and then schedules since started from it (counted missed).
    else if (this.stoppedLast) this.snapshot.check();
    else this.snapshot.restoreFootprint();
    this.stoppedLast = false;
    this.cleared();
  }

  /** A full restore that checks the footprint: what it finds missed shows in `missed`. */
  check(): void {
    this.snapshot.check();
    this.cleared();
  }

  /** What the world notes of a schedule, forgotten with its state. */
  private cleared(): void {
    this.ledger.clear();
    if (this.reuses.length > 0) {
      this.reuses.length = 0;
      this.shared.length = 0;
    }
  }

  start(i: number, trace: boolean): Steps<OpValue> {
    return this.ops[i].start(this.sys, { locks: this.locks, ledger: this.ledger, cpu: `cpu${i}`, trace });
  }

  /**
   * After every step (operation `op`'s): no index taken twice, vint_list intact (positions), no
   * enabled bit outside the event map, and no VINT on a parent virq that was disposed under it.
   */
  checkStep(op: number): string | undefined {
    const lost = this.ledger.lost;
    if (lost !== undefined) return `${lost.cpus.map(letterOf).sort().join(' and ')} both took ${lost.what}: a lost descriptor`;
    // A reuse since the last check is this step's doing.
    while (this.shared.length < this.reuses.length) this.shared.push({ reuse: this.reuses[this.shared.length], by: op, disposedBy: -1 });
    for (const inta of this.intas) {
      const list = inta.vints;
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (v.pos !== i) return `vint_list broken: VINT ${v.vint} at position ${i} says ${v.pos}`;
        if ((v.enable[0] & ~v.map[0]) !== 0 || (v.enable[1] & ~v.map[1]) !== 0) return `VINT ${v.vint}: an enabled bit is not in the event map`;
      }
    }
    return this.shared.length === 0 ? undefined : this.sharedParents(op);
  }

  /**
   * A parent virq an allocation got from an existing mapping (ti_sci_inta_alloc_parent_irq's
   * irq_create_fwspec_mapping found the VINT's INTR input still mapped: its last owner had
   * released the VINT, ti_sci_release_resource, and not yet disposed the mapping) is dead once
   * that owner's irq_dispose_mapping runs: the INTR output is unrouted, the descriptor freed, and
   * the VINT that chained its handler on it delivers nothing, silently. Noted at the step that
   * disposed it (the disposer is that step's operation); broken once the VINT that took it is on
   * vint_list with it, at the dispose or, when the dispose came first, at the VINT's add-vint.
   */
  private sharedParents(op: number): string | undefined {
    for (const s of this.shared) {
      const { inta, vint, intrInput, virq } = s.reuse;
      const d = this.sys.descs.get(virq);
      if (d !== undefined && d.kind === 'vint-parent' && d.chip === inta.parent.id && d.hwirq === intrInput) continue;
      if (s.disposedBy < 0) s.disposedBy = op;
      const v = inta.vintOf(vint);
      if (v !== undefined && v.parentVirq === virq) {
        const by = letter(s.disposedBy);
        return `${letter(s.by)}'s VINT ${vint} has parent virq ${virq}, which ${by} disposed: a dead VINT (irq_create_fwspec_mapping returned ${by}'s mapping)`;
      }
    }
    return undefined;
  }

  /** At the end, every operation done: the quiescent invariants; the first broken one, or undefined. */
  checkEnd(ends: readonly OpEnd<OpValue>[]): string | undefined {
    for (const l of this.locks.all()) if (l.holder() !== undefined) return `${l.name} still held by ${l.holder()} at the end`;
    for (let i = 0; i < ends.length; i++) {
      const e = ends[i];
      if (e.kind !== 'done') continue;
      const who = letter(i);
      // An event another operation freed after it was allocated is checked as freed, below.
      if (e.value.allocated && this.ledger.holds(e.value.allocated.hwirq)) {
        const inta = this.sys.intas.get(e.value.allocated.inta)!;
        const h = e.value.allocated.hwirq;
        const ev = inta.event(h);
        if (!ev) return `${who}'s event ${hex(h)} is lost`;
        const v = ev.vint;
        if (inta.vints[v.pos] !== v) return `${who}'s event is on VINT ${v.vint}, which was freed (use after free)`;
        const holder = v.events[ev.bit];
        if (holder !== ev) {
          // Named in hwirq order, so that both ways round are one outcome.
          const pair = [h, holder?.hwirq ?? -1].sort((x, y) => x - y).map((x) => (x < 0 ? 'nobody' : hex(x)));
          return `VINT ${v.vint} bit ${ev.bit} held twice (${pair.join(' and ')})`;
        }
      }
      if (e.value.freed) {
        const { inta: id, hwirq } = e.value.freed;
        // Unless another operation took the MSI again after it (a ring given back and drawn again).
        if (!this.ledger.holds(hwirq) && this.sys.intas.get(id)!.event(hwirq)) return `${who} freed ${hex(hwirq)}, but its event is still mapped`;
      }
    }
    for (const inta of this.intas) {
      let events = 0;
      for (const v of inta.vints) {
        if (isEmpty64(v.map)) return `VINT ${v.vint} leaked: on vint_list with no event`;
        let live = 0;
        for (let b = 0; b < v.events.length; b++) {
          const ev = v.events[b];
          if (ev === undefined) continue;
          live++;
          if (ev.vint !== v || ev.bit !== b) return `VINT ${v.vint} bit ${b} maps an event of VINT ${ev.vint.vint} bit ${ev.bit}`;
        }
        if (popcount64(v.map) !== live) return `VINT ${v.vint}: ${popcount64(v.map)} bits set for ${live} events`;
        if (!inta.vintPool.isUsed(v.vint)) return `VINT ${v.vint} is on vint_list but free in ${inta.vintPool.id}`;
        const parent = this.sys.descs.get(v.parentVirq);
        if (parent?.kind !== 'vint-parent') return `VINT ${v.vint}'s parent virq ${v.parentVirq} is gone`;
        events += live;
      }
      if (inta.vintPool.used !== inta.vints.length) return `${inta.vintPool.id}: ${inta.vintPool.used} used for ${plural(inta.vints.length, 'VINT')} on vint_list (leaked)`;
      if (inta.eventPool.used !== events) return `${inta.eventPool.id}: ${inta.eventPool.used} used for ${plural(events, 'live event')} (leaked)`;
    }
    return undefined;
  }

  /**
   * The final state for the serial-order oracle: how much of every pool is used, and which
   * events share which VINT on which bit. Numbers handed out by free pools (virqs, global
   * events, INTR outputs, the index an `any` took), and the order of vint_list, are left out:
   * they follow the order of taking, not the outcome, so a
   * schedule that took them in another order than any serial one is no less serial for it.
   */
  fingerprint(): string {
    let s = '';
    for (const p of this.sys.allPools()) s += `${p.used},`;
    for (const inta of this.intas) {
      s += `|${inta.id}`;
      // By VINT number: the order of vint_list follows the order of adding, as the numbers do.
      const vints = inta.vints.length < 2 ? inta.vints : [...inta.vints].sort((a, b) => a.vint - b.vint);
      for (const v of vints) {
        s += ` ${v.vint}:`;
        for (let b = 0; b < v.events.length; b++) {
          const ev = v.events[b];
          if (ev === undefined) continue;
          // An index an `any` took is named by who took it: which index follows the order of taking.
          const any = this.ledger.anyTaker(ev.hwirq);
          s += any === undefined ? `${b}=${ev.hwirq.toString(16)},` : `${b}=${any},`;
        }
      }
    }
    return s;
  }

  /** Free bits left in the VINTs on the lists: what makes a failure spurious in Marc's words. */
  freeBits(): Array<{ vint: number; free: number }> {
    return this.intas.flatMap((inta) => inta.vints.map((v) => ({ vint: v.vint, free: 64 - popcount64(v.map) }))).filter((x) => x.free > 0);
  }

  vintCount(): number {
    return this.intas.reduce((n, inta) => n + inta.vints.length, 0);
  }

  /** A small picture of the state a step can change, for the `changed` lines of a shown trace. */
  view(): Map<string, string> {
    const m = new Map<string, string>();
    for (const p of this.sys.allPools()) m.set(`${p.id} free`, `${p.free}`);
    for (const inta of this.intas) {
      m.set(`${inta.id} vint_list`, inta.vints.map((v) => v.vint).join(','));
      for (const v of inta.vints) m.set(`VINT ${v.vint} map`, mapHex(v.map));
    }
    // The one lock taken with no step of its own (a channel operation's first step takes it):
    // shown where it changes hands, or a wait for it would name a holder no row showed taking it.
    const dma = this.locks.dmaList();
    m.set(LOCK_KEY + dma.name, dma.holder() ?? '');
    return m;
  }
}

/** A parent virq that an allocation of this schedule got from an existing mapping: by whom, and who disposed it (-1: nobody yet). */
interface SharedParent {
  reuse: ParentReuse;
  by: number;
  disposedBy: number;
}

const mapHex = (b: Bits64): string => (b[1] === 0 ? hex(b[0] >>> 0) : `0x${(b[1] >>> 0).toString(16)}${(b[0] >>> 0).toString(16).padStart(8, '0')}`);

/** A view's key of a lock: this, then the lock's name; its value, the holder ('' when free). */
const LOCK_KEY = 'lock ';

/** What changed between two views, one short line each. */
export const viewDiff = (before: Map<string, string>, after: Map<string, string>): string[] => {
  const out: string[] = [];
  for (const [k, v] of after) {
    const old = before.get(k);
    if (old === v) continue;
    if (k.endsWith('vint_list')) {
      const a = new Set(old ? old.split(',') : []);
      const b = new Set(v ? v.split(',') : []);
      const added = [...b].filter((x) => x !== '' && !a.has(x)).map((x) => `+${x}`);
      const removed = [...a].filter((x) => x !== '' && !b.has(x)).map((x) => `-${x}`);
      out.push(`vint_list ${[...added, ...removed].join(' ')}`);
    } else if (k.startsWith(LOCK_KEY)) {
      const name = k.slice(LOCK_KEY.length);
      out.push(v === '' ? `${name} released` : `${name} taken by ${v}`);
    } else if (old === undefined) out.push(`${k} ${v} (new)`);
    else out.push(`${k} ${old} -> ${v}`);
  }
  for (const [k, old] of before) if (!after.has(k) && !k.endsWith('vint_list')) out.push(`${k} ${old} -> gone`);
  return out;
};
