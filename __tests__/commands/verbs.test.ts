import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import type { Output, Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import type { ErrCode } from '../../src/core/errors.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Settings } from '../../src/core/system.js';

const RINGACC = 187;
const hwirqOf = (ring: number): number => (RINGACC << 16) | ring;
const COALESCED_DEMAND: Settings = { ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'demand' };

const fresh = (settings: Settings = COALESCED_DEMAND): Session => new Session(am65x, settings);

/** Splits a command line on blanks; these tests never need quoting. */
const words = (line: string): string[] => line.split(/\s+/).filter((w) => w !== '');

const run = (s: Session, line: string): Result => runWords(s, words(line));

/** Runs a command that must succeed with an Output of the given kind. */
const ok = <K extends Output['kind']>(s: Session, line: string, kind: K): Extract<Output, { kind: K }> => {
  const r = run(s, line);
  if (!r.ok) throw new Error(`'${line}' failed: ${r.error.code}: ${r.error.message}`);
  expect(r.output.kind).toBe(kind);
  return r.output as Extract<Output, { kind: K }>;
};

/** Runs a command that must fail with `code` (and exactly `message`, if given). */
const fails = (s: Session, line: string, code: ErrCode, message?: string | RegExp) => {
  const r = run(s, line);
  if (r.ok) throw new Error(`'${line}' succeeded with ${r.output.kind}, expected ${code}`);
  expect(r.error.code).toBe(code);
  if (typeof message === 'string') expect(r.error.message).toBe(message);
  else if (message) expect(r.error.message).toMatch(message);
  return r.error;
};

const poolUsed = (s: Session, id: string): number => s.system.pool(id)!.used;

describe('request-channel', () => {
  test('two tx channels on rings 0/1 share VINT 0 behind one parent virq', () => {
    const s = fresh();
    const o = ok(s, 'request-channel main_udmap tx 2', 'channels');
    expect(o.channels).toEqual([
      { name: 'main_udmap:tx0', ring: 0, virq: 71 },
      { name: 'main_udmap:tx1', ring: 1, virq: 73 },
    ]);
    expect(o.routes.map((r) => r.virq)).toEqual([71, 73]);
    const [r0, r1] = o.routes;
    expect(r0).toMatchObject({
      virq: 71,
      device: 'ringacc',
      index: 0,
      hwirq: hwirqOf(0),
      globalEvent: 16384,
      vint: 0,
      vintBit: 0,
      intrInput: 0,
      intrOutput: 1,
      gicSpi: 33,
      parentVirq: 72,
      count: 0,
      owner: 'main_udmap:tx0',
    });
    expect(r1).toMatchObject({ virq: 73, index: 1, hwirq: hwirqOf(1), globalEvent: 16385, vint: 0, vintBit: 1, parentVirq: 72, owner: 'main_udmap:tx1' });
  });

  test('one channel by default; rx channels complete on ring 152+n', () => {
    const s = fresh();
    const o = ok(s, 'request-channel main_udmap rx', 'channels');
    expect(o.channels).toEqual([{ name: 'main_udmap:rx0', ring: 152, virq: 71 }]);
    expect(o.routes).toHaveLength(1);
    expect(o.routes[0]).toMatchObject({ device: 'ringacc', index: 152, owner: 'main_udmap:rx0' });
  });

  test('0x hex counts are accepted', () => {
    const s = fresh();
    expect(ok(s, 'request-channel main_udmap tx 0x10', 'channels').channels).toHaveLength(16);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(16);
  });

  test('a count past the pool is all or nothing', () => {
    const s = fresh();
    const e = fails(s, 'request-channel main_udmap rx 65', 'ENOSPC', /^main_udmap\.rx_chan exhausted \(64\/64 used\)/);
    expect(e.pool).toEqual({ id: 'main_udmap.rx_chan', used: 64, total: 64 });
    expect(poolUsed(s, 'main_udmap.rx_chan')).toBe(0);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(0);
  });

  test('mode probe binds the MSI allocated at boot', () => {
    const s = fresh({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe' });
    const events = poolUsed(s, 'inta_main_udmass.global_event');
    expect(events).toBe(128);
    const o = ok(s, 'request-channel main_udmap rx', 'channels');
    expect(o.channels[0]).toMatchObject({ name: 'main_udmap:rx0', ring: 152 });
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(events);
  });
});

describe('release-channel', () => {
  test('releases one channel and frees its MSI in mode demand', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const o = ok(s, 'release-channel main_udmap:tx0', 'released');
    expect(o).toEqual({ kind: 'released', channels: [{ name: 'main_udmap:tx0', ring: 0, virq: 71 }], freed: true });
    expect(s.system.routes().map((r) => r.owner)).not.toContain('main_udmap:tx0');
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(1);
  });

  test('`all` releases every requested channel, lowest first', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    ok(s, 'request-channel main_udmap rx', 'channels');
    const o = ok(s, 'release-channel all', 'released');
    expect(o.channels.map((c) => c.name)).toEqual(['main_udmap:tx0', 'main_udmap:tx1', 'main_udmap:rx0']);
    expect(o.freed).toBe(true);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    expect(poolUsed(s, 'main_udmap.rx_chan')).toBe(0);
    // The last event left VINT 0: the VINT and its parent went back.
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(0);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(1);
  });

  test('`all` with nothing requested releases nothing', () => {
    expect(ok(fresh(), 'release-channel all', 'released')).toEqual({ kind: 'released', channels: [], freed: true });
  });

  test('mode probe keeps the MSI', () => {
    const s = fresh({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe' });
    ok(s, 'request-channel main_udmap rx', 'channels');
    const o = ok(s, 'release-channel main_udmap:rx0', 'released');
    expect(o.freed).toBe(false);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(128);
  });

  test('errors', () => {
    const s = fresh();
    fails(s, 'release-channel main_udmap:tx9', 'ENOENT', 'main_udmap:tx9 is not requested');
    fails(s, 'release-channel nodma:tx0', 'ENOENT', "unknown DMA controller 'nodma' (have: main_udmap)");
    fails(s, 'release-channel main_udmap:tz0', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx0, got 'main_udmap:tz0'");
    fails(s, 'release-channel foo', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx0, got 'foo'");
    fails(s, 'release-channel', 'EUSAGE', 'missing <channel>; usage: release-channel <dma>:<tx|rx><n> | all');
  });
});

describe('alloc-irq and free-irq', () => {
  test('alloc-irq ringacc any takes general-purpose ring 304', () => {
    const s = fresh();
    const o = ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(o.virq).toBe(71);
    expect(o.route).toMatchObject({ virq: 71, device: 'ringacc', index: 304, hwirq: hwirqOf(304), vint: 0, vintBit: 0, parentVirq: 72, owner: 'alloc-irq' });
    expect(ok(s, 'alloc-irq ringacc any', 'allocated').route.index).toBe(305);
  });

  test('a hex index names the same ring', () => {
    expect(ok(fresh(), 'alloc-irq ringacc 0x130', 'allocated').route.index).toBe(304);
  });

  test("a channel's ring is refused, naming the channel", () => {
    const s = fresh();
    fails(s, 'alloc-irq ringacc 5', 'EBUSY', 'ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead');
    ok(s, 'request-channel main_udmap tx 6', 'channels');
    // Still the channel's, now with an MSI: the same refusal, not EEXIST.
    fails(s, 'alloc-irq ringacc 5', 'EBUSY', 'ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead');
  });

  test('a second MSI for the same index is EEXIST', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc 304', 'allocated');
    fails(s, 'alloc-irq ringacc 304', 'EEXIST', 'ringacc 304 already has an MSI (virq 71, alloc-irq)');
  });

  test('index errors', () => {
    const s = fresh();
    fails(s, 'alloc-irq foo 1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc)");
    fails(s, 'alloc-irq ringacc abc', 'EUSAGE', "index: expected a number, got 'abc'");
    fails(s, 'alloc-irq ringacc -1', 'EINVAL', "index must not be negative, got '-1'");
    fails(s, 'alloc-irq ringacc 9007199254740992', 'EINVAL', "index '9007199254740992' is too large");
    fails(s, 'alloc-irq ringacc 818', 'EINVAL', 'ringacc: index 818 out of range (0-817)');
  });

  test('free-irq by virq', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(ok(s, 'free-irq 71', 'freed')).toEqual({ kind: 'freed', virq: 71, device: 'ringacc', index: 304 });
    expect(s.system.routeOf(71)).toBeUndefined();
    fails(s, 'free-irq 71', 'ENOENT', 'virq 71 is not allocated');
  });

  test('free-irq by device and index', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc any', 'allocated');
    ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(ok(s, 'free-irq ringacc 305', 'freed')).toEqual({ kind: 'freed', virq: 73, device: 'ringacc', index: 305 });
    fails(s, 'free-irq ringacc 305', 'ENOENT', 'ringacc 305 has no MSI');
    expect(ok(s, 'free-irq ringacc 0x130', 'freed').virq).toBe(71);
  });

  test('free-irq refuses what a driver holds', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    fails(s, 'free-irq 71', 'EBUSY', 'virq 71 belongs to main_udmap:tx0; release the channel instead');
    fails(s, 'free-irq 0x40', 'EBUSY', 'virq 64 belongs to main_gpio0, a direct INTR client');
    fails(s, 'free-irq abc', 'EUSAGE', "virq: expected a number, got 'abc'");
    fails(s, 'free-irq -1', 'EINVAL', "virq must not be negative, got '-1'");
  });
});

describe('fire-ring', () => {
  const session = () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    return s;
  };

  test('by ring number', () => {
    const s = session();
    const t = ok(s, 'fire-ring 0', 'fire').trace;
    expect(t).toMatchObject({
      device: 'ringacc',
      index: 0,
      hwirq: hwirqOf(0),
      times: 1,
      outcome: 'delivered',
      inta: 'inta_main_udmass',
      globalEvent: 16384,
      vint: 0,
      bit: 0,
      statusBefore: [0, 0],
      status: [1, 0],
      enable: [3, 0],
      statusMasked: [1, 0],
      statusAddress: 0x33d00018,
      statusMaskedAddress: 0x33d00020,
      hops: [{ router: 'intr_main_navss', input: 0, output: 1 }],
      gicHwirq: 65,
      gicSpi: 33,
      parentVirq: 72,
      cpu: 0,
      childVirq: 71,
      count: 1,
    });
    expect(t.handled).toEqual([{ bit: 0, virq: 71, device: 'ringacc', index: 0, hwirq: hwirqOf(0) }]);
  });

  test('by device:ring with times', () => {
    const s = session();
    const t = ok(s, 'fire-ring ringacc:1 3', 'fire').trace;
    expect(t).toMatchObject({ device: 'ringacc', index: 1, times: 3, outcome: 'delivered', vint: 0, bit: 1, status: [2, 0], childVirq: 73, count: 3 });
    expect(s.system.routeOf(73)!.count).toBe(3);
  });

  test('by channel name, counts accumulate', () => {
    const s = session();
    ok(s, 'fire-ring 0', 'fire');
    const t = ok(s, 'fire-ring main_udmap:tx0 2', 'fire').trace;
    expect(t).toMatchObject({ index: 0, times: 2, childVirq: 71, count: 3 });
    const counts = ok(s, 'interrupts', 'interrupts').irqs;
    expect(counts.find((i) => i.virq === 71)!.counts).toEqual([3, 0, 0, 0]);
    expect(counts.find((i) => i.virq === 72)!.counts).toEqual([3, 0, 0, 0]);
  });

  test('an unmapped ring is dropped and counted in ERR', () => {
    const s = session();
    const t = ok(s, 'fire-ring 9', 'fire').trace;
    expect(t).toMatchObject({ device: 'ringacc', index: 9, hwirq: hwirqOf(9), outcome: 'unmapped' });
    expect(t.childVirq).toBeUndefined();
    expect(ok(s, 'interrupts', 'interrupts').unmapped).toBe(1);
  });

  test('errors', () => {
    const s = session();
    fails(s, 'fire-ring abc', 'EUSAGE', "ring: expected a number, got 'abc'");
    fails(s, 'fire-ring -1', 'EINVAL', "ring must not be negative, got '-1'");
    fails(s, 'fire-ring 0 0', 'EINVAL', 'times must be 1-1000000000, got 0');
    fails(s, 'fire-ring foo:1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc)");
    fails(s, 'fire-ring 818', 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    fails(s, 'fire-ring main_udmap:tx64', 'EINVAL', 'main_udmap: tx channel 64 out of range (0-63)');
    fails(s, 'fire-ring', 'EUSAGE', 'missing <ring>; usage: fire-ring <ring> [times]');
  });
});

describe('set-affinity', () => {
  test('refused on a child sharing a VINT, with the exact message', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    fails(
      s,
      'set-affinity 71 1',
      'EINVAL',
      'virq 71 shares VINT 0 with 1 other event; the INTA cannot steer one event (set the affinity of parent virq 72 to move them all)',
    );
  });

  test('refused on a lone child too', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    fails(
      s,
      'set-affinity 71 1',
      'EINVAL',
      'virq 71 is an event of VINT 0; the INTA cannot steer one event (set the affinity of parent virq 72 to move it)',
    );
  });

  test('accepted on the parent, which moves every event on the VINT', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    expect(ok(s, 'set-affinity 72 1-2', 'affinity').result).toEqual({ virq: 72, cpus: [1, 2], moved: [71, 73] });
    const irqs = ok(s, 'interrupts', 'interrupts').irqs;
    for (const v of [71, 72, 73]) expect(irqs.find((i) => i.virq === v)!.cpus).toEqual([1, 2]);
    expect(ok(s, 'fire-ring 0', 'fire').trace.cpu).toBe(1);
  });

  test('a direct client moves alone', () => {
    expect(ok(fresh(), 'set-affinity 64 3', 'affinity').result).toEqual({ virq: 64, cpus: [3], moved: [] });
  });

  test('errors', () => {
    const s = fresh();
    fails(s, 'set-affinity 64 4', 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 64 3-1', 'EINVAL', "cpus: range '3-1' runs backwards");
    fails(s, 'set-affinity 64 abc', 'EUSAGE', "cpus: expected a CPU list such as 0-1,3, got 'abc'");
    fails(s, 'set-affinity 9999 1', 'ENOENT', 'virq 9999 is not allocated');
    fails(s, 'set-affinity 64', 'EUSAGE', 'missing <cpu-list>; usage: set-affinity <virq> <cpu-list>');
  });
});

describe('mask-irq and unmask-irq', () => {
  test('a masked event stays pending and is delivered on unmask', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    expect(ok(s, 'mask-irq 71', 'mask').result).toEqual({ virq: 71, masked: true, delivered: [] });
    const t = ok(s, 'fire-ring 0', 'fire').trace;
    expect(t).toMatchObject({ outcome: 'masked', status: [1, 0], enable: [2, 0], statusMasked: [0, 0], childVirq: 71 });
    expect(s.system.routeOf(71)!.count).toBe(0);
    expect(ok(s, 'unmask-irq 71', 'mask').result).toEqual({
      virq: 71,
      masked: false,
      delivered: [{ bit: 0, virq: 71, device: 'ringacc', index: 0, hwirq: hwirqOf(0) }],
    });
    expect(s.system.routeOf(71)!.count).toBe(1);
    // Nothing is left pending.
    expect(ok(s, 'unmask-irq 71', 'mask').result.delivered).toEqual([]);
  });

  test('a masked parent holds the line at the GIC', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    ok(s, 'mask-irq 72', 'mask');
    expect(ok(s, 'fire-ring 1', 'fire').trace.outcome).toBe('parent-masked');
    expect(ok(s, 'unmask-irq 72', 'mask').result.delivered.map((d) => d.virq)).toEqual([73]);
  });

  test('interrupts marks a masked virq', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    ok(s, 'mask-irq 71', 'mask');
    expect(ok(s, 'interrupts', 'interrupts').irqs.find((i) => i.virq === 71)!.masked).toBe(true);
  });

  test('errors', () => {
    const s = fresh();
    fails(s, 'mask-irq 9999', 'ENOENT', 'virq 9999 is not allocated');
    fails(s, 'unmask-irq 9999', 'ENOENT', 'virq 9999 is not allocated');
    fails(s, 'mask-irq x', 'EUSAGE', "virq: expected a number, got 'x'");
  });
});

