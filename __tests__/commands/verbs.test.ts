import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS, DESIGNS, designNamed } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import type { Output, Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { isUnicodeSpace, tokenize } from '../../src/commands/tokenize.js';
import { printable, type ErrCode } from '../../src/core/errors.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { parseTopology } from '../../src/topology/validate.js';
import type { Settings } from '../../src/core/system.js';

/** TISCI device ids: TO_HWIRQ(dev, index) = dev << 16 | index (irq-ti-sci-inta.c). */
const RINGACC = 187;
const UDMAP = 188;
const hwirqOf = (ring: number, dev = RINGACC): number => ((dev << 16) | ring) >>> 0;
/** The default: upstream's merged design (MSIs at probe, hardware at request_irq). */
const MERGED: Settings = DEFAULT_SETTINGS;
/** Coalesced like merged, but MSIs allocated on demand and freed with the channel. */
const DYNAMIC: Settings = designNamed('dynamic')!.settings;
const PROBE_ALL: Settings = designNamed('probe-all')!.settings;
const RFC_V4: Settings = designNamed('rfc-v4')!.settings;

/**
 * am65x under merged, after boot: main_gpio0 on virqs 64-69, ringacc's 100 GP-ring MSIs on
 * 70-169 (ring 304 + k on 70 + k), main_udmap's 119 on 170-288 (tx 1-3, 8-19, 26-63, then rx at
 * 0x200 + 2-3, 8-19, 26-77), cpts on 289 (INTR output 16, SPI 48): 226 virqs, no INTA hardware.
 */
const BOOT_VIRQS = 226;
const GPIO_VIRQS = [64, 65, 66, 67, 68, 69];

const fresh = (settings: Settings = MERGED): Session => new Session(am65x, settings);

/** am65x with 64 global events: VINT 16 fills, and the 65th event opens VINT 17 and finds none. */
const sixtyFourEvents = (): Session => {
  const parsed = parseTopology(readFileSync(new URL('../../fixtures/topologies/am65x-64events.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return new Session(parsed.topology, MERGED);
};

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

/** `routes <virq>` of a virq allocated without a route: an empty answer (filter as typed), with `reason`. */
const noRoute = (s: Session, line: string, reason: string) => {
  const r = ok(s, line, 'routes');
  expect([r.routes, r.filter, r.reason]).toEqual([[], `virq ${words(line)[1]}`, reason]);
};

const poolUsed = (s: Session, id: string): number => s.system.pool(id)!.used;
const poolPeak = (s: Session, id: string): number => s.system.pool(id)!.stats().peak;

describe('request-channel', () => {
  test('two tx channels take GP rings 304/305 and share VINT 16 behind one parent virq', () => {
    const s = fresh();
    const o = ok(s, 'request-channel main_udmap tx 2', 'channels');
    // tx 1-3 are high-capacity channels: k3-udma starts at the first normal one, 8.
    expect(o.channels).toEqual([
      { name: 'main_udmap:tx8', mode: 'pkt', ring: 304, virq: 70, eventVirq: null },
      { name: 'main_udmap:tx9', mode: 'pkt', ring: 305, virq: 71, eventVirq: null },
    ]);
    expect(o.routes.map((r) => r.virq)).toEqual([70, 71]);
    const [r0, r1] = o.routes;
    // cpts took INTR output 16 at boot, so VINT 16 gets output 17: SPI 49 (output o -> SPI o + 32).
    expect(r0).toMatchObject({
      virq: 70,
      device: 'ringacc',
      index: 304,
      hwirq: hwirqOf(304),
      globalEvent: 16,
      vint: 16,
      vintBit: 0,
      intrInput: 16,
      intrOutput: 17,
      gicSpi: 49,
      parentVirq: 290,
      count: 0,
      owner: 'main_udmap:tx8',
    });
    expect(hwirqOf(304)).toBe(0xbb0130);
    expect(r1).toMatchObject({ virq: 71, index: 305, hwirq: hwirqOf(305), globalEvent: 17, vint: 16, vintBit: 1, parentVirq: 290, owner: 'main_udmap:tx9' });
  });

  test('one channel by default; rx channels take their completion ring from the same GP pool', () => {
    const s = fresh();
    expect(ok(s, 'request-channel main_udmap rx', 'channels').channels).toEqual([{ name: 'main_udmap:rx8', mode: 'pkt', ring: 304, virq: 70, eventVirq: null }]);
    const o = ok(s, 'request-channel main_udmap tx', 'channels');
    expect(o.channels).toEqual([{ name: 'main_udmap:tx8', mode: 'pkt', ring: 305, virq: 71, eventVirq: null }]);
    expect(o.routes).toHaveLength(1);
    expect(o.routes[0]).toMatchObject({ device: 'ringacc', index: 305, globalEvent: 17, vintBit: 1, owner: 'main_udmap:tx8' });
    expect(poolUsed(s, 'ringacc.gp_ring')).toBe(2);
  });

  test('0x hex counts are accepted', () => {
    const s = fresh();
    expect(ok(s, 'request-channel main_udmap tx 0x10', 'channels').channels).toHaveLength(16);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(16);
  });

  test('a count past the normal channels is all or nothing (ENOENT); the peaks keep the attempt', () => {
    const s = fresh();
    // tx 8-19 and 26-63: 50 normal-capacity channels of the 53 in Linux's share.
    const e = fails(
      s,
      'request-channel main_udmap tx 51',
      'ENOENT',
      'main_udmap.tx_chan: no free normal-capacity tx channel (50 of 50 from 8 in use; 50/53 used), at channel 51 of 51; the 50 granted before were released',
    );
    expect(e.pool).toEqual({ id: 'main_udmap.tx_chan', used: 50, total: 53 });
    for (const id of ['main_udmap.tx_chan', 'ringacc.gp_ring', 'inta_main_udmass.global_event']) {
      expect(poolUsed(s, id)).toBe(0);
      expect(poolPeak(s, id)).toBe(50);
    }
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(0);
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
  });

  test('the 101st channel finds no GP completion ring: EBUSY on ringacc.gp_ring', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 50', 'channels');
    const e = fails(
      s,
      'request-channel main_udmap rx 51',
      'EBUSY',
      'ringacc.gp_ring exhausted (100/100 used): no completion ring for main_udmap:rx64, at channel 51 of 51; the 50 granted before were released',
    );
    expect(e.pool).toEqual({ id: 'ringacc.gp_ring', used: 100, total: 100 });
    expect(poolUsed(s, 'ringacc.gp_ring')).toBe(50);
    expect(poolPeak(s, 'ringacc.gp_ring')).toBe(100);
    expect(poolUsed(s, 'main_udmap.rx_chan')).toBe(0);
    // 100 events on two VINTs: 16 (full) and 17 (36).
    expect(poolPeak(s, 'inta_main_udmass.vint')).toBe(2);
  });

  test('merged requests the MSI allocated at probe: only the hardware and the parent virq are new', () => {
    const s = fresh();
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(0);
    const o = ok(s, 'request-channel main_udmap rx', 'channels');
    // virq 70 is ringacc's MSI for ring 304, allocated at boot.
    expect(o.channels[0]).toMatchObject({ name: 'main_udmap:rx8', ring: 304, virq: 70 });
    expect(o.routes[0]).toMatchObject({ globalEvent: 16, vint: 16, parentVirq: 290 });
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS + 1);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(1);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(2);
  });

  test("TR mode also requests the channel's own UDMA event: two irqs per channel", () => {
    const s = fresh();
    const tx = ok(s, 'request-channel main_udmap tx tr', 'channels');
    // main_udmap's MSI for tchan 8 is its 4th (after tx 1-3): virq 173.
    expect(tx.channels).toEqual([{ name: 'main_udmap:tx8', mode: 'tr', ring: 304, virq: 70, eventVirq: 173 }]);
    expect(tx.routes).toHaveLength(2);
    expect(tx.routes[0]).toMatchObject({ virq: 70, device: 'ringacc', index: 304, globalEvent: 16, vint: 16, vintBit: 0 });
    expect(tx.routes[1]).toMatchObject({
      virq: 173,
      device: 'main_udmap',
      index: 8,
      hwirq: hwirqOf(8, UDMAP),
      globalEvent: 17,
      vint: 16,
      vintBit: 1,
      intrInput: 16,
      intrOutput: 17,
      gicSpi: 49,
      parentVirq: 290,
      count: 0,
      owner: 'main_udmap:tx8',
    });
    // An rx channel's event is MSI index 0x200 + rchan: rchan 8 -> 0x208, hwirq 0xbc0208.
    const rx = ok(s, 'request-channel main_udmap rx 1 tr', 'channels');
    expect(rx.channels).toEqual([{ name: 'main_udmap:rx8', mode: 'tr', ring: 305, virq: 71, eventVirq: 225 }]);
    expect(rx.routes[1]).toMatchObject({ virq: 225, device: 'main_udmap', index: 0x208, hwirq: 0xbc0208, globalEvent: 19, vint: 16, vintBit: 3 });
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(4);
  });

  test('32 TR channels fill VINT 16; the 33rd opens VINT 17 on INTR output 18, SPI 50', () => {
    const s = fresh();
    const o = ok(s, 'request-channel main_udmap tx 32 tr', 'channels');
    expect(o.routes).toHaveLength(64);
    expect(new Set(o.routes.map((r) => r.vint))).toEqual(new Set([16]));
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(1);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(64);
    const next = ok(s, 'request-channel main_udmap tx tr', 'channels');
    expect(next.channels[0].name).toBe('main_udmap:tx46');
    expect(next.routes.map((r) => [r.vint, r.vintBit, r.intrOutput, r.gicSpi, r.parentVirq])).toEqual([
      [17, 0, 18, 50, 291],
      [17, 1, 18, 50, 291],
    ]);
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(2);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(3);
  });

  test('the mode may follow the direction without a count; a bad mode is EUSAGE', () => {
    const s = fresh();
    expect(ok(s, 'request-channel main_udmap tx tr', 'channels').channels[0].mode).toBe('tr');
    expect(ok(s, 'request-channel main_udmap tx 2 pkt', 'channels').channels.map((c) => c.mode)).toEqual(['pkt', 'pkt']);
    fails(s, 'request-channel main_udmap tx 1 xx', 'EUSAGE', "mode: expected pkt or tr, got 'xx'");
    fails(s, 'request-channel main_udmap tx xx', 'EUSAGE', "count: expected a number, got 'xx'");
  });

  test('in an on-demand design the MSIs are allocated at request, the parent virq first', () => {
    const s = fresh(DYNAMIC);
    expect(poolUsed(s, 'virq')).toBe(7);
    const o = ok(s, 'request-channel main_udmap tx tr', 'channels');
    expect(o.channels).toEqual([{ name: 'main_udmap:tx8', mode: 'tr', ring: 304, virq: 71, eventVirq: 73 }]);
    expect(o.routes.map((r) => r.parentVirq)).toEqual([72, 72]);
    expect(poolUsed(s, 'virq')).toBe(10);
  });
});

describe('release-channel', () => {
  test('in an on-demand design releasing frees the MSIs', () => {
    const s = fresh(DYNAMIC);
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const o = ok(s, 'release-channel main_udmap:tx8', 'released');
    expect(o).toEqual({ kind: 'released', channels: [{ name: 'main_udmap:tx8', mode: 'pkt', ring: 304, virq: 71, eventVirq: null }], freed: true });
    expect(s.system.routes().map((r) => r.owner)).not.toContain('main_udmap:tx8');
    expect(s.system.descs.get(71)).toBeUndefined();
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(1);
    expect(poolUsed(s, 'ringacc.gp_ring')).toBe(1);
  });

  test('`all` releases every requested channel, lowest first, and the hardware goes back', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    ok(s, 'request-channel main_udmap rx tr', 'channels');
    const o = ok(s, 'release-channel all', 'released');
    expect(o.channels.map((c) => c.name)).toEqual(['main_udmap:tx8', 'main_udmap:tx9', 'main_udmap:rx8']);
    expect(o.freed).toBe(false);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    expect(poolUsed(s, 'main_udmap.rx_chan')).toBe(0);
    expect(poolUsed(s, 'ringacc.gp_ring')).toBe(0);
    // The last event left VINT 16: the VINT, its INTR output and parent virq went back; cpts keeps output 16.
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(0);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(0);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(1);
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
  });

  test('a channel word in upper case, hex or with leading zeros names the channel its lower-case decimal form does', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 4', 'channels');
    expect(ok(s, 'fire-ring main_udmap:TX8', 'fire').trace.index).toBe(304);
    expect(ok(s, 'fire-ring main_udmap:tx09', 'fire').trace.index).toBe(305);
    expect(ok(s, 'release-channel main_udmap:Tx0xA', 'released').channels.map((c) => c.name)).toEqual(['main_udmap:tx10']);
    expect(ok(s, 'release-channel main_udmap:tx011', 'released').channels.map((c) => c.name)).toEqual(['main_udmap:tx11']);
    fails(s, 'release-channel MAIN_UDMAP:tx8', 'ENOENT', "unknown DMA controller 'MAIN_UDMAP' (have: main_udmap)");
    fails(s, 'release-channel main_udmap:tx', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got 'main_udmap:tx'");
    fails(s, 'release-channel :tx8', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got ':tx8'");
    fails(s, 'release-channel a:main_udmap:tx8', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got 'a:main_udmap:tx8'");
    fails(s, 'release-channel main_udmap:tx-8', 'EUSAGE', "channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got 'main_udmap:tx-8'");
    fails(s, 'release-channel main_udmap:tx9999999999999999', 'EINVAL', "channel number '9999999999999999' is too large");
    fails(s, 'fire-ring main_udmap:tx99999999999999999999', 'EINVAL', "channel number '99999999999999999999' is too large");
  });

  test('`all` with nothing requested releases nothing', () => {
    expect(ok(fresh(), 'release-channel all', 'released')).toEqual({ kind: 'released', channels: [], freed: false });
    expect(ok(fresh(DYNAMIC), 'release-channel all', 'released')).toEqual({ kind: 'released', channels: [], freed: true });
  });

  test('merged keeps the MSIs (free_irq only gives the hardware back)', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap rx tr', 'channels');
    const o = ok(s, 'release-channel main_udmap:rx8', 'released');
    expect(o).toEqual({ kind: 'released', channels: [{ name: 'main_udmap:rx8', mode: 'tr', ring: 304, virq: 70, eventVirq: 225 }], freed: false });
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(0);
    for (const virq of [70, 225]) {
      expect(s.system.descs.get(virq)).toBeDefined();
      expect(s.system.routeOf(virq)).toBeUndefined();
    }
  });

  test('errors', () => {
    const s = fresh();
    fails(s, 'release-channel main_udmap:tx9', 'ENOENT', 'main_udmap:tx9 is not requested');
    fails(s, 'release-channel main_udmap:tx0', 'EINVAL', "main_udmap: tx channel 0 is not one of this host's (1-3, 8-19, 26-63)");
    fails(s, 'release-channel main_udmap:rx78', 'EINVAL', "main_udmap: rx channel 78 is not one of this host's (2-3, 8-19, 26-77)");
    fails(s, 'release-channel nodma:tx8', 'ENOENT', "unknown DMA controller 'nodma' (have: main_udmap)");
    // (the example channel in the hint is left open: tx0 is not in Linux's share)
    fails(s, 'release-channel main_udmap:tz0', 'EUSAGE', /^channel: expected <dma>:<tx\|rx><n> such as main_udmap:tx\d+, got 'main_udmap:tz0'$/);
    fails(s, 'release-channel foo', 'EUSAGE', /^channel: expected <dma>:<tx\|rx><n> such as main_udmap:tx\d+, got 'foo'$/);
    fails(s, 'release-channel', 'EUSAGE', 'missing <channel>; usage: release-channel <dma>:<tx|rx><n> | all');
  });
});

describe('alloc-irq and free-irq', () => {
  test("alloc-irq ringacc any requests GP ring 304's MSI from boot", () => {
    const s = fresh();
    const o = ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(o.virq).toBe(70);
    expect(o.route).toMatchObject({ virq: 70, device: 'ringacc', index: 304, hwirq: hwirqOf(304), globalEvent: 16, vint: 16, vintBit: 0, parentVirq: 290, owner: 'alloc-irq' });
    expect(ok(s, 'alloc-irq ringacc any', 'allocated').route).toMatchObject({ virq: 71, index: 305 });
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS + 1);
  });

  test('on demand (dynamic) alloc-irq allocates the MSI too', () => {
    const s = fresh(DYNAMIC);
    expect(ok(s, 'alloc-irq ringacc any', 'allocated').route).toMatchObject({ virq: 71, index: 304, parentVirq: 72 });
    expect(poolUsed(s, 'virq')).toBe(9);
  });

  test('a hex index names the same ring', () => {
    expect(ok(fresh(), 'alloc-irq ringacc 0x130', 'allocated').route.index).toBe(304);
  });

  test("a channel's ring is refused, naming the channel; a ring outside Linux's share is EINVAL", () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    fails(s, 'alloc-irq ringacc 304', 'EBUSY', 'ringacc 304 is the completion ring of main_udmap:tx8; release the channel instead');
    fails(s, 'alloc-irq ringacc 5', 'EINVAL', "ringacc 5 is not in this host's share (304-403)");
    fails(s, 'alloc-irq ringacc 404', 'EINVAL', "ringacc 404 is not in this host's share (304-403)");
  });

  test('a second request of the same index is EBUSY', () => {
    for (const settings of [MERGED, DYNAMIC]) {
      const s = fresh(settings);
      ok(s, 'alloc-irq ringacc 304', 'allocated');
      fails(s, 'alloc-irq ringacc 304', 'EBUSY', 'ringacc 304 is already requested by alloc-irq');
    }
    const s = fresh();
    ok(s, 'alloc-irq main_udmap 8', 'allocated');
    fails(s, 'alloc-irq main_udmap 8', 'EBUSY', 'main_udmap 8 is already requested by alloc-irq (virq 173)');
  });

  test("main_udmap's own events: tchan ids, 0x200 + rchan ids; any takes the lowest of the share", () => {
    const s = fresh();
    expect(ok(s, 'alloc-irq main_udmap 0x208', 'allocated').route).toMatchObject({ virq: 225, device: 'main_udmap', index: 0x208, hwirq: 0xbc0208 });
    expect(ok(s, 'alloc-irq main_udmap any', 'allocated').route).toMatchObject({ virq: 170, index: 1, hwirq: hwirqOf(1, UDMAP) });
    fails(s, 'alloc-irq main_udmap 4', 'EINVAL', "main_udmap 4 is not in this host's share (1-3, 8-19, 26-63, 514-515, 520-531, 538-589)");
  });

  test('index errors', () => {
    const s = fresh();
    fails(s, 'alloc-irq foo 1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc, main_udmap)");
    fails(s, 'alloc-irq ringacc abc', 'EUSAGE', "index: expected a number, got 'abc'");
    fails(s, 'alloc-irq ringacc -1', 'EINVAL', "index must not be negative, got '-1'");
    fails(s, 'alloc-irq ringacc 9007199254740992', 'EINVAL', "index '9007199254740992' is too large");
    fails(s, 'alloc-irq ringacc 818', 'EINVAL', 'ringacc: index 818 out of range (0-817)');
  });

  test('free-irq by virq gives the hardware back; merged keeps the MSI, on demand it goes', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(ok(s, 'free-irq 70', 'freed')).toEqual({ kind: 'freed', virq: 70, device: 'ringacc', index: 304, msiKept: true, hardwareKept: false });
    expect(s.system.routeOf(70)).toBeUndefined();
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
    fails(s, 'free-irq 70', 'ENOENT', 'virq 70 (ringacc 304) is not requested');
    const d = fresh(DYNAMIC);
    ok(d, 'alloc-irq ringacc any', 'allocated');
    expect(ok(d, 'free-irq 71', 'freed')).toMatchObject({ msiKept: false, hardwareKept: false });
    fails(d, 'free-irq 71', 'ENOENT', 'virq 71 is not allocated');
  });

  test('free-irq by device and index', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc any', 'allocated');
    ok(s, 'alloc-irq ringacc any', 'allocated');
    expect(ok(s, 'free-irq ringacc 305', 'freed')).toEqual({ kind: 'freed', virq: 71, device: 'ringacc', index: 305, msiKept: true, hardwareKept: false });
    fails(s, 'free-irq ringacc 305', 'ENOENT', 'ringacc 305 is not requested');
    expect(ok(s, 'free-irq ringacc 0x130', 'freed').virq).toBe(70);
  });

  test('free-irq refuses what a driver holds', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    fails(s, 'free-irq 70', 'EBUSY', 'virq 70 belongs to main_udmap:tx8; release the channel instead');
    fails(s, 'free-irq 0x40', 'EBUSY', 'virq 64 belongs to main_gpio0, whose driver chained gpio_irq_handler on it');
    fails(s, 'free-irq 289', 'EBUSY', 'virq 289 belongs to cpts, a direct INTR client');
    fails(s, 'free-irq 290', 'EINVAL', 'virq 290 is the parent of inta_main_udmass VINT 16; free its events instead');
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
    const t = ok(s, 'fire-ring 304', 'fire').trace;
    expect(t).toMatchObject({
      device: 'ringacc',
      index: 304,
      hwirq: hwirqOf(304),
      times: 1,
      outcome: 'delivered',
      inta: 'inta_main_udmass',
      globalEvent: 16,
      vint: 16,
      bit: 0,
      statusBefore: [0, 0],
      status: [1, 0],
      enable: [3, 0],
      statusMasked: [1, 0],
      // VINT 16's registers: base 0x33d00000 + 16 * 0x1000, STATUS +0x18, STATUS_MASKED +0x20
      statusAddress: 0x33d10018,
      statusMaskedAddress: 0x33d10020,
      hops: [{ router: 'intr_main_navss', input: 16, output: 17 }],
      gicHwirq: 81,
      gicSpi: 49,
      parentVirq: 290,
      cpu: 0,
      childVirq: 70,
      count: 1,
    });
    // Ring irqs are level (IRQF_TRIGGER_HIGH).
    expect(t.handled).toEqual([{ bit: 0, virq: 70, device: 'ringacc', index: 304, hwirq: hwirqOf(304), trigger: 'level' }]);
  });

  test('by device:ring with times', () => {
    const s = session();
    const t = ok(s, 'fire-ring ringacc:305 3', 'fire').trace;
    expect(t).toMatchObject({ device: 'ringacc', index: 305, times: 3, outcome: 'delivered', vint: 16, bit: 1, status: [2, 0], childVirq: 71, count: 3 });
    expect(s.system.routeOf(71)!.count).toBe(3);
  });

  test('by channel name, counts accumulate; the chained parent is never counted', () => {
    const s = session();
    ok(s, 'fire-ring 304', 'fire');
    const t = ok(s, 'fire-ring main_udmap:tx8 2', 'fire').trace;
    expect(t).toMatchObject({ index: 304, times: 2, childVirq: 70, count: 3 });
    const irqs = ok(s, 'interrupts', 'interrupts').irqs;
    expect(irqs.find((i) => i.virq === 70)!.counts).toEqual([3, 0, 0, 0]);
    expect(irqs.find((i) => i.virq === 290)).toBeUndefined();
  });

  test("a TR channel's UDMA event is fired by device:index and is edge", () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx tr', 'channels');
    const t = ok(s, 'fire-ring main_udmap:8', 'fire').trace;
    expect(t).toMatchObject({ device: 'main_udmap', index: 8, hwirq: hwirqOf(8, UDMAP), outcome: 'delivered', globalEvent: 17, vint: 16, bit: 1, childVirq: 173, count: 1 });
    expect(t.handled).toEqual([{ bit: 1, virq: 173, device: 'main_udmap', index: 8, hwirq: hwirqOf(8, UDMAP), trigger: 'edge' }]);
  });

  test('a ring without an event map is dropped, and interrupts counts it, even one with an MSI', () => {
    const s = session();
    const t = ok(s, 'fire-ring 9', 'fire').trace;
    expect(t).toMatchObject({ device: 'ringacc', index: 9, hwirq: hwirqOf(9), outcome: 'unmapped' });
    expect(t.childVirq).toBeUndefined();
    // Ring 306 has its MSI (virq 72) from boot, but nobody requested it: no hardware, no event map.
    expect(ok(s, 'fire-ring 306', 'fire').trace.outcome).toBe('unmapped');
    expect(ok(s, 'interrupts', 'interrupts').unmapped).toBe(2);
  });

  test('errors', () => {
    const s = session();
    fails(s, 'fire-ring abc', 'EUSAGE', "ring: expected a number, got 'abc'");
    fails(s, 'fire-ring -1', 'EINVAL', "ring must not be negative, got '-1'");
    fails(s, 'fire-ring 304 0', 'EINVAL', 'times must be 1-1000000000, got 0');
    fails(s, 'fire-ring foo:1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc, main_udmap)");
    fails(s, 'fire-ring 818', 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    fails(s, 'fire-ring main_udmap:tx64', 'EINVAL', "main_udmap: tx channel 64 is not one of this host's (1-3, 8-19, 26-63)");
    fails(s, 'fire-ring main_udmap:tx10', 'ENOENT', 'main_udmap:tx10 is not requested, so it has no completion ring yet');
    fails(s, 'fire-ring', 'EUSAGE', 'missing <ring>; usage: fire-ring <ring> [times]');
  });
});

