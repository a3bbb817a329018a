import { describe, expect, test } from '@jest/globals';
import { hex64, testBit64 } from '../../src/core/bits64.js';
import { DESIGNS, designNamed, designOf, type DesignName } from '../../src/core/designs.js';
import { CoreError, type ErrCode } from '../../src/core/errors.js';
import { DEFAULT_SETTINGS, System, type Settings } from '../../src/core/system.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Topology } from '../../src/core/topology.js';

// AM65x MAIN NAVSS, Linux = TISCI host 12 (U-Boot board/ti/am65x/rm-cfg.yaml). Every number below
// is derived from upstream (../shared/reference/upstream.md): TO_HWIRQ(dev, index) = dev << 16 |
// index; ringacc is sci dev 187 (0xbb), main_udmap 188 (0xbc); INTR outputs 16-63 reach GIC hwirq
// 80-127 (SPI 48-95) and outputs 64-79 hwirq 448-463 (SPI 416-431) through ti,interrupt-ranges.
const RINGACC = 0xbb;
const UDMAP = 0xbc;
const ringHwirq = (ring: number): number => (RINGACC << 16) | ring;
const udmaHwirq = (index: number): number => (UDMAP << 16) | index;
const INTA_BASE = 0x33d00000;
const vintReg = (vint: number, offset: number): number => INTA_BASE + vint * 0x1000 + offset;

const settingsOf = (name: DesignName): Settings => designNamed(name)!.settings;
const MERGED = settingsOf('merged');
const RFC_V4 = settingsOf('rfc-v4');
const PROBE_ALL = settingsOf('probe-all');
const DYNAMIC = settingsOf('dynamic');

const boot = (settings: Settings = DEFAULT_SETTINGS, topology: Topology = am65x): System => System.boot(topology, settings);

const used = (s: System, id: string): number => {
  const p = s.pool(id);
  if (!p) throw new Error(`no pool ${id}`);
  return p.used;
};
const usage = (s: System): Array<[string, number, number]> => s.poolStats().map((p) => [p.id, p.used, p.total]);
const usedAndPeak = (s: System): Array<[string, number, number]> => s.poolStats().map((p) => [p.id, p.used, p.peak]);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Linux's tx and rx channels on host 12, and the normal-capacity ones k3-udma hands out (from 8). */
const TX_CHANNELS = [...range(1, 3), ...range(8, 19), ...range(26, 63)];
const RX_CHANNELS = [...range(2, 3), ...range(8, 19), ...range(26, 77)];
const NORMAL_TX = [...range(8, 19), ...range(26, 63)];
const NORMAL_RX = [...range(8, 19), ...range(26, 77)];

/** Runs `fn`, which must fail with `code` (and `message`, if given), and leave the model exactly as it was. */
const expectFailure = (s: System, fn: () => unknown, code: ErrCode, message?: string | RegExp): CoreError => {
  const before = s.fingerprint();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CoreError);
  const err = caught as CoreError;
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  expect(s.fingerprint()).toBe(before);
  return err;
};

const bootMessages = (s: System): Record<string, string> => Object.fromEntries(s.bootLog.map((e) => [e.device, e.message]));

/** The pools of am65x that no probe touches, as boot leaves them under every design. */
const CONTROLLER_LOG = {
  gic500: "GIC-500: 84 SPI lines reachable through Linux's router outputs (hwirq 80-127, 392-411, 448-463)",
  intr_main_navss: 'INTR sci id 182: outputs 16-79 (64) -> gic500',
  intr_main_gpio: 'INTR sci id 100: outputs 0-19 (20) -> gic500',
  inta_main_udmass: 'INTA sci id 179: VINTs 16-95 (80), global events 16-1039 (1024) -> intr_main_navss',
  main_gpio0: 'GPIO bank interrupts: virq 64-69 via intr_main_gpio inputs 192-197, chained (gpio_irq_handler)',
};

/** Use and peak of every pool after a boot that took no INTA hardware, with `virqs` virqs in use. */
const noHardwareBoot = (virqs: number): Array<[string, number, number]> => [
  ['gic500.spi', 7, 7],
  ['intr_main_navss.out', 1, 1],
  ['intr_main_gpio.out', 6, 6],
  ['inta_main_udmass.vint', 0, 0],
  ['inta_main_udmass.global_event', 0, 0],
  ['ringacc.gp_ring', 0, 0],
  ['main_udmap.tx_chan', 0, 0],
  ['main_udmap.rx_chan', 0, 0],
  ['virq', virqs, virqs],
];

describe('designs: named combinations of the five settings', () => {
  test('the presets of the thread, in order, merged first and the default', () => {
    expect(DESIGNS.map((d) => [d.name, d.settings])).toEqual([
      ['merged', { policy: 'coalesced', mode: 'probe', hardware: 'request', lock: 'inta', failure: 'unwind' }],
      ['rfc-v4', { policy: 'dedicated', mode: 'demand', hardware: 'alloc', lock: 'none', failure: 'unwind' }],
      ['probe-all', { policy: 'dedicated', mode: 'probe', hardware: 'alloc', lock: 'inta', failure: 'unwind' }],
      ['dynamic', { policy: 'coalesced', mode: 'demand', hardware: 'request', lock: 'inta', failure: 'unwind' }],
    ]);
    expect(DEFAULT_SETTINGS).toEqual(MERGED);
    for (const d of DESIGNS) expect(designOf({ ...d.settings })).toBe(d.name);
    expect(designOf({ ...MERGED, failure: 'upstream' })).toBe('custom');
    expect(designOf({ ...RFC_V4, lock: 'device' })).toBe('custom');
    expect(designNamed('rfc-v5')).toBeUndefined();
  });

  test('the lock column: vint_mutex for list and inta; none and device leave the INTA unlocked', () => {
    for (const lock of ['none', 'list', 'inta', 'device'] as const) {
      const l = boot({ ...MERGED, lock }).intas.get('inta_main_udmass')!.lock;
      expect(l.name).toBe('inta_main_udmass.vint_mutex');
      expect(l.tryAcquire('cpu0')).toBe(true);
      // a second CPU gets in at once unless it is a real mutex
      expect(l.tryAcquire('cpu1')).toBe(lock === 'none' || lock === 'device');
      l.release('cpu0');
    }
  });
});

