import { DEFAULT_SETTINGS, designNamed } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { Chalk } from 'chalk';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import type { Output } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Settings } from '../../src/core/system.js';
import type { DomainNode } from '../../src/core/types.js';
import { TREE_ITEMS } from '../../src/render/domains.js';
import { makeStyle, visibleLength, type Style } from '../../src/render/style.js';
import { bootFailures, renderError, renderText } from '../../src/render/text.js';
import { wrapParts } from '../../src/render/wrap.js';

const PLAIN80 = makeStyle(0, 80);
const WIDE = makeStyle(0, 200);
const ESC = '\x1b';
const RED = '\x1b[31m';

/** The default design, merged: MSIs allocated at probe, hardware taken at request_irq. */
const fresh = (settings: Settings = DEFAULT_SETTINGS): Session => new Session(am65x, settings);

const out = (s: Session, line: string): Output => {
  const r = runWords(s, line.split(' '));
  if (!r.ok) throw new Error(`'${line}' failed: ${r.error.code}: ${r.error.message}`);
  return r.output;
};

/** Runs the lines in order and renders the last one's output, as the first output of a session. */
const text = (lines: string[], style: Style = PLAIN80, s: Session = fresh()): string => {
  let last: Output | undefined;
  for (const line of lines) last = out(s, line);
  return renderText({ ...style, said: new Set() }, last!);
};

const DROPPED_80 = (cols: string) => [`(${cols} hidden to fit 80 columns; a wider terminal or COLUMNS shows them)`];

const given2 = (): Session => {
  const s = fresh();
  out(s, 'request-channel main_udmap tx 2');
  return s;
};

/**
 * Every normal tx channel (in TR mode) and 48 rx channels: GP rings exhausted (the last two by
 * alloc-irq), tx channels near full, three VINTs; counts large and small, a masked event.
 */
const busy = (): Session => {
  const s = fresh();
  for (const line of [
    'request-channel main_udmap tx 50 tr',
    'request-channel main_udmap rx 48',
    'alloc-irq ringacc any',
    'alloc-irq ringacc any',
    'alloc-irq main_udmap any',
  ])
    out(s, line);
  out(s, 'fire-ring 304 10000');
  out(s, 'fire-ring 9');
  out(s, 'set-affinity 289 3');
  out(s, 'mask-irq 71');
  return s;
};

const VIEWS = ['routes', 'pools', 'interrupts', 'domains', 'help', 'design', 'topology'];

const lines = (t: string): string[] => t.split('\n');
const longest = (t: string): number => Math.max(...lines(t).map(visibleLength));