describe('views', () => {
  test('routes lists every route; a filter narrows it', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    ok(s, 'alloc-irq ringacc any', 'allocated');
    const all = ok(s, 'routes', 'routes');
    expect(all.filter).toBeUndefined();
    expect(all.routes.map((r) => r.virq)).toEqual([64, 65, 66, 67, 68, 69, 70, 71, 73]);
    const cpts = ok(s, 'routes cpts', 'routes');
    expect(cpts.filter).toBe('cpts');
    expect(cpts.routes).toHaveLength(1);
    expect(cpts.routes[0]).toMatchObject({
      virq: 70,
      device: 'cpts',
      index: 0,
      hwirq: 391,
      globalEvent: null,
      vint: null,
      vintBit: null,
      intrInput: 391,
      intrOutput: 0,
      gicSpi: 32,
      parentVirq: null,
      owner: 'cpts',
    });
    expect(ok(s, 'routes main_udmap', 'routes').routes.map((r) => r.owner)).toEqual(['main_udmap:tx0']);
    expect(ok(s, 'routes alloc-irq', 'routes').routes.map((r) => r.index)).toEqual([304]);
    expect(ok(s, 'routes ringacc', 'routes').routes.map((r) => r.index)).toEqual([0, 304]);
  });

  test('routes takes a virq (a VINT parent: its events) or a channel as well as a device', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const byVirq = ok(s, 'routes 71', 'routes');
    expect(byVirq.routes.map((r) => r.owner)).toEqual(['main_udmap:tx0']);
    expect(byVirq.filter).toBe('virq 71');
    expect(ok(s, 'routes 0x47', 'routes').routes.map((r) => r.virq)).toEqual([71]);
    expect(ok(s, 'routes 72', 'routes').routes.map((r) => r.owner)).toEqual(['main_udmap:tx0', 'main_udmap:tx1']);
    expect(ok(s, 'routes 70', 'routes').routes.map((r) => r.device)).toEqual(['cpts']);
    expect(ok(s, 'routes main_udmap:tx1', 'routes').routes.map((r) => r.virq)).toEqual([73]);
    fails(s, 'routes main_udmap:tx5', 'ENOENT', 'channel main_udmap:tx5 is not requested');
    fails(s, 'routes main_udmap:tx99', 'EINVAL', /tx channel 99 out of range/);
    fails(s, 'routes 999', 'ENOENT', 'virq 999 has no route (not allocated)');
  });

  test('an unknown routes filter: did-you-mean, and the devices, with alloc-irq named as what it is', () => {
    const s = fresh();
    fails(s, 'routes ringac', 'ENOENT', "unknown device 'ringac' (did you mean ringacc? devices: ringacc, main_gpio0, cpts, main_udmap; or a virq, a channel, alloc-irq)");
    fails(s, 'routes zzz', 'ENOENT', "unknown device 'zzz' (devices: ringacc, main_gpio0, cpts, main_udmap; or a virq, a channel, alloc-irq)");
  });

  test('pools', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const pools = ok(s, 'pools', 'pools').pools;
    expect(pools.map((p) => p.id)).toEqual([
      'gic500.spi',
      'intr_main_navss.out',
      'intr_main_gpio.out',
      'inta_main_udmass.vint',
      'inta_main_udmass.global_event',
      'ringacc.gp_ring',
      'main_udmap.tx_chan',
      'main_udmap.rx_chan',
      'virq',
    ]);
    const byId = new Map(pools.map((p) => [p.id, p]));
    expect(byId.get('intr_main_navss.out')).toMatchObject({ owner: 'intr_main_navss', total: 128, used: 2, free: 126, peak: 2 });
    expect(byId.get('inta_main_udmass.global_event')).toMatchObject({ total: 1024, used: 2, free: 1022, peak: 2 });
    expect(byId.get('virq')).toMatchObject({ total: 1024, used: 10, free: 1014, peak: 10 });
    for (const p of pools) expect(p.used + p.free).toBe(p.total);
  });

  test('interrupts', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const o = ok(s, 'interrupts', 'interrupts');
    expect(o.cpus).toBe(4);
    expect(o.unmapped).toBe(0);
    expect(o.irqs.map((i) => i.virq)).toEqual([64, 65, 66, 67, 68, 69, 70, 71, 72]);
    expect(o.irqs.find((i) => i.virq === 71)).toMatchObject({ kind: 'msi', owner: 'main_udmap:tx0', counts: [0, 0, 0, 0], parentVirq: 72 });
    expect(o.irqs.find((i) => i.virq === 72)).toMatchObject({ kind: 'vint-parent', parentVirq: null });
    expect(o.irqs.find((i) => i.virq === 70)).toMatchObject({ kind: 'direct', name: 'cpts 0' });
  });

  test('domains: GIC at the root, INTA under its INTR, ringacc under the INTA', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const tree = ok(s, 'domains', 'domains').tree;
    expect(tree).toMatchObject({ id: 'gic500', kind: 'gic' });
    expect(tree.allocated).toHaveLength(8);
    expect(tree.children.map((c) => c.id)).toEqual(['intr_main_navss', 'intr_main_gpio']);
    const navss = tree.children[0];
    expect(navss.children.map((c) => c.id)).toEqual(['inta_main_udmass', 'cpts']);
    const inta = navss.children[0];
    expect(inta.kind).toBe('inta');
    expect(inta.allocated).toEqual(['VINT 0: 2 events -> input 0, parent virq 72']);
    expect(inta.children.map((c) => c.id)).toEqual(['ringacc']);
    expect(inta.children[0].allocated).toHaveLength(2);
  });

  test('topology', () => {
    const s = fresh();
    const o = ok(s, 'topology', 'topology');
    expect(o.topology).toBe(am65x);
    expect(o.pools.map((p) => p.id)).toContain('intr_main_navss.out');
  });
});