describe('boot on am65x under every design', () => {
  test('merged (the default): 226 virqs (100 ring + 119 UDMA MSIs, cpts, 6 GPIO), no hardware taken', () => {
    const s = boot();
    expect(s.settings).toEqual(MERGED);
    expect(designOf(s.settings)).toBe('merged');
    expect(s.bootLog.map((e) => [e.device, e.ok])).toEqual([
      ['gic500', true],
      ['intr_main_navss', true],
      ['intr_main_gpio', true],
      ['inta_main_udmass', true],
      ['main_gpio0', true],
      ['ringacc', true],
      ['main_udmap', true],
      ['cpts', true],
    ]);
    expect(bootMessages(s)).toEqual({
      ...CONTROLLER_LOG,
      ringacc: 'ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-169; no hardware until request_irq)',
      main_udmap: 'UDMA-P: probed; 119 MSIs for 53 tx and 66 rx channel events (virqs 170-288; no hardware until request_irq)',
      cpts: 'CPTS time sync: virq 289 via intr_main_navss input 391',
    });
    expect(s.bootLog.every((e) => e.error === undefined)).toBe(true);
    expect(usedAndPeak(s)).toEqual(noHardwareBoot(226));
    expect(usage(s).map(([id, , total]) => [id, total])).toEqual([
      ['gic500.spi', 84],
      ['intr_main_navss.out', 64],
      ['intr_main_gpio.out', 20],
      ['inta_main_udmass.vint', 80],
      ['inta_main_udmass.global_event', 1024],
      ['ringacc.gp_ring', 100],
      ['main_udmap.tx_chan', 53],
      ['main_udmap.rx_chan', 66],
      ['virq', 1024],
    ]);
    expect(s.pool('inta_main_udmass.vint')!.ranges).toMatchObject([{ start: 16, count: 80 }]);
    expect(s.pool('inta_main_udmass.global_event')!.ranges).toMatchObject([{ start: 16, count: 1024 }]);
    expect(s.pool('intr_main_navss.out')!.ranges).toMatchObject([{ start: 16, count: 64 }]);
    expect(s.pool('ringacc.gp_ring')!.ranges).toMatchObject([{ start: 304, count: 100 }]);
    expect([...s.pool('main_udmap.tx_chan')!.usedNumbers()]).toEqual([]);
    expect(s.dmas.get('main_udmap')!.describe('tx')).toBe('1-3, 8-19, 26-63');
    expect(s.dmas.get('main_udmap')!.describe('rx')).toBe('2-3, 8-19, 26-77');

    // ti_sci_inta_msi_domain_alloc_irqs: one MSI per GP ring, per tchan and per rchan (0x200 + id)
    const msis = s.msi.all();
    expect(msis).toHaveLength(219);
    const rings = msis.filter((m) => m.device.id === 'ringacc');
    expect(rings.map((m) => m.index)).toEqual(range(304, 403));
    expect(rings.map((m) => m.virq)).toEqual(range(70, 169));
    expect(rings[0].hwirq).toBe(0xbb0130);
    expect(rings[99].hwirq).toBe(0xbb0193);
    const udma = msis.filter((m) => m.device.id === 'main_udmap');
    expect(udma.map((m) => m.index)).toEqual([...TX_CHANNELS, ...RX_CHANNELS.map((n) => 0x200 + n)]);
    expect(udma.map((m) => m.virq)).toEqual(range(170, 288));
    expect(udma.map((m) => m.hwirq)).toEqual(udma.map((m) => udmaHwirq(m.index)));
    expect([udma[0].hwirq, udma[52].hwirq, udma[53].hwirq, udma[118].hwirq]).toEqual([0xbc0001, 0xbc003f, 0xbc0202, 0xbc024d]);
    // "No actual allocation happens here": no event, no VINT, nobody requested them
    for (const m of msis) {
      expect(m.allocatedBy).toBe(m.device.id);
      expect([m.requestedBy, m.trigger, m.event]).toEqual([undefined, undefined, undefined]);
    }
    expect(s.intas.get('inta_main_udmass')!.vints).toEqual([]);
    // /proc/interrupts skips irqs with no action: only cpts shows
    // main_gpio0's banks are chained (gpio-davinci): /proc/interrupts leaves them out until counted
    expect(s.interrupts().map((i) => i.virq)).toEqual([289]);
    expect(s.routes().map((r) => r.virq)).toEqual([...range(64, 69), 289]);
  });

  test('merged: cpts probes last and takes intr_main_navss output 16 (SPI 48)', () => {
    const s = boot();
    const [cpts] = s.routes('cpts');
    expect(cpts).toMatchObject({
      virq: 289,
      device: 'cpts',
      index: 0,
      hwirq: 391,
      globalEvent: null,
      vint: null,
      vintBit: null,
      intrInput: 391,
      intrOutput: 16,
      gicSpi: 48,
      gicHwirq: 80,
      parentVirq: null,
      count: 0,
      owner: 'cpts',
      inta: null,
    });
    expect(cpts.hops).toEqual([{ router: 'intr_main_navss', input: 391, output: 16 }]);
    expect(s.interrupts().find((i) => i.virq === 289)).toMatchObject({ kind: 'direct', trigger: 'level', cpus: [0, 1, 2, 3] });
  });

  test('main_gpio0: virq 64-69, intr_main_gpio inputs 192-197 -> outputs 0-5 (SPI 360-365)', () => {
    const s = boot();
    expect(s.routes('main_gpio0').map((r) => [r.virq, r.intrInput, r.intrOutput, r.gicHwirq, r.gicSpi])).toEqual([
      [64, 192, 0, 392, 360],
      [65, 193, 1, 393, 361],
      [66, 194, 2, 394, 362],
      [67, 195, 3, 395, 363],
      [68, 196, 4, 396, 364],
      [69, 197, 5, 397, 365],
    ]);
  });

  test.each([['rfc-v4'], ['dynamic']] as const)('%s: the drivers probe with no MSIs at all; cpts gets virq 70', (name) => {
    const s = boot(settingsOf(name));
    expect(designOf(s.settings)).toBe(name);
    expect(s.bootLog.every((e) => e.ok)).toBe(true);
    expect(bootMessages(s)).toEqual({
      ...CONTROLLER_LOG,
      ringacc: 'ring accelerator: probed; MSIs are allocated on demand',
      main_udmap: 'UDMA-P: probed; MSIs are allocated on demand',
      cpts: 'CPTS time sync: virq 70 via intr_main_navss input 391',
    });
    expect(s.msi.all()).toEqual([]);
    expect(usedAndPeak(s)).toEqual(noHardwareBoot(7));
    expect(s.routes('cpts')[0]).toMatchObject({ virq: 70, intrOutput: 16, gicSpi: 48 });
    expect(s.dmas.get('main_udmap')!.bound).toBe(true);
  });

  test('probe-all: ringacc fails at MSI 65 on the INTR outputs and unwinds; main_udmap is deferred; cpts is fine', () => {
    const s = boot(PROBE_ALL);
    const entry = (id: string) => s.bootLog.find((e) => e.device === id)!;
    const overrun = 'intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed';
    expect(entry('ringacc')).toEqual({
      device: 'ringacc',
      ok: false,
      message: `probe failed: EINVAL: ${overrun}`,
      error: { code: 'EINVAL', message: overrun, pool: { id: 'intr_main_navss.out', used: 64, total: 64 } },
    });
    // -EPROBE_DEFER is no failed probe: not bound, no error, marked deferred.
    expect(entry('main_udmap')).toEqual({ device: 'main_udmap', ok: false, deferred: true, message: 'probe deferred: ringacc is not bound (EPROBE_DEFER)' });
    expect(entry('cpts')).toEqual({ device: 'cpts', ok: true, message: 'CPTS time sync: virq 70 via intr_main_navss input 391' });
    // Nothing is left of the failed probe, but the high-water marks keep what it reached:
    // 64 VINTs with their outputs and SPIs, the 65th VINT, and 64 child + 65 parent virqs (+ 6 GPIO).
    expect(usedAndPeak(s)).toEqual([
      ['gic500.spi', 7, 70],
      ['intr_main_navss.out', 1, 64],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 0, 65],
      ['inta_main_udmass.global_event', 0, 64],
      ['ringacc.gp_ring', 0, 0],
      ['main_udmap.tx_chan', 0, 0],
      ['main_udmap.rx_chan', 0, 0],
      ['virq', 7, 136],
    ]);
    expect(s.msi.all()).toEqual([]);
    expect(s.intas.get('inta_main_udmass')!.vints).toEqual([]);
    expect(s.routes('cpts')[0]).toMatchObject({ virq: 70, intrOutput: 16, gicSpi: 48 });
    expect(s.msiDevices.get('ringacc')!.bound).toBe(false);
    expect(s.dmas.get('main_udmap')!.bound).toBe(false);
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'EPROBE_DEFER', 'main_udmap: driver not bound: probe deferred: ringacc is not bound');
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EPROBE_DEFER', 'ringacc: driver not bound: its probe failed with EINVAL (see boot)');
    expectFailure(
      s,
      () => s.allocIrq('main_udmap', 'any'),
      'EPROBE_DEFER',
      'main_udmap: driver not bound: probe deferred: ringacc is not bound',
    );
  });

  test('probe-all with cpts probing first: cpts holds output 16, so ringacc fails one MSI earlier', () => {
    const s = boot(PROBE_ALL, { ...am65x, boot: ['main_gpio0', 'cpts', 'ringacc', 'main_udmap'] });
    expect(s.bootLog.slice(4).map((e) => [e.device, e.ok, e.message])).toEqual([
      ['main_gpio0', true, CONTROLLER_LOG.main_gpio0],
      ['cpts', true, 'CPTS time sync: virq 70 via intr_main_navss input 391'],
      ['ringacc', false, 'probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 64 of 100; the 63 allocated before were freed'],
      ['main_udmap', false, 'probe deferred: ringacc is not bound (EPROBE_DEFER)'],
    ]);
    expect(used(s, 'intr_main_navss.out')).toBe(1);
  });

  test('a DMA whose ring accelerator is not in the boot list probes it first, as a deferred probe would', () => {
    const s = boot(MERGED, { ...am65x, boot: ['main_gpio0', 'main_udmap', 'cpts'] });
    expect(s.bootLog.slice(4).map((e) => e.device)).toEqual(['main_gpio0', 'ringacc', 'main_udmap', 'cpts']);
    expect(s.fingerprint()).toBe(boot().fingerprint());
  });

  test('drivers left out of the boot list are never probed: not bound, EPROBE_DEFER to their users, nothing taken', () => {
    for (const design of DESIGNS) {
      const s = boot(design.settings, { ...am65x, boot: ['main_gpio0', 'cpts'] });
      expect(s.bootLog.slice(-2)).toEqual([
        { device: 'ringacc', ok: false, message: 'not probed: not in the boot list' },
        { device: 'main_udmap', ok: false, message: 'not probed: not in the boot list' },
      ]);
      expect(used(s, 'virq')).toBe(7);
      expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 2), 'EPROBE_DEFER', "main_udmap: driver not bound: it is not in the topology's boot list");
      expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EPROBE_DEFER', "ringacc: driver not bound: it is not in the topology's boot list");
      expectFailure(s, () => s.allocIrq('main_udmap', 8), 'EPROBE_DEFER', "main_udmap: driver not bound: it is not in the topology's boot list");
    }
  });

  test('an MSI device whose probe was deferred (none is today: only a DMA defers) is described as deferred, not as left out of the boot list', () => {
    const s = boot();
    const i = s.bootLog.findIndex((e) => e.device === 'ringacc');
    s.bootLog[i] = { device: 'ringacc', ok: false, deferred: true, message: 'probe deferred: a supplier is not bound (EPROBE_DEFER)' };
    const e = s.notBound('ringacc');
    expect([e.code, e.message]).toEqual(['EPROBE_DEFER', 'ringacc: driver not bound: its probe was deferred (see boot)']);
  });

  test('every boot with the same settings is the same', () => {
    for (const design of DESIGNS) expect(boot(design.settings).fingerprint()).toBe(boot(design.settings).fingerprint());
  });
});