describe('exact text for small outputs', () => {
  test('a single requested channel is one route line', () => {
    expect(text(['request-channel main_udmap tx'])).toBe(
      [
        'main_udmap:tx8: virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 ->',
        '    VINT 16 bit 0 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
      ].join('\n'),
    );
    // wide enough, it is one line
    expect(text(['request-channel main_udmap tx'], makeStyle(0, 160))).toBe(
      'main_udmap:tx8: virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 -> VINT 16 bit 0 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
    );
  });

  test('several channels are a table and a count', () => {
    expect(text(['request-channel main_udmap tx 2'])).toBe(
      [
        'CHANNEL         RING  VIRQ  EVENT  VINT:BIT   INTR  SPI  PARENT',
        'main_udmap:tx8   304    70     16      16:0  16>17   49     290',
        'main_udmap:tx9   305    71     17      16:1  16>17   49     290',
        '2 channels',
      ].join('\n'),
    );
  });

  test('TR channels: each completion ring, then its UDMA TR event (tchan id: main_udmap 8 is virq 173)', () => {
    expect(text(['request-channel main_udmap tx 2 tr'])).toBe(
      [
        'CHANNEL         RING  VIRQ  EVENT  VINT:BIT   INTR  SPI  PARENT',
        'main_udmap:tx8   304    70     16      16:0  16>17   49     290',
        '  TR event         -   173     17      16:1  16>17   49     290',
        'main_udmap:tx9   305    71     18      16:2  16>17   49     290',
        '  TR event         -   174     19      16:3  16>17   49     290',
        '2 channels in TR mode',
      ].join('\n'),
    );
    expect(text(['request-channel main_udmap tx tr'])).toBe(
      [
        'main_udmap:tx8: virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 ->',
        '    VINT 16 bit 0 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
        'main_udmap:tx8 TR event: virq 173: main_udmap 8 (hwirq 0xbc0008) -> event 17 ->',
        '    VINT 16 bit 1 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
      ].join('\n'),
    );
  });

  test('released: merged keeps the MSI', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['release-channel main_udmap:tx8'], PLAIN80, s)).toBe('released main_udmap:tx8 (ring 304, virq 70: MSI kept, allocated at probe)');
    expect(text(['release-channel all'], PLAIN80, s)).toBe('released main_udmap:tx9 (ring 305, virq 71: MSI kept, allocated at probe)');
    // A TR channel gives back both of its irqs.
    text(['request-channel main_udmap rx tr'], PLAIN80, s);
    expect(text(['release-channel main_udmap:rx8'], PLAIN80, s)).toBe('released main_udmap:rx8 (ring 304, virqs 70 and 225: MSIs kept, allocated at\n    probe)');
    expect(text(['release-channel all'], PLAIN80, s)).toBe('no channels to release');
  });

  test('released on demand (dynamic) frees the MSI', () => {
    const s = fresh(designNamed('dynamic')!.settings);
    out(s, 'request-channel main_udmap rx');
    expect(text(['release-channel main_udmap:rx8'], PLAIN80, s)).toBe('released main_udmap:rx8 (ring 304, virq 71 freed)');
  });

  test('allocated and freed', () => {
    const s = fresh();
    expect(text(['alloc-irq ringacc any'], PLAIN80, s)).toBe(
      ['virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 -> VINT 16 bit 0 ->', '    intr_main_navss 16>17 -> SPI 49 -> parent virq 290'].join('\n'),
    );
    // merged: free_irq gives back the hardware; the MSI and its virq stay, allocated at probe
    expect(text(['free-irq 70'], PLAIN80, s)).toBe('freed irq 70 (ringacc 304): hardware released; MSI kept, allocated at probe');
    const d = fresh(designNamed('dynamic')!.settings);
    text(['alloc-irq ringacc any'], PLAIN80, d);
    expect(text(['free-irq 71'], PLAIN80, d)).toBe('freed irq 71 (ringacc 304): hardware released, MSI and virq freed');
  });

  test('affinity: only a requested direct client moves', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['set-affinity 289 1-2'], PLAIN80, s)).toBe('virq 289 affinity 1-2');
  });

  test('mask and unmask', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['mask-irq 70'], PLAIN80, s)).toBe('virq 70 masked');
    expect(text(['unmask-irq 70'], PLAIN80, s)).toBe('virq 70 unmasked');
    out(s, 'mask-irq 70');
    out(s, 'fire-ring 304');
    expect(text(['unmask-irq 70'], PLAIN80, s)).toBe('virq 70 unmasked; delivered pending: virq 70');
  });

  test('fire-ring, delivered: a ring irq is level (mask, handler, unmask; no STATUS write)', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['fire-ring 304'], PLAIN80, s)).toBe(
      [
        'fire-ring ringacc 304: delivered',
        '  1. ringacc 304 raises its event: hwirq 0xbb0130 (sci dev 187, index 304)',
        '  2. inta_main_udmass: global event 16 -> VINT 16 bit 0',
        '  3. VINT 16 STATUS @0x33d10018: 0x0000000000000000 -> 0x0000000000000001',
        '  4. ENABLE 0x0000000000000003, STATUS_MASKED @0x33d10020 = 0x0000000000000001',
        '  5. intr_main_navss: input 16 -> output 17',
        '  6. GIC hwirq 81 (SPI 49) -> parent virq 290',
        "  7. CPU0: virq 290's chained handler reads STATUS_MASKED: bit 0",
        '  8. bit 0 -> virq 70 (ringacc 304): handle_level_irq',
        '       mask: BIT(0) -> VINT_ENABLE_CLR @0x33d10008',
        '       ack: no STATUS write (IRQF_TRIGGER_HIGH)',
        "       handler; the ring's down event clears STATUS bit 0",
        '       unmask: BIT(0) -> VINT_ENABLE_SET @0x33d10000',
        '  9. chained_irq_exit: EOI of GIC hwirq 81 (SPI 49)',
        '  10. virq 70: count now 1 (+1 on CPU0); chained parent virq 290: not counted',
      ].join('\n'),
    );
    const again = lines(text(['fire-ring ringacc:305 3'], PLAIN80, s));
    expect(again[0]).toBe('fire-ring ringacc 305 x3: delivered');
    expect(again).toContain('  8. bit 1 -> virq 71 (ringacc 305) x3: handle_level_irq');
    expect(again[again.length - 1]).toBe('  10. virq 71: count now 3 (+3 on CPU0); chained parent virq 290: not counted');
  });

  test('fire-ring of a UDMA TR event: edge, acked by a STATUS write-1', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx tr');
    expect(lines(text(['fire-ring main_udmap:8'], PLAIN80, s)).slice(8)).toEqual([
      '  8. bit 1 -> virq 173 (main_udmap 8): handle_edge_irq',
      '       ack: BIT(1) -> VINT_STATUS @0x33d10018 (write 1 to clear)',
      '       handler',
      '  9. chained_irq_exit: EOI of GIC hwirq 81 (SPI 49)',
      '  10. virq 173: count now 1 (+1 on CPU0); chained parent virq 290: not counted',
    ]);
  });

  test('fire-ring, masked', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    out(s, 'mask-irq 70');
    expect(text(['fire-ring main_udmap:tx8'], PLAIN80, s)).toBe(
      [
        'fire-ring ringacc 304: masked',
        '  1. ringacc 304 raises its event: hwirq 0xbb0130 (sci dev 187, index 304)',
        '  2. inta_main_udmass: global event 16 -> VINT 16 bit 0',
        '  3. VINT 16 STATUS @0x33d10018: 0x0000000000000000 -> 0x0000000000000001',
        '  4. ENABLE 0x0000000000000002, STATUS_MASKED @0x33d10020 = 0x0000000000000000',
        '  5. bit 0 is masked: it stays pending in STATUS until virq 70 is unmasked',
        '      (unmask-irq 70; or request_irq, if nobody has requested it)',
      ].join('\n'),
    );
  });

  test('fire-ring, parent masked', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    out(s, 'mask-irq 290');
    const t = lines(text(['fire-ring 305'], PLAIN80, s));
    expect(t[0]).toBe('fire-ring ringacc 305: parent-masked');
    expect(t[t.length - 1]).toBe('  7. parent virq 290 is masked: the line stays pending at the GIC');
  });

  test('fire-ring, unmapped: a ring with no event map, and a GP ring whose MSI nobody requested', () => {
    expect(text(['fire-ring 9'])).toBe(
      [
        'fire-ring ringacc 9: unmapped',
        '  1. ringacc 9 raises its event: hwirq 0xbb0009 (sci dev 187, index 9)',
        '  2. inta_main_udmass: no event map for 0xbb0009: the event is dropped, and',
        '      Linux never sees it',
      ].join('\n'),
    );
    expect(lines(text(['fire-ring 304']))).toEqual([
      'fire-ring ringacc 304: unmapped',
      '  1. ringacc 304 raises its event: hwirq 0xbb0130 (sci dev 187, index 304)',
      '  2. inta_main_udmass: no event map for 0xbb0130: the event is dropped, and',
      '      Linux never sees it',
    ]);
  });

  test('a direct client route table', () => {
    expect(text(['routes cpts'])).toBe(
      [
        'VIRQ  SOURCE  HWIRQ  EVENT  VINT:BIT    INTR  SPI  PARENT  COUNT  OWNER',
        ' 289  cpts 0  0x187      -         -  391>16   48       -      0  cpts',
      ].join('\n'),
    );
  });

  test('no routes', () => {
    expect(text(['routes alloc-irq'])).toBe('no routes for alloc-irq');
    expect(renderText(PLAIN80, { kind: 'routes', routes: [] })).toBe('no routes');
  });

  test('routes <virq> of a virq allocated without a route: the reason, wrapped, instead of a table', () => {
    expect(text(['routes 170'])).toBe(
      [
        'virq 170 (main_udmap 1) has no route: allocated by main_udmap, not requested: no',
        '    hardware until request_irq; it is main_udmap:tx1\'s TR event, but',
        '    request-channel takes tx8 up (normal capacity), so only alloc-irq main_udmap',
        '    1 requests it',
      ].join('\n'),
    );
  });

  test('interrupts after boot: the 219 MSIs nobody requested are left out', () => {
    expect(text(['interrupts'])).toBe(
      [
        // /proc/interrupts in decimal; the GPIO banks are chained (gpio-davinci): never counted, not listed
        ' IRQ  CPU0  CPU1  CPU2  CPU3  AFF  CHIP  HWIRQ  TYPE   NAME',
        '289:     0     0     0     0  0-3  INTR    391  Level  cpts 0',
      ].join('\n'),
    );
  });

  test("interrupts: a requested channel's irq, not its chained parent", () => {
    const t = lines(text(['request-channel main_udmap tx tr', 'fire-ring 304 3', 'interrupts'], makeStyle(0, 100)));
    expect(t[0]).toBe(' IRQ  CPU0  CPU1  CPU2  CPU3  AFF  CHIP         HWIRQ  TYPE   NAME');
    expect(t).toContain(' 70:     3     0     0     0  0-3  MSI-INTA  12255536  Level  ringacc 304 [main_udmap:tx8]');
    expect(t).toContain('173:     0     0     0     0  0-3  MSI-INTA  12320776  Edge   main_udmap 8 [main_udmap:tx8]');
    expect(t.find((l) => l.startsWith('290:'))).toBeUndefined();
    // at 80 columns HWIRQ makes way, and the counts sit one blank apart to keep AFF
    expect(lines(text(['request-channel main_udmap tx tr', 'fire-ring 304 3', 'interrupts']))).toContain(
      ' 70:    3    0    0    0  0-3  MSI-INTA  Level  ringacc 304 [main_udmap:tx8]',
    );
  });

  test("pools after boot: Linux's host-12 share", () => {
    expect(text(['pools'])).toBe(
      [
        'POOL                           USED  TOTAL  FREE  PEAK  USAGE',
        'gic500.spi                        7     84    77     7  #........   8%',
        'intr_main_navss.out               1     64    63     1  #........   1%',
        'intr_main_gpio.out                6     20    14     6  ###......  30%',
        'inta_main_udmass.vint             0     80    80     0  .........   0%',
        'inta_main_udmass.global_event     0   1024  1024     0  .........   0%',
        'ringacc.gp_ring                   0    100   100     0  .........   0%',
        'main_udmap.tx_chan                0     53    53     0  .........   0%',
        'main_udmap.rx_chan                0     66    66     0  .........   0%',
        'virq                            226   1024   798   226  ##.......  22%',
      ].join('\n'),
    );
  });

  test('settings, unchanged and re-booted', () => {
    const MERGED_LINE = 'design merged (policy coalesced, mode probe, hardware request, lock inta,\n  failure unwind)';
    for (const verb of ['policy', 'mode', 'hardware', 'lock', 'failure']) expect(text([verb])).toBe(MERGED_LINE);
    expect(text(['policy'], WIDE)).toBe('design merged (policy coalesced, mode probe, hardware request, lock inta, failure unwind)');
    const t = lines(text(['policy dedicated'], WIDE));
    expect(t[0]).toBe('re-booted with design merged+dedicated (policy dedicated, mode probe, hardware request, lock inta, failure unwind)');
    expect(t.slice(1).map((l) => l.slice(0, 6))).toEqual(Array(8).fill('[ ok ]'));
    const log = new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'dedicated' }).system.bootLog;
    expect(t.slice(1)).toEqual(log.map((e) => `[ ok ] ${e.device}: ${e.message}`));
    expect(t[t.length - 1]).toBe('[ ok ] cpts: CPTS time sync: virq 289 via intr_main_navss input 391');
    expect(lines(text(['reset']))[0]).toBe('re-booted with design merged (policy coalesced, mode probe, hardware request,');
    expect(lines(text(['design rfc-v4'], WIDE))[0]).toBe('re-booted with design rfc-v4 (policy dedicated, mode demand, hardware alloc, lock none, failure unwind)');
    // A what-if says so: the re-boot line, the boot header and design's "now" line.
    expect(lines(text(['design dynamic'], WIDE))[0]).toBe('re-booted with design dynamic (what-if; policy coalesced, mode demand, hardware request, lock inta, failure unwind)');
    expect(lines(text(['design dynamic', 'boot'], WIDE)).find((l) => l.startsWith('boot with'))).toBe(
      'boot with design dynamic (what-if; policy coalesced, mode demand, hardware request, lock inta, failure unwind)',
    );
    expect(lines(text(['design dynamic', 'design'])).filter((l) => l.startsWith('now: '))).toEqual(['now: design dynamic (what-if; policy coalesced, mode demand, hardware request,']);
    // ...and so does a design changed by hand from it: still no kernel's.
    expect(lines(text(['design dynamic', 'policy dedicated'], WIDE))[0]).toBe(
      're-booted with design dynamic+dedicated (what-if; policy dedicated, mode demand, hardware request, lock inta, failure unwind)',
    );
    expect(lines(text(['hardware alloc', 'lock list', 'failure upstream'], WIDE))[0]).toBe(
      're-booted with design merged+hardware alloc,lock list,failure upstream (policy coalesced, mode probe, hardware alloc, lock list, failure upstream)',
    );
  });

  test('bootFailures: a line for each probe that failed, none for a deferred one, a device left out of the boot list or one bound', () => {
    expect(bootFailures(fresh().system.bootLog)).toEqual([]);
    // probe-all: ringacc fails on the INTR outputs; main_udmap, its consumer, is deferred for good.
    const probeAll = new Session(am65x, designNamed('probe-all')!.settings).system.bootLog;
    expect(probeAll.filter((e) => !e.ok).map((e) => [e.device, e.deferred ?? false])).toEqual([
      ['ringacc', false],
      ['main_udmap', true],
    ]);
    expect(bootFailures(probeAll)).toEqual([
      'boot: ringacc: probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed (see boot)',
    ]);
    const unlisted = { device: 'cpts', ok: false, message: 'not probed: not in the boot list' };
    expect(bootFailures([...probeAll.filter((e) => e.device !== 'ringacc'), unlisted])).toEqual([]);
  });

  test('design lists the presets with their settings and marks the one in force', () => {
    const t = lines(text(['design']));
    expect(t.filter((l) => /^[* ] \S+: /.test(l))).toEqual([
      '* merged: upstream since 2019',
      '  rfc-v4: the seed patch, Feb 2019',
      '  probe-all: what the thread warned against',
      '  dynamic: Linux 6.2+ API, a what-if',
    ]);
    expect(t.filter((l) => l.startsWith('    policy '))).toEqual([
      '    policy coalesced, mode probe, hardware request, lock inta, failure unwind',
      '    policy dedicated, mode demand, hardware alloc, lock none, failure unwind',
      '    policy dedicated, mode probe, hardware alloc, lock inta, failure unwind',
      '    policy coalesced, mode demand, hardware request, lock inta, failure unwind',
    ]);
    expect(t).toContain('now: design merged (policy coalesced, mode probe, hardware request, lock inta,');
    expect(longest(t.join('\n'))).toBeLessThanOrEqual(80);
    const now = lines(text(['mode demand', 'lock none', 'design'])).filter((l) => /^(\* |now: )/.test(l));
    // no preset is marked once a column was changed by hand; it is named as the prompt names it
    expect(now).toEqual(['now: design dynamic+lock none (what-if; policy coalesced, mode demand, hardware']);
  });

  test('the boot log marks a failed probe and a deferred one: probe-all runs out of INTR outputs in ringacc, so main_udmap waits', () => {
    const s = fresh(designNamed('probe-all')!.settings);
    const t = lines(text(['boot'], WIDE, s));
    // at 80 columns a long entry continues on an indented line
    expect(lines(text(['boot'], PLAIN80, s))).toContain('       used), at MSI 65 of 100; the 64 allocated before were freed');
    expect(t[0]).toBe('boot with design probe-all (policy dedicated, mode probe, hardware alloc, lock inta, failure unwind)');
    expect(t).toContain('[ ok ] main_gpio0: GPIO bank interrupts: virq 64-69 via intr_main_gpio inputs 192-197, chained (gpio_irq_handler)');
    expect(t.slice(1)).toEqual(s.system.bootLog.map((e) => `${e.ok ? '[ ok ]' : e.deferred ? '[DEFER]' : '[FAIL]'} ${e.device}: ${e.message}`));
    expect(t.slice(-3)).toEqual([
      '[FAIL] ringacc: probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed',
      '[DEFER] main_udmap: probe deferred: ringacc is not bound (EPROBE_DEFER)',
      '[ ok ] cpts: CPTS time sync: virq 70 via intr_main_navss input 391',
    ]);
  });

  test('the merged boot log: MSIs without hardware', () => {
    const t = lines(text(['boot'], WIDE));
    expect(t).toContain('[ ok ] ringacc: ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-169; no hardware until request_irq)');
    expect(t).toContain(
      '[ ok ] main_udmap: UDMA-P: probed; 119 MSIs for 53 tx and 66 rx channel events (virqs 170-288; no hardware until request_irq)',
    );
    expect(t).toContain("[ ok ] gic500: GIC-500: 84 SPI lines reachable through Linux's router outputs (hwirq 80-127, 392-411, 448-463)");
  });

  test('expected', () => {
    expect(text(['expect-pool virq used=226'])).toBe('virq: used=226 (226/1024 used, peak 226)');
    expect(text(['request-channel main_udmap tx', 'expect-error EBUSY alloc-irq ringacc 304'])).toBe(
      'EBUSY as expected: ringacc 304 is the completion ring of main_udmap:tx8; release\n    the channel instead',
    );
  });

  test('help for one verb', () => {
    expect(text(['help pools'])).toBe(
      ['usage: pools', '  every pool: total, used, free, peak and a usage bar; exhausted pools stand out', 'example: pools'].join('\n'),
    );
    expect(lines(text(['help request-channel']))).toEqual([
      'usage: request-channel <dma> <tx|rx> [count] [pkt|tr]',
      '  take the lowest free normal-capacity channel(s), a GP completion ring each,',
      '  and request their irqs (as k3-udma does)',
      "  Packet mode (pkt, the default) requests the completion ring's irq; TR mode",
      "  also the channel's own UDMA event (MSI index tchan, or 0x200 + rchan). With a",
      '  count, all or nothing: if one channel fails, those granted before it are',
      '  released.',
      'example: request-channel main_udmap tx 4 tr',
    ]);
  });

  test('help lists every verb and ends with a hint', () => {
    // wide enough for every summary on its line: a table; at 80 columns: each usage with its summary under it
    expect(lines(text(['help'], makeStyle(0, 300)))[0]).toMatch(/^COMMAND +DOES$/);
    const t = text(['help']);
    expect(lines(t).slice(0, 3)).toEqual([
      'request-channel <dma> <tx|rx> [count] [pkt|tr]',
      '    take the lowest free normal-capacity channel(s), a GP completion ring each,',
      '    and request their irqs (as k3-udma does)',
    ]);
    expect(longest(t)).toBeLessThanOrEqual(80);
    expect(t.endsWith("\n\n'help <verb>' shows one verb with an example.")).toBe(true);
    for (const verb of ['request-channel', 'design', 'hardware', 'lock', 'failure', 'expect-pool', 'quit']) expect(t).toMatch(new RegExp(`^${verb}`, 'm'));
  });

  test('a usage line wider than the terminal wraps between arguments, continuing under the first; nothing wider than the width at 40-80', () => {
    const at60 = lines(text(['help'], makeStyle(0, 60)));
    const after = (head: string) => at60.slice(at60.findIndex((l) => l.startsWith(head)), at60.findIndex((l) => l.startsWith(head)) + 3);
    expect(after('compare ')).toEqual([
      'compare [--designs a,b,...] [--pool P]',
      '        <script.msi | "cmd; cmd; ...">',
      '    run one workload from a fresh boot under each design and',
    ]);
    expect(after('expect-pool ')).toEqual([
      'expect-pool <pool> <field>=<n> ...',
      '            (fields: used, free, total, peak; each once)',
      '    succeed only if the pool holds exactly the given numbers',
    ]);
    // One verb's usage, after `usage: `; at 40 an argument wider than the room breaks at its spaces, a word after its |s.
    expect(lines(text(['help compare'], makeStyle(0, 60))).slice(0, 2)).toEqual(['usage: compare [--designs a,b,...] [--pool P]', '               <script.msi | "cmd; cmd; ...">']);
    expect(lines(text(['help expect-pool'])).slice(0, 2)).toEqual(['usage: expect-pool <pool> <field>=<n> ...', '                   (fields: used, free, total, peak; each once)']);
    expect(lines(text(['help design'], makeStyle(0, 40))).slice(0, 2)).toEqual(['usage: design [merged|rfc-v4|probe-all|', '              dynamic]']);
    expect(lines(text(['help free-irq'], makeStyle(0, 40))).slice(0, 2)).toEqual(['usage: free-irq <virq> | free-irq', '                <device> <index>']);
    const verbs = COMMANDS.map((c) => c.name);
    for (let width = 40; width <= 80; width++) {
      const style = makeStyle(0, width);
      const all = [text(['help'], style), ...verbs.map((v) => text([`help ${v}`], style))].flatMap(lines);
      // A single word wider than the width (an example's path) stays whole.
      expect({ width, over: all.filter((l) => l.length > width && / \S/.test(l.trim())) }).toEqual({ width, over: [] });
    }
  });

  test('source and exit print nothing', () => {
    expect(renderText(PLAIN80, { kind: 'source', path: 'x.msi' })).toBe('');
    expect(renderText(PLAIN80, { kind: 'exit' })).toBe('');
  });

  test('the error line is file:line: verb: CODE: message', () => {
    const e = { code: 'EINVAL' as const, message: 'intr_main_navss.out exhausted (64/64 used)', pool: { id: 'intr_main_navss.out', used: 64, total: 64 } };
    expect(renderError(PLAIN80, 'demo.msi:12', 'request-channel', e)).toBe('demo.msi:12: request-channel: EINVAL: intr_main_navss.out exhausted (64/64 used)');
    // Without a place (a REPL line) or a verb (an unknown one), those parts are left out.
    expect(renderError(PLAIN80, undefined, 'request-channel', e)).toBe('request-channel: EINVAL: intr_main_navss.out exhausted (64/64 used)');
    expect(renderError(PLAIN80, '<stdin>:3', undefined, { code: 'EUSAGE', message: "unknown verb 'x'; try help" })).toBe(
      "<stdin>:3: EUSAGE: unknown verb 'x'; try help",
    );
    expect(renderError(makeStyle(1, 80, true, Chalk), 'a.msi:1', 'pools', { code: 'EUSAGE', message: 'm' })).toContain(RED);
  });
});

