import { describe, expect, test } from '@jest/globals';
import { CoreError, type ErrCode } from '../../src/core/errors.js';
import { DEFAULT_SETTINGS, System, type Settings } from '../../src/core/system.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Topology } from '../../src/core/topology.js';

const RINGACC = 187;
const hwirqOf = (ring: number): number => (RINGACC << 16) | ring;
const INTA_BASE = 0x33d00000;

const boot = (settings: Settings = DEFAULT_SETTINGS, topology: Topology = am65x): System => System.boot(topology, settings);
const COALESCED_DEMAND: Settings = { policy: 'coalesced', mode: 'demand' };
const COALESCED_PROBE: Settings = { policy: 'coalesced', mode: 'probe' };
const DEDICATED_DEMAND: Settings = { policy: 'dedicated', mode: 'demand' };
const DEDICATED_PROBE: Settings = { policy: 'dedicated', mode: 'probe' };

const used = (s: System, id: string): number => {
  const p = s.pool(id);
  if (!p) throw new Error(`no pool ${id}`);
  return p.used;
};
const peak = (s: System, id: string): number => s.pool(id)!.peak;

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

/** Sets every pool's high-water mark back to what it was at `boot`, so fingerprints can be compared. */
const restorePeaks = (s: System, peaks: Map<string, number>): void => {
  for (const p of s.allPools()) p.restorePeak(peaks.get(p.id)!);
};
const peaksOf = (s: System): Map<string, number> => new Map(s.allPools().map((p) => [p.id, p.peak]));

describe('boot, coalesced + demand (the default)', () => {
  test('boot log: controllers, then drivers in probe order', () => {
    const s = boot();
    expect(s.settings).toEqual(DEFAULT_SETTINGS);
    expect(s.bootLog.map((e) => [e.device, e.ok])).toEqual([
      ['gic500', true],
      ['intr_main_navss', true],
      ['intr_main_gpio', true],
      ['inta_main_udmass', true],
      ['main_gpio0', true],
      ['main_udmap', true],
      ['cpts', true],
    ]);
    const msg = Object.fromEntries(s.bootLog.map((e) => [e.device, e.message]));
    expect(msg.gic500).toBe('GIC-500: 160 SPI lines reachable through routers (hwirq 64-127, 392-423, 448-511)');
    expect(msg.intr_main_navss).toBe('INTR sci id 182: 128 outputs -> gic500');
    expect(msg.intr_main_gpio).toBe('INTR sci id 100: 32 outputs -> gic500');
    expect(msg.inta_main_udmass).toBe('INTA sci id 179: 256 VINTs, 1024 global events -> intr_main_navss; policy coalesced');
    expect(msg.main_gpio0).toBe('GPIO bank interrupts: virq 64-69 via intr_main_gpio inputs 256-261');
    expect(msg.main_udmap).toBe('UDMA-P: probed; ring MSIs are allocated as channels are requested (mode demand)');
    expect(msg.cpts).toMatch(/^CPTS time sync: virq 70 via intr_main_navss input/);
    expect(s.bootLog.every((e) => e.error === undefined)).toBe(true);
  });

  test('pools after boot', () => {
    const s = boot();
    expect(s.poolStats().map((p) => [p.id, p.total, p.used, p.free, p.peak])).toEqual([
      ['gic500.spi', 160, 7, 153, 7],
      ['intr_main_navss.out', 128, 1, 127, 1],
      ['intr_main_gpio.out', 32, 6, 26, 6],
      ['inta_main_udmass.vint', 256, 0, 256, 0],
      ['inta_main_udmass.global_event', 1024, 0, 1024, 0],
      ['ringacc.gp_ring', 128, 0, 128, 0],
      ['main_udmap.tx_chan', 64, 0, 64, 0],
      ['main_udmap.rx_chan', 64, 0, 64, 0],
      ['virq', 1024, 7, 1017, 7],
    ]);
    expect(s.pool('ringacc.gp_ring')!.ranges).toMatchObject([{ start: 304, count: 128 }]);
    expect(s.pool('inta_main_udmass.global_event')!.ranges).toMatchObject([{ start: 16384, count: 1024 }]);
  });

  test('cpts: intr_main_navss input 391 -> output 0 -> GIC SPI 32, virq 70', () => {
    const s = boot();
    const [cpts] = s.routes('cpts');
    expect(cpts).toMatchObject({
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
      gicHwirq: 64,
      parentVirq: null,
      count: 0,
      inta: null,
    });
    expect(cpts.hops).toEqual([{ router: 'intr_main_navss', input: 391, output: 0 }]);
  });

  test('main_gpio0: virq 64-69 on intr_main_gpio outputs 0-5 (GIC hwirq 392-397)', () => {
    const s = boot();
    const gpio = s.routes('main_gpio0');
    expect(gpio.map((r) => [r.virq, r.intrInput, r.intrOutput, r.gicHwirq, r.gicSpi])).toEqual([
      [64, 256, 0, 392, 360],
      [65, 257, 1, 393, 361],
      [66, 258, 2, 394, 362],
      [67, 259, 3, 395, 363],
      [68, 260, 4, 396, 364],
      [69, 261, 5, 397, 365],
    ]);
    expect(s.routes().map((r) => r.virq)).toEqual([64, 65, 66, 67, 68, 69, 70]);
    expect(s.intas.get('inta_main_udmass')!.vints).toEqual([]);
  });

  test('every boot with the same settings is the same', () => {
    for (const settings of [COALESCED_DEMAND, COALESCED_PROBE, DEDICATED_DEMAND, DEDICATED_PROBE]) {
      expect(boot(settings).fingerprint()).toBe(boot(settings).fingerprint());
    }
  });
});