describe('merged: channels as k3-udma takes them', () => {
  test("tx8's route: GP ring 304 (hwirq 0xbb0130), event 16, VINT 16 bit 0, INTR output 17, SPI 49", () => {
    const s = boot();
    const [tx8] = s.requestChannel('main_udmap', 'tx');
    expect(tx8).toMatchObject({ dma: 'main_udmap', dir: 'tx', n: 8, name: 'main_udmap:tx8', mode: 'pkt', ring: 304, event: undefined });
    // the ring's probe-time MSI, now requested (IRQF_TRIGGER_HIGH: level)
    expect(tx8.msi).toMatchObject({ virq: 70, index: 304, hwirq: 0xbb0130, allocatedBy: 'ringacc', requestedBy: 'main_udmap:tx8', trigger: 'level' });
    const route = s.routeOf(70)!;
    expect(route).toEqual({
      virq: 70,
      device: 'ringacc',
      index: 304,
      hwirq: ringHwirq(304),
      globalEvent: 16,
      vint: 16,
      vintBit: 0,
      intrInput: 16,
      intrOutput: 17,
      gicSpi: 49,
      parentVirq: 290,
      count: 0,
      owner: 'main_udmap:tx8',
      inta: 'inta_main_udmass',
      hops: [{ router: 'intr_main_navss', input: 16, output: 17 }],
      gicHwirq: 81,
    });
    expect(usage(s).map(([id, n]) => [id, n])).toEqual([
      ['gic500.spi', 8],
      ['intr_main_navss.out', 2],
      ['intr_main_gpio.out', 6],
      ['inta_main_udmass.vint', 1],
      ['inta_main_udmass.global_event', 1],
      ['ringacc.gp_ring', 1],
      ['main_udmap.tx_chan', 1],
      ['main_udmap.rx_chan', 0],
      ['virq', 227],
    ]);
    const irqs = s.interrupts();
    expect(irqs.find((i) => i.virq === 70)).toMatchObject({ kind: 'msi', owner: 'main_udmap:tx8', parentVirq: 290, trigger: 'level', chip: 'inta_main_udmass' });
    // the VINT's parent is chained: never counted, so /proc/interrupts leaves it out
    expect(irqs.find((i) => i.virq === 290)).toBeUndefined();
    expect(s.descs.get(290)).toMatchObject({ kind: 'vint-parent', chip: 'intr_main_navss', hwirq: 16, name: 'inta_main_udmass VINT 16' });
  });

  test('rx channels: rx8 completes on the first free GP ring; its TR event is index 0x208', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    const [rx8] = s.requestChannel('main_udmap', 'rx', 1, 'tr');
    expect(rx8).toMatchObject({ name: 'main_udmap:rx8', n: 8, ring: 305, mode: 'tr' });
    expect(s.routeOf(rx8.msi.virq)).toMatchObject({ virq: 71, index: 305, globalEvent: 17, vint: 16, vintBit: 1 });
    // rx MSIs follow the 53 tx ones from virq 170: rx2, rx3, rx8 -> 225
    expect(rx8.event).toMatchObject({ virq: 225, index: 0x208, hwirq: 0xbc0208, trigger: 'edge', requestedBy: 'main_udmap:rx8' });
    expect(s.routeOf(225)).toMatchObject({ device: 'main_udmap', globalEvent: 18, vint: 16, vintBit: 2, parentVirq: 290 });
  });

  test('TR mode: a channel takes 2 events; 32 channels fill VINT 16 and the 33rd opens VINT 17 (SPI 50)', () => {
    const s = boot();
    const [tx8] = s.requestChannel('main_udmap', 'tx', 1, 'tr');
    // udma_alloc_chan_resources: request_irq(ring), then request_irq(msi_get_virq(udma, tchan id))
    expect(tx8.event).toMatchObject({ virq: 173, index: 8, hwirq: 0xbc0008, trigger: 'edge', requestedBy: 'main_udmap:tx8' });
    expect(s.routeOf(70)).toMatchObject({ globalEvent: 16, vint: 16, vintBit: 0, intrOutput: 17, gicSpi: 49 });
    expect(s.routeOf(173)).toMatchObject({ hwirq: udmaHwirq(8), globalEvent: 17, vint: 16, vintBit: 1, intrOutput: 17, gicSpi: 49, parentVirq: 290 });
    expect(s.interrupts().find((i) => i.virq === 173)).toMatchObject({ trigger: 'edge', owner: 'main_udmap:tx8' });

    const more = s.requestChannel('main_udmap', 'tx', 31, 'tr');
    expect(more.map((c) => c.n)).toEqual([...range(9, 19), ...range(26, 45)]);
    const inta = s.intas.get('inta_main_udmass')!;
    expect(inta.vints.map((v) => [v.vint, hex64(v.map), v.parentVirq])).toEqual([[16, '0xffffffffffffffff', 290]]);
    expect([used(s, 'inta_main_udmass.global_event'), used(s, 'intr_main_navss.out')]).toEqual([64, 2]);

    const [tx46] = s.requestChannel('main_udmap', 'tx', 1, 'tr');
    expect(tx46).toMatchObject({ n: 46, ring: 336 });
    expect(s.routeOf(tx46.msi.virq)).toMatchObject({
      virq: 102,
      index: 336,
      globalEvent: 80,
      vint: 17,
      vintBit: 0,
      intrInput: 17,
      intrOutput: 18,
      gicSpi: 50,
      gicHwirq: 82,
      parentVirq: 291,
    });
    // tx46's event MSI: tx1-3 are virqs 170-172, tx8-19 173-184, tx26.. from 185
    expect(s.routeOf(tx46.event!.virq)).toMatchObject({ virq: 205, hwirq: 0xbc002e, globalEvent: 81, vint: 17, vintBit: 1 });
    expect(usage(s).map(([id, n]) => [id, n])).toEqual([
      ['gic500.spi', 9],
      ['intr_main_navss.out', 3],
      ['intr_main_gpio.out', 6],
      ['inta_main_udmass.vint', 2],
      ['inta_main_udmass.global_event', 66],
      ['ringacc.gp_ring', 33],
      ['main_udmap.tx_chan', 33],
      ['main_udmap.rx_chan', 0],
      ['virq', 228],
    ]);
  });

  test('the 101st channel (tx and rx mixed) fails with EBUSY: no GP ring for its completion', () => {
    const s = boot();
    const tx = s.requestChannel('main_udmap', 'tx', 50);
    const rx = s.requestChannel('main_udmap', 'rx', 50);
    expect(tx.map((c) => c.n)).toEqual(NORMAL_TX);
    expect(rx.map((c) => c.n)).toEqual(NORMAL_RX.slice(0, 50));
    expect([...tx, ...rx].map((c) => c.ring)).toEqual(range(304, 403));
    const e = expectFailure(s, () => s.requestChannel('main_udmap', 'rx'), 'EBUSY', 'ringacc.gp_ring exhausted (100/100 used): no completion ring for main_udmap:rx64');
    expect(e.pool).toEqual({ id: 'ringacc.gp_ring', used: 100, total: 100 });
    // 100 level ring irqs: VINT 16 full, 36 events on VINT 17
    expect(s.intas.get('inta_main_udmass')!.vints.map((v) => [v.vint, hex64(v.map)])).toEqual([
      [16, '0xffffffffffffffff'],
      [17, '0x0000000fffffffff'],
    ]);
    expect(usedAndPeak(s)).toEqual([
      ['gic500.spi', 9, 9],
      ['intr_main_navss.out', 3, 3],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 2, 2],
      ['inta_main_udmass.global_event', 100, 100],
      ['ringacc.gp_ring', 100, 100],
      ['main_udmap.tx_chan', 50, 50],
      // the failed request took rx64 before it found no ring: the peak keeps it
      ['main_udmap.rx_chan', 50, 51],
      ['virq', 228, 228],
    ]);
    expectFailure(s, () => s.requestChannel('main_udmap', 'rx', 3), 'EBUSY', 'ringacc.gp_ring exhausted (100/100 used): no completion ring for main_udmap:rx64, at channel 1 of 3');
    // the tx side is out of normal-capacity channels first: __udma_reserve_tchan returns -ENOENT
    const t = expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'ENOENT', 'main_udmap.tx_chan: no free normal-capacity tx channel (50 of 50 from 8 in use; 50/53 used)');
    expect(t.pool).toEqual({ id: 'main_udmap.tx_chan', used: 50, total: 53 });
  });

  test('rx runs out of normal-capacity channels at 64', () => {
    const s = boot();
    expect(s.requestChannel('main_udmap', 'rx', 64).map((c) => c.n)).toEqual(NORMAL_RX);
    expectFailure(s, () => s.requestChannel('main_udmap', 'rx'), 'ENOENT', 'main_udmap.rx_chan: no free normal-capacity rx channel (64 of 64 from 8 in use; 64/66 used)');
  });

  test('releasing everything returns to the boot state; peaks are high-water marks', () => {
    const s = boot();
    const bootPrint = s.fingerprint();
    s.requestChannel('main_udmap', 'tx', 50, 'tr');
    s.requestChannel('main_udmap', 'rx', 50);
    for (const n of [...NORMAL_TX].reverse()) s.releaseChannel('main_udmap', 'tx', n);
    for (const n of NORMAL_RX.slice(0, 50)) s.releaseChannel('main_udmap', 'rx', n);
    expect(s.channels()).toEqual([]);
    expect(s.routes().map((r) => r.virq)).toEqual([...range(64, 69), 289]);
    // free_irq gives the hardware back; the probe-time MSIs stay
    expect(s.msi.all()).toHaveLength(219);
    expect(s.msi.all().every((m) => m.requestedBy === undefined && m.event === undefined)).toBe(true);
    // 150 events (50 TR channels x 2 + 50 rx) on VINTs 16-18
    expect(usedAndPeak(s)).toEqual([
      ['gic500.spi', 7, 10],
      ['intr_main_navss.out', 1, 4],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 0, 3],
      ['inta_main_udmass.global_event', 0, 150],
      ['ringacc.gp_ring', 0, 100],
      ['main_udmap.tx_chan', 0, 50],
      ['main_udmap.rx_chan', 0, 50],
      ['virq', 226, 229],
    ]);
    expect(s.fingerprint()).toBe(bootPrint);
  });

  test('released numbers are reused first fit', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 3);
    s.releaseChannel('main_udmap', 'tx', 9);
    const [again] = s.requestChannel('main_udmap', 'tx');
    expect(again).toMatchObject({ n: 9, ring: 305 });
    expect(s.routeOf(again.msi.virq)).toMatchObject({ virq: 71, index: 305, globalEvent: 17, vint: 16, vintBit: 1 });
  });

  test('release-channel errors', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', 10), 'ENOENT', 'main_udmap:tx10 is not requested');
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', 4), 'EINVAL', "main_udmap: tx channel 4 is not one of this host's (1-3, 8-19, 26-63)");
    expectFailure(s, () => s.releaseChannel('main_udmap', 'rx', 78), 'EINVAL', "main_udmap: rx channel 78 is not one of this host's (2-3, 8-19, 26-77)");
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', -1), 'EINVAL', "main_udmap: tx channel -1 is not one of this host's (1-3, 8-19, 26-63)");
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', 8.5), 'EINVAL');
    expectFailure(s, () => s.releaseChannel('nope', 'tx', 0), 'ENOENT', "unknown DMA controller 'nope' (have: main_udmap)");
  });

  test('count > 1 is all or nothing, and a bad count', () => {
    const s = boot();
    expectFailure(
      s,
      () => s.requestChannel('main_udmap', 'tx', 51),
      'ENOENT',
      'main_udmap.tx_chan: no free normal-capacity tx channel (50 of 50 from 8 in use; 50/53 used), at channel 51 of 51; the 50 granted before were released',
    );
    s.requestChannel('main_udmap', 'tx', 49);
    expectFailure(
      s,
      () => s.requestChannel('main_udmap', 'tx', 2),
      'ENOENT',
      'main_udmap.tx_chan: no free normal-capacity tx channel (50 of 50 from 8 in use; 50/53 used), at channel 2 of 2; the 1 granted before was released',
    );
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 0), 'EINVAL', 'channel count must be at least 1, got 0');
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 1.5), 'EINVAL');
    expectFailure(s, () => s.requestChannel('udmap', 'tx'), 'ENOENT', "unknown DMA controller 'udmap' (have: main_udmap)");
  });
});