describe('width', () => {
  test('every line of the big views fits in 80 columns on a busy session', () => {
    const s = busy();
    for (const unicode of [false, true]) {
      for (const v of VIEWS) {
        const t = renderText(makeStyle(0, 80, unicode), out(s, v));
        expect({ v, unicode, longest: longest(t) }).toEqual({ v, unicode, longest: Math.min(80, longest(t)) });
      }
    }
  });

  test('the busy route table keeps a row per route and drops only optional columns', () => {
    const s = busy();
    const t = lines(text(['routes'], PLAIN80, s));
    expect(t).toHaveLength(1 + s.system.routes().length + 1);
    // 'main_udmap 63', 'main_udmap:tx63' and '391>16' widen SOURCE, OWNER and INTR: HWIRQ makes
    // way, and the numbers sit one blank apart so that OWNER stays
    expect(t[0]).toBe('VIRQ  SOURCE         EVENT VINT:BIT   INTR SPI PARENT COUNT  OWNER');
    expect(t).toContain('  70  ringacc 304       16     16:0  16>17  49    290 10000  main_udmap:tx8');
    expect(t).toContain(' 170  main_udmap 1     166    18:22  18>19  51    292     0  alloc-irq');
    expect(t).toContain(' 222  main_udmap 63    115    17:35  17>18  50    291     0  main_udmap:tx63');
    expect(t[t.length - 2]).toBe(' 289  cpts 0             -        - 391>16  48      -     0  cpts');
    // The columns left out are named, once a session: the same style says it no more.
    expect(t.slice(-1)).toEqual(DROPPED_80('HWIRQ'));
    const style = { ...PLAIN80, said: new Set<string>() };
    expect(renderText(style, out(s, 'routes'))).toContain('(HWIRQ hidden');
    expect(renderText(style, out(s, 'routes'))).not.toContain('hidden');
    expect(renderText(style, out(s, 'interrupts'))).toContain('(HWIRQ, AFF, CHIP hidden');
  });

  test('a route line that breaks keeps the trailing arrow within the width', () => {
    // 'xxxxxxxxxx -> yyyyyyyyyy' fits 26, but not with the ' ->' the line would end on
    const parts = ['x'.repeat(10), 'y'.repeat(10), 'z'.repeat(4)];
    const text = wrapParts('', parts, ' -> ', 26);
    expect(text.split('\n')).toEqual(['xxxxxxxxxx ->', '    yyyyyyyyyy -> zzzz']);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(26);
  });

  test('at 40 columns the domain tree and the re-boot lines wrap, keeping the rails', () => {
    const narrow = makeStyle(0, 40);
    const s = busy();
    const tree = text(['domains'], narrow, s);
    expect(longest(tree)).toBeLessThanOrEqual(40);
    // a wrapped item continues under the same rails it started on
    expect(lines(tree)).toContain('|  |  |       index 306 (hwirq 0xbb0132)');
    expect(lines(tree)).toContain('|  |  |       -> virq 72,');
    expect(lines(tree)).toContain('|  |  |       main_udmap:tx10');
    for (const cmd of ['policy dedicated', 'boot', 'design']) expect(longest(text([cmd], narrow, fresh()))).toBeLessThanOrEqual(40);
  });

  test('at 40 columns routes fall back to one record per route', () => {
    const s = busy();
    const routes = s.system.routes();
    const t = text(['routes'], makeStyle(0, 40), s);
    const ls = lines(t);
    expect(ls.filter((l) => /^virq \d+ /.test(l))).toHaveLength(routes.length);
    // Fields as "head value" pairs wrapped between pairs; fields with no value ('-') left out.
    expect(ls.slice(0, 4)).toEqual(['virq 64  source main_gpio0 0  hwirq 0xc0', '    intr 192>0  spi 360  count 0', '    owner main_gpio0', 'virq 65  source main_gpio0 1  hwirq 0xc1']);
    expect(longest(t)).toBeLessThanOrEqual(40);
  });

  test('at 40 columns several channels fall back to records too', () => {
    expect(lines(text(['request-channel main_udmap tx 2'], makeStyle(0, 40)))).toEqual([
      'channel main_udmap:tx8  ring 304',
      '    virq 70  event 16  vint:bit 16:0',
      '    intr 16>17  spi 49  parent 290',
      'channel main_udmap:tx9  ring 305',
      '    virq 71  event 17  vint:bit 16:1',
      '    intr 16>17  spi 49  parent 290',
      '2 channels',
    ]);
  });

  test('at 60 columns a 2-row table is a few lines, not one per field', () => {
    const t = lines(text(['routes main_udmap'], makeStyle(0, 60), given2()));
    expect(t).toEqual([
      'virq 70  source ringacc 304  hwirq 0xbb0130  event 16',
      '    vint:bit 16:0  intr 16>17  spi 49  parent 290  count 0',
      '    owner main_udmap:tx8',
      'virq 71  source ringacc 305  hwirq 0xbb0131  event 17',
      '    vint:bit 16:1  intr 16>17  spi 49  parent 290  count 0',
      '    owner main_udmap:tx9',
    ]);
    expect(longest(t.join('\n'))).toBeLessThanOrEqual(60);
  });

  test('pools fit at 40 columns as records', () => {
    const t = text(['pools'], makeStyle(0, 40), busy());
    expect(longest(t)).toBeLessThanOrEqual(40);
    expect(t).toContain('pool ringacc.gp_ring  used 100\n    total 100  free 0  peak 100\n    usage ###### 100% EXHAUSTED');
  });

  test('a count too wide for the table still fits, without HWIRQ and OWNER', () => {
    const s = busy();
    out(s, 'fire-ring 306 1000000000');
    const t = text(['routes'], PLAIN80, s);
    expect(longest(t)).toBeLessThanOrEqual(80);
    expect(lines(t)[0]).toMatch(/^VIRQ +SOURCE +EVENT +VINT:BIT +INTR +SPI +PARENT +COUNT$/);
    expect(t).toMatch(/^ +72 +ringacc 306 +20 +16:4 +16>17 +49 +290 +1000000000$/m);
  });

  test("an rx TR event's source (main_udmap 520: MSI index 0x200 + rchan 8) keeps OWNER at 80 columns, the numbers one blank apart", () => {
    expect(text(['request-channel main_udmap rx 2 tr', 'routes'], makeStyle(0, 80))).toBe(
      [
        'VIRQ  SOURCE          EVENT VINT:BIT   INTR SPI PARENT COUNT  OWNER',
        '  64  main_gpio0 0        -        -  192>0 360      -     0  main_gpio0',
        '  65  main_gpio0 1        -        -  193>1 361      -     0  main_gpio0',
        '  66  main_gpio0 2        -        -  194>2 362      -     0  main_gpio0',
        '  67  main_gpio0 3        -        -  195>3 363      -     0  main_gpio0',
        '  68  main_gpio0 4        -        -  196>4 364      -     0  main_gpio0',
        '  69  main_gpio0 5        -        -  197>5 365      -     0  main_gpio0',
        '  70  ringacc 304        16     16:0  16>17  49    290     0  main_udmap:rx8',
        '  71  ringacc 305        18     16:2  16>17  49    290     0  main_udmap:rx9',
        ' 225  main_udmap 520     17     16:1  16>17  49    290     0  main_udmap:rx8',
        ' 226  main_udmap 521     19     16:3  16>17  49    290     0  main_udmap:rx9',
        ' 289  cpts 0              -        - 391>16  48      -     0  cpts',
        ...DROPPED_80('HWIRQ'),
      ].join('\n'),
    );
  });

  test('the widest real routes of am65x (rx77 TR event and owner, counts in the hundred thousands) keep OWNER at 80 columns', () => {
    const s = fresh();
    for (const line of ['request-channel main_udmap rx 64 tr', 'request-channel main_udmap tx 36 tr', 'fire-ring main_udmap:rx77 200000']) out(s, line);
    const t = lines(text(['routes'], PLAIN80, s));
    expect(t[0]).toBe('VIRQ  SOURCE          EVENT VINT:BIT   INTR SPI PARENT  COUNT  OWNER');
    expect(t).toContain(' 133  ringacc 367       142    17:62  17>18  50    291 200000  main_udmap:rx77');
    expect(t).toContain(' 288  main_udmap 589    143    17:63  17>18  50    291      0  main_udmap:rx77');
    expect(longest(t.join('\n'))).toBe(78);
  });

  test('with only short sources the route table keeps OWNER at 80 columns (HWIRQ goes first)', () => {
    const t = lines(text(['request-channel main_udmap tx 2', 'routes']));
    expect(t[0]).toBe('VIRQ  SOURCE        EVENT  VINT:BIT    INTR  SPI  PARENT  COUNT  OWNER');
    expect(t).toContain('  70  ringacc 304      16      16:0   16>17   49     290      0  main_udmap:tx8');
    expect(t.slice(-1)).toEqual(DROPPED_80('HWIRQ'));
  });
});