describe('settings, reset and boot', () => {
  test('policy and mode without a value show the settings and change nothing', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const system = s.system;
    expect(ok(s, 'policy', 'settings')).toEqual({ kind: 'settings', settings: COALESCED_DEMAND, changed: false, boot: [] });
    expect(ok(s, 'mode', 'settings')).toEqual({ kind: 'settings', settings: COALESCED_DEMAND, changed: false, boot: [] });
    expect(s.system).toBe(system);
  });

  test('policy with a value re-boots with its boot log', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const o = ok(s, 'policy dedicated', 'settings');
    expect(o.changed).toBe(true);
    expect(o.settings).toEqual({ ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'demand' });
    expect(o.boot.map((e) => [e.device, e.ok])).toEqual([
      ['gic500', true],
      ['intr_main_navss', true],
      ['intr_main_gpio', true],
      ['inta_main_udmass', true],
      ['main_gpio0', true],
      ['main_udmap', true],
      ['cpts', true],
    ]);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    expect(s.settings.policy).toBe('dedicated');
  });

  test('dedicated + probe starves cpts at boot', () => {
    const s = fresh();
    ok(s, 'policy dedicated', 'settings');
    const o = ok(s, 'mode probe', 'settings');
    expect(o.settings).toEqual({ ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'probe' });
    const cpts = o.boot.find((e) => e.device === 'cpts')!;
    expect(cpts.ok).toBe(false);
    expect(cpts.message).toBe('probe failed: ENOSPC: intr_main_navss.out exhausted (128/128 used)');
    expect(cpts.error).toMatchObject({ code: 'ENOSPC', pool: { id: 'intr_main_navss.out', used: 128, total: 128 } });
    expect(ok(s, 'boot', 'boot').boot).toEqual(o.boot);
  });

  test('bad values', () => {
    const s = fresh();
    fails(s, 'policy bogus', 'EUSAGE', "policy: expected coalesced or dedicated, got 'bogus'");
    fails(s, 'mode x', 'EUSAGE', "mode: expected demand or probe, got 'x'");
    expect(s.settings).toEqual(COALESCED_DEMAND);
  });

  test('reset re-boots to the initial state with the same settings', () => {
    const s = fresh({ ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'demand' });
    ok(s, 'request-channel main_udmap tx 3', 'channels');
    ok(s, 'fire-ring 0', 'fire');
    const o = ok(s, 'reset', 'settings');
    expect(o.changed).toBe(true);
    expect(o.settings).toEqual({ ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'demand' });
    expect(o.boot.every((e) => e.ok)).toBe(true);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    expect(ok(s, 'routes', 'routes').routes.map((r) => r.virq)).toEqual([64, 65, 66, 67, 68, 69, 70]);
  });

  test('boot shows the log of the current boot', () => {
    const s = fresh();
    const o = ok(s, 'boot', 'boot');
    expect(o.settings).toEqual(COALESCED_DEMAND);
    expect(o.boot).toBe(s.system.bootLog);
    expect(o.boot.find((e) => e.device === 'cpts')!.message).toMatch(/^CPTS time sync: virq 70 via intr_main_navss inputs? 391$/);
  });
});