describe('rfc-v4: one VINT, INTR output and SPI per MSI, hardware with the allocation', () => {
  test('fails at channel 64 with intr_main_navss outputs 64/64 and VINTs 63/80', () => {
    const s = boot(RFC_V4);
    const [tx8] = s.requestChannel('main_udmap', 'tx');
    // allocated on demand by the channel, with its hardware: child virq 71, then parent 72
    expect(tx8.msi).toMatchObject({ virq: 71, index: 304, allocatedBy: 'main_udmap:tx8', requestedBy: 'main_udmap:tx8', trigger: 'level' });
    expect(s.routeOf(71)).toMatchObject({ globalEvent: 16, vint: 16, vintBit: 0, intrOutput: 17, gicSpi: 49, parentVirq: 72 });
    s.requestChannel('main_udmap', 'tx', 49);
    s.requestChannel('main_udmap', 'rx', 13);
    const routes = s.routes('ringacc');
    expect(routes).toHaveLength(63);
    expect(routes.map((r) => r.vint)).toEqual(range(16, 78));
    expect(routes.map((r) => r.intrOutput)).toEqual(range(17, 79));
    expect(routes.every((r) => r.vintBit === 0)).toBe(true);
    // channel 47 (tx60) is on output 63, the last below 64; channel 48 (tx61) on output 64 -> hwirq 448
    expect(routes[46]).toMatchObject({ owner: 'main_udmap:tx60', intrOutput: 63, gicHwirq: 127, gicSpi: 95 });
    expect(routes[47]).toMatchObject({ owner: 'main_udmap:tx61', intrOutput: 64, gicHwirq: 448, gicSpi: 416 });
    expect(routes[62]).toMatchObject({ owner: 'main_udmap:rx26', vint: 78, intrOutput: 79, gicHwirq: 463, gicSpi: 431 });

    const e = expectFailure(s, () => s.requestChannel('main_udmap', 'rx'), 'EINVAL', 'intr_main_navss.out exhausted (64/64 used)');
    expect(e.pool).toEqual({ id: 'intr_main_navss.out', used: 64, total: 64 });
    // 17 VINTs and 961 global events still free: the INTR is the wall
    expect(usedAndPeak(s)).toEqual([
      ['gic500.spi', 70, 70],
      ['intr_main_navss.out', 64, 64],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 63, 64],
      ['inta_main_udmass.global_event', 63, 63],
      ['ringacc.gp_ring', 63, 64],
      ['main_udmap.tx_chan', 50, 50],
      ['main_udmap.rx_chan', 13, 14],
      ['virq', 133, 135],
    ]);
    expect(s.pool('inta_main_udmass.vint')!.free).toBe(17);
    expect(s.pool('inta_main_udmass.global_event')!.free).toBe(961);
    // alloc-irq meets the same wall
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EINVAL', 'intr_main_navss.out exhausted (64/64 used)');
    // releasing a channel frees its MSI with its VINT and output; the next takes them
    s.releaseChannel('main_udmap', 'tx', 10);
    expect(used(s, 'intr_main_navss.out')).toBe(63);
    const [rx27] = s.requestChannel('main_udmap', 'rx');
    expect(rx27).toMatchObject({ n: 27, ring: 306 });
    expect(s.routeOf(rx27.msi.virq)).toMatchObject({ vint: 18, vintBit: 0, intrOutput: 19 });
  });

  test('count > 1 is all or nothing', () => {
    const s = boot(RFC_V4);
    s.requestChannel('main_udmap', 'tx', 50);
    const e = expectFailure(
      s,
      () => s.requestChannel('main_udmap', 'rx', 14),
      'EINVAL',
      'intr_main_navss.out exhausted (64/64 used), at channel 14 of 14; the 13 granted before were released',
    );
    expect(e.pool!.id).toBe('intr_main_navss.out');
    expect(used(s, 'main_udmap.rx_chan')).toBe(0);
    expect(used(s, 'intr_main_navss.out')).toBe(51);
    expect(s.pool('intr_main_navss.out')!.peak).toBe(64);
  });

  test('releasing a channel frees its MSI: back to the boot state', () => {
    const s = boot(RFC_V4);
    const bootPrint = s.fingerprint();
    s.requestChannel('main_udmap', 'tx', 3, 'tr');
    expect(used(s, 'inta_main_udmass.vint')).toBe(6);
    for (const n of [8, 9, 10]) s.releaseChannel('main_udmap', 'tx', n);
    expect(s.msi.all()).toEqual([]);
    expect(s.fingerprint()).toBe(bootPrint);
  });
});

