import { describe, expect, test } from '@jest/globals';
import { hex64 } from '../../src/core/bits64.js';
import type { BitmapPool } from '../../src/core/bitmap-pool.js';
import type { Failure } from '../../src/core/designs.js';
import type { ParentDomain, ParentPath } from '../../src/core/domains/domain.js';
import { GicDomain } from '../../src/core/domains/gic.js';
import { IntaDomain, type EventDesc, type ParentMapper, type Policy } from '../../src/core/domains/inta.js';
import { IntrDomain } from '../../src/core/domains/intr.js';
import { CoreError } from '../../src/core/errors.js';
import { IrqDescs } from '../../src/core/irq-descs.js';
import { Mutex, NoLock, type Lock } from '../../src/core/lock.js';
import { Mapper } from '../../src/core/mapper.js';
import { runAlone, type Step, type StepName, type Steps } from '../../src/core/steps.js';

const DEV = 7;
const hw = (index: number): number => (DEV << 16) | index;

interface Rig {
  inta: IntaDomain;
  intr: IntrDomain;
  gic: GicDomain;
  descs: IrqDescs;
  log: string[];
  /** Every piece of state below and including the INTA (high-water marks are history, not state). */
  print(): string;
  /** Each pool's high-water mark, by pool id. */
  peaks(): Record<string, number>;
}

/**
 * A real GIC <- INTR <- INTA stack in miniature: `outputs` INTR outputs to GIC hwirq 64.., `vints`
 * VINTs on INTR inputs 0.., `events` global events from 100. `mapper` may be replaced by a fake.
 */
const rig = (
  opts: { policy?: Policy; vints?: number; events?: number; outputs?: number; lock?: Lock; failure?: Failure; mapper?: (m: Mapper) => ParentMapper } = {},
): Rig => {
  const log: string[] = [];
  const descs = new IrqDescs(100, 32, 2);
  const gic = new GicDomain('gic', 'GIC', [{ start: 64, count: opts.outputs ?? 8 }]);
  const intr = new IntrDomain('intr', 1, 64, [{ from: 0, to: 64, count: opts.outputs ?? 8 }], gic, [{ start: 0, count: opts.outputs ?? 8 }]);
  const real = new Mapper(descs, 'vint-parent');
  const logged: ParentMapper = {
    createMapping(domain, hwirq, name, owner) {
      log.push(`create-mapping ${hwirq}`);
      const r = (opts.mapper ? opts.mapper(real) : real).createMapping(domain, hwirq, name, owner);
      log.push(`  -> virq ${r.virq}`);
      return r;
    },
    disposeMapping(virq) {
      log.push(`dispose-mapping ${virq}`);
      (opts.mapper ? opts.mapper(real) : real).disposeMapping(virq);
    },
  };
  const inta = new IntaDomain(
    'inta',
    2,
    0x10000000,
    [{ from: 0, to: 0, count: opts.vints ?? 4 }],
    [{ start: 0, count: opts.vints ?? 4 }],
    [{ start: 100, count: opts.events ?? 16 }],
    intr,
    logged,
    opts.policy ?? 'coalesced',
    opts.lock ?? new Mutex('inta.vint_mutex'),
    opts.failure,
  );
  for (const pool of [inta.vintPool, inta.eventPool]) {
    const alloc = pool.alloc.bind(pool);
    const release = pool.release.bind(pool);
    pool.alloc = () => {
      const n = alloc();
      log.push(`${pool.id} alloc -> ${n ?? 'none'}`);
      return n;
    };
    pool.release = (n: number) => {
      log.push(`${pool.id} release ${n}`);
      release(n);
    };
  }
  const pools = [inta.vintPool, inta.eventPool, intr.pool, gic.pool, descs.pool];
  return {
    inta,
    intr,
    gic,
    descs,
    log,
    peaks: () => Object.fromEntries(pools.map((p: BitmapPool) => [p.id, p.peak])),
    print() {
      return [inta.fingerprint(), intr.fingerprint(), gic.fingerprint(), descs.fingerprint()].join('\n');
    },
  };
};

/** Runs an operation alone, collecting its step names, its result or its error. */
const collect = <T>(steps: Steps<T>): { names: StepName[]; value?: T; error?: CoreError } => {
  const names: StepName[] = [];
  try {
    for (;;) {
      const r = steps.next();
      if (r.done) return { names, value: r.value };
      names.push(r.value.name);
    }
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    return { names, error: e };
  }
};