describe('expect-error', () => {
  test('succeeds when the command fails with the code', () => {
    const o = ok(fresh(), 'expect-error EBUSY alloc-irq ringacc 5', 'expected');
    expect(o.message).toBe('EBUSY as expected: ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead');
  });

  test('catches usage errors of the inner command too', () => {
    expect(ok(fresh(), 'expect-error EUSAGE frobnicate', 'expected').message).toBe("EUSAGE as expected: unknown verb 'frobnicate'; try help");
  });

  test('fails with EXPECT when the command succeeds', () => {
    fails(fresh(), 'expect-error ENOENT routes', 'EXPECT', "expected ENOENT from 'routes', but it succeeded (undone)");
  });

  test('fails with EXPECT when the command fails differently', () => {
    fails(
      fresh(),
      'expect-error ENOENT alloc-irq ringacc 5',
      'EXPECT',
      "expected ENOENT from 'alloc-irq ringacc 5', got EBUSY: ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead",
    );
  });

  test('a succeeding inner command is undone: the failed expect-error leaves no trace', () => {
    const s = fresh();
    for (const line of ['request-channel main_udmap tx 3', 'fire-ring 1 4', 'mask-irq 71', 'alloc-irq ringacc any', 'set-affinity 72 2', 'free-irq ringacc 304']) {
      expect(run(s, line).ok).toBe(true);
    }
    const before = s.system.fingerprint();
    for (const inner of ['request-channel main_udmap tx', 'release-channel all', 'fire-ring 1 7', 'unmask-irq 71', 'policy dedicated', 'mode probe', 'reset']) {
      fails(s, `expect-error ENOSPC ${inner}`, 'EXPECT', `expected ENOSPC from '${inner}', but it succeeded (undone)`);
      expect(s.system.fingerprint()).toBe(before);
      expect(s.settings).toEqual(COALESCED_DEMAND);
    }
    // and later commands build on the restored state as if nothing had happened
    expect(ok(s, 'request-channel main_udmap tx', 'channels').channels[0].name).toBe('main_udmap:tx3');
  });

  test('an unknown code or a missing command is EUSAGE', () => {
    fails(fresh(), 'expect-error EFOO pools', 'EUSAGE', "unknown code 'EFOO' (codes: ENOSPC, EINVAL, ENOENT, EBUSY, EEXIST, ENODEV, EUSAGE, EXPECT)");
    fails(fresh(), 'expect-error ENOENT', 'EUSAGE', 'missing <command>; usage: expect-error <CODE> <command ...>');
  });
});