describe('coalesced + demand: 64 tx and 64 rx channels', () => {
  test('128 events on 2 VINTs; the 65th event opens VINT 1', () => {
    const s = boot();
    const tx = s.requestChannel('main_udmap', 'tx', 64);
    expect(tx.map((c) => c.n)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    // The first event opens VINT 0: child virq 71 first, then the parent virq 72 on output 1.
    expect(s.routeOf(71)).toMatchObject({
      device: 'ringacc',
      index: 0,
      hwirq: hwirqOf(0),
      globalEvent: 16384,
      vint: 0,
      vintBit: 0,
      intrInput: 0,
      intrOutput: 1,
      gicSpi: 33,
      gicHwirq: 65,
      parentVirq: 72,
      owner: 'main_udmap:tx0',
      inta: 'inta_main_udmass',
    });
    expect(s.routeOf(135)).toMatchObject({ index: 63, globalEvent: 16447, vint: 0, vintBit: 63, parentVirq: 72, owner: 'main_udmap:tx63' });
    expect(used(s, 'inta_main_udmass.vint')).toBe(1);
    expect(used(s, 'intr_main_navss.out')).toBe(2);

    const [rx0] = s.requestChannel('main_udmap', 'rx', 1);
    expect(rx0).toMatchObject({ name: 'main_udmap:rx0', dir: 'rx', n: 0, ring: 152 });
    expect(s.routeOf(rx0.msi.virq)).toMatchObject({
      virq: 136,
      index: 152,
      hwirq: hwirqOf(152),
      globalEvent: 16448,
      vint: 1,
      vintBit: 0,
      intrInput: 1,
      intrOutput: 2,
      gicSpi: 34,
      parentVirq: 137,
    });
    const rest = s.requestChannel('main_udmap', 'rx', 63);
    expect(rest.map((c) => c.n)).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    expect(s.routeOf(200)).toMatchObject({ index: 215, globalEvent: 16511, vint: 1, vintBit: 63, parentVirq: 137, owner: 'main_udmap:rx63' });

    expect(used(s, 'inta_main_udmass.global_event')).toBe(128);
    expect(used(s, 'inta_main_udmass.vint')).toBe(2);
    expect(used(s, 'intr_main_navss.out')).toBe(3);
    expect(used(s, 'gic500.spi')).toBe(9);
    expect(used(s, 'virq')).toBe(7 + 128 + 2);
    expect(used(s, 'main_udmap.tx_chan')).toBe(64);
    expect(used(s, 'main_udmap.rx_chan')).toBe(64);
    const inta = s.intas.get('inta_main_udmass')!;
    expect(inta.vints.map((v) => [v.vint, v.parentVirq, v.map])).toEqual([
      [0, 72, [0xffffffff, 0xffffffff]],
      [1, 137, [0xffffffff, 0xffffffff]],
    ]);
    // cpts still holds output 0
    expect(s.routeOf(70)).toMatchObject({ intrOutput: 0, gicSpi: 32 });
    expect(s.channels()).toHaveLength(128);
  });

  test('no more channels: the 65th tx fails on the channel pool, all or nothing', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 64);
    const e = expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'ENOSPC', 'main_udmap.tx_chan exhausted (64/64 used)');
    expect(e.pool).toEqual({ id: 'main_udmap.tx_chan', used: 64, total: 64 });
  });

  test('releasing everything returns to the boot state; peaks are high-water marks', () => {
    const s = boot();
    const bootPrint = s.fingerprint();
    const bootPeaks = peaksOf(s);
    s.requestChannel('main_udmap', 'tx', 64);
    s.requestChannel('main_udmap', 'rx', 64);
    for (let n = 63; n >= 0; n--) s.releaseChannel('main_udmap', 'tx', n);
    for (let n = 0; n < 64; n++) s.releaseChannel('main_udmap', 'rx', n);
    expect(s.channels()).toEqual([]);
    expect(s.routes().map((r) => r.virq)).toEqual([64, 65, 66, 67, 68, 69, 70]);
    expect(s.poolStats().map((p) => [p.id, p.used, p.peak])).toEqual([
      ['gic500.spi', 7, 9],
      ['intr_main_navss.out', 1, 3],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 0, 2],
      ['inta_main_udmass.global_event', 0, 128],
      ['ringacc.gp_ring', 0, 0],
      ['main_udmap.tx_chan', 0, 64],
      ['main_udmap.rx_chan', 0, 64],
      ['virq', 7, 137],
    ]);
    expect(s.fingerprint()).not.toBe(bootPrint);
    restorePeaks(s, bootPeaks);
    expect(s.fingerprint()).toBe(bootPrint);
  });

  test('released numbers are reused first fit', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 3);
    s.releaseChannel('main_udmap', 'tx', 1);
    const [again] = s.requestChannel('main_udmap', 'tx');
    expect(again.n).toBe(1);
    expect(s.routeOf(again.msi.virq)).toMatchObject({ virq: 73, index: 1, globalEvent: 16385, vint: 0, vintBit: 1 });
  });

  test('release-channel errors', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', 2), 'ENOENT', 'main_udmap:tx2 is not requested');
    expectFailure(s, () => s.releaseChannel('main_udmap', 'rx', 64), 'EINVAL', 'main_udmap: rx channel 64 out of range (0-63)');
    expectFailure(s, () => s.releaseChannel('main_udmap', 'tx', -1), 'EINVAL', 'main_udmap: tx channel -1 out of range (0-63)');
    expectFailure(s, () => s.releaseChannel('nope', 'tx', 0), 'ENOENT', "unknown DMA controller 'nope' (have: main_udmap)");
  });
});