describe('set-affinity', () => {
  const CHAINED = "the INTA cannot steer one event (ti_sci_inta_set_affinity), and VINT 16's parent virq 290 is chained";

  test('refused on an event sharing a VINT, with the exact message', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    fails(s, 'set-affinity 70 1', 'EINVAL', `virq 70 shares VINT 16 with 1 other event; ${CHAINED}`);
  });

  test('refused on a lone event too', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    fails(s, 'set-affinity 70 1', 'EINVAL', `virq 70 is an event of VINT 16; ${CHAINED}`);
  });

  test('refused on the chained parent: /proc/irq has no entry for it, nothing moves', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    fails(
      s,
      'set-affinity 290 1-2',
      'EINVAL',
      'virq 290 is the chained parent of inta_main_udmass VINT 16: /proc/irq has no entry for it, only the kernel could move it (and every event of the VINT with it)',
    );
    const irqs = ok(s, 'interrupts', 'interrupts').irqs;
    for (const v of [70, 71]) expect(irqs.find((i) => i.virq === v)!.cpus).toEqual([0, 1, 2, 3]);
    expect(ok(s, 'fire-ring 304', 'fire').trace.cpu).toBe(0);
  });

  test('refused on an MSI nobody requested', () => {
    fails(fresh(), 'set-affinity 100 1', 'EINVAL', 'virq 100 is an INTA event; the INTA cannot steer one event (ti_sci_inta_set_affinity)');
  });

  test('a direct client moves alone', () => {
    const s = fresh();
    expect(ok(s, 'set-affinity 289 3', 'affinity').result).toEqual({ virq: 289, cpus: [3], moved: [] });
    // a GPIO bank line is chained by gpio-davinci: no /proc/irq entry, as a VINT's parent
    fails(s, 'set-affinity 64 1-2', 'EINVAL', 'virq 64 (main_gpio0 0) is chained by its driver (gpio_irq_handler): /proc/irq has no entry for it, only the kernel could move it');
    expect(ok(s, 'interrupts', 'interrupts').irqs.find((i) => i.virq === 289)!.cpus).toEqual([3]);
  });

  test('errors', () => {
    const s = fresh();
    fails(s, 'set-affinity 64 4', 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    // however large the number, the message names the CPUs there are
    fails(s, 'set-affinity 64 99999999999', 'EINVAL', 'CPU 99999999999 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 64 1024', 'EINVAL', 'CPU 1024 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 64 0-2000', 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 64 1,2-99999999999', 'EINVAL', 'CPU 4 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 289 5-99999999999999999999', 'EINVAL', 'CPU 5 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 289 1,099999999999999999999', 'EINVAL', 'CPU 99999999999999999999 does not exist (CPUs 0-3)');
    fails(s, 'set-affinity 289 99999999999999999999-5', 'EUSAGE', "cpus: range '99999999999999999999-5' runs backwards");
    expect(ok(s, 'set-affinity 289 0002-03', 'affinity').result.cpus).toEqual([2, 3]);
    fails(s, 'set-affinity 64 3-1', 'EUSAGE', "cpus: range '3-1' runs backwards");
    fails(s, 'set-affinity 64 0-3,', 'EUSAGE', "cpus: an empty element in '0-3,'");
    fails(s, 'set-affinity 64 abc', 'EUSAGE', "cpus: expected a CPU list such as 0-1,3, got 'abc'");
    // irq_set_affinity: -EINVAL when irq_to_desc finds no descriptor.
    fails(s, 'set-affinity 9999 1', 'EINVAL', 'virq 9999 is not allocated');
    // A virq it lacks is named before a CPU it lacks (no /proc/irq/9999 to write to); a
    // malformed list before either.
    fails(s, 'set-affinity 9999 9', 'EINVAL', 'virq 9999 is not allocated');
    fails(s, 'set-affinity 9999 0-99999999999', 'EINVAL', 'virq 9999 is not allocated');
    fails(s, 'set-affinity 9999 0-x', 'EUSAGE', "cpus: expected a CPU list such as 0-1,3, got '0-x'");
    fails(s, 'set-affinity 64', 'EUSAGE', 'missing <cpu-list>; usage: set-affinity <virq> <cpu-list>');
  });
});