describe('expect-pool', () => {
  test('matches', () => {
    const s = fresh();
    expect(ok(s, 'expect-pool virq used=7', 'expected').message).toBe('virq: used=7 (7/1024 used, peak 7)');
    expect(ok(s, 'expect-pool virq used=7 free=1017 total=1024 peak=7', 'expected').message).toBe(
      'virq: used=7 free=1017 total=1024 peak=7 (7/1024 used, peak 7)',
    );
    ok(s, 'expect-pool virq free=0x3f9', 'expected');
  });

  test('peak survives a release', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 3', 'channels');
    ok(s, 'release-channel all', 'released');
    ok(s, 'expect-pool main_udmap.tx_chan used=0 peak=3', 'expected');
  });

  test('a mismatch is EXPECT with the exact message and the pool', () => {
    const s = fresh();
    const e = fails(s, 'expect-pool virq used=8', 'EXPECT', 'virq: expected used=8, found used=7 (7/1024 used, peak 7)');
    expect(e.pool).toEqual({ id: 'virq', used: 7, total: 1024 });
    fails(s, 'expect-pool virq used=8 free=1', 'EXPECT', 'virq: expected used=8, found used=7; expected free=1, found free=1017 (7/1024 used, peak 7)');
    fails(s, 'expect-pool virq used=7 total=1000', 'EXPECT', 'virq: expected total=1000, found total=1024 (7/1024 used, peak 7)');
    fails(s, 'expect-pool virq peak=0', 'EXPECT', 'virq: expected peak=0, found peak=7 (7/1024 used, peak 7)');
  });

  test('bad conditions are EUSAGE; an unknown pool is ENOENT', () => {
    const s = fresh();
    const COND = 'expected used=<n>, free=<n>, total=<n> or peak=<n>, got';
    fails(s, 'expect-pool virq bogus=1', 'EUSAGE', `${COND} 'bogus=1'`);
    fails(s, 'expect-pool virq used', 'EUSAGE', `${COND} 'used'`);
    fails(s, 'expect-pool virq USED=1', 'EUSAGE', `${COND} 'USED=1'`);
    fails(s, 'expect-pool virq used=x', 'EUSAGE', "used: expected a number, got 'x'");
    fails(s, 'expect-pool virq used=-1', 'EINVAL', "used must not be negative, got '-1'");
    fails(s, 'expect-pool virq', 'EUSAGE', 'missing <expectation>; usage: expect-pool <pool> used=<n> | free=<n> [total=<n>] [peak=<n>]');
    fails(s, 'expect-pool nopool used=1', 'ENOENT', "unknown pool 'nopool'; pools lists them");
    fails(s, 'expect-pool intr_main_navss used=1', 'ENOENT', "unknown pool 'intr_main_navss' (did you mean intr_main_navss.out?)");
    fails(s, 'expect-pool gic500.sip used=1', 'ENOENT', "unknown pool 'gic500.sip' (did you mean gic500.spi?)");
  });
});