describe('dedicated + demand', () => {
  test('every MSI takes its own VINT and INTR output; the 128th channel fails', () => {
    const s = boot(DEDICATED_DEMAND);
    expect(s.bootLog.find((e) => e.device === 'inta_main_udmass')!.message).toMatch(/; policy dedicated$/);
    s.requestChannel('main_udmap', 'tx', 64);
    let granted = 64;
    let failure: CoreError | undefined;
    for (;;) {
      const before = s.fingerprint();
      try {
        s.requestChannel('main_udmap', 'rx');
        granted++;
      } catch (e) {
        failure = e as CoreError;
        expect(s.fingerprint()).toBe(before);
        break;
      }
    }
    expect(granted).toBe(127);
    expect(failure).toBeInstanceOf(CoreError);
    expect(failure!.code).toBe('ENOSPC');
    expect(failure!.message).toBe('intr_main_navss.out exhausted (128/128 used)');
    expect(failure!.pool).toEqual({ id: 'intr_main_navss.out', used: 128, total: 128 });

    const routes = s.routes('main_udmap');
    expect(routes).toHaveLength(127);
    expect(new Set(routes.map((r) => r.vint)).size).toBe(127);
    expect(new Set(routes.map((r) => r.intrOutput)).size).toBe(127);
    expect(new Set(routes.map((r) => r.parentVirq)).size).toBe(127);
    expect(routes.every((r) => r.vintBit === 0)).toBe(true);
    // child, parent, child, parent ...: tx0 is virq 71 with parent 72 on output 1
    expect(routes[0]).toMatchObject({ virq: 71, vint: 0, intrOutput: 1, gicSpi: 33, parentVirq: 72 });
    expect(routes[1]).toMatchObject({ virq: 73, vint: 1, intrOutput: 2, gicSpi: 34, parentVirq: 74 });
    // outputs 64-127 map to GIC hwirq 448-511
    expect(routes[126]).toMatchObject({ virq: 71 + 2 * 126, index: 152 + 62, vint: 126, intrOutput: 127, gicHwirq: 511, gicSpi: 479 });
    expect(used(s, 'inta_main_udmass.vint')).toBe(127);
    expect(used(s, 'inta_main_udmass.global_event')).toBe(127);
    expect(used(s, 'gic500.spi')).toBe(7 + 127);
    expect(used(s, 'virq')).toBe(7 + 2 * 127);
    expect(used(s, 'main_udmap.rx_chan')).toBe(63);
    // alloc-irq meets the same wall
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'ENOSPC', 'intr_main_navss.out exhausted (128/128 used)');
    // freeing one channel gives its output back
    s.releaseChannel('main_udmap', 'tx', 10);
    expect(used(s, 'intr_main_navss.out')).toBe(127);
    const rec = s.allocIrq('ringacc', 'any');
    expect(s.routeOf(rec.virq)).toMatchObject({ index: 304, vint: 10, vintBit: 0, intrOutput: 11 });
  });

  test('request-channel with count > 1 is all or nothing', () => {
    const s = boot(DEDICATED_DEMAND);
    s.requestChannel('main_udmap', 'tx', 64);
    const e = expectFailure(
      s,
      () => s.requestChannel('main_udmap', 'rx', 64),
      'ENOSPC',
      'intr_main_navss.out exhausted (128/128 used), at channel 64 of 64; the 63 granted before were released',
    );
    expect(e.message).toMatch(/channel 64 of 64/);
    expect(e.pool!.id).toBe('intr_main_navss.out');
    expect(used(s, 'main_udmap.rx_chan')).toBe(0);
    expect(used(s, 'intr_main_navss.out')).toBe(65);
    // the peak a failed request reached is not kept either
    expect(peak(s, 'intr_main_navss.out')).toBe(65);
  });

  test('count > 1 on the channel pool, and a bad count', () => {
    const s = boot();
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 65), 'ENOSPC', 'main_udmap.tx_chan exhausted (64/64 used), at channel 65 of 65; the 64 granted before were released');
    s.requestChannel('main_udmap', 'tx', 63);
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 2), 'ENOSPC', 'main_udmap.tx_chan exhausted (64/64 used), at channel 2 of 2; the 1 granted before were released');
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 0), 'EINVAL', 'channel count must be at least 1, got 0');
    expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 1.5), 'EINVAL');
    expectFailure(s, () => s.requestChannel('udmap', 'tx'), 'ENOENT', "unknown DMA controller 'udmap' (have: main_udmap)");
  });
});