const alloc = (r: Rig, index: number, cpu = 'cpu0'): EventDesc => runAlone(r.inta.allocSteps(hw(index), 1000 + index, 'test', cpu));

const NEW_VINT: StepName[] = ['lock', 'find-free-bit', 'take-vint', 'allocate-parent', 'add-vint', 'set-bit', 'take-event', 'program-map', 'unlock'];
const SHARED_VINT: StepName[] = ['lock', 'find-free-bit', 'set-bit', 'take-event', 'program-map', 'unlock'];
// ti_sci_inta_free_irq: free_event_map, clear_bit, release the event; then
// ti_sci_inta_free_parent_irq checks the map and, for the VINT's last event: list_del, release
// the VINT, irq_dispose_mapping.
const FREE_SHARED: StepName[] = ['lock', 'unprogram-map', 'clear-bit', 'release-event', 'check-empty', 'unlock'];
const FREE_LAST: StepName[] = ['lock', 'unprogram-map', 'clear-bit', 'release-event', 'check-empty', 'remove-vint', 'release-vint', 'dispose-parent', 'unlock'];

describe('IntaDomain step sequences', () => {
  test('the first event opens a VINT; the next shares it', () => {
    const r = rig();
    const first = collect(r.inta.allocSteps(hw(0), 1000, 'test', 'cpu0'));
    expect(first.names).toEqual(NEW_VINT);
    expect(first.value).toMatchObject({ hwirq: hw(0), globalEvent: 100, bit: 0, virq: 1000 });
    const v = first.value!.vint;
    // The bit stays disabled until request_irq unmasks it (ti_sci_inta_unmask_irq).
    expect(v).toMatchObject({ vint: 0, intrInput: 0, parentVirq: 100, map: [1, 0], enable: [0, 0], status: [0, 0] });
    expect(v.path).toEqual({ hops: [{ router: 'intr', input: 0, output: 0 }], gicHwirq: 64 });
    expect(r.descs.get(100)).toMatchObject({ kind: 'vint-parent', chip: 'intr', hwirq: 0, name: 'inta VINT 0' });

    const second = collect(r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0'));
    expect(second.names).toEqual(SHARED_VINT);
    expect(second.value).toMatchObject({ globalEvent: 101, bit: 1, virq: 1001 });
    expect(second.value!.vint).toBe(v);
    expect(v.map).toEqual([3, 0]);
    expect(r.inta.vints).toHaveLength(1);
    expect(r.inta.lock.holder()).toBeUndefined();
    expect(r.log).toEqual([
      'inta.vint alloc -> 0',
      'create-mapping 0',
      '  -> virq 100',
      'inta.global_event alloc -> 100',
      'inta.global_event alloc -> 101',
    ]);
  });

  test('the step details name what each step touches', () => {
    const r = rig();
    const details: string[] = [];
    const steps = r.inta.allocSteps(hw(5), 1005, 'test', 'cpu0');
    for (let s = steps.next(); !s.done; s = steps.next()) details.push(`${s.value.op}: ${s.value.name}${s.value.detail ? ` (${s.value.detail})` : ''}`);
    expect(details).toEqual([
      'alloc 0x70005: lock (inta.vint_mutex)',
      'alloc 0x70005: find-free-bit',
      'alloc 0x70005: take-vint',
      'alloc 0x70005: allocate-parent (VINT 0 -> intr input 0)',
      'alloc 0x70005: add-vint (VINT 0)',
      'alloc 0x70005: set-bit (VINT 0 bit 0)',
      'alloc 0x70005: take-event',
      'alloc 0x70005: program-map (0x70005 -> event 100 -> VINT 0 bit 0)',
      'alloc 0x70005: unlock (inta.vint_mutex)',
    ]);
  });

  test('dedicated: every event takes a new VINT and parent', () => {
    const r = rig({ policy: 'dedicated' });
    for (let i = 0; i < 3; i++) {
      const res = collect(r.inta.allocSteps(hw(i), 1000 + i, 'test', 'cpu0'));
      expect(res.names).toEqual(NEW_VINT);
      expect(res.value).toMatchObject({ bit: 0, globalEvent: 100 + i });
      expect(res.value!.vint).toMatchObject({ vint: i, intrInput: i, parentVirq: 100 + i });
    }
    expect(r.intr.pool.used).toBe(3);
    expect(r.inta.vints.map((v) => v.map)).toEqual([
      [1, 0],
      [1, 0],
      [1, 0],
    ]);
  });

  test('free: a shared VINT stays; the last event takes the VINT and its parent', () => {
    const r = rig();
    alloc(r, 0);
    alloc(r, 1);
    r.log.length = 0;
    expect(collect(r.inta.freeSteps(hw(0), 'cpu0')).names).toEqual(FREE_SHARED);
    expect(r.inta.vints[0].map).toEqual([2, 0]);
    expect(r.inta.event(hw(0))).toBeUndefined();
    expect(r.inta.eventByGlobal(100)).toBeUndefined();
    expect(collect(r.inta.freeSteps(hw(1), 'cpu0')).names).toEqual(FREE_LAST);
    expect(r.log).toEqual(['inta.global_event release 100', 'inta.global_event release 101', 'inta.vint release 0', 'dispose-mapping 100']);
    expect(r.inta.vints).toEqual([]);
    expect([r.inta.vintPool.used, r.inta.eventPool.used, r.intr.pool.used, r.gic.pool.used, r.descs.pool.used]).toEqual([0, 0, 0, 0, 0]);
    expect(r.intr.routedInputs()).toEqual([]);
  });

  test('a freed bit is reused first fit, on the first VINT with room', () => {
    const r = rig({ events: 200 });
    for (let i = 0; i < 130; i++) alloc(r, i);
    expect(r.inta.vints.map((v) => v.vint)).toEqual([0, 1, 2]);
    runAlone(r.inta.freeSteps(hw(70), 'cpu0')); // VINT 1 bit 6
    runAlone(r.inta.freeSteps(hw(3), 'cpu0')); // VINT 0 bit 3
    expect(alloc(r, 500)).toMatchObject({ vint: { vint: 0 }, bit: 3, globalEvent: 103 });
    expect(alloc(r, 501)).toMatchObject({ vint: { vint: 1 }, bit: 6, globalEvent: 170 });
    expect(alloc(r, 502)).toMatchObject({ vint: { vint: 2 }, bit: 2, globalEvent: 230 });
  });

  test('refusals before the lock: EEXIST and ENOENT', () => {
    const r = rig();
    alloc(r, 0);
    const before = r.print();
    const again = collect(r.inta.allocSteps(hw(0), 2000, 'test', 'cpu0'));
    expect(again.names).toEqual([]);
    expect(again.error).toMatchObject({ code: 'EEXIST', message: 'inta: hwirq 0x70000 already has an event' });
    const none = collect(r.inta.freeSteps(hw(9), 'cpu0'));
    expect(none.names).toEqual([]);
    expect(none.error).toMatchObject({ code: 'ENOENT', message: 'inta: hwirq 0x70009 has no event' });
    expect(r.print()).toBe(before);
  });

  test('raise, demux, enable and register addresses', () => {
    const r = rig();
    const a = alloc(r, 0);
    const b = alloc(r, 1);
    // Allocated events stay disabled until request_irq's startup unmasks them.
    expect(a.vint.enable).toEqual([0, 0]);
    r.inta.setEnabled(b.hwirq, true);
    expect(r.inta.raise(999)).toBeUndefined();
    expect(r.inta.raise(a.globalEvent)).toMatchObject({ masked: true, statusBefore: [0, 0], status: [1, 0], enable: [2, 0], statusMasked: [0, 0] });
    expect(r.inta.raise(b.globalEvent)).toMatchObject({ masked: false, status: [3, 0], statusMasked: [2, 0] });
    expect(r.inta.demux(a.vint)).toEqual([b]);
    expect(a.vint.status).toEqual([1, 0]);
    r.inta.setEnabled(a.hwirq, true);
    expect(r.inta.demux(a.vint)).toEqual([a]);
    expect(a.vint.status).toEqual([0, 0]);
    expect(r.inta.registerAddress(0, 'STATUS')).toBe(0x10000018);
    expect(r.inta.registerAddress(3, 'STATUS_MASKED')).toBe(0x10003020);
    expect(r.inta.registerAddress(2, 'ENABLE_CLR')).toBe(0x10002008);
    expect(r.inta.vintOf(0)).toBe(a.vint);
    expect(r.inta.vintOf(1)).toBeUndefined();
  });
});

describe('an operation abandoned part-way (a scheduler calling return())', () => {
  test('an alloc abandoned before any step leaves no trace and frees the lock', () => {
    for (const shared of [false, true]) {
      // abandon at every step in turn: after 1, 2, ... steps
      for (let k = 1; k <= (shared ? SHARED_VINT : NEW_VINT).length; k++) {
        const r = rig();
        if (shared) alloc(r, 0);
        const before = r.print();
        const g = r.inta.allocSteps(hw(9), 1009, 'test', 'cpu0');
        for (let i = 0; i < k; i++) g.next();
        const result = g.return(undefined as never);
        expect(result.done).toBe(true);
        expect(r.inta.lock.holder()).toBeUndefined();
        if (k < (shared ? SHARED_VINT : NEW_VINT).length) {
          // short of the last step the event is not there and nothing it took is held
          expect(r.print()).toBe(before);
        } else {
          // abandoned at 'unlock': the allocation was complete and stays
          expect(r.inta.event(hw(9))).toMatchObject({ hwirq: hw(9), virq: 1009 });
        }
      }
    }
  });

  test('a free abandoned at any step is finished: the state is the freed one', () => {
    for (const last of [true, false]) {
      const steps = last ? FREE_LAST : FREE_SHARED;
      // the state a complete free leaves
      const ref = rig();
      if (!last) alloc(ref, 1);
      alloc(ref, 0);
      runAlone(ref.inta.freeSteps(hw(0), 'cpu0'));
      const freed = ref.print();
      for (let k = 1; k <= steps.length; k++) {
        const r = rig();
        if (!last) alloc(r, 1);
        alloc(r, 0);
        const allocated = r.print();
        const g = r.inta.freeSteps(hw(0), 'cpu0');
        for (let i = 0; i < k; i++) g.next();
        g.return(undefined);
        expect(r.inta.lock.holder()).toBeUndefined();
        // abandoned at 'lock', before it held the lock, the free never began
        expect(r.print()).toBe(k === 1 ? allocated : freed);
      }
    }
  });
});

describe('the INTA lock', () => {
  test('a second CPU waits for the lock until the first operation finishes', () => {
    const r = rig();
    const a = r.inta.allocSteps(hw(0), 1000, 'test', 'cpu0');
    const b = r.inta.allocSteps(hw(1), 1001, 'test', 'cpu1');
    const trace: string[] = [];
    const step = (cpu: string, g: Steps<EventDesc>) => {
      const s = g.next();
      trace.push(s.done ? `${cpu} done` : `${cpu} ${s.value.name}`);
      return s;
    };
    step('cpu0', a); // lock
    step('cpu0', a); // holds it: find-free-bit
    expect(r.inta.lock.holder()).toBe('cpu0');
    step('cpu1', b); // lock
    const waiting = b.next();
    expect(waiting.value).toEqual({ op: 'alloc 0x70001', name: 'wait-lock', detail: 'inta.vint_mutex' });
    // The lock waited on, whose holder the scheduler notes.
    expect((waiting.value as Step).lock?.holder()).toBe('cpu0');
    // cpu0 runs to completion while cpu1 keeps spinning
    while (!step('cpu0', a).done) expect(step('cpu1', b).value).toMatchObject({ name: 'wait-lock' });
    expect(r.inta.lock.holder()).toBeUndefined();
    const rest: StepName[] = [];
    for (let s = b.next(); !s.done; s = b.next()) rest.push(s.value.name);
    expect(rest).toEqual(['find-free-bit', 'set-bit', 'take-event', 'program-map', 'unlock']);
    expect(trace).toEqual([
      'cpu0 lock',
      'cpu0 find-free-bit',
      'cpu1 lock',
      'cpu0 take-vint',
      'cpu1 wait-lock',
      'cpu0 allocate-parent',
      'cpu1 wait-lock',
      'cpu0 add-vint',
      'cpu1 wait-lock',
      'cpu0 set-bit',
      'cpu1 wait-lock',
      'cpu0 take-event',
      'cpu1 wait-lock',
      'cpu0 program-map',
      'cpu1 wait-lock',
      'cpu0 unlock',
      'cpu1 wait-lock',
      'cpu0 done',
    ]);
    // serialised: both events share the one VINT, on different bits
    const ea = r.inta.event(hw(0))!;
    const eb = r.inta.event(hw(1))!;
    expect(ea.vint).toBe(eb.vint);
    expect([ea.bit, eb.bit]).toEqual([0, 1]);
    expect(r.inta.vints).toHaveLength(1);
    expect(r.intr.pool.used).toBe(1);
  });

  test('a free and an alloc on another CPU cannot overlap: the VINT is released before it is reused', () => {
    const r = rig();
    alloc(r, 0);
    const f = r.inta.freeSteps(hw(0), 'cpu0');
    const g = r.inta.allocSteps(hw(1), 1001, 'test', 'cpu1');
    f.next();
    f.next(); // holds the lock: unprogram-map
    g.next();
    expect(g.next().value).toMatchObject({ name: 'wait-lock' });
    while (!f.next().done) expect(g.next().value).toMatchObject({ name: 'wait-lock' });
    const names: StepName[] = [];
    let s = g.next();
    for (; !s.done; s = g.next()) names.push(s.value.name);
    expect(names).toEqual(['find-free-bit', 'take-vint', 'allocate-parent', 'add-vint', 'set-bit', 'take-event', 'program-map', 'unlock']);
    expect(s.value).toMatchObject({ vint: { vint: 0, parentVirq: 100 }, bit: 0 });
    expect(r.inta.vints).toHaveLength(1);
  });

  test('a failed operation releases the lock for the waiter', () => {
    const r = rig({ events: 1 });
    alloc(r, 0);
    const a = r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0');
    const b = r.inta.allocSteps(hw(2), 1002, 'test', 'cpu1');
    a.next();
    a.next();
    b.next();
    expect(b.next().value).toMatchObject({ name: 'wait-lock' });
    expect(() => {
      for (;;) if (a.next().done) break;
    }).toThrow('inta.global_event exhausted (1/1 used)');
    expect(r.inta.lock.holder()).toBeUndefined();
    expect(b.next().value).toMatchObject({ name: 'find-free-bit' });
  });

  test('runAlone refuses to wait for a lock nobody will release', () => {
    const r = rig();
    r.inta.lock.tryAcquire('cpu3');
    expect(() => alloc(r, 0, 'cpu1')).toThrow('internal: alloc 0x70000 would wait forever: inta.vint_mutex held by cpu3');
    r.inta.lock.release('cpu3');
    expect(() => r.inta.lock.release('cpu3')).toThrow(/released by cpu3, held by nobody/);
  });

  test('without the lock, an interleaving double-assigns a VINT bit (the RFC race)', () => {
    const r = rig({ lock: new NoLock('none') });
    alloc(r, 0); // VINT 0 bit 0
    const a = r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0');
    const b = r.inta.allocSteps(hw(2), 1002, 'test', 'cpu1');
    // both find bit 1 free before either sets it
    for (const name of ['lock', 'find-free-bit', 'set-bit']) {
      expect(a.next().value).toMatchObject({ name });
      expect(b.next().value).toMatchObject({ name });
    }
    const run = (g: Steps<EventDesc>) => {
      for (;;) {
        const s = g.next();
        if (s.done) return s.value;
      }
    };
    const ea = run(a);
    const eb = run(b);
    expect([ea.vint.vint, ea.bit]).toEqual([0, 1]);
    expect([eb.vint.vint, eb.bit]).toEqual([0, 1]);
    expect(ea.globalEvent).not.toBe(eb.globalEvent);
    // the status bit demultiplexes to only one of them now
    expect(ea.vint.events[1]).toBe(eb);
  });
});

describe('failure injection: unwinding in reverse, nothing leaked', () => {
  // INTA and INTR exhaustion is -EINVAL upstream: ti_sci_inta_alloc_parent_irq,
  // ti_sci_inta_alloc_event and ti_sci_intr_alloc_parent_irq all turn a NULL resource into it.
  test('global_event pool of 1, on a shared VINT', () => {
    const r = rig({ events: 1 });
    alloc(r, 0);
    const peaks = r.peaks();
    const before = r.print();
    r.log.length = 0;
    const res = collect(r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0'));
    expect(res.names).toEqual(['lock', 'find-free-bit', 'set-bit', 'take-event']);
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta.global_event exhausted (1/1 used)', pool: { id: 'inta.global_event', used: 1, total: 1 } });
    expect(r.log).toEqual(['inta.global_event alloc -> none']);
    expect(r.inta.vints[0].map).toEqual([1, 0]);
    expect(r.print()).toBe(before);
    expect(r.peaks()).toEqual(peaks);
  });

  test('global_event pool of 1, on a new VINT (dedicated): the parent and VINT go back in reverse', () => {
    const r = rig({ events: 1, policy: 'dedicated' });
    alloc(r, 0);
    const before = r.print();
    r.log.length = 0;
    const res = collect(r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0'));
    expect(res.names).toEqual(['lock', 'find-free-bit', 'take-vint', 'allocate-parent', 'add-vint', 'set-bit', 'take-event']);
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta.global_event exhausted (1/1 used)' });
    expect(r.log).toEqual([
      'inta.vint alloc -> 1',
      'create-mapping 1',
      '  -> virq 101',
      'inta.global_event alloc -> none',
      'dispose-mapping 101',
      'inta.vint release 1',
    ]);
    expect(r.inta.vints.map((v) => v.vint)).toEqual([0]);
    expect(r.intr.pool.used).toBe(1);
    expect(r.gic.pool.used).toBe(1);
    expect(r.descs.pool.used).toBe(1);
    expect(r.print()).toBe(before);
    // the high-water marks keep what the undone attempt reached
    expect(r.peaks()).toEqual({ 'inta.vint': 2, 'inta.global_event': 1, 'intr.out': 2, 'gic.spi': 2, virq: 2 });
    expect(r.inta.lock.holder()).toBeUndefined();
  });

  test('vint pool of 1: the 65th event finds no VINT', () => {
    const r = rig({ vints: 1, events: 100 });
    for (let i = 0; i < 64; i++) alloc(r, i);
    expect(hex64(r.inta.vints[0].map)).toBe('0xffffffffffffffff');
    const peaks = r.peaks();
    const before = r.print();
    r.log.length = 0;
    const res = collect(r.inta.allocSteps(hw(64), 1064, 'test', 'cpu0'));
    expect(res.names).toEqual(['lock', 'find-free-bit', 'take-vint']);
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta.vint exhausted (1/1 used)', pool: { id: 'inta.vint', used: 1, total: 1 } });
    expect(r.log).toEqual(['inta.vint alloc -> none']);
    expect(r.print()).toBe(before);
    expect(r.peaks()).toEqual(peaks);
  });

  test('a parent that fails: the VINT goes back, whatever the failure setting', () => {
    const failing: ParentMapper = {
      createMapping() {
        throw new CoreError('ENOSPC', 'fake parent exhausted');
      },
      disposeMapping() {
        throw new Error('nothing to dispose');
      },
    };
    for (const failure of ['unwind', 'upstream'] as const) {
      const r = rig({ mapper: () => failing, failure });
      const before = r.print();
      const res = collect(r.inta.allocSteps(hw(0), 1000, 'test', 'cpu0'));
      expect(res.names).toEqual(['lock', 'find-free-bit', 'take-vint', 'allocate-parent']);
      expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta: parent IRQ allocation failed: fake parent exhausted' });
      expect(r.log).toEqual(['inta.vint alloc -> 0', 'create-mapping 0', 'inta.vint release 0']);
      expect(r.inta.vints).toEqual([]);
      expect(r.print()).toBe(before);
      expect(r.peaks()).toEqual({ 'inta.vint': 1, 'inta.global_event': 0, 'intr.out': 0, 'gic.spi': 0, virq: 0 });
      expect(r.inta.lock.holder()).toBeUndefined();
    }
  });

  test('a GIC line already taken: INTR output, parent virq and VINT all go back', () => {
    const r = rig({ policy: 'dedicated' });
    alloc(r, 0); // output 0 -> GIC 64
    expect(r.gic.pool.take(65)).toBe(true); // someone else holds the line output 1 leads to
    const before = r.print();
    r.log.length = 0;
    const res = collect(r.inta.allocSteps(hw(1), 1001, 'test', 'cpu0'));
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta: parent IRQ allocation failed: gic: SPI 33 (hwirq 65) is already in use' });
    expect(r.log).toEqual(['inta.vint alloc -> 1', 'create-mapping 1', 'inta.vint release 1']);
    expect(r.intr.pool.used).toBe(1);
    expect(r.descs.pool.used).toBe(1);
    expect(r.print()).toBe(before);
    expect(r.peaks()).toEqual({ 'inta.vint': 2, 'inta.global_event': 1, 'intr.out': 2, 'gic.spi': 2, virq: 2 });
  });

  test('INTR outputs exhausted: EINVAL, and the mapper gives the virq back', () => {
    const r = rig({ policy: 'dedicated', outputs: 2 });
    alloc(r, 0);
    alloc(r, 1);
    const before = r.print();
    const res = collect(r.inta.allocSteps(hw(2), 1002, 'test', 'cpu0'));
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'intr.out exhausted (2/2 used)', pool: { id: 'intr.out', used: 2, total: 2 } });
    expect(r.descs.pool.used).toBe(2);
    expect(r.print()).toBe(before);
    expect(r.peaks()).toEqual({ 'inta.vint': 3, 'inta.global_event': 2, 'intr.out': 2, 'gic.spi': 2, virq: 3 });
    // and after a free, the same request succeeds on the released numbers
    runAlone(r.inta.freeSteps(hw(0), 'cpu0'));
    expect(alloc(r, 2)).toMatchObject({ vint: { vint: 0, parentVirq: 100, path: { gicHwirq: 64 } }, globalEvent: 100 });
  });
});

describe("failure 'upstream': the VINT opened for an event that then fails is kept", () => {
  // ti_sci_inta_alloc_irq: when ti_sci_inta_alloc_event fails after ti_sci_inta_alloc_parent_irq
  // opened a VINT, only the bit is cleared; the VINT stays on vint_list with its INTR output and SPI.
  test('coalesced, 64 events: the 65th opens VINT 1, fails with EINVAL and leaves VINT 1 empty but held', () => {
    const r = rig({ events: 64, failure: 'upstream' });
    for (let i = 0; i < 64; i++) alloc(r, i);
    r.log.length = 0;
    const res = collect(r.inta.allocSteps(hw(64), 1064, 'test', 'cpu0'));
    expect(res.names).toEqual(['lock', 'find-free-bit', 'take-vint', 'allocate-parent', 'add-vint', 'set-bit', 'take-event']);
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta.global_event exhausted (64/64 used)' });
    // no dispose-mapping, no VINT release
    expect(r.log).toEqual(['inta.vint alloc -> 1', 'create-mapping 1', '  -> virq 101', 'inta.global_event alloc -> none']);
    expect(r.inta.vints.map((v) => [v.vint, hex64(v.map), v.parentVirq])).toEqual([
      [0, '0xffffffffffffffff', 100],
      [1, '0x0000000000000000', 101],
    ]);
    expect([r.inta.vintPool.used, r.inta.eventPool.used, r.intr.pool.used, r.gic.pool.used, r.descs.pool.used]).toEqual([2, 64, 2, 2, 2]);
    expect(r.intr.routedInputs()).toEqual([
      { input: 0, output: 0 },
      { input: 1, output: 1 },
    ]);
    expect(r.inta.lock.holder()).toBeUndefined();
    // the next failure finds the empty VINT on the list and opens nothing more
    r.log.length = 0;
    expect(collect(r.inta.allocSteps(hw(65), 1065, 'test', 'cpu0')).names).toEqual(['lock', 'find-free-bit', 'set-bit', 'take-event']);
    expect(r.log).toEqual(['inta.global_event alloc -> none']);
    expect(r.inta.vintPool.used).toBe(2);
    // a freed event goes back to VINT 0 (first fit walks the list in order); VINT 1 stays empty
    runAlone(r.inta.freeSteps(hw(5), 'cpu0'));
    expect(alloc(r, 66)).toMatchObject({ vint: { vint: 0 }, bit: 5, globalEvent: 105 });
    expect(r.inta.vints[1].map).toEqual([0, 0]);
    expect(r.intr.pool.used).toBe(2);
  });

  test("the same failure under 'unwind' leaves no trace", () => {
    const r = rig({ events: 64, failure: 'unwind' });
    for (let i = 0; i < 64; i++) alloc(r, i);
    const before = r.print();
    const res = collect(r.inta.allocSteps(hw(64), 1064, 'test', 'cpu0'));
    expect(res.error).toMatchObject({ code: 'EINVAL', message: 'inta.global_event exhausted (64/64 used)' });
    expect(r.print()).toBe(before);
    expect([r.inta.vintPool.used, r.intr.pool.used, r.gic.pool.used, r.descs.pool.used]).toEqual([1, 1, 1, 1]);
  });

  test('dedicated never reuses a kept VINT: each failure leaks one more', () => {
    const r = rig({ events: 1, policy: 'dedicated', failure: 'upstream' });
    alloc(r, 0);
    for (let k = 1; k <= 3; k++) {
      expect(collect(r.inta.allocSteps(hw(k), 1000 + k, 'test', 'cpu0')).error).toMatchObject({ code: 'EINVAL' });
      expect([r.inta.vintPool.used, r.intr.pool.used, r.gic.pool.used]).toEqual([1 + k, 1 + k, 1 + k]);
    }
    expect(r.inta.vints.map((v) => v.map)).toEqual([
      [1, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('irq_create_fwspec_mapping of a hwirq already mapped', () => {
  test('gives that virq back, reused, and allocates nothing; its one dispose unmaps it', () => {
    const descs = new IrqDescs(100, 8, 1);
    const gic = new GicDomain('gic', 'GIC', [{ start: 64, count: 4 }]);
    const intr = new IntrDomain('intr', 1, 8, [{ from: 0, to: 64, count: 4 }], gic, [{ start: 0, count: 4 }]);
    const mapper = new Mapper(descs, 'vint-parent');
    const first = mapper.createMapping(intr, 3, 'inta VINT 3', 'a');
    expect(first).toEqual({ virq: 100, path: { hops: [{ router: 'intr', input: 3, output: 0 }], gicHwirq: 64 } });
    const used = [descs.pool.used, intr.pool.used, gic.pool.used];
    // irq_find_mapping finds input 3 mapped: "If we've already configured this interrupt, don't do it again".
    expect(mapper.createMapping(intr, 3, 'inta VINT 3', 'b')).toEqual({ ...first, reused: true });
    expect([descs.pool.used, intr.pool.used, gic.pool.used]).toEqual(used);
    // Another input is mapped anew.
    expect(mapper.createMapping(intr, 4, 'inta VINT 4', 'b').virq).toBe(101);
    mapper.disposeMapping(100);
    expect([descs.get(100), intr.path(3), descs.pool.used, intr.pool.used, gic.pool.used]).toEqual([undefined, undefined, 1, 1, 1]);
  });
});

describe('fake parents', () => {
  test('any ParentDomain works below the INTA', () => {
    const held = new Set<number>();
    const parent: ParentDomain = {
      id: 'fake',
      alloc(hwirq: number): ParentPath {
        held.add(hwirq);
        return { hops: [], gicHwirq: 1000 + hwirq };
      },
      free(hwirq: number) {
        held.delete(hwirq);
      },
      path: (hwirq) => (held.has(hwirq) ? { hops: [], gicHwirq: 1000 + hwirq } : undefined),
      fingerprint: () => [...held].join(','),
    };
    const descs = new IrqDescs(10, 4, 1);
    const inta = new IntaDomain('x', 1, 0, [{ from: 0, to: 40, count: 2 }], [{ start: 0, count: 2 }], [{ start: 0, count: 4 }], parent, new Mapper(descs, 'vint-parent'), 'dedicated', new Mutex('m'));
    const e0 = runAlone(inta.allocSteps(1, 50, 'o', 'c'));
    const e1 = runAlone(inta.allocSteps(2, 51, 'o', 'c'));
    expect([e0.vint.intrInput, e1.vint.intrInput]).toEqual([40, 41]);
    expect([...held]).toEqual([40, 41]);
    expect(e1.vint.path.gicHwirq).toBe(1041);
    expect(() => runAlone(inta.allocSteps(3, 52, 'o', 'c'))).toThrow('x.vint exhausted (2/2 used)');
    runAlone(inta.freeSteps(1, 'c'));
    runAlone(inta.freeSteps(2, 'c'));
    expect(held.size).toBe(0);
    expect(descs.pool.used).toBe(0);
  });
});