describe('help, source, exit', () => {
  test('help lists every verb in table order', () => {
    const o = ok(fresh(), 'help', 'help');
    expect(o.verb).toBeUndefined();
    expect(o.entries.map((e) => e.name)).toEqual(COMMANDS.map((c) => c.name));
    for (const e of o.entries) {
      expect(e.usage.startsWith(e.name)).toBe(true);
      expect(e.summary).not.toBe('');
      expect(e.example.split(' ')[0]).toBe(e.name);
    }
  });

  test('help <verb> shows one verb', () => {
    const o = ok(fresh(), 'help request-channel', 'help');
    expect(o).toEqual({
      kind: 'help',
      verb: 'request-channel',
      entries: [
        {
          name: 'request-channel',
          usage: 'request-channel <dma> <tx|rx> [count]',
          summary: "take the lowest free DMA channel(s) and allocate (mode demand) or bind (mode probe) its ring's MSI",
          example: 'request-channel main_udmap tx 4',
          details: 'With a count, all or nothing: if one channel fails, those granted before it are released.',
        },
      ],
    });
  });

  test('every verb has help, and its example parses', () => {
    for (const c of COMMANDS) {
      expect(ok(fresh(), `help ${c.name}`, 'help').entries[0].name).toBe(c.name);
      // Split as the command line is (interleave's example quotes its operations).
      const r = runWords(fresh(), tokenize(c.example));
      if (!r.ok) expect(r.error.code).not.toBe('EUSAGE');
    }
  });

  test('help <typo> is ENOENT with a suggestion', () => {
    fails(fresh(), 'help pool', 'ENOENT', "no verb 'pool' (did you mean pools?)");
    fails(fresh(), 'help reqest-channel', 'ENOENT', "no verb 'reqest-channel' (did you mean request-channel?)");
    fails(fresh(), 'help zzzzzzzz', 'ENOENT', "no verb 'zzzzzzzz'");
  });

  test('source hands the path back to the runner', () => {
    expect(ok(fresh(), 'source common/setup.msi', 'source')).toEqual({ kind: 'source', path: 'common/setup.msi' });
  });

  test('exit and quit', () => {
    expect(ok(fresh(), 'exit', 'exit')).toEqual({ kind: 'exit' });
    expect(ok(fresh(), 'quit', 'exit')).toEqual({ kind: 'exit' });
    expect(ok(fresh(), 'exit 3', 'exit')).toEqual({ kind: 'exit', status: 3 });
    expect(ok(fresh(), 'quit 0x10', 'exit')).toEqual({ kind: 'exit', status: 16 });
    fails(fresh(), 'exit now', 'EUSAGE', "exit status: expected a number, got 'now'");
    fails(fresh(), 'exit 256', 'EINVAL', 'exit status must be 0-255, got 256');
    fails(fresh(), 'exit 1 2', 'EUSAGE', 'too many arguments (2, at most 1); usage: exit [status]');
  });
});