describe('dynamic: MSIs on demand, coalesced, hardware at request_irq', () => {
  test('a TR channel allocates both MSIs when requested; releasing frees them', () => {
    const s = boot(DYNAMIC);
    const bootPrint = s.fingerprint();
    const [tx8] = s.requestChannel('main_udmap', 'tx', 1, 'tr');
    expect(tx8.msi).toMatchObject({ virq: 71, index: 304, allocatedBy: 'main_udmap:tx8', requestedBy: 'main_udmap:tx8' });
    expect(tx8.event).toMatchObject({ virq: 73, index: 8, hwirq: 0xbc0008, allocatedBy: 'main_udmap:tx8', trigger: 'edge' });
    expect(s.routeOf(71)).toMatchObject({ globalEvent: 16, vint: 16, vintBit: 0, intrOutput: 17, gicSpi: 49, parentVirq: 72 });
    expect(s.routeOf(73)).toMatchObject({ globalEvent: 17, vint: 16, vintBit: 1, parentVirq: 72 });
    s.requestChannel('main_udmap', 'tx', 31, 'tr');
    expect(used(s, 'inta_main_udmass.vint')).toBe(1);
    const [tx46] = s.requestChannel('main_udmap', 'tx', 1, 'tr');
    expect(s.routeOf(tx46.msi.virq)).toMatchObject({ vint: 17, vintBit: 0, intrOutput: 18, gicSpi: 50 });
    for (const c of s.channels()) s.releaseChannel(c.dma, c.dir, c.n);
    expect(s.msi.all()).toEqual([]);
    expect(s.fingerprint()).toBe(bootPrint);
  });
});