describe('mode probe', () => {
  test('a DMA left out of the boot list is never probed: not bound, ENODEV, nothing taken', () => {
    for (const mode of ['demand', 'probe'] as const) {
      const s = boot({ policy: 'coalesced', mode }, { ...am65x, boot: ['main_gpio0', 'cpts'] });
      expect(s.bootLog[s.bootLog.length - 1]).toEqual({ device: 'main_udmap', ok: false, message: 'not probed: not in the boot list' });
      const before = s.fingerprint();
      expectFailure(s, () => s.requestChannel('main_udmap', 'tx', 2), 'ENODEV', "main_udmap: driver not bound: it is not in the topology's boot list");
      expect(s.fingerprint()).toBe(before);
      expect(used(s, 'main_udmap.tx_chan')).toBe(0);
    }
  });

  test('dedicated + probe: the DMA takes 128 outputs and cpts starves', () => {
    const s = boot(DEDICATED_PROBE);
    const entry = (id: string) => s.bootLog.find((e) => e.device === id)!;
    expect(entry('main_gpio0').ok).toBe(true);
    expect(entry('main_udmap')).toEqual({
      device: 'main_udmap',
      ok: true,
      message: "UDMA-P: probed; allocated 128 ring MSIs on 128 VINTs (virqs 70-324, their VINTs' parents among them; mode probe)",
    });
    expect(entry('cpts')).toEqual({
      device: 'cpts',
      ok: false,
      message: 'probe failed: ENOSPC: intr_main_navss.out exhausted (128/128 used)',
      error: { code: 'ENOSPC', message: 'intr_main_navss.out exhausted (128/128 used)', pool: { id: 'intr_main_navss.out', used: 128, total: 128 } },
    });
    expect(used(s, 'intr_main_navss.out')).toBe(128);
    expect(used(s, 'inta_main_udmass.vint')).toBe(128);
    expect(used(s, 'virq')).toBe(6 + 256);
    expect(s.clients.get('cpts')!.bound).toBe(false);
    expect(s.routes('cpts')).toEqual([]);
    // the MSIs belong to the driver; a channel binds its pre-allocated MSI
    const probeVirq = s.routes('ringacc').find((r) => r.index === 0)!.virq;
    expect(probeVirq).toBe(70);
    const [tx0] = s.requestChannel('main_udmap', 'tx');
    expect(tx0.msi.virq).toBe(70);
    expect(tx0.msi.owner).toBe('main_udmap:tx0');
    const before = used(s, 'virq');
    s.releaseChannel('main_udmap', 'tx', 0);
    expect(used(s, 'virq')).toBe(before);
    expect(s.routeOf(70)?.owner).toBe('main_udmap (probe)');
    expectFailure(s, () => s.freeIrq(70), 'EBUSY', 'virq 70 belongs to main_udmap (probe); it is held by the driver');
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'ENOSPC', 'intr_main_navss.out exhausted (128/128 used)');
  });

  test('coalesced + probe: 128 MSIs on 2 VINTs, cpts ok', () => {
    const s = boot(COALESCED_PROBE);
    expect(s.bootLog.every((e) => e.ok)).toBe(true);
    expect(s.bootLog.find((e) => e.device === 'main_udmap')!.message).toBe(
      "UDMA-P: probed; allocated 128 ring MSIs on 2 VINTs (virqs 70-199, their VINTs' parents among them; mode probe)",
    );
    expect(used(s, 'inta_main_udmass.vint')).toBe(2);
    expect(used(s, 'inta_main_udmass.global_event')).toBe(128);
    expect(used(s, 'intr_main_navss.out')).toBe(3);
    // the DMA probed first, so cpts gets output 2 now
    expect(s.routes('cpts')[0]).toMatchObject({ virq: 200, intrOutput: 2, gicSpi: 34 });
    const rx = s.requestChannel('main_udmap', 'rx', 2);
    expect(rx.map((c) => c.msi.index)).toEqual([152, 153]);
    expect(used(s, 'inta_main_udmass.global_event')).toBe(128);
  });

  test('a failed DMA probe unwinds everything it took, and the driver stays unbound', () => {
    // intr_main_navss with only its first 64 outputs: the 65th dedicated VINT has no output
    const small: Topology = {
      ...am65x,
      intrs: am65x.intrs.map((r) => (r.id === 'intr_main_navss' ? { ...r, ranges: [r.ranges[0]] } : r)),
    };
    const s = boot(DEDICATED_PROBE, small);
    const dma = s.bootLog.find((e) => e.device === 'main_udmap')!;
    expect(dma.ok).toBe(false);
    expect(dma.message).toBe(
      'probe failed: ENOSPC: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 128; the 64 allocated before were freed',
    );
    expect(dma.error!.code).toBe('ENOSPC');
    expect(dma.error!.pool).toEqual({ id: 'intr_main_navss.out', used: 64, total: 64 });
    expect(s.dmas.get('main_udmap')!.bound).toBe(false);
    // nothing left, not even a high-water mark; cpts then gets output 0
    expect(s.poolStats().map((p) => [p.id, p.used, p.peak])).toEqual([
      ['gic500.spi', 7, 7],
      ['intr_main_navss.out', 1, 1],
      ['intr_main_gpio.out', 6, 6],
      ['inta_main_udmass.vint', 0, 0],
      ['inta_main_udmass.global_event', 0, 0],
      ['ringacc.gp_ring', 0, 0],
      ['main_udmap.tx_chan', 0, 0],
      ['main_udmap.rx_chan', 0, 0],
      ['virq', 7, 7],
    ]);
    expect(s.intas.get('inta_main_udmass')!.vints).toEqual([]);
    expect(s.routes('cpts')[0]).toMatchObject({ virq: 70, intrOutput: 0, gicSpi: 32 });
    expect(s.bootLog.find((e) => e.device === 'cpts')!.ok).toBe(true);
    const e = expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'ENODEV');
    expect(e.message).toBe(
      'main_udmap: driver not bound: its probe failed with ENOSPC (see boot)',
    );
    // general-purpose rings still work through the INTA
    expect(s.allocIrq('ringacc', 'any').index).toBe(304);
  });

  test('a probe that fails on the global events names that pool', () => {
    const few: Topology = {
      ...am65x,
      intas: am65x.intas.map((a) => ({ ...a, globalEvents: [{ start: 16384, count: 100, source: 'illustrative' as const }] })),
    };
    const s = boot(COALESCED_PROBE, few);
    const dma = s.bootLog.find((e) => e.device === 'main_udmap')!;
    expect(dma.message).toBe(
      'probe failed: ENOSPC: inta_main_udmass.global_event exhausted (100/100 used), at MSI 101 of 128; the 100 allocated before were freed',
    );
    expect(used(s, 'inta_main_udmass.global_event')).toBe(0);
    expect(used(s, 'inta_main_udmass.vint')).toBe(0);
    expect(used(s, 'virq')).toBe(7);
    expect(s.routes('cpts')[0]).toMatchObject({ intrOutput: 0 });
  });
});