test('a CPU past a 2-CPU topology is refused naming its CPUs, even past any machine', () => {
  const parsed = parseTopology(readFileSync(new URL('../../fixtures/topologies/small8.json', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('small8.json does not load');
  const s = new Session(parsed.topology, MERGED);
  fails(s, 'set-affinity 64 2', 'EINVAL', 'CPU 2 does not exist (CPUs 0-1)');
  fails(s, 'set-affinity 64 123456789012345678901234567890123456789012345', 'EINVAL', 'CPU 1234567890123456789012345678901234567... does not exist (CPUs 0-1)');
});

test('a TR event is named by the channel whose event it is, a tx id above rxEventOffset too', () => {
  // k3-udma: a tchan's event is MSI index tchan id, an rchan's rxEventOffset + rchan id; nothing
  // keeps tx ids below the offset. Here tx 20-21 and rx 0-1 at offset 10: events 20-21 and 10-11.
  const file = JSON.parse(readFileSync(new URL('../../fixtures/topologies/small8.json', import.meta.url), 'utf8'));
  file.dmas[0] = { ...file.dmas[0], tx: { channels: [{ start: 20, count: 2 }] }, rx: { channels: [{ start: 0, count: 2 }] }, rxEventOffset: 10 };
  const parsed = parseTopology(JSON.stringify(file));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  const s = new Session(parsed.topology, MERGED);
  const idle = 'has no route: allocated by udma, not requested: no hardware until request_irq;';
  noRoute(s, 'routes 65', `virq 65 (udma 20) ${idle} udma:tx20 in TR mode, or alloc-irq udma 20, requests it`);
  noRoute(s, 'routes 67', `virq 67 (udma 10) ${idle} udma:rx0 in TR mode, or alloc-irq udma 10, requests it`);
});

describe('mask-irq and unmask-irq', () => {
  test('a masked event stays pending and is delivered on unmask', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    expect(ok(s, 'mask-irq 70', 'mask').result).toEqual({ virq: 70, masked: true, delivered: [] });
    const t = ok(s, 'fire-ring 304', 'fire').trace;
    expect(t).toMatchObject({ outcome: 'masked', status: [1, 0], enable: [2, 0], statusMasked: [0, 0], childVirq: 70 });
    expect(s.system.routeOf(70)!.count).toBe(0);
    expect(ok(s, 'unmask-irq 70', 'mask').result).toEqual({
      virq: 70,
      masked: false,
      delivered: [{ bit: 0, virq: 70, device: 'ringacc', index: 304, hwirq: hwirqOf(304), trigger: 'level' }],
    });
    expect(s.system.routeOf(70)!.count).toBe(1);
    // Nothing is left pending.
    expect(ok(s, 'unmask-irq 70', 'mask').result.delivered).toEqual([]);
  });

  test('a masked parent holds the line at the GIC', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    ok(s, 'mask-irq 290', 'mask');
    expect(ok(s, 'fire-ring 305', 'fire').trace.outcome).toBe('parent-masked');
    expect(ok(s, 'unmask-irq 290', 'mask').result.delivered.map((d) => d.virq)).toEqual([71]);
  });

  test('interrupts marks a masked virq', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    ok(s, 'mask-irq 70', 'mask');
    expect(ok(s, 'interrupts', 'interrupts').irqs.find((i) => i.virq === 70)!.masked).toBe(true);
  });

  test('errors', () => {
    const s = fresh();
    // No descriptor: __disable_irq_nosync's -EINVAL when irq_get_desc_buslock finds none.
    fails(s, 'mask-irq 9999', 'EINVAL', 'virq 9999 is not allocated: nothing to mask');
    fails(s, 'unmask-irq 9999', 'EINVAL', 'virq 9999 is not allocated: nothing to unmask');
    fails(s, 'mask-irq x', 'EUSAGE', "virq: expected a number, got 'x'");
    // virq 100 is ringacc's MSI for ring 334: allocated at probe, never requested; no action to
    // mask, as free-irq says of it, with the same code.
    fails(s, 'mask-irq 100', 'ENOENT', 'virq 100 (ringacc 334) is not requested: nothing to mask');
    fails(s, 'unmask-irq 100', 'ENOENT', 'virq 100 (ringacc 334) is not requested: nothing to unmask');
    fails(s, 'free-irq 100', 'ENOENT', 'virq 100 (ringacc 334) is not requested');
  });
});