describe("failure 'upstream': the VINT opened for an event that fails stays (64 global events)", () => {
  const events64: Topology = {
    ...am65x,
    intas: am65x.intas.map((a) => ({ ...a, globalEvents: [{ start: 16, count: 64, source: 'illustrative' as const }] })),
  };

  test('the 65th MSI fails with EINVAL and leaves VINTs 2/80, INTR outputs 3/64, 9 SPIs', () => {
    const s = boot({ ...MERGED, failure: 'upstream' }, events64);
    for (let k = 0; k < 64; k++) s.allocIrq('ringacc', 'any');
    let caught: unknown;
    try {
      s.allocIrq('ringacc', 'any');
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({
      code: 'EINVAL',
      message: 'inta_main_udmass.global_event exhausted (64/64 used)',
      pool: { id: 'inta_main_udmass.global_event', used: 64, total: 64 },
    });
    expect(usage(s).map(([id, n]) => [id, n])).toEqual([
      ['gic500.spi', 9],
      ['intr_main_navss.out', 3],
      ['intr_main_gpio.out', 6],
      ['inta_main_udmass.vint', 2],
      ['inta_main_udmass.global_event', 64],
      // the command itself is undone: its ring and MSI request go back
      ['ringacc.gp_ring', 64],
      ['main_udmap.tx_chan', 0],
      ['main_udmap.rx_chan', 0],
      ['virq', 228],
    ]);
    expect(s.intas.get('inta_main_udmass')!.vints.map((v) => [v.vint, hex64(v.map), v.parentVirq])).toEqual([
      [16, '0xffffffffffffffff', 290],
      [17, '0x0000000000000000', 291],
    ]);
    expect(s.intrs.get('intr_main_navss')!.routedInputs()).toEqual([
      { input: 16, output: 17 },
      { input: 17, output: 18 },
      { input: 391, output: 16 },
    ]);
    expect(s.msi.find(s.msiDevice('ringacc'), 368)).toMatchObject({ requestedBy: undefined, event: undefined });
    // the same failure again opens nothing more
    try {
      s.allocIrq('ringacc', 'any');
    } catch {
      // expected
    }
    expect(used(s, 'inta_main_udmass.vint')).toBe(2);
  });

  test("the same under 'unwind' leaves no trace", () => {
    const s = boot(MERGED, events64);
    for (let k = 0; k < 64; k++) s.allocIrq('ringacc', 'any');
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EINVAL', 'inta_main_udmass.global_event exhausted (64/64 used)');
    expect([used(s, 'inta_main_udmass.vint'), used(s, 'intr_main_navss.out'), used(s, 'gic500.spi')]).toEqual([1, 2, 8]);
    expect(s.pool('inta_main_udmass.vint')!.peak).toBe(2);
  });

  test('32 TR channels use the 64 events; the 33rd fails on its ring irq and leaks VINT 17 upstream', () => {
    for (const failure of ['unwind', 'upstream'] as const) {
      const s = boot({ ...MERGED, failure }, events64);
      s.requestChannel('main_udmap', 'tx', 32, 'tr');
      const before = s.fingerprint();
      let caught: unknown;
      try {
        s.requestChannel('main_udmap', 'tx', 1, 'tr');
      } catch (e) {
        caught = e;
      }
      expect(caught).toMatchObject({ code: 'EINVAL', message: 'inta_main_udmass.global_event exhausted (64/64 used)' });
      expect(used(s, 'main_udmap.tx_chan')).toBe(32);
      expect(used(s, 'ringacc.gp_ring')).toBe(32);
      if (failure === 'unwind') expect(s.fingerprint()).toBe(before);
      else expect([used(s, 'inta_main_udmass.vint'), used(s, 'intr_main_navss.out'), used(s, 'gic500.spi')]).toEqual([2, 3, 9]);
    }
  });
});

describe('alloc-irq and free-irq (merged)', () => {
  test('any requests the probe-time MSI of the lowest free GP ring', () => {
    const s = boot();
    const a = s.allocIrq('ringacc', 'any');
    expect(a).toMatchObject({ virq: 70, index: 304, allocatedBy: 'ringacc', requestedBy: 'alloc-irq', trigger: 'level' });
    expect(s.routeOf(70)).toMatchObject({
      device: 'ringacc',
      index: 304,
      hwirq: ringHwirq(304),
      globalEvent: 16,
      vint: 16,
      vintBit: 0,
      intrOutput: 17,
      gicSpi: 49,
      parentVirq: 290,
      owner: 'alloc-irq',
    });
    const b = s.allocIrq('ringacc', 306);
    expect(b).toMatchObject({ virq: 72, index: 306 });
    expect(s.routeOf(72)).toMatchObject({ globalEvent: 17, vint: 16, vintBit: 1, parentVirq: 290 });
    expect(s.allocIrq('ringacc', 'any').index).toBe(305);
    expect(s.allocIrq('ringacc', 'any').index).toBe(307);
    expect(used(s, 'ringacc.gp_ring')).toBe(4);
    expect(used(s, 'inta_main_udmass.vint')).toBe(1);
    expect(used(s, 'virq')).toBe(227);
  });

  test("a UDMA event: the lowest unrequested index of main_udmap's share, edge", () => {
    const s = boot();
    expect(s.allocIrq('main_udmap', 'any')).toMatchObject({ virq: 170, index: 1, hwirq: 0xbc0001, trigger: 'edge', requestedBy: 'alloc-irq' });
    expect(s.allocIrq('main_udmap', 0x208)).toMatchObject({ virq: 225, hwirq: 0xbc0208 });
    expectFailure(
      s,
      () => s.allocIrq('main_udmap', 4),
      'EINVAL',
      "main_udmap 4 is not in this host's share (1-3, 8-19, 26-63, 514-515, 520-531, 538-589)",
    );
    expectFailure(s, () => s.allocIrq('main_udmap', 1), 'EBUSY', 'main_udmap 1 is already requested by alloc-irq (virq 170)');
  });

  test('refusals: EBUSY, EINVAL, ENOENT, and the GP ring pool running out', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    s.allocIrq('ringacc', 310);
    expectFailure(s, () => s.allocIrq('ringacc', 310), 'EBUSY', 'ringacc 310 is already requested by alloc-irq');
    expectFailure(s, () => s.allocIrq('ringacc', 304), 'EBUSY', 'ringacc 304 is the completion ring of main_udmap:tx8; release the channel instead');
    expectFailure(s, () => s.allocIrq('ringacc', 303), 'EINVAL', "ringacc 303 is not in this host's share (304-403)");
    expectFailure(s, () => s.allocIrq('ringacc', 404), 'EINVAL', "ringacc 404 is not in this host's share (304-403)");
    expectFailure(s, () => s.allocIrq('ringacc', 818), 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    expectFailure(s, () => s.allocIrq('ringacc', -1), 'EINVAL', 'ringacc: index -1 out of range (0-817)');
    expectFailure(s, () => s.allocIrq('ringacc', 2.5), 'EINVAL');
    expectFailure(s, () => s.allocIrq('nope', 'any'), 'ENOENT', "unknown MSI device 'nope' (have: ringacc, main_udmap)");
    for (let k = 0; k < 98; k++) s.allocIrq('ringacc', 'any');
    expect(used(s, 'ringacc.gp_ring')).toBe(100);
    const e = expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EBUSY', 'ringacc.gp_ring exhausted (100/100 used)');
    expect(e.pool).toEqual({ id: 'ringacc.gp_ring', used: 100, total: 100 });
    expect(used(s, 'inta_main_udmass.vint')).toBe(2);
  });

  test('free-irq gives the hardware back and keeps the MSI; refusals', () => {
    const s = boot();
    s.allocIrq('ringacc', 'any'); // 304, virq 70
    s.allocIrq('ringacc', 'any'); // 305, virq 71
    const [tx8] = s.requestChannel('main_udmap', 'tx');
    expect([tx8.ring, tx8.msi.virq]).toEqual([306, 72]);
    const freed = s.freeIrq(71);
    expect(freed).toMatchObject({ virq: 71, index: 305, requestedBy: undefined, event: undefined, trigger: undefined });
    expect(s.msi.byVirqNumber(71)).toBe(freed);
    expect(used(s, 'virq')).toBe(227);
    expect(s.routeOf(71)).toBeUndefined();
    expectFailure(s, () => s.freeIrq(71), 'ENOENT', 'virq 71 (ringacc 305) is not requested');
    expectFailure(s, () => s.freeIrq(72), 'EBUSY', 'virq 72 belongs to main_udmap:tx8; release the channel instead');
    expectFailure(s, () => s.freeIrq(290), 'EINVAL', 'virq 290 is the parent of inta_main_udmass VINT 16; free its events instead');
    expectFailure(s, () => s.freeIrq(289), 'EBUSY', 'virq 289 belongs to cpts, a direct INTR client');
    expectFailure(s, () => s.freeIrq(64), 'EBUSY', 'virq 64 belongs to main_gpio0, whose driver chained gpio_irq_handler on it');
    expectFailure(s, () => s.freeIrq(5000), 'ENOENT', 'virq 5000 is not allocated');
    expectFailure(s, () => s.freeIrq(291), 'ENOENT', 'virq 291 is not allocated');
    expectFailure(s, () => s.freeIrqOf('ringacc', 305), 'ENOENT', 'ringacc 305 is not requested');
    expectFailure(s, () => s.freeIrqOf('ringacc', 306), 'EBUSY', 'virq 72 belongs to main_udmap:tx8; release the channel instead');
    expectFailure(s, () => s.freeIrqOf('ringacc', 900), 'EINVAL', 'ringacc: index 900 out of range (0-817)');
    expectFailure(s, () => s.freeIrqOf('nope', 1), 'ENOENT');
    expect(s.freeIrqOf('ringacc', 304).virq).toBe(70);
    s.releaseChannel('main_udmap', 'tx', 8);
    // the last event of VINT 16 took the VINT and its parent with it; the 219 MSIs stay
    expect(used(s, 'inta_main_udmass.vint')).toBe(0);
    expect(used(s, 'intr_main_navss.out')).toBe(1);
    expect(used(s, 'virq')).toBe(226);
    expect(s.fingerprint()).toBe(boot().fingerprint());
    // the ring is free again for the next alloc-irq, which redoes request_resources
    expect(s.allocIrq('ringacc', 'any')).toMatchObject({ virq: 70, index: 304 });
    expect(s.routeOf(70)).toMatchObject({ globalEvent: 16, vint: 16, parentVirq: 290 });
  });

  test('dynamic: free-irq frees the MSI too', () => {
    const s = boot(DYNAMIC);
    const a = s.allocIrq('ringacc', 'any');
    expect(a).toMatchObject({ virq: 71, index: 304, allocatedBy: 'alloc-irq', requestedBy: 'alloc-irq' });
    expect(s.routeOf(71)).toMatchObject({ vint: 16, parentVirq: 72, intrOutput: 17 });
    s.freeIrq(71);
    expect(s.msi.all()).toEqual([]);
    expect(s.fingerprint()).toBe(boot(DYNAMIC).fingerprint());
    expectFailure(s, () => s.freeIrq(71), 'ENOENT', 'virq 71 is not allocated');
  });

  test('the virq space runs out cleanly', () => {
    // dynamic: no virq for the MSI: __msi_domain_alloc_irqs turns it into -ENOSPC (msi_handle_pci_fail)
    const seven = boot(DYNAMIC, { ...am65x, virq: { first: 64, count: 7 } });
    const e = expectFailure(seven, () => seven.requestChannel('main_udmap', 'tx'), 'ENOSPC', 'virq exhausted (7/7 used)');
    expect(e.pool).toEqual({ id: 'virq', used: 7, total: 7 });
    // with room for the MSI but not for its VINT's parent, the MSI is unwound too; a parent
    // that cannot be mapped is "Parent IRQ allocation failed", -EINVAL (ti_sci_inta_alloc_parent_irq)
    const eight = boot(DYNAMIC, { ...am65x, virq: { first: 64, count: 8 } });
    expectFailure(eight, () => eight.requestChannel('main_udmap', 'tx'), 'EINVAL', 'inta_main_udmass: parent IRQ allocation failed: virq exhausted (8/8 used)');
    expect(used(eight, 'virq')).toBe(7);
    // merged: the probe-time MSIs fill the space; the first request needs a parent virq
    const merged = boot(MERGED, { ...am65x, virq: { first: 64, count: 226 } });
    expect(merged.bootLog.every((b) => b.ok)).toBe(true);
    expectFailure(merged, () => merged.allocIrq('ringacc', 'any'), 'EINVAL', 'inta_main_udmass: parent IRQ allocation failed: virq exhausted (226/226 used)');
    // a probe that runs out unwinds; the DMA behind it is deferred
    const small = boot(MERGED, { ...am65x, virq: { first: 64, count: 100 } });
    expect(small.bootLog.slice(5).map((b) => b.message)).toEqual([
      'probe failed: ENOSPC: virq exhausted (100/100 used), at MSI 95 of 100; the 94 allocated before were freed',
      'probe deferred: ringacc is not bound (EPROBE_DEFER)',
      'CPTS time sync: virq 70 via intr_main_navss input 391',
    ]);
    expect(used(small, 'virq')).toBe(7);
  });
});

describe('probe with hardware at allocation (custom settings)', () => {
  test('an event raised before request_irq waits in STATUS; request_irq unmasks it and it fires at once', () => {
    const s = boot({ ...MERGED, hardware: 'alloc' });
    expect(s.fireRing(undefined, 304).outcome).toBe('masked');
    const rec = s.allocIrq('ringacc', 304);
    expect(s.descs.total(rec.virq)).toBe(1);
    expect(testBit64(rec.event!.vint.status, rec.event!.bit)).toBe(false);
    // a channel's completion ring too (ring 305: main_udmap:tx8's, since 304 is taken)
    expect(s.fireRing(undefined, 305, 2).outcome).toBe('masked');
    const [ch] = s.requestChannel('main_udmap', 'tx');
    expect(ch.msi.index).toBe(305);
    expect(s.descs.total(ch.msi.virq)).toBe(1);
  });

  test('coalesced: 219 MSIs on 4 VINTs at boot; a probe that runs out of global events names that pool and unwinds', () => {
    const settings: Settings = { ...MERGED, hardware: 'alloc' };
    expect(designOf(settings)).toBe('custom');
    const s = boot(settings);
    expect(s.bootLog.every((e) => e.ok)).toBe(true);
    expect(bootMessages(s).ringacc).toBe('ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-171, with hardware: 2 VINTs opened)');
    expect(bootMessages(s).main_udmap).toBe('UDMA-P: probed; 119 MSIs for 53 tx and 66 rx channel events (virqs 172-292, with hardware: 2 VINTs opened, 1 shared)');
    // What the lines count: ringacc's 100 events fill VINT 16 and 36 bits of 17; main_udmap's 119
    // take the rest of 17 (ringacc's, shared) and open 18 and 19: 121 virqs, 2 of them parents.
    const vintsOf = (dev: string) => [...new Set(s.routes(dev).map((r) => r.vint))];
    expect([vintsOf('ringacc'), vintsOf('main_udmap')]).toEqual([[16, 17], [17, 18, 19]]);
    expect([used(s, 'inta_main_udmass.vint'), used(s, 'inta_main_udmass.global_event'), used(s, 'intr_main_navss.out')]).toEqual([4, 219, 5]);
    // the ring accelerator probed first: cpts gets output 20
    expect(s.routes('cpts')[0]).toMatchObject({ virq: 293, intrOutput: 20, gicSpi: 52 });

    const few: Topology = { ...am65x, intas: am65x.intas.map((a) => ({ ...a, globalEvents: [{ start: 16, count: 150, source: 'illustrative' as const }] })) };
    const f = boot(settings, few);
    expect(bootMessages(f).main_udmap).toBe(
      'probe failed: EINVAL: inta_main_udmass.global_event exhausted (150/150 used), at MSI 51 of 119; the 50 allocated before were freed',
    );
    expect(usedAndPeak(f).filter(([id]) => id.startsWith('inta') || id === 'intr_main_navss.out')).toEqual([
      ['intr_main_navss.out', 3, 3],
      ['inta_main_udmass.vint', 2, 3],
      ['inta_main_udmass.global_event', 100, 150],
    ]);
    expect(f.routes('cpts')[0]).toMatchObject({ intrOutput: 18 });
    // A DMA whose own probe failed is as absent to its users as a deferred one: dma_request_chan
    // finds no registered controller, -EPROBE_DEFER (of-dma.c); the ring accelerator still serves.
    const why = 'main_udmap: driver not bound: its probe failed with EINVAL (see boot)';
    expectFailure(f, () => f.requestChannel('main_udmap', 'tx'), 'EPROBE_DEFER', why);
    expectFailure(f, () => f.allocIrq('main_udmap', 8), 'EPROBE_DEFER', why);
    expect(f.allocIrq('ringacc', 'any').index).toBe(304);
  });
});

describe('fire-ring', () => {
  test('delivered: event, VINT bit, STATUS, INTR, GIC, parent, chained handler, counts', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    const t = s.fireRing(undefined, 305, 3);
    expect(t).toEqual({
      device: 'ringacc',
      index: 305,
      hwirq: ringHwirq(305),
      times: 3,
      outcome: 'delivered',
      inta: 'inta_main_udmass',
      globalEvent: 17,
      vint: 16,
      bit: 1,
      statusBefore: [0, 0],
      status: [2, 0],
      enable: [3, 0],
      statusMasked: [2, 0],
      statusAddress: vintReg(16, 0x18),
      statusMaskedAddress: vintReg(16, 0x20),
      // level flow: mask with VINT_ENABLE_CLR, unmask with VINT_ENABLE_SET (irq-ti-sci-inta.c offsets)
      enableSetAddress: vintReg(16, 0x0),
      enableClearAddress: vintReg(16, 0x8),
      hops: [{ router: 'intr_main_navss', input: 16, output: 17 }],
      gicHwirq: 81,
      gicSpi: 49,
      parentVirq: 290,
      childVirq: 71,
      cpu: 0,
      handled: [{ bit: 1, virq: 71, device: 'ringacc', index: 305, hwirq: ringHwirq(305), trigger: 'level' }],
      count: 3,
    });
    expect(s.intas.get('inta_main_udmass')!.vintOf(16)!.status).toEqual([0, 0]);
    expect(s.fireRing('ringacc', 305).count).toBe(4);
    expect(s.routeOf(71)!.count).toBe(4);
    expect(s.routeOf(70)!.count).toBe(0);
    const irqs = new Map(s.interrupts().map((i) => [i.virq, i]));
    expect(irqs.get(71)).toMatchObject({ kind: 'msi', counts: [4, 0, 0, 0], total: 4, parentVirq: 290, chip: 'inta_main_udmass', trigger: 'level' });
    // a chained handler is never counted: the parent has nothing to show
    expect(irqs.has(290)).toBe(false);
    expect(s.descs.total(290)).toBe(0);
    expect(s.unmapped).toBe(0);
  });

  test('a TR event is edge; bit 63 is in the high word; the second VINT has its own registers', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 32, 'tr');
    // tx45 is the 32nd channel: ring event on bit 62, its TR event on bit 63
    const hi = s.fireRing('main_udmap', 45);
    expect(hi).toMatchObject({ vint: 16, bit: 63 });
    expect([hi.status, hi.statusMasked, hi.enable].map((b) => hex64(b!))).toEqual(['0x8000000000000000', '0x8000000000000000', '0xffffffffffffffff']);
    expect(hi.handled).toEqual([{ bit: 63, virq: 204, device: 'main_udmap', index: 45, hwirq: 0xbc002d, trigger: 'edge' }]);
    s.requestChannel('main_udmap', 'tx', 1, 'tr');
    expect(s.fireRing(undefined, 336, 2)).toMatchObject({
      outcome: 'delivered',
      globalEvent: 80,
      vint: 17,
      bit: 0,
      status: [1, 0],
      statusAddress: vintReg(17, 0x18),
      statusMaskedAddress: vintReg(17, 0x20),
      hops: [{ router: 'intr_main_navss', input: 17, output: 18 }],
      gicSpi: 50,
      parentVirq: 291,
      childVirq: 102,
      count: 2,
    });
  });

  test('a ring with no hardware (not requested, or outside the share) is dropped and counted', () => {
    const s = boot();
    const before = s.routes();
    expect(s.fireRing(undefined, 310, 4)).toEqual({ device: 'ringacc', index: 310, hwirq: ringHwirq(310), times: 4, outcome: 'unmapped', inta: 'inta_main_udmass' });
    expect(s.unmapped).toBe(4);
    s.fireRing('ringacc', 5);
    s.fireRing('main_udmap', 8);
    expect(s.unmapped).toBe(6);
    expect(s.routes()).toEqual(before);
  });

  test('fire-ring refusals', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    expectFailure(s, () => s.fireRing(undefined, 818), 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    expectFailure(s, () => s.fireRing(undefined, 304, 0), 'EINVAL', 'times must be at least 1, got 0');
    expectFailure(s, () => s.fireRing('nope', 0), 'ENOENT', "unknown MSI device 'nope' (have: ringacc, main_udmap)");
  });

  test('a masked event stays pending and is delivered on unmask', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2); // virq 70 (ring 304, bit 0), 71 (ring 305, bit 1)
    const v16 = s.intas.get('inta_main_udmass')!.vintOf(16)!;
    expect(s.setMasked(70, true)).toEqual({ virq: 70, masked: true, delivered: [] });
    expect(v16.enable).toEqual([2, 0]);
    const t = s.fireRing(undefined, 304, 2);
    expect(t).toMatchObject({ outcome: 'masked', bit: 0, status: [1, 0], enable: [2, 0], statusMasked: [0, 0], count: 0 });
    expect(t.handled).toBeUndefined();
    expect(v16.status).toEqual([1, 0]);
    // a sibling fires: the handler reads STATUS_MASKED and leaves the masked bit pending
    const sib = s.fireRing(undefined, 305);
    expect(sib).toMatchObject({ outcome: 'delivered', statusBefore: [1, 0], status: [3, 0], statusMasked: [2, 0] });
    expect(sib.handled!.map((h) => h.virq)).toEqual([71]);
    expect(v16.status).toEqual([1, 0]);
    expect(s.interrupts().find((i) => i.virq === 70)!.masked).toBe(true);
    const un = s.setMasked(70, false);
    expect(un).toEqual({ virq: 70, masked: false, delivered: [{ bit: 0, virq: 70, device: 'ringacc', index: 304, hwirq: ringHwirq(304), trigger: 'level' }] });
    expect(v16.status).toEqual([0, 0]);
    expect(v16.enable).toEqual([3, 0]);
    expect(s.routeOf(70)!.count).toBe(1);
    expect(s.routeOf(71)!.count).toBe(1);
    // unmasking with nothing pending delivers nothing
    expect(s.setMasked(71, false).delivered).toEqual([]);
    // no descriptor: disable_irq's -EINVAL (__disable_irq_nosync finds none)
    expectFailure(s, () => s.setMasked(999, true), 'EINVAL', 'virq 999 is not allocated: nothing to mask');
    // a probe-time MSI nobody requested has no action: ENOENT, as freeing it is
    expectFailure(s, () => s.setMasked(100, true), 'ENOENT', 'virq 100 (ringacc 334) is not requested: nothing to mask');
  });

  test('a masked parent holds every event of its VINT', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    s.setMasked(290, true);
    expect(s.fireRing(undefined, 304).outcome).toBe('parent-masked');
    expect(s.fireRing(undefined, 305).outcome).toBe('parent-masked');
    expect(s.routeOf(70)!.count).toBe(0);
    const un = s.setMasked(290, false);
    expect(un.delivered.map((d) => [d.bit, d.virq])).toEqual([
      [0, 70],
      [1, 71],
    ]);
    expect([s.routeOf(70)!.count, s.routeOf(71)!.count]).toEqual([1, 1]);
  });
});