describe('alloc-irq and free-irq', () => {
  test('any takes the lowest free general-purpose ring', () => {
    const s = boot();
    const a = s.allocIrq('ringacc', 'any');
    expect(a).toMatchObject({ virq: 71, index: 304, owner: 'alloc-irq', userOwned: true });
    expect(s.routeOf(71)).toMatchObject({
      device: 'ringacc',
      index: 304,
      hwirq: hwirqOf(304),
      globalEvent: 16384,
      vint: 0,
      vintBit: 0,
      intrOutput: 1,
      gicSpi: 33,
      parentVirq: 72,
      owner: 'alloc-irq',
    });
    const b = s.allocIrq('ringacc', 306);
    expect(b).toMatchObject({ virq: 73, index: 306 });
    expect(s.routeOf(73)).toMatchObject({ globalEvent: 16385, vint: 0, vintBit: 1, parentVirq: 72 });
    expect(s.allocIrq('ringacc', 'any').index).toBe(305);
    expect(s.allocIrq('ringacc', 'any').index).toBe(307);
    expect(used(s, 'ringacc.gp_ring')).toBe(4);
    expect(used(s, 'inta_main_udmass.vint')).toBe(1);
  });

  test('refusals: EEXIST, EBUSY, EINVAL, ENOENT, ENOSPC', () => {
    const s = boot();
    s.allocIrq('ringacc', 310);
    expectFailure(s, () => s.allocIrq('ringacc', 310), 'EEXIST', 'ringacc 310 already has an MSI (virq 71, alloc-irq)');
    expectFailure(s, () => s.allocIrq('ringacc', 0), 'EBUSY', 'ringacc 0 is the completion ring of main_udmap:tx0; request the channel instead');
    expectFailure(s, () => s.allocIrq('ringacc', 215), 'EBUSY', 'ringacc 215 is the completion ring of main_udmap:rx63; request the channel instead');
    const [tx0] = s.requestChannel('main_udmap', 'tx');
    // a channel's ring stays the channel's, requested or not
    expect(tx0.msi.virq).toBeGreaterThan(0);
    expectFailure(s, () => s.allocIrq('ringacc', 0), 'EBUSY', 'ringacc 0 is the completion ring of main_udmap:tx0; request the channel instead');
    expectFailure(s, () => s.allocIrq('ringacc', 500), 'EINVAL', "ringacc 500 is not in this host's share (free for alloc-irq: 304-431)");
    expectFailure(s, () => s.allocIrq('ringacc', 303), 'EINVAL', "ringacc 303 is not in this host's share (free for alloc-irq: 304-431)");
    expectFailure(s, () => s.allocIrq('ringacc', 818), 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    expectFailure(s, () => s.allocIrq('ringacc', -1), 'EINVAL', 'ringacc: index -1 out of range (0-817)');
    expectFailure(s, () => s.allocIrq('ringacc', 2.5), 'EINVAL');
    expectFailure(s, () => s.allocIrq('nope', 'any'), 'ENOENT', "unknown MSI device 'nope' (have: ringacc)");
    for (let k = 0; k < 127; k++) s.allocIrq('ringacc', 'any');
    expect(used(s, 'ringacc.gp_ring')).toBe(128);
    expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'ENOSPC', 'ringacc.gp_ring exhausted (128/128 used)');
    expect(used(s, 'inta_main_udmass.vint')).toBe(3);
  });

  test('the virq space runs out cleanly', () => {
    const tiny: Topology = { ...am65x, virq: { first: 64, count: 10 } };
    const s = boot(COALESCED_DEMAND, tiny);
    expect(used(s, 'virq')).toBe(7);
    s.allocIrq('ringacc', 'any'); // child 71 + parent 72
    s.allocIrq('ringacc', 'any'); // 73
    const e = expectFailure(s, () => s.allocIrq('ringacc', 'any'), 'ENOSPC', 'virq exhausted (10/10 used)');
    expect(e.pool).toEqual({ id: 'virq', used: 10, total: 10 });
    // in dedicated mode the parent virq is what fails: the child is unwound too
    const d = boot(DEDICATED_DEMAND, tiny);
    d.allocIrq('ringacc', 'any');
    expectFailure(d, () => d.allocIrq('ringacc', 'any'), 'ENOSPC', 'virq exhausted (10/10 used)');
    expect(used(d, 'virq')).toBe(9);
    expect(used(d, 'inta_main_udmass.vint')).toBe(1);
  });

  test('free-irq: frees, refuses double frees, channel virqs, parents and direct clients', () => {
    const s = boot();
    const a = s.allocIrq('ringacc', 'any');
    const b = s.allocIrq('ringacc', 'any');
    const [tx0] = s.requestChannel('main_udmap', 'tx');
    expect([a.virq, b.virq, tx0.msi.virq]).toEqual([71, 73, 74]);
    expect(s.freeIrq(73).index).toBe(305);
    expectFailure(s, () => s.freeIrq(73), 'ENOENT', 'virq 73 is not allocated');
    expectFailure(s, () => s.freeIrq(74), 'EBUSY', 'virq 74 belongs to main_udmap:tx0; release the channel instead');
    expectFailure(s, () => s.freeIrq(72), 'EINVAL', 'virq 72 is the parent of inta_main_udmass VINT 0; free its events instead');
    expectFailure(s, () => s.freeIrq(70), 'EBUSY', 'virq 70 belongs to cpts, a direct INTR client');
    expectFailure(s, () => s.freeIrq(64), 'EBUSY', 'virq 64 belongs to main_gpio0, a direct INTR client');
    expectFailure(s, () => s.freeIrq(5000), 'ENOENT', 'virq 5000 is not allocated');
    expectFailure(s, () => s.freeIrqOf('ringacc', 305), 'ENOENT', 'ringacc 305 has no MSI');
    expectFailure(s, () => s.freeIrqOf('ringacc', 0), 'EBUSY', 'virq 74 belongs to main_udmap:tx0; release the channel instead');
    expectFailure(s, () => s.freeIrqOf('ringacc', 900), 'EINVAL', 'ringacc: index 900 out of range (0-817)');
    expectFailure(s, () => s.freeIrqOf('nope', 1), 'ENOENT');
    expect(s.freeIrqOf('ringacc', 304).virq).toBe(71);
    s.releaseChannel('main_udmap', 'tx', 0);
    // the last event of VINT 0 took the VINT and its parent with it
    expect(used(s, 'inta_main_udmass.vint')).toBe(0);
    expect(used(s, 'intr_main_navss.out')).toBe(1);
    expect(used(s, 'virq')).toBe(7);
    expectFailure(s, () => s.freeIrq(72), 'ENOENT', 'virq 72 is not allocated');
  });
});