describe('views', () => {
  test('routes lists the live routes (not the MSIs without hardware); a filter narrows it', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx tr', 'channels');
    ok(s, 'alloc-irq ringacc any', 'allocated');
    const all = ok(s, 'routes', 'routes');
    expect(all.filter).toBeUndefined();
    expect(all.routes.map((r) => r.virq)).toEqual([...GPIO_VIRQS, 70, 71, 173, 289]);
    const cpts = ok(s, 'routes cpts', 'routes');
    expect(cpts.filter).toBe('cpts');
    expect(cpts.routes).toHaveLength(1);
    expect(cpts.routes[0]).toMatchObject({
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
      parentVirq: null,
      owner: 'cpts',
    });
    expect(ok(s, 'routes main_udmap', 'routes').routes.map((r) => [r.device, r.owner])).toEqual([
      ['ringacc', 'main_udmap:tx8'],
      ['main_udmap', 'main_udmap:tx8'],
    ]);
    expect(ok(s, 'routes alloc-irq', 'routes').routes.map((r) => r.index)).toEqual([305]);
    expect(ok(s, 'routes ringacc', 'routes').routes.map((r) => r.index)).toEqual([304, 305]);
  });

  test('routes takes a virq (a VINT parent: its events) or a channel as well as a device', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2 tr', 'channels');
    const byVirq = ok(s, 'routes 71', 'routes');
    expect(byVirq.routes.map((r) => r.owner)).toEqual(['main_udmap:tx9']);
    expect(byVirq.filter).toBe('virq 71');
    expect(ok(s, 'routes 0x47', 'routes').routes.map((r) => r.virq)).toEqual([71]);
    // the chained parent: every event of VINT 16, rings and TR events
    expect(ok(s, 'routes 290', 'routes').routes.map((r) => r.virq)).toEqual([70, 71, 173, 174]);
    expect(ok(s, 'routes 289', 'routes').routes.map((r) => r.device)).toEqual(['cpts']);
    // a channel: its completion ring (packet mode)
    ok(s, 'request-channel main_udmap rx', 'channels');
    expect(ok(s, 'routes main_udmap:rx8', 'routes').routes.map((r) => r.virq)).toEqual([72]);
    // a channel of the host's that is not requested: an answer with the reason, as a virq with none
    const idle = ok(s, 'routes main_udmap:tx10', 'routes');
    expect([idle.routes, idle.filter, idle.reason]).toEqual([
      [],
      'main_udmap:tx10',
      'channel main_udmap:tx10 has no route: not requested; no ring and no irq until request-channel main_udmap tx takes it (the lowest free from tx8 up)',
    ]);
    // below the normal-capacity start (tchan_tpl.start_idx[0] = 8): request-channel never takes it
    expect(ok(s, 'routes main_udmap:rx3', 'routes').reason).toBe('channel main_udmap:rx3 has no route: not requested; request-channel takes rx8 up (normal capacity), so it never takes rx3');
    // no such channel on this host, no such controller: still errors
    fails(s, 'routes main_udmap:tx99', 'EINVAL', /tx channel 99 /);
    fails(s, 'routes udma:tx8', 'ENOENT', /unknown DMA controller 'udma'/);
    fails(s, 'routes 999', 'ENOENT', 'virq 999 has no route: not allocated');
  });

  test('routes <virq> of an allocated virq with no route is an empty answer that says why, in the words irq uses for the same virq', () => {
    const s = fresh();
    const idle = 'has no route: allocated by main_udmap, not requested: no hardware until request_irq;';
    // tx3 is below main_udmap's normal-capacity start (tchan_tpl.start_idx[0] = 8): only alloc-irq requests its event.
    noRoute(s, 'routes 172', `virq 172 (main_udmap 3) ${idle} it is main_udmap:tx3's TR event, but request-channel takes tx8 up (normal capacity), so only alloc-irq main_udmap 3 requests it`);
    expect(ok(s, 'irq 172', 'irq').detail.state).toEqual(['allocated', 'not requested: no hardware']);
    noRoute(s, 'routes 173', `virq 173 (main_udmap 8) ${idle} main_udmap:tx8 in TR mode, or alloc-irq main_udmap 8, requests it`);
    // rx channel n's event is MSI index 0x200 + n; the rx channels below 8 are high-capacity too
    noRoute(s, 'routes 224', `virq 224 (main_udmap 515) ${idle} it is main_udmap:rx3's TR event, but request-channel takes rx8 up (normal capacity), so only alloc-irq main_udmap 515 requests it`);
    noRoute(s, 'routes 225', `virq 225 (main_udmap 520) ${idle} main_udmap:rx8 in TR mode, or alloc-irq main_udmap 520, requests it`);
    const ring304 = 'virq 70 (ringacc 304) has no route: allocated by ringacc, not requested: no hardware until request_irq; a channel completing on ring 304, or alloc-irq ringacc 304, requests it';
    noRoute(s, 'routes 70', ring304);
    // as written: hex too
    noRoute(s, 'routes 0x46', ring304);
    // a released channel's ring MSI stays allocated (merged): the same reason again
    ok(s, 'request-channel main_udmap tx', 'channels');
    expect(ok(s, 'routes 70', 'routes').routes.map((r) => r.owner)).toEqual(['main_udmap:tx8']);
    ok(s, 'release-channel main_udmap:tx8', 'released');
    noRoute(s, 'routes 70', ring304);
    // a virq not allocated is no question to answer: ENOENT, as irq says
    fails(s, 'routes 290', 'ENOENT', 'virq 290 has no route: not allocated');
    // on demand the MSI goes with the channel: its virq is free again
    const d = fresh(DYNAMIC);
    ok(d, 'request-channel main_udmap tx', 'channels');
    ok(d, 'release-channel main_udmap:tx8', 'released');
    fails(d, 'routes 71', 'ENOENT', 'virq 71 has no route: not allocated');
  });

  test('routes <virq> of a VINT parent whose events are gone (upstream keeps the VINT a failed request opened)', () => {
    const s = sixtyFourEvents();
    ok(s, 'failure upstream', 'settings');
    ok(s, 'request-channel main_udmap tx 50', 'channels');
    ok(s, 'request-channel main_udmap rx 14', 'channels');
    fails(s, 'alloc-irq ringacc any', 'EINVAL');
    expect(ok(s, 'irq 291', 'irq').detail.children).toEqual([]);
    noRoute(s, 'routes 291', 'virq 291 has no route: it is the chained parent of inta_main_udmass VINT 17, which holds no events');
  });

  test('an unknown routes filter: did-you-mean, and the devices, with alloc-irq named as what it is', () => {
    const s = fresh();
    // (the device list itself is left open: today it names main_udmap twice, as MSI device and DMA)
    fails(s, 'routes ringac', 'ENOENT', /^unknown device 'ringac' \(did you mean ringacc\? devices: ringacc, .*; or a virq, a channel, alloc-irq\)$/);
    fails(s, 'routes zzz', 'ENOENT', /^unknown device 'zzz' \(devices: .*\bcpts\b.*; or a virq, a channel, alloc-irq\)$/);
  });

  test('pools: Linux\'s host-12 share', () => {
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
    // SPIs 48-95 and 416-431 (intr_main_navss outputs 16-79) and 360-379 (intr_main_gpio outputs 0-19)
    expect(byId.get('gic500.spi')).toMatchObject({ total: 84, used: 8, free: 76, peak: 8 });
    expect(byId.get('intr_main_navss.out')).toMatchObject({ owner: 'intr_main_navss', total: 64, used: 2, free: 62, peak: 2 });
    expect(byId.get('intr_main_gpio.out')).toMatchObject({ total: 20, used: 6 });
    expect(byId.get('inta_main_udmass.vint')).toMatchObject({ total: 80, used: 1, free: 79, peak: 1 });
    expect(byId.get('inta_main_udmass.global_event')).toMatchObject({ total: 1024, used: 2, free: 1022, peak: 2 });
    expect(byId.get('ringacc.gp_ring')).toMatchObject({ total: 100, used: 2 });
    expect(byId.get('main_udmap.tx_chan')).toMatchObject({ total: 53, used: 2 });
    expect(byId.get('main_udmap.rx_chan')).toMatchObject({ total: 66, used: 0 });
    expect(byId.get('virq')).toMatchObject({ total: 1024, used: 227, free: 797, peak: 227 });
    for (const p of pools) expect(p.used + p.free).toBe(p.total);
  });

  test('interrupts leaves out chained lines (VINT parents, GPIO banks) and MSIs nobody requested', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const o = ok(s, 'interrupts', 'interrupts');
    expect(o.cpus).toBe(4);
    expect(o.unmapped).toBe(0);
    expect(o.irqs.map((i) => i.virq)).toEqual([70, 289]);
    expect(o.irqs.find((i) => i.virq === 70)).toMatchObject({ kind: 'msi', owner: 'main_udmap:tx8', counts: [0, 0, 0, 0], parentVirq: 290, trigger: 'level' });
    expect(o.irqs.find((i) => i.virq === 289)).toMatchObject({ kind: 'direct', name: 'cpts 0' });
  });

  test('domains: GIC at the root, INTA under its INTR, ringacc and main_udmap under the INTA', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const tree = ok(s, 'domains', 'domains').tree;
    expect(tree).toMatchObject({ id: 'gic500', kind: 'gic' });
    expect(tree.allocated).toHaveLength(8);
    expect(tree.children.map((c) => c.id)).toEqual(['intr_main_navss', 'intr_main_gpio']);
    const navss = tree.children[0];
    expect(navss.children.map((c) => c.id)).toEqual(['inta_main_udmass', 'cpts']);
    expect(navss.allocated).toEqual(['input 16 -> output 17', 'input 391 -> output 16']);
    const inta = navss.children[0];
    expect(inta.kind).toBe('inta');
    expect(inta.allocated).toEqual(['VINT 16: 2 events -> input 16, parent virq 290']);
    expect(inta.children.map((c) => c.id)).toEqual(['ringacc', 'main_udmap']);
    expect(inta.children[0].allocated).toHaveLength(2);
  });

  test('topology', () => {
    const s = fresh();
    const o = ok(s, 'topology', 'topology');
    expect(o.topology).toBe(am65x);
    expect(o.pools.map((p) => p.id)).toContain('intr_main_navss.out');
  });
});