describe('affinity', () => {
  const steer = 'the INTA cannot steer one event (ti_sci_inta_set_affinity)';
  test('refused per event, with the reason', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    expectFailure(s, () => s.setAffinity(70, [1]), 'EINVAL', `virq 70 is an event of VINT 16; ${steer}, and VINT 16's parent virq 290 is chained`);
    s.requestChannel('main_udmap', 'tx', 2);
    expectFailure(s, () => s.setAffinity(71, [1]), 'EINVAL', `virq 71 shares VINT 16 with 2 other events; ${steer}, and VINT 16's parent virq 290 is chained`);
    s.releaseChannel('main_udmap', 'tx', 10);
    expectFailure(s, () => s.setAffinity(70, [1]), 'EINVAL', `virq 70 shares VINT 16 with 1 other event; ${steer}, and VINT 16's parent virq 290 is chained`);
    // an MSI with no hardware is refused the same way
    expectFailure(s, () => s.setAffinity(100, [1]), 'EINVAL', `virq 100 is an INTA event; ${steer}`);
    expectFailure(s, () => s.setAffinity(289, []), 'EINVAL', 'empty CPU list');
    expectFailure(s, () => s.setAffinity(289, [4]), 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    expectFailure(s, () => s.setAffinity(289, [-1]), 'EINVAL', 'CPU -1 does not exist (CPUs 0-3)');
    // irq_set_affinity: -EINVAL for a virq with no descriptor
    expectFailure(s, () => s.setAffinity(500, [0]), 'EINVAL', 'virq 500 is not allocated');
  });

  test('a chained parent has no /proc/irq entry: refused, and its events keep every CPU', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    expectFailure(
      s,
      () => s.setAffinity(290, [3, 2]),
      'EINVAL',
      'virq 290 is the chained parent of inta_main_udmass VINT 16: /proc/irq has no entry for it, only the kernel could move it (and every event of the VINT with it)',
    );
    // its events run where the parent's line goes; the INTA sets no effective affinity of their own
    expect(s.interrupts().find((i) => i.virq === 71)).toMatchObject({ cpus: [0, 1, 2, 3], effectiveCpu: null });
    expect(s.fireRing(undefined, 305).cpu).toBe(0);
  });

  test('a direct client takes its own affinity', () => {
    const s = boot();
    expect(s.setAffinity(289, [3, 1])).toEqual({ virq: 289, cpus: [1, 3], moved: [] });
    expect(s.interrupts().find((i) => i.virq === 289)).toMatchObject({ cpus: [1, 3], effectiveCpu: 1 });
  });
});