describe('fire-ring', () => {
  test('delivered: event, VINT bit, STATUS, INTR, GIC, parent, chained handler, counts', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    const t = s.fireRing(undefined, 1, 3);
    expect(t).toEqual({
      device: 'ringacc',
      index: 1,
      hwirq: hwirqOf(1),
      times: 3,
      outcome: 'delivered',
      inta: 'inta_main_udmass',
      globalEvent: 16385,
      vint: 0,
      bit: 1,
      statusBefore: [0, 0],
      status: [2, 0],
      enable: [3, 0],
      statusMasked: [2, 0],
      statusAddress: INTA_BASE + 0x18,
      statusMaskedAddress: INTA_BASE + 0x20,
      hops: [{ router: 'intr_main_navss', input: 0, output: 1 }],
      gicHwirq: 65,
      gicSpi: 33,
      parentVirq: 72,
      childVirq: 73,
      cpu: 0,
      handled: [{ bit: 1, virq: 73, device: 'ringacc', index: 1, hwirq: hwirqOf(1) }],
      count: 3,
    });
    // the handler acked the status bit
    expect(s.intas.get('inta_main_udmass')!.vintOf(0)!.status).toEqual([0, 0]);
    expect(s.fireRing('ringacc', 1).count).toBe(4);
    expect(s.routeOf(73)!.count).toBe(4);
    expect(s.routeOf(71)!.count).toBe(0);
    const irqs = new Map(s.interrupts().map((i) => [i.virq, i]));
    expect(irqs.get(73)).toMatchObject({ kind: 'msi', counts: [4, 0, 0, 0], total: 4, parentVirq: 72, chip: 'inta_main_udmass' });
    expect(irqs.get(72)).toMatchObject({ kind: 'vint-parent', counts: [4, 0, 0, 0], total: 4, parentVirq: null });
    expect(s.unmapped).toBe(0);
  });

  test('the second VINT and status bit 63 (a high word)', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 64);
    s.requestChannel('main_udmap', 'rx', 1);
    const hi = s.fireRing(undefined, 63);
    expect(hi).toMatchObject({ vint: 0, bit: 63, status: [0, 0x80000000], statusMasked: [0, 0x80000000], enable: [0xffffffff, 0xffffffff] });
    const rx = s.fireRing(undefined, 152, 2);
    expect(rx).toMatchObject({
      outcome: 'delivered',
      globalEvent: 16448,
      vint: 1,
      bit: 0,
      status: [1, 0],
      statusAddress: INTA_BASE + 0x1000 + 0x18,
      statusMaskedAddress: INTA_BASE + 0x1000 + 0x20,
      hops: [{ router: 'intr_main_navss', input: 1, output: 2 }],
      gicSpi: 34,
      parentVirq: 137,
      childVirq: 136,
      count: 2,
    });
  });

  test('an unmapped ring is dropped and counted', () => {
    const s = boot();
    const before = s.routes();
    expect(s.fireRing(undefined, 5, 4)).toEqual({
      device: 'ringacc',
      index: 5,
      hwirq: hwirqOf(5),
      times: 4,
      outcome: 'unmapped',
      inta: 'inta_main_udmass',
    });
    expect(s.unmapped).toBe(4);
    s.fireRing('ringacc', 400);
    expect(s.unmapped).toBe(5);
    expect(s.routes()).toEqual(before);
  });

  test('fire-ring refusals', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    expectFailure(s, () => s.fireRing(undefined, 818), 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    expectFailure(s, () => s.fireRing(undefined, 0, 0), 'EINVAL', 'times must be at least 1, got 0');
    expectFailure(s, () => s.fireRing('nope', 0), 'ENOENT');
  });

  test('a masked event stays pending and is delivered on unmask', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2); // virq 71 (ring 0, bit 0), 73 (ring 1, bit 1)
    const v0 = s.intas.get('inta_main_udmass')!.vintOf(0)!;
    expect(s.setMasked(71, true)).toEqual({ virq: 71, masked: true, delivered: [] });
    expect(v0.enable).toEqual([2, 0]);
    const t = s.fireRing(undefined, 0, 2);
    expect(t).toMatchObject({ outcome: 'masked', bit: 0, status: [1, 0], enable: [2, 0], statusMasked: [0, 0], count: 0 });
    expect(t.handled).toBeUndefined();
    expect(v0.status).toEqual([1, 0]);
    // a sibling fires: the handler reads STATUS_MASKED and leaves the masked bit pending
    const sib = s.fireRing(undefined, 1);
    expect(sib).toMatchObject({ outcome: 'delivered', statusBefore: [1, 0], status: [3, 0], statusMasked: [2, 0] });
    expect(sib.handled!.map((h) => h.virq)).toEqual([73]);
    expect(v0.status).toEqual([1, 0]);
    expect(s.interrupts().find((i) => i.virq === 71)!.masked).toBe(true);
    const un = s.setMasked(71, false);
    expect(un).toEqual({ virq: 71, masked: false, delivered: [{ bit: 0, virq: 71, device: 'ringacc', index: 0, hwirq: hwirqOf(0) }] });
    expect(v0.status).toEqual([0, 0]);
    expect(v0.enable).toEqual([3, 0]);
    expect(s.routeOf(71)!.count).toBe(1);
    expect(s.routeOf(73)!.count).toBe(1);
    expect(s.interrupts().find((i) => i.virq === 72)!.total).toBe(2);
    // unmasking with nothing pending delivers nothing
    expect(s.setMasked(73, false).delivered).toEqual([]);
    expectFailure(s, () => s.setMasked(999, true), 'ENOENT', 'virq 999 is not allocated');
  });

  test('a masked parent holds every event of its VINT', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    s.setMasked(72, true);
    expect(s.fireRing(undefined, 0).outcome).toBe('parent-masked');
    expect(s.fireRing(undefined, 1).outcome).toBe('parent-masked');
    expect(s.routeOf(71)!.count).toBe(0);
    const un = s.setMasked(72, false);
    expect(un.delivered.map((d) => [d.bit, d.virq])).toEqual([
      [0, 71],
      [1, 73],
    ]);
    expect(s.interrupts().find((i) => i.virq === 72)!.total).toBe(1);
  });
});