describe('design and its settings, reset and boot', () => {
  const DEVICES = ['gic500', 'intr_main_navss', 'intr_main_gpio', 'inta_main_udmass', 'main_gpio0', 'ringacc', 'main_udmap', 'cpts'];

  test('a column without a value shows the settings and changes nothing', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const system = s.system;
    for (const verb of ['policy', 'mode', 'hardware', 'lock', 'failure']) {
      expect(ok(s, verb, 'settings')).toEqual({ kind: 'settings', settings: MERGED, design: 'merged', changed: false, boot: [] });
    }
    expect(s.system).toBe(system);
  });

  test('a value already in force re-boots nothing: what was done since boot stays', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const system = s.system;
    for (const [verb, value] of [['policy', 'coalesced'], ['mode', 'probe'], ['hardware', 'request'], ['lock', 'inta'], ['failure', 'unwind'], ['design', 'merged']]) {
      expect(ok(s, `${verb} ${value}`, 'settings')).toEqual({
        kind: 'settings', settings: MERGED, design: 'merged', changed: false, boot: [], already: { setting: verb, value },
      });
    }
    expect(s.system).toBe(system);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(2);
    // settings set by hand that a design stands for: naming the design changes nothing either
    const c = fresh();
    for (const line of ['policy dedicated', 'mode demand', 'hardware alloc', 'lock none']) ok(c, line, 'settings');
    ok(c, 'request-channel main_udmap tx', 'channels');
    expect(ok(c, 'design rfc-v4', 'settings')).toMatchObject({ changed: false, design: 'rfc-v4', already: { setting: 'design', value: 'rfc-v4' } });
    expect(poolUsed(c, 'main_udmap.tx_chan')).toBe(1);
  });

  test('policy with a value re-boots with its boot log; the design becomes custom', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const o = ok(s, 'policy dedicated', 'settings');
    expect(o.changed).toBe(true);
    expect(o.settings).toEqual({ ...MERGED, policy: 'dedicated' });
    expect(o.design).toBe('custom');
    expect(o.boot.map((e) => [e.device, e.ok])).toEqual(DEVICES.map((d) => [d, true]));
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    expect(s.settings.policy).toBe('dedicated');
  });

  test('design lists the presets, marking the one in force', () => {
    const o = ok(fresh(), 'design', 'designs');
    expect(o.designs.map((d) => d.name)).toEqual(['merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(o.designs).toEqual([...DESIGNS]);
    expect(o.current).toBe('merged');
    expect(o.settings).toEqual(MERGED);
    expect(o.designs.find((d) => d.name === 'rfc-v4')!.settings).toEqual({ policy: 'dedicated', mode: 'demand', hardware: 'alloc', lock: 'none', failure: 'unwind' });
    expect(o.designs.find((d) => d.name === 'probe-all')!.settings).toEqual({ policy: 'dedicated', mode: 'probe', hardware: 'alloc', lock: 'inta', failure: 'unwind' });
  });

  test('design <name> re-boots with its settings', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx', 'channels');
    const o = ok(s, 'design rfc-v4', 'settings');
    expect(o).toMatchObject({ settings: RFC_V4, design: 'rfc-v4', changed: true });
    expect(o.boot.map((e) => [e.device, e.ok])).toEqual(DEVICES.map((d) => [d, true]));
    expect(o.boot.find((e) => e.device === 'ringacc')!.message).toBe('ring accelerator: probed; MSIs are allocated on demand');
    expect(poolUsed(s, 'virq')).toBe(7);
    expect(ok(s, 'design', 'designs').current).toBe('rfc-v4');
    expect(ok(s, 'design merged', 'settings').settings).toEqual(MERGED);
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
  });

  test('a column set by hand that matches a preset is named by it', () => {
    const s = fresh();
    // merged with MSIs on demand is exactly dynamic
    expect(ok(s, 'mode demand', 'settings')).toMatchObject({ settings: DYNAMIC, design: 'dynamic' });
    expect(ok(s, 'lock none', 'settings')).toMatchObject({ settings: { ...DYNAMIC, lock: 'none' }, design: 'custom' });
  });

  test('hardware alloc takes every MSI\'s hardware at probe: 219 events on VINTs 16-19', () => {
    const s = fresh();
    const o = ok(s, 'hardware alloc', 'settings');
    expect(o).toMatchObject({ settings: { ...MERGED, hardware: 'alloc' }, design: 'custom', changed: true });
    const ring = o.boot.find((e) => e.device === 'ringacc')!;
    expect(ring.message).toBe('ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-171, with hardware: 2 VINTs opened)');
    expect(o.boot.find((e) => e.device === 'main_udmap')!.message).toBe(
      'UDMA-P: probed; 119 MSIs for 53 tx and 66 rx channel events (virqs 172-292, with hardware: 2 VINTs opened, 1 shared)',
    );
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(219);
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(4);
    // VINTs 16-19 took INTR outputs 16-19 first: cpts probes last and gets output 20, SPI 52.
    expect(ok(s, 'routes cpts', 'routes').routes[0]).toMatchObject({ virq: 293, intrOutput: 20, gicSpi: 52 });
    expect(ok(s, 'hardware', 'settings').settings.hardware).toBe('alloc');
    expect(ok(s, 'hardware request', 'settings').design).toBe('merged');
  });

  test('lock and failure change only their column (the boot is the same)', () => {
    const s = fresh();
    const boot = s.system.bootLog;
    const l = ok(s, 'lock list', 'settings');
    expect(l).toMatchObject({ settings: { ...MERGED, lock: 'list' }, design: 'custom', changed: true });
    expect(l.boot).toEqual(boot);
    expect(ok(s, 'lock', 'settings')).toMatchObject({ settings: { ...MERGED, lock: 'list' }, changed: false });
    const f = ok(s, 'failure upstream', 'settings');
    expect(f).toMatchObject({ settings: { ...MERGED, lock: 'list', failure: 'upstream' }, design: 'custom' });
    expect(f.boot).toEqual(boot);
    expect(ok(s, 'lock device', 'settings').settings.lock).toBe('device');
  });

  test('failure upstream keeps the VINT a failed event allocation opened; unwind leaves no trace', () => {
    // am65x with 64 global events: VINT 16 fills, the 65th event opens VINT 17 and finds no event.
    const s = sixtyFourEvents();
    const vints = () => ['inta_main_udmass.vint', 'intr_main_navss.out', 'gic500.spi'].map((id) => poolUsed(s, id));
    for (const [failure, left] of [
      ['unwind', [1, 2, 8]],
      ['upstream', [2, 3, 9]],
    ] as const) {
      ok(s, `failure ${failure}`, 'settings');
      ok(s, 'request-channel main_udmap tx 50', 'channels');
      ok(s, 'request-channel main_udmap rx 14', 'channels');
      const e = fails(s, 'alloc-irq ringacc any', 'EINVAL', 'inta_main_udmass.global_event exhausted (64/64 used)');
      expect(e.pool).toEqual({ id: 'inta_main_udmass.global_event', used: 64, total: 64 });
      expect({ failure, left: vints() }).toEqual({ failure, left });
    }
  });

  test('probe-all: ringacc probes first and fails at MSI 65 on INTR outputs; main_udmap stays deferred; cpts probes fine', () => {
    const s = fresh();
    const o = ok(s, 'design probe-all', 'settings');
    expect(o.settings).toEqual(PROBE_ALL);
    expect(o.boot.map((e) => [e.device, e.ok])).toEqual(DEVICES.map((d) => [d, d !== 'ringacc' && d !== 'main_udmap']));
    const ring = o.boot.find((e) => e.device === 'ringacc')!;
    expect(ring.message).toBe('probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed');
    expect(ring.error).toMatchObject({ code: 'EINVAL', pool: { id: 'intr_main_navss.out', used: 64, total: 64 } });
    expect(o.boot.find((e) => e.device === 'main_udmap')!.message).toBe('probe deferred: ringacc is not bound (EPROBE_DEFER)');
    // The unwound probe gave every output back: cpts takes output 16.
    expect(o.boot.find((e) => e.device === 'cpts')!.message).toBe('CPTS time sync: virq 70 via intr_main_navss input 391');
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(1);
    expect(poolPeak(s, 'intr_main_navss.out')).toBe(64);
    expect(ok(s, 'boot', 'boot').boot).toEqual(o.boot);
    fails(s, 'request-channel main_udmap tx', 'EPROBE_DEFER', 'main_udmap: driver not bound: probe deferred: ringacc is not bound');
    // A script names the code upstream returns; the one it used to get is a mismatch.
    expect(ok(s, 'expect-error EPROBE_DEFER alloc-irq ringacc any', 'expected').message).toBe(
      'EPROBE_DEFER as expected: ringacc: driver not bound: its probe failed with EINVAL (see boot)',
    );
    fails(s, 'expect-error ENODEV request-channel main_udmap tx', 'EXPECT', /^expected ENODEV from 'request-channel main_udmap tx', got EPROBE_DEFER: /);
  });

  test('probe-all with cpts first in the probe order: cpts holds output 16 and ringacc fails at MSI 64', () => {
    const topology = { ...am65x, boot: ['main_gpio0', 'cpts', 'ringacc', 'main_udmap'] };
    const s = new Session(topology, PROBE_ALL);
    const log = s.system.bootLog;
    expect(log.find((e) => e.device === 'cpts')).toMatchObject({ ok: true, message: 'CPTS time sync: virq 70 via intr_main_navss input 391' });
    expect(log.find((e) => e.device === 'ringacc')).toMatchObject({
      ok: false,
      message: 'probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 64 of 100; the 63 allocated before were freed',
    });
  });

  test('bad values', () => {
    const s = fresh();
    fails(s, 'policy bogus', 'EUSAGE', "expected coalesced or dedicated, got 'bogus'");
    fails(s, 'mode x', 'EUSAGE', "expected probe or demand, got 'x'");
    fails(s, 'hardware x', 'EUSAGE', "expected request or alloc, got 'x'");
    fails(s, 'lock x', 'EUSAGE', "expected none or list or inta or device, got 'x'");
    fails(s, 'failure x', 'EUSAGE', "expected unwind or upstream, got 'x'");
    fails(s, 'design x', 'EUSAGE', "expected merged or rfc-v4 or probe-all or dynamic, got 'x'");
    fails(s, 'design merged x', 'EUSAGE', 'too many arguments (2, at most 1); usage: design [merged|rfc-v4|probe-all|dynamic]');
    expect(s.settings).toEqual(MERGED);
  });

  test('reset re-boots to the initial state with the same settings', () => {
    const s = fresh(RFC_V4);
    ok(s, 'request-channel main_udmap tx 3', 'channels');
    ok(s, 'fire-ring 304', 'fire');
    const o = ok(s, 'reset', 'settings');
    expect(o.changed).toBe(true);
    expect(o.settings).toEqual(RFC_V4);
    expect(o.design).toBe('rfc-v4');
    expect(o.boot.every((e) => e.ok)).toBe(true);
    expect(poolUsed(s, 'main_udmap.tx_chan')).toBe(0);
    // On demand nothing is allocated at probe: cpts gets virq 70.
    expect(ok(s, 'routes', 'routes').routes.map((r) => r.virq)).toEqual([...GPIO_VIRQS, 70]);
  });

  test('boot shows the log of the current boot: 226 virqs under merged', () => {
    const s = fresh();
    const o = ok(s, 'boot', 'boot');
    expect(o.settings).toEqual(MERGED);
    expect(o.design).toBe('merged');
    expect(o.boot).toBe(s.system.bootLog);
    expect(o.boot.map((e) => e.device)).toEqual(DEVICES);
    const msg = (d: string) => o.boot.find((e) => e.device === d)!.message;
    expect(msg('main_gpio0')).toBe('GPIO bank interrupts: virq 64-69 via intr_main_gpio inputs 192-197, chained (gpio_irq_handler)');
    expect(msg('ringacc')).toBe('ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-169; no hardware until request_irq)');
    expect(msg('main_udmap')).toBe('UDMA-P: probed; 119 MSIs for 53 tx and 66 rx channel events (virqs 170-288; no hardware until request_irq)');
    expect(msg('cpts')).toBe('CPTS time sync: virq 289 via intr_main_navss input 391');
    expect(poolUsed(s, 'virq')).toBe(BOOT_VIRQS);
    expect(poolUsed(s, 'inta_main_udmass.vint')).toBe(0);
    expect(poolUsed(s, 'inta_main_udmass.global_event')).toBe(0);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(1);
  });
});