describe('colour and glyphs', () => {
  test('colour level 0 writes no escape byte anywhere', () => {
    const s = busy();
    const all = [...VIEWS, 'boot', 'policy', 'help fire-ring', 'fire-ring 304 5', 'fire-ring 305', 'fire-ring 9', 'fire-ring main_udmap:8', 'expect-pool virq used=229'];
    for (const unicode of [false, true]) {
      for (const v of all) expect(renderText(makeStyle(0, 80, unicode), out(s, v))).not.toContain(ESC);
    }
    const failed = runWords(s, ['request-channel', 'main_udmap', 'rx']);
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(renderError(PLAIN80, 'a.msi:1', 'request-channel', failed.error)).not.toContain(ESC);
    expect(renderError(PLAIN80, 'a.msi:1', 'pools', { code: 'EUSAGE', message: 'm' })).not.toContain(ESC);
  });

  test('level 1: the exhausted pool row is red, and EXHAUSTED shows at both levels', () => {
    const s = busy();
    const colour = lines(text(['pools'], makeStyle(1, 80, true, Chalk), s));
    const plain = lines(text(['pools'], PLAIN80, s));
    const row = (ls: string[], id: string) => ls.find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith(`${id} `))!;
    for (const ls of [colour, plain]) {
      expect(row(ls, 'ringacc.gp_ring')).toContain('EXHAUSTED');
      expect(row(ls, 'main_udmap.tx_chan')).not.toContain('EXHAUSTED');
      expect(row(ls, 'virq')).not.toContain('EXHAUSTED');
    }
    expect(row(colour, 'ringacc.gp_ring')).toContain(RED);
    expect(row(colour, 'virq')).not.toContain(RED);
    expect(row(plain, 'ringacc.gp_ring')).not.toContain(ESC);
    // Colour changes the bytes, not the layout.
    const unstyled = colour.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/[█░]/g, (g) => (g === '█' ? '#' : '.')));
    expect(unstyled).toEqual(plain);
  });

  test('a nearly full pool is marked at both levels', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap rx 60');
    const row = lines(text(['pools'], PLAIN80, s)).find((l) => l.startsWith('main_udmap.rx_chan'))!;
    // 60 of Linux's 66 rx channels
    expect(row).toMatch(/ 90% near full$/);
    expect(lines(text(['pools'], makeStyle(1, 80, true, Chalk), s)).find((l) => l.includes('main_udmap.rx_chan'))).toContain('\x1b[33m');
  });

  test('pool bars: # and . in ASCII, block glyphs with unicode', () => {
    const s = busy();
    const ascii = text(['pools'], makeStyle(0, 80, false), s);
    expect(ascii).toMatch(/#+\.+/);
    expect(ascii).not.toMatch(/[█░]/);
    expect([...ascii].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    const blocks = text(['pools'], makeStyle(0, 80, true), s);
    expect(blocks).toMatch(/█+░+/);
    // A full pool has a full bar; an empty one has no filled cell.
    const bar = (t: string, id: string) => /(\S+) +\d+%/.exec(lines(t).find((l) => l.startsWith(`${id} `))!)![1];
    expect(bar(blocks, 'ringacc.gp_ring')).toMatch(/^█+$/);
    expect(bar(ascii, 'ringacc.gp_ring')).toMatch(/^#+$/);
    expect(bar(ascii, 'intr_main_navss.out')).toMatch(/^#\.+$/);
    expect(bar(text(['pools']), 'ringacc.gp_ring')).toMatch(/^\.+$/);
  });

  test('domains: ASCII glyphs without unicode, box drawing with it', () => {
    const s = busy();
    const ascii = text(['domains'], makeStyle(0, 80, false), s);
    expect([...ascii].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(ascii).toContain('\n|- intr_main_navss  INTR, sci id 182');
    expect(ascii).toContain('\n`- intr_main_gpio  INTR, sci id 100');
    expect(ascii).toContain('\n|  |- inta_main_udmass  INTA, sci id 179, policy coalesced');
    const boxes = text(['domains'], makeStyle(0, 80, true), s);
    expect(boxes).toContain('\n├─ intr_main_navss');
    expect(boxes).toContain('\n└─ intr_main_gpio');
    expect(lines(boxes)).toHaveLength(lines(ascii).length);
  });

  test("domains: each domain lists at most TREE_ITEMS items, then '... and N more'", () => {
    const s = busy();
    const tree = (out(s, 'domains') as Extract<Output, { kind: 'domains' }>).tree;
    const t = lines(text(['domains'], PLAIN80, s));
    const nodes: DomainNode[] = [];
    const walk = (n: DomainNode) => {
      nodes.push(n);
      n.children.forEach(walk);
    };
    walk(tree);
    // A header, the items up to TREE_ITEMS, '... and N more', and a line for MSIs with no hardware.
    const expected = nodes.reduce((sum, n) => sum + 1 + Math.min(TREE_ITEMS, n.allocated.length) + (n.allocated.length > TREE_ITEMS ? 1 : 0) + (n.count > n.allocated.length ? 1 : 0), 0);
    expect(t).toHaveLength(expected);
    const ringacc = nodes.find((n) => n.id === 'ringacc')!;
    expect(ringacc.allocated.length).toBeGreaterThan(TREE_ITEMS);
    const head = t.findIndex((l) => l.includes('ringacc  ring accelerator, sci id 187  (100 allocated, 100 requested)'));
    expect(head).toBeGreaterThan(0);
    const body = (l: string) => l.replace(/^[|\s]+/, '');
    expect(t.slice(head + 1, head + 1 + TREE_ITEMS).map(body)).toEqual(ringacc.allocated.slice(0, TREE_ITEMS));
    expect(body(t[head + 1 + TREE_ITEMS])).toBe(`... and ${ringacc.allocated.length - TREE_ITEMS} more`);
    expect(body(t[head + 2 + TREE_ITEMS])).toMatch(/^`- main_udmap /);
    for (const n of nodes.filter((x) => x.allocated.length > TREE_ITEMS)) {
      expect(t.filter((l) => body(l) === `... and ${n.allocated.length - TREE_ITEMS} more`)).toHaveLength(1);
    }
  });

  test('domains: an MSI device counts its MSIs allocated at probe, and says how many are requested', () => {
    // Merged: boot allocates 100 ringacc and 119 main_udmap MSIs (virqs only); request_irq takes the hardware.
    const subtree = (t: string) => lines(t).slice(lines(t).findIndex((l) => l.includes('inta_main_udmass')), lines(t).findIndex((l) => l.includes('cpts  CPTS')));
    expect(subtree(text(['domains']))).toEqual([
      '|  |- inta_main_udmass  INTA, sci id 179, policy coalesced  (0 allocated)',
      '|  |  |- ringacc  ring accelerator, sci id 187  (100 allocated, 0 requested)',
      '|  |  |       100 not requested: no hardware until request_irq',
      '|  |  `- main_udmap  UDMA-P, sci id 188  (119 allocated, 0 requested)',
      '|  |          119 not requested: no hardware until request_irq',
    ]);
    expect(subtree(text(['request-channel main_udmap tx 1 tr', 'release-channel main_udmap:tx8', 'request-channel main_udmap tx 2 tr', 'domains']))).toEqual([
      '|  |- inta_main_udmass  INTA, sci id 179, policy coalesced  (1 allocated)',
      '|  |  |    VINT 16: 4 events -> input 16, parent virq 290',
      '|  |  |- ringacc  ring accelerator, sci id 187  (100 allocated, 2 requested)',
      '|  |  |       index 304 (hwirq 0xbb0130) -> virq 70, main_udmap:tx8',
      '|  |  |       index 305 (hwirq 0xbb0131) -> virq 71, main_udmap:tx9',
      '|  |  |       98 not requested: no hardware until request_irq',
      '|  |  `- main_udmap  UDMA-P, sci id 188  (119 allocated, 2 requested)',
      '|  |          index 8 (hwirq 0xbc0008) -> virq 173, main_udmap:tx8',
      '|  |          index 9 (hwirq 0xbc0009) -> virq 174, main_udmap:tx9',
      '|  |          117 not requested: no hardware until request_irq',
    ]);
    // On demand (rfc-v4, dynamic) an MSI exists only while requested: nothing waits without hardware.
    expect(subtree(text(['request-channel main_udmap tx 1', 'domains'], PLAIN80, fresh(designNamed('dynamic')!.settings))).slice(2)).toEqual([
      '|  |  |- ringacc  ring accelerator, sci id 187  (1 allocated, 1 requested)',
      '|  |  |       index 304 (hwirq 0xbb0130) -> virq 71, main_udmap:tx8',
      '|  |  `- main_udmap  UDMA-P, sci id 188  (0 allocated, 0 requested)',
    ]);
  });

  test('topology labels its numbers with where they come from', () => {
    const t = lines(text(['topology']));
    // each pool: what the hardware routes, then Linux's share (TISCI host 12)
    const pool = (id: string) => t.slice(t.indexOf(`  ${id}`) + 1, t.indexOf(`  ${id}`) + 3).join('\n');
    expect(pool('intr_main_navss.out')).toBe(
      '      hardware  152 outputs [SYSFW]; 0-63 -> SPI 32-95, 64-127 -> SPI 416-479\n        [DT]',
    );
    expect(t).toContain('      Linux     outputs 16-79 (64) -> SPI 48-95, 416-431 [RM]');
    expect(pool('intr_main_gpio.out')).toBe('      hardware  0-31 -> SPI 360-391 [DT]\n      Linux     outputs 0-19 (20) -> SPI 360-379 [RM]');
    expect(pool('inta_main_udmass.global_event')).toBe('      hardware  4608 global events [SYSFW]\n      Linux     events 16-1039 (1024) [RM]');
    expect(t).toContain('      Linux     VINTs 16-95 (80) [RM]');
    expect(pool('ringacc.gp_ring')).toBe('      hardware  818 rings [DT]\n      Linux     GP rings 304-403 (100), one MSI each [RM]');
    expect(t).toContain('      Linux     tchan 1-3, 8-19, 26-63 (53) [RM]');
    expect(t).toContain('      Linux     rchan 2-3, 8-19, 26-77 (66) [RM]');
    expect(t).toContain('  main_gpio0  GPIO bank interrupts: intr_main_gpio inputs 192-197 [DT], chained');
    expect(t).toContain('        (gpio_irq_handler) [driver]');
    expect(t).toContain('  cpts  CPTS time sync: intr_main_navss input 391 [DT]');
    expect(t).toContain('Boot order: main_gpio0, ringacc, main_udmap, cpts');
    // The GIC's pool in SPI numbers, as the lines above count them (its hwirqs after, as boot gives them).
    const derived = t.indexOf('Boot order: main_gpio0, ringacc, main_udmap, cpts') + 1;
    expect(t.slice(derived, derived + 2)).toEqual([
      'Derived: gic500.spi SPIs 48-95, 360-379, 416-431 (84; hwirq 80-127, 392-411,',
      '        448-463); virq 64-1087 (1024)',
    ]);
    expect(t).toContain('  [RM] U-Boot board/ti/am65x/rm-cfg.yaml, host_id 12 (Linux on the A53s)');
  });
});