describe('affinity', () => {
  test('refused per event, with the reason', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx');
    expectFailure(
      s,
      () => s.setAffinity(71, [1]),
      'EINVAL',
      'virq 71 is an event of VINT 0; the INTA cannot steer one event (set the affinity of parent virq 72 to move it)',
    );
    s.requestChannel('main_udmap', 'tx', 2);
    expectFailure(
      s,
      () => s.setAffinity(73, [1]),
      'EINVAL',
      'virq 73 shares VINT 0 with 2 other events; the INTA cannot steer one event (set the affinity of parent virq 72 to move them all)',
    );
    s.releaseChannel('main_udmap', 'tx', 2);
    expectFailure(
      s,
      () => s.setAffinity(71, [1]),
      'EINVAL',
      'virq 71 shares VINT 0 with 1 other event; the INTA cannot steer one event (set the affinity of parent virq 72 to move them all)',
    );
    expectFailure(s, () => s.setAffinity(72, []), 'EINVAL', 'empty CPU list');
    expectFailure(s, () => s.setAffinity(72, [4]), 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    expectFailure(s, () => s.setAffinity(72, [-1]), 'EINVAL', 'CPU -1 does not exist (CPUs 0-3)');
    expectFailure(s, () => s.setAffinity(500, [0]), 'ENOENT', 'virq 500 is not allocated');
  });

  test('on the parent virq it moves every child', () => {
    const s = boot();
    s.requestChannel('main_udmap', 'tx', 2);
    s.allocIrq('ringacc', 'any');
    expect(s.setAffinity(72, [3, 2])).toEqual({ virq: 72, cpus: [2, 3], moved: [71, 73, 74] });
    const irqs = new Map(s.interrupts().map((i) => [i.virq, i]));
    for (const v of [71, 72, 73, 74]) {
      expect(irqs.get(v)).toMatchObject({ cpus: [2, 3], effectiveCpu: 2 });
    }
    // other interrupts keep every CPU
    expect(irqs.get(70)).toMatchObject({ cpus: [0, 1, 2, 3], effectiveCpu: 0 });
    const t = s.fireRing(undefined, 1, 2);
    expect(t.cpu).toBe(2);
    expect(s.interrupts().find((i) => i.virq === 73)!.counts).toEqual([0, 0, 2, 0]);
    expect(s.interrupts().find((i) => i.virq === 72)!.counts).toEqual([0, 0, 2, 0]);
    // a new event on the same VINT follows the parent too
    s.allocIrq('ringacc', 'any');
    expect(s.interrupts().find((i) => i.virq === 75)).toMatchObject({ parentVirq: 72, effectiveCpu: 2 });
  });

  test('a direct client takes its own affinity', () => {
    const s = boot();
    expect(s.setAffinity(70, [1])).toEqual({ virq: 70, cpus: [1], moved: [] });
    expect(s.interrupts().find((i) => i.virq === 70)).toMatchObject({ cpus: [1], effectiveCpu: 1 });
  });
});