describe('expect-error', () => {
  test('succeeds when the command fails with the code', () => {
    const o = ok(fresh(), 'expect-error EINVAL alloc-irq ringacc 5', 'expected');
    expect(o.message).toBe("EINVAL as expected: ringacc 5 is not in this host's share (304-403)");
  });

  test('catches usage errors of the inner command too', () => {
    expect(ok(fresh(), 'expect-error EUSAGE frobnicate', 'expected').message).toBe("EUSAGE as expected: unknown verb 'frobnicate'; try help");
  });

  test('fails with EXPECT when the command succeeds', () => {
    fails(fresh(), 'expect-error ENOENT routes', 'EXPECT', "expected ENOENT from 'routes', but it succeeded (undone)");
  });

  test('refuses the verbs the script runner carries out, which it cannot observe', () => {
    // exit 300 and exit abc fail in the command itself, yet the runner is what they ask for
    for (const cmd of ['source nope.msi', 'exit 3', 'quit', 'exit 300', 'exit abc', 'source']) {
      const verb = cmd.split(' ')[0];
      fails(fresh(), `expect-error ENOENT ${cmd}`, 'EUSAGE', `cannot check ${verb}: the script runner carries it out, so give it a line of its own`);
    }
  });

  test('fails with EXPECT when the command fails differently', () => {
    fails(
      fresh(),
      'expect-error ENOENT alloc-irq ringacc 5',
      'EXPECT',
      "expected ENOENT from 'alloc-irq ringacc 5', got EINVAL: ringacc 5 is not in this host's share (304-403)",
    );
  });

  test('the undo keeps why a probe was deferred: a later command still says it', () => {
    const s = fresh(PROBE_ALL);
    const why = 'main_udmap: driver not bound: probe deferred: ringacc is not bound';
    fails(s, 'request-channel main_udmap tx', 'EPROBE_DEFER', why);
    fails(s, 'expect-error ENOSPC pools', 'EXPECT', "expected ENOSPC from 'pools', but it succeeded (undone)");
    fails(s, 'request-channel main_udmap tx', 'EPROBE_DEFER', why);
  });

  test('a succeeding inner command is undone: the failed expect-error leaves no trace', () => {
    const s = fresh();
    for (const line of ['request-channel main_udmap tx 3', 'fire-ring 305 4', 'mask-irq 70', 'alloc-irq ringacc any', 'set-affinity 289 2', 'free-irq ringacc 307']) {
      expect(run(s, line).ok).toBe(true);
    }
    const before = s.system.fingerprint();
    const inner = [
      'request-channel main_udmap tx',
      'request-channel main_udmap rx 2 tr',
      'release-channel all',
      'fire-ring 305 7',
      'unmask-irq 70',
      'policy dedicated',
      'mode demand',
      'hardware alloc',
      'lock none',
      'failure upstream',
      'design rfc-v4',
      'reset',
    ];
    for (const cmd of inner) {
      fails(s, `expect-error ENOSPC ${cmd}`, 'EXPECT', `expected ENOSPC from '${cmd}', but it succeeded (undone)`);
      expect(s.system.fingerprint()).toBe(before);
      expect(s.settings).toEqual(MERGED);
    }
    // and later commands build on the restored state as if nothing had happened
    expect(ok(s, 'request-channel main_udmap tx', 'channels').channels[0]).toMatchObject({ name: 'main_udmap:tx11', ring: 307 });
  });

  test('an undone command keeps the pool peaks it reached (they are high-water marks)', () => {
    const s = fresh();
    fails(s, 'expect-error EBUSY alloc-irq ringacc 304', 'EXPECT', "expected EBUSY from 'alloc-irq ringacc 304', but it succeeded (undone)");
    expect(ok(s, 'expect-pool inta_main_udmass.vint used=0 peak=1', 'expected').message).toBe(
      'inta_main_udmass.vint: used=0 peak=1 (0/80 used, peak 1)',
    );
    expect(poolPeak(s, 'inta_main_udmass.global_event')).toBe(1);
    // cpts took INTR output 16 at boot; the undone request took 17 on top.
    expect(poolPeak(s, 'intr_main_navss.out')).toBe(2);
    expect(poolUsed(s, 'intr_main_navss.out')).toBe(1);
    // a peak already higher than the undone operation's stays as it was
    ok(s, 'request-channel main_udmap tx 3', 'channels');
    ok(s, 'release-channel all', 'released');
    fails(s, 'expect-error EBUSY alloc-irq ringacc 304', 'EXPECT');
    expect(poolPeak(s, 'inta_main_udmass.global_event')).toBe(3);
  });

  test('an undone re-boot brings back the old boot peaks, not the new boot\'s', () => {
    const s = fresh();
    ok(s, 'alloc-irq ringacc 304', 'allocated');
    ok(s, 'free-irq ringacc 304', 'freed');
    // probe-all takes the hardware at boot: its pools peak high, but that boot is undone
    fails(s, 'expect-error EBUSY design probe-all', 'EXPECT');
    expect(s.settings).toEqual(MERGED);
    expect(poolPeak(s, 'inta_main_udmass.global_event')).toBe(1);
    expect(poolPeak(s, 'inta_main_udmass.vint')).toBe(1);
  });

  test('an unknown code or a missing command is EUSAGE', () => {
    fails(fresh(), 'expect-error EFOO pools', 'EUSAGE', "unknown code 'EFOO' (codes: ENOSPC, EINVAL, ENOENT, EBUSY, EEXIST, ENODEV, EPROBE_DEFER, EUSAGE, EXPECT)");
    fails(fresh(), 'expect-error ENOENT', 'EUSAGE', 'missing <command>; usage: expect-error <CODE> <command ...>');
  });
});