describe('parsing', () => {
  test('arity errors name what is missing and show the usage', () => {
    const s = fresh();
    fails(s, 'request-channel main_udmap', 'EUSAGE', 'missing <direction>; usage: request-channel <dma> <tx|rx> [count]');
    fails(s, 'request-channel', 'EUSAGE', 'missing <dma> <direction>; usage: request-channel <dma> <tx|rx> [count]');
    fails(s, 'request-channel main_udmap tx 1 2', 'EUSAGE', 'too many arguments (4, at most 3); usage: request-channel <dma> <tx|rx> [count]');
    fails(s, 'pools x', 'EUSAGE', 'too many arguments (1, at most 0); usage: pools');
    fails(s, 'alloc-irq ringacc', 'EUSAGE', 'missing <index>; usage: alloc-irq <device> <index|any>');
  });

  test('an unknown verb is EUSAGE, with a suggestion when one is near', () => {
    const s = fresh();
    fails(s, 'reqest-channel main_udmap tx', 'EUSAGE', "unknown verb 'reqest-channel' (did you mean request-channel?)");
    fails(s, 'pool', 'EUSAGE', "unknown verb 'pool' (did you mean pools?)");
    fails(s, 'frobnicate', 'EUSAGE', "unknown verb 'frobnicate'; try help");
  });

  test('no words at all is EUSAGE', () => {
    expect(runWords(fresh(), [])).toEqual({ ok: false, error: { code: 'EUSAGE', message: 'missing command', pool: undefined } });
  });

  test('numbers: syntax is EUSAGE, impossible values are EINVAL, hex is fine', () => {
    const s = fresh();
    fails(s, 'request-channel main_udmap tx abc', 'EUSAGE', "count: expected a number, got 'abc'");
    fails(s, 'request-channel main_udmap tx 1.5', 'EUSAGE', "count: expected a number, got '1.5'");
    fails(s, 'request-channel main_udmap tx -1', 'EINVAL', "count must not be negative, got '-1'");
    fails(s, 'request-channel main_udmap tx 0', 'EINVAL', 'count must be 1-65536, got 0');
    fails(s, 'request-channel main_udmap tx 9007199254740992', 'EINVAL', "count '9007199254740992' is too large");
    fails(s, 'request-channel main_udmap tx 99999999999999999999', 'EINVAL', "count '99999999999999999999' is too large");
    fails(s, 'request-channel main_udmap tx 9007199254740991', 'EINVAL', 'count must be 1-65536, got 9007199254740991');
    expect(ok(s, 'request-channel main_udmap tx 0x2', 'channels').channels).toHaveLength(2);
  });

  test('unknown names are ENOENT; a direction typo is EUSAGE', () => {
    const s = fresh();
    fails(s, 'request-channel foo tx', 'ENOENT', "unknown DMA controller 'foo' (have: main_udmap)");
    fails(s, 'alloc-irq foo 1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc)");
    fails(s, 'expect-pool foo used=0', 'ENOENT', "unknown pool 'foo'; pools lists them");
    fails(s, 'request-channel main_udmap tz', 'EUSAGE', "direction: expected tx or rx, got 'tz'");
    fails(s, 'request-channel main_udmap TX', 'EUSAGE', "direction: expected tx or rx, got 'TX'");
  });

  test('a long or strange word is echoed shortened and cleaned', () => {
    fails(fresh(), `help ${'x'.repeat(60)}`, 'ENOENT', `no verb '${'x'.repeat(37)}...'`);
    fails(fresh(), `${'y'.repeat(41)}`, 'EUSAGE', `unknown verb '${'y'.repeat(37)}...'; try help`);
    fails(fresh(), 'request-channel main_udmap t\u00e9', 'EUSAGE', "direction: expected tx or rx, got 't?'");
  });

  test('a failed command leaves the model exactly as it was', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const before = s.system.fingerprint();
    for (const line of ['request-channel main_udmap rx 65', 'alloc-irq ringacc 5', 'set-affinity 71 1', 'free-irq 71', 'policy bogus', 'expect-pool virq used=0']) {
      expect(run(s, line).ok).toBe(false);
      expect(s.system.fingerprint()).toBe(before);
    }
  });
});