describe('a failing operation changes nothing', () => {
  test('many refusals on a busy system, under every policy and mode', () => {
    for (const settings of [COALESCED_DEMAND, COALESCED_PROBE, DEDICATED_DEMAND, DEDICATED_PROBE]) {
      const s = boot(settings);
      if (s.dmas.get('main_udmap')!.bound) s.requestChannel('main_udmap', 'tx', 3);
      try {
        s.allocIrq('ringacc', 'any');
        s.allocIrq('ringacc', 320);
      } catch {
        // dedicated + probe has no outputs left: fine, the refusals below still apply
      }
      s.fireRing(undefined, 0);
      // a channel's ring belongs to the channel whether or not it is requested or probed
      const ringOwned: ErrCode = 'EBUSY';
      const attempts: Array<[() => unknown, ErrCode]> = [
        [() => s.requestChannel('nope', 'tx'), 'ENOENT'],
        [() => s.requestChannel('main_udmap', 'tx', 0), 'EINVAL'],
        [() => s.requestChannel('main_udmap', 'tx', -3), 'EINVAL'],
        [() => s.requestChannel('main_udmap', 'rx', 65), 'ENOSPC'],
        [() => s.releaseChannel('main_udmap', 'tx', 64), 'EINVAL'],
        [() => s.releaseChannel('main_udmap', 'rx', 5), 'ENOENT'],
        [() => s.releaseChannel('x', 'rx', 5), 'ENOENT'],
        [() => s.allocIrq('ringacc', 818), 'EINVAL'],
        [() => s.allocIrq('ringacc', 100), 'EINVAL'],
        [() => s.allocIrq('ringacc', 1), 'EBUSY'], // tx1's ring
        [() => s.allocIrq('ringacc', 160), ringOwned],
        [() => s.allocIrq('gpio', 'any'), 'ENOENT'],
        [() => s.freeIrq(63), 'ENOENT'],
        [() => s.freeIrq(2000), 'ENOENT'],
        [() => s.freeIrq(64), 'EBUSY'],
        [() => s.freeIrqOf('ringacc', 999), 'EINVAL'],
        [() => s.freeIrqOf('ringacc', 431), 'ENOENT'],
        [() => s.fireRing(undefined, -1), 'EINVAL'],
        [() => s.fireRing(undefined, 3, -2), 'EINVAL'],
        [() => s.fireRing('nope', 3), 'ENOENT'],
        [() => s.setAffinity(64, [9]), 'EINVAL'],
        [() => s.setAffinity(64, [0.5]), 'EINVAL'],
        [() => s.setAffinity(3000, [0]), 'ENOENT'],
        [() => s.setMasked(3000, true), 'ENOENT'],
      ];
      for (const [fn, code] of attempts) expectFailure(s, fn, code);
      // exhaust something, then fail against it
      const dma = s.dmas.get('main_udmap')!;
      if (dma.bound) {
        if (settings.policy === 'dedicated' && settings.mode === 'demand') {
          s.requestChannel('main_udmap', 'tx', 61);
          for (;;) {
            try {
              s.requestChannel('main_udmap', 'rx');
            } catch {
              break;
            }
          }
          expectFailure(s, () => s.requestChannel('main_udmap', 'rx'), 'ENOSPC', 'intr_main_navss.out exhausted (128/128 used)');
          expectFailure(s, () => s.requestChannel('main_udmap', 'rx', 3), 'ENOSPC', /, at channel 1 of 3$/);
          expectFailure(s, () => s.allocIrq('ringacc', 330), 'ENOSPC');
        } else {
          s.requestChannel('main_udmap', 'tx', 61);
          expectFailure(s, () => s.requestChannel('main_udmap', 'tx'), 'ENOSPC', 'main_udmap.tx_chan exhausted (64/64 used)');
        }
      }
      // a child of a shared VINT
      const shared = s.routes('ringacc').find((r) => r.parentVirq !== null && s.routes('ringacc').filter((x) => x.parentVirq === r.parentVirq).length > 1);
      if (shared) expectFailure(s, () => s.setAffinity(shared.virq, [1]), 'EINVAL');
    }
  });
});