describe('a failing operation changes nothing', () => {
  const CUSTOM: Settings[] = [
    { policy: 'coalesced', mode: 'probe', hardware: 'alloc', lock: 'list', failure: 'upstream' },
    { policy: 'dedicated', mode: 'demand', hardware: 'request', lock: 'device', failure: 'upstream' },
    { policy: 'dedicated', mode: 'probe', hardware: 'request', lock: 'none', failure: 'unwind' },
  ];

  test.each([...DESIGNS.map((d) => [d.name, d.settings] as const), ...CUSTOM.map((c) => [JSON.stringify(c), c] as const)])(
    'many refusals on a busy system: %s',
    (_name, settings) => {
      const s = boot(settings);
      const bound = s.dmas.get('main_udmap')!.bound;
      if (bound) {
        s.requestChannel('main_udmap', 'tx', 3, 'tr');
        s.allocIrq('ringacc', 'any');
        s.allocIrq('ringacc', 320);
        s.fireRing(undefined, 304);
      }
      const attempts: Array<[() => unknown, ErrCode]> = [
        [() => s.requestChannel('nope', 'tx'), 'ENOENT'],
        [() => s.requestChannel('main_udmap', 'tx', 0), 'EINVAL'],
        [() => s.requestChannel('main_udmap', 'tx', -3), 'EINVAL'],
        // dedicated runs out of INTR outputs (55 left) before rx runs out of its 64 channels
        [() => s.requestChannel('main_udmap', 'rx', 65), !bound ? 'EPROBE_DEFER' : settings.policy === 'dedicated' ? 'EINVAL' : 'ENOENT'],
        [() => s.releaseChannel('main_udmap', 'tx', 64), 'EINVAL'],
        [() => s.releaseChannel('main_udmap', 'rx', 5), 'EINVAL'],
        [() => s.releaseChannel('main_udmap', 'rx', 8), 'ENOENT'],
        [() => s.releaseChannel('x', 'rx', 8), 'ENOENT'],
        [() => s.allocIrq('ringacc', 818), bound ? 'EINVAL' : 'EPROBE_DEFER'],
        [() => s.allocIrq('ringacc', 100), bound ? 'EINVAL' : 'EPROBE_DEFER'],
        [() => s.allocIrq('ringacc', 304), bound ? 'EBUSY' : 'EPROBE_DEFER'], // tx8's ring
        [() => s.allocIrq('ringacc', 320), bound ? 'EBUSY' : 'EPROBE_DEFER'],
        [() => s.allocIrq('main_udmap', 8), bound ? 'EBUSY' : 'EPROBE_DEFER'], // tx8's TR event
        [() => s.allocIrq('gpio', 'any'), 'ENOENT'],
        [() => s.freeIrq(63), 'ENOENT'],
        [() => s.freeIrq(2000), 'ENOENT'],
        [() => s.freeIrq(64), 'EBUSY'],
        [() => s.freeIrqOf('ringacc', 999), 'EINVAL'],
        [() => s.freeIrqOf('ringacc', 403), 'ENOENT'],
        [() => s.fireRing(undefined, -1), 'EINVAL'],
        [() => s.fireRing(undefined, 3, -2), 'EINVAL'],
        [() => s.fireRing('nope', 3), 'ENOENT'],
        [() => s.setAffinity(64, [9]), 'EINVAL'],
        [() => s.setAffinity(64, [0.5]), 'EINVAL'],
        [() => s.setAffinity(3000, [0]), 'EINVAL'],
        [() => s.setMasked(3000, true), 'EINVAL'],
      ];
      for (const [fn, code] of attempts) expectFailure(s, fn, code);
      if (!bound) return;
      // exhaust something, then fail against it
      if (settings.policy === 'dedicated') {
        // one INTR output per event: 1 for cpts, 6 for the 3 TR channels, 2 for the alloc-irqs
        expect(used(s, 'intr_main_navss.out')).toBe(9);
        for (let k = 0; k < 55; k++) s.allocIrq('ringacc', 'any');
        expectFailure(s, () => s.requestChannel('main_udmap', 'rx'), 'EINVAL', 'intr_main_navss.out exhausted (64/64 used)');
        expectFailure(s, () => s.requestChannel('main_udmap', 'rx', 3), 'EINVAL', /, at channel 1 of 3$/);
        expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'EINVAL');
      } else {
        s.requestChannel('main_udmap', 'tx', 47);
        expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'ENOENT', /^main_udmap.tx_chan: no free normal-capacity tx channel/);
        // a child of a shared VINT
        expectFailure(s, () => s.setAffinity(s.channels()[0].msi.virq, [1]), 'EINVAL', /shares VINT 16 with \d+ other events/);
      }
    },
  );
});

describe('probe order and the enable bit', () => {
  test('a DMA listed before its ring accelerator is deferred, then probes once the ring accelerator binds', () => {
    const s = boot(MERGED, { ...am65x, boot: ['main_gpio0', 'main_udmap', 'ringacc', 'cpts'] });
    expect(s.bootLog.slice(4).map((e) => [e.device, e.ok])).toEqual([
      ['main_gpio0', true],
      ['ringacc', true],
      ['main_udmap', true],
      ['cpts', true],
    ]);
    expect(s.requestChannel('main_udmap', 'tx')[0].name).toBe('main_udmap:tx8');
  });

  test('hardware taken with the MSI stays disabled until request_irq, and is disabled again by free_irq', () => {
    for (const settings of [RFC_V4, PROBE_ALL, MERGED]) {
      // ten GP rings, so that probe-all's one VINT per MSI fits
      const rings = { ...am65x.msiDevices[0], share: [{ start: 304, count: 10, source: 'illustrative' as const }] };
      const s = boot(settings, { ...am65x, msiDevices: [rings], boot: ['main_gpio0', 'cpts', 'ringacc'] });
      const ring = s.msi.all().find((r) => r.device.id === 'ringacc');
      if (settings.hardware === 'alloc' && ring) {
        // allocated at probe with its hardware, never requested: the event is dropped at the VINT
        expect(s.fireRing('ringacc', ring.index).outcome).toBe('masked');
      }
      const rec = s.allocIrq('ringacc', 'any');
      s.setMasked(rec.virq, true);
      s.freeIrq(rec.virq);
      const again = s.allocIrq('ringacc', rec.index);
      // free_irq forgot the mask; the new request starts the irq up enabled
      expect(s.fireRing('ringacc', again.index).outcome).toBe('delivered');
    }
  });
});