describe('expect-pool', () => {
  test('matches', () => {
    const s = fresh();
    expect(ok(s, 'expect-pool virq used=226', 'expected').message).toBe('virq: used=226 (226/1024 used, peak 226)');
    expect(ok(s, 'expect-pool virq used=226 free=798 total=1024 peak=226', 'expected').message).toBe(
      'virq: used=226 free=798 total=1024 peak=226 (226/1024 used, peak 226)',
    );
    ok(s, 'expect-pool virq free=0x31e', 'expected');
    ok(s, 'expect-pool intr_main_navss.out used=1 total=64', 'expected');
  });

  test('peak survives a release', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 3', 'channels');
    ok(s, 'release-channel all', 'released');
    ok(s, 'expect-pool main_udmap.tx_chan used=0 peak=3', 'expected');
    ok(s, 'expect-pool ringacc.gp_ring used=0 peak=3', 'expected');
  });

  test('a mismatch is EXPECT with the exact message and the pool', () => {
    const s = fresh();
    const e = fails(s, 'expect-pool virq used=227', 'EXPECT', 'virq: expected used=227, found used=226 (226/1024 used, peak 226)');
    expect(e.pool).toEqual({ id: 'virq', used: 226, total: 1024 });
    fails(s, 'expect-pool virq used=227 free=1', 'EXPECT', 'virq: expected used=227, found used=226; expected free=1, found free=798 (226/1024 used, peak 226)');
    fails(s, 'expect-pool virq used=226 total=1000', 'EXPECT', 'virq: expected total=1000, found total=1024 (226/1024 used, peak 226)');
    fails(s, 'expect-pool virq peak=0', 'EXPECT', 'virq: expected peak=0, found peak=226 (226/1024 used, peak 226)');
  });
  test('bad conditions are EUSAGE; an unknown pool is ENOENT', () => {
    const s = fresh();
    const COND = 'expected used=<n>, free=<n>, total=<n> or peak=<n>, got';
    fails(s, 'expect-pool virq bogus=1', 'EUSAGE', `${COND} 'bogus=1'`);
    fails(s, 'expect-pool virq used', 'EUSAGE', `${COND} 'used'`);
    fails(s, 'expect-pool virq USED=1', 'EUSAGE', `${COND} 'USED=1'`);
    fails(s, 'expect-pool virq used=x', 'EUSAGE', "used: expected a number, got 'x'");
    fails(s, 'expect-pool virq used=226 used=227', 'EUSAGE', 'used= given twice');
    fails(s, 'expect-pool virq total=1024 peak=226 total=1', 'EUSAGE', 'total= given twice');
    fails(s, 'expect-pool virq used=-1', 'EINVAL', "used must not be negative, got '-1'");
    fails(s, 'expect-pool virq', 'EUSAGE', 'missing <expectation>; usage: expect-pool <pool> <field>=<n> ... (fields: used, free, total, peak; each once)');
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
      // One command a line; the last is the verb's own (those before make the state it needs).
      expect(e.example.split('\n').at(-1)!.split(' ')[0]).toBe(e.name);
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
          usage: 'request-channel <dma> <tx|rx> [count] [pkt|tr]',
          summary: 'take the lowest free normal-capacity channel(s), a GP completion ring each, and request their irqs (as k3-udma does)',
          example: 'request-channel main_udmap tx 4 tr',
          details:
            "Packet mode (pkt, the default) requests the completion ring's irq; TR mode also the channel's own UDMA event (MSI index tchan, or 0x200 + rchan). With a count, all or nothing: if one channel fails, those granted before it are released.",
        },
      ],
    });
  });

  test('every verb has help, and its example parses', () => {
    for (const c of COMMANDS) {
      expect(ok(fresh(), `help ${c.name}`, 'help').entries[0].name).toBe(c.name);
      // Split as the command line is (interleave's example quotes its operations).
      const session = fresh();
      for (const line of c.example.split('\n')) {
        // One schedule shows that interleave's example parses; e2e/help-examples runs it whole.
        const r = runWords(session, tokenize(line.startsWith('interleave ') ? `${line} --max-schedules 1` : line));
        if (!r.ok) expect(r.error.code).not.toBe('EUSAGE');
      }
    }
  });

  test('help <typo> is ENOENT with a suggestion', () => {
    fails(fresh(), 'help pool', 'ENOENT', "no verb 'pool' (did you mean pools?)");
    fails(fresh(), 'help reqest-channel', 'ENOENT', "no verb 'reqest-channel' (did you mean request-channel?)");
    fails(fresh(), 'help zzzzzzzz', 'ENOENT', "no verb 'zzzzzzzz'");
  });

  test('source hands the path back to the runner', () => {
    expect(ok(fresh(), 'source common/setup.msi', 'source')).toEqual({ kind: 'source', path: 'common/setup.msi' });
    // Not the including script's folder, which the runner would call a directory.
    const empty = runWords(fresh(), ['source', '']);
    expect(empty.ok ? undefined : empty.error).toEqual({ code: 'EUSAGE', message: 'empty file name: give the script to source' });
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
    const USAGE = 'usage: request-channel <dma> <tx|rx> [count] [pkt|tr]';
    fails(s, 'request-channel main_udmap', 'EUSAGE', `missing <direction>; ${USAGE}`);
    fails(s, 'request-channel', 'EUSAGE', `missing <dma> <direction>; ${USAGE}`);
    fails(s, 'request-channel main_udmap tx 1 tr 2', 'EUSAGE', `too many arguments (5, at most 4); ${USAGE}`);
    fails(s, 'pools x', 'EUSAGE', 'too many arguments (1, at most 0); usage: pools');
    fails(s, 'alloc-irq ringacc', 'EUSAGE', 'missing <index>; usage: alloc-irq <device> <index|any>');
  });

  test('an unknown verb is EUSAGE, with a suggestion when one is near', () => {
    const s = fresh();
    fails(s, 'reqest-channel main_udmap tx', 'EUSAGE', "unknown verb 'reqest-channel' (did you mean request-channel?)");
    fails(s, 'pool', 'EUSAGE', "unknown verb 'pool' (did you mean pools?)");
    fails(s, 'frobnicate', 'EUSAGE', "unknown verb 'frobnicate'; try help");
  });

  test('a short word gets a suggestion only one slip away: two edits make most short words some name', () => {
    const s = fresh();
    // Two edits from boot, irq, lock, virq: no typo of them, so no guess.
    fails(s, 'help foo', 'ENOENT', "no verb 'foo'");
    fails(s, 'rm 70', 'EUSAGE', "unknown verb 'rm'; try help");
    fails(s, 'ip', 'EUSAGE', "unknown verb 'ip'; try help");
    fails(s, 'loop', 'EUSAGE', "unknown verb 'loop'; try help");
    fails(s, 'expect-pool vint used=0', 'ENOENT', "unknown pool 'vint'; pools lists them");
    // One slip still finds its name, two letters swapped included; from 6 characters, two slips.
    fails(s, 'help mdoe', 'ENOENT', "no verb 'mdoe' (did you mean mode?)");
    fails(s, 'help boto', 'ENOENT', "no verb 'boto' (did you mean boot?)");
    fails(s, 'help rotues', 'ENOENT', "no verb 'rotues' (did you mean routes?)");
    fails(s, 'help capcity', 'ENOENT', "no verb 'capcity' (did you mean capacity?)");
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
    fails(s, 'alloc-irq foo 1', 'ENOENT', "unknown MSI device 'foo' (have: ringacc, main_udmap)");
    fails(s, 'expect-pool foo used=0', 'ENOENT', "unknown pool 'foo'; pools lists them");
    fails(s, 'request-channel main_udmap tz', 'EUSAGE', "direction: expected tx or rx, got 'tz'");
    fails(s, 'request-channel main_udmap TX', 'EUSAGE', "direction: expected tx or rx, got 'TX'");
  });

  test('a long or strange word is echoed shortened and cleaned', () => {
    fails(fresh(), `help ${'x'.repeat(60)}`, 'ENOENT', `no verb '${'x'.repeat(37)}...'`);
    fails(fresh(), `${'y'.repeat(41)}`, 'EUSAGE', `unknown verb '${'y'.repeat(37)}...'; try help`);
    // printable non-ASCII is echoed as typed; invisible format characters (ZWSP, RLM) are not
    fails(fresh(), 'request-channel main_udmap t\u00e9', 'EUSAGE', "direction: expected tx or rx, got 't\u00e9'");
    fails(fresh(), 'expect-pool \u00fcn\u00ef used=1', 'ENOENT', "unknown pool '\u00fcn\u00ef'; pools lists them");
    fails(fresh(), 'alloc-irq r\u00edngacc 3', 'ENOENT', "unknown MSI device 'r\u00edngacc' (have: ringacc, main_udmap)");
    fails(fresh(), 'request-channel m\u00e4in tx', 'ENOENT', "unknown DMA controller 'm\u00e4in' (have: main_udmap)");
    fails(fresh(), 'routes r\u00edngacc', 'ENOENT', /^unknown device 'r\u00edngacc' \(did you mean ringacc\?/);
    fails(fresh(), 'alloc-irq ringacc \u{1F600}', 'EUSAGE', "index: expected a number, got '\u{1F600}'");
    fails(fresh(), 'alloc-irq ringacc x\u200by\u200fz', 'EUSAGE', "index: expected a number, got 'x?y?z'");
    // shortened by characters: an emoji is one, never cut in half
    fails(fresh(), `alloc-irq ${'\u{1F600}'.repeat(41)} 1`, 'ENOENT', `unknown MSI device '${'\u{1F600}'.repeat(37)}...' (have: ringacc, main_udmap)`);
    fails(fresh(), `alloc-irq ${'\u{1F600}'.repeat(40)} 1`, 'ENOENT', `unknown MSI device '${'\u{1F600}'.repeat(40)}' (have: ringacc, main_udmap)`);
  });

  test('a no-break space or another Unicode space (Zs) separates words as a space does; quoted, it stays in the word and is echoed as ?', () => {
    // Text pasted from a web page or a PDF carries U+00A0 where a space was meant.
    for (const sp of ['\u00a0', '\u1680', '\u2000', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000']) {
      expect(tokenize(`${sp}request-channel${sp}main_udmap \ttx${sp}${sp}`)).toEqual(['request-channel', 'main_udmap', 'tx']);
      expect(tokenize(`pools${sp}# a comment`)).toEqual(['pools']);
    }
    expect(tokenize(`alloc-irq 'ring\u00a0acc' "1\u3000"`)).toEqual(['alloc-irq', 'ring\u00a0acc', '1\u3000']);
    // Zero-width characters are no spaces (category Cf): they stay in the word, shown as ?.
    expect(tokenize('pools\u200bx')).toEqual(['pools\u200bx']);
    const r = runWords(fresh(), tokenize(`alloc-irq 'ring\u00a0acc\u2009' 1`));
    expect(r.ok ? undefined : r.error).toEqual({ code: 'ENOENT', message: "unknown MSI device 'ring?acc?' (have: ringacc, main_udmap)", pool: undefined });
    // Exactly the characters of category Zs other than U+0020 (all in the BMP).
    const zs = Array.from({ length: 0x10000 - 0x80 }, (_, i) => i + 0x80).filter((code) => /\p{Zs}/u.test(String.fromCharCode(code)));
    expect(zs.filter((code) => !isUnicodeSpace(code))).toEqual([]);
    expect(Array.from({ length: 0x10000 - 0x80 }, (_, i) => i + 0x80).filter(isUnicodeSpace)).toEqual(zs);
  });

  test("messages echo as '?' exactly the spaces tokenize splits at (errors.ts's regex and isUnicodeSpace agree over the BMP)", () => {
    // Lone surrogates aside (always '?'): what printable() replaces that is no control, format
    // character or line or paragraph separator must be the Unicode spaces, and all of them.
    const bmp = Array.from({ length: 0x10000 }, (_, code) => code).filter((code) => code < 0xd800 || code > 0xdfff);
    const spaces = bmp.filter((code) => {
      const c = String.fromCharCode(code);
      return printable(c) !== c && !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(c);
    });
    expect(spaces).toEqual(bmp.filter(isUnicodeSpace));
    expect(printable(' ')).toBe(' ');
  });

  test('a failed command leaves the model exactly as it was', () => {
    const s = fresh();
    ok(s, 'request-channel main_udmap tx 2', 'channels');
    const before = s.system.fingerprint();
    const failing = [
      'request-channel main_udmap tx 51',
      'request-channel main_udmap rx 65 tr',
      'alloc-irq ringacc 304',
      'alloc-irq ringacc 5',
      'set-affinity 70 1',
      'set-affinity 290 1',
      'free-irq 70',
      'mask-irq 100',
      'policy bogus',
      'design x',
      'expect-pool virq used=0',
    ];
    for (const line of failing) {
      expect(run(s, line).ok).toBe(false);
      expect(s.system.fingerprint()).toBe(before);
    }
  });
});
