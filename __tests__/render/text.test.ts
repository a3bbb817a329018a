import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { runWords } from '../../src/commands/registry.js';
import type { Output } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { DomainNode } from '../../src/core/types.js';
import { TREE_ITEMS } from '../../src/render/domains.js';
import { makeStyle, visibleLength, type Style } from '../../src/render/style.js';
import { renderError, renderText } from '../../src/render/text.js';
import { wrapParts } from '../../src/render/wrap.js';

const PLAIN80 = makeStyle(0, 80);
const WIDE = makeStyle(0, 200);
const ESC = '\x1b';
const RED = '\x1b[31m';

const fresh = (): Session => new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'demand' });

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

/** Every channel requested, some general-purpose rings taken, and counts large and small. */
const busy = (): Session => {
  const s = fresh();
  for (const line of ['request-channel main_udmap tx 64', 'request-channel main_udmap rx 64', 'alloc-irq ringacc any', 'alloc-irq ringacc any']) out(s, line);
  out(s, 'fire-ring 0 10000');
  out(s, 'fire-ring 9');
  out(s, 'set-affinity 72 3');
  out(s, 'mask-irq 73');
  return s;
};

const given2 = (): Session => {
  const s = fresh();
  out(s, 'request-channel main_udmap tx 2');
  return s;
};

const VIEWS = ['routes', 'pools', 'interrupts', 'domains', 'help'];

const lines = (t: string): string[] => t.split('\n');
const longest = (t: string): number => Math.max(...lines(t).map(visibleLength));

describe('exact text for small outputs', () => {
  test('a single requested channel is one route line', () => {
    expect(text(['request-channel main_udmap tx'])).toBe(
      [
        'main_udmap:tx0: virq 71: ringacc 0 (hwirq 0xbb0000) -> event 16384 ->',
        '    VINT 0 bit 0 -> intr_main_navss 0>1 -> SPI 33 -> parent virq 72',
      ].join('\n'),
    );
    // wide enough, it is one line
    expect(text(['request-channel main_udmap tx'], makeStyle(0, 160))).toBe(
      'main_udmap:tx0: virq 71: ringacc 0 (hwirq 0xbb0000) -> event 16384 -> VINT 0 bit 0 -> intr_main_navss 0>1 -> SPI 33 -> parent virq 72',
    );
  });

  test('several channels are a table and a count', () => {
    expect(text(['request-channel main_udmap tx 2'])).toBe(
      [
        'CHANNEL         RING  VIRQ  EVENT  VINT:BIT  INTR  SPI  PARENT',
        'main_udmap:tx0     0    71  16384       0:0   0>1   33      72',
        'main_udmap:tx1     1    73  16385       0:1   0>1   33      72',
        '2 channels',
      ].join('\n'),
    );
  });

  test('released', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['release-channel main_udmap:tx0'], PLAIN80, s)).toBe('released main_udmap:tx0 (ring 0, virq 71 freed)');
    expect(text(['release-channel all'], PLAIN80, s)).toBe('released main_udmap:tx1 (ring 1, virq 73 freed)');
    expect(text(['release-channel all'], PLAIN80, s)).toBe('no channels to release');
  });

  test('released in mode probe keeps the MSI', () => {
    const s = new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe' });
    out(s, 'request-channel main_udmap rx');
    expect(text(['release-channel main_udmap:rx0'], PLAIN80, s)).toBe('released main_udmap:rx0 (ring 152, virq 135 kept: mode probe)');
  });

  test('allocated and freed', () => {
    const s = fresh();
    expect(text(['alloc-irq ringacc any'], PLAIN80, s)).toBe(
      ['virq 71: ringacc 304 (hwirq 0xbb0130) -> event 16384 -> VINT 0 bit 0 ->', '    intr_main_navss 0>1 -> SPI 33 -> parent virq 72'].join('\n'),
    );
    expect(text(['free-irq 71'], PLAIN80, s)).toBe('freed virq 71 (ringacc 304)');
  });

  test('affinity', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['set-affinity 72 1-2'], PLAIN80, s)).toBe('virq 72 affinity 1-2; 2 events moved with it: virq 71, 73');
    expect(text(['set-affinity 64 3'], PLAIN80, s)).toBe('virq 64 affinity 3');
    out(s, 'release-channel main_udmap:tx1');
    expect(text(['set-affinity 72 0'], PLAIN80, s)).toBe('virq 72 affinity 0; 1 event moved with it: virq 71');
  });

  test('mask and unmask', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['mask-irq 71'], PLAIN80, s)).toBe('virq 71 masked');
    expect(text(['unmask-irq 71'], PLAIN80, s)).toBe('virq 71 unmasked');
    out(s, 'mask-irq 71');
    out(s, 'fire-ring 0');
    expect(text(['unmask-irq 71'], PLAIN80, s)).toBe('virq 71 unmasked; delivered pending: virq 71');
  });

  test('fire-ring, delivered', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    expect(text(['fire-ring 0'], PLAIN80, s)).toBe(
      [
        'fire-ring ringacc 0: delivered',
        '  1. ringacc ring 0 raises its event: hwirq 0xbb0000 (sci dev 187, index 0)',
        '  2. inta_main_udmass: global event 16384 -> VINT 0 bit 0',
        '  3. VINT 0 STATUS @0x33d00018: 0x0000000000000000 -> 0x0000000000000001',
        '  4. ENABLE 0x0000000000000003, STATUS_MASKED @0x33d00020 = 0x0000000000000001',
        '  5. intr_main_navss: input 0 -> output 1',
        '  6. GIC hwirq 65 (SPI 33) -> parent virq 72',
        '  7. CPU0 runs the chained handler of virq 72: STATUS_MASKED bits 0',
        '  8. bit 0 -> child virq 71 (ringacc 0), acked in STATUS',
        '  9. virq 71 handled; count now 1',
      ].join('\n'),
    );
    const again = lines(text(['fire-ring ringacc:1 3'], PLAIN80, s));
    expect(again[0]).toBe('fire-ring ringacc 1 x3: delivered');
    expect(again[again.length - 1]).toBe('  9. virq 73 handled x3; count now 3');
  });

  test('fire-ring, masked', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    out(s, 'mask-irq 71');
    expect(text(['fire-ring main_udmap:tx0'], PLAIN80, s)).toBe(
      [
        'fire-ring ringacc 0: masked',
        '  1. ringacc ring 0 raises its event: hwirq 0xbb0000 (sci dev 187, index 0)',
        '  2. inta_main_udmass: global event 16384 -> VINT 0 bit 0',
        '  3. VINT 0 STATUS @0x33d00018: 0x0000000000000000 -> 0x0000000000000001',
        '  4. ENABLE 0x0000000000000002, STATUS_MASKED @0x33d00020 = 0x0000000000000000',
        '  5. bit 0 is masked: it stays pending in STATUS until unmask-irq 71',
      ].join('\n'),
    );
  });

  test('fire-ring, parent masked', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap tx 2');
    out(s, 'mask-irq 72');
    const t = lines(text(['fire-ring 1'], PLAIN80, s));
    expect(t[0]).toBe('fire-ring ringacc 1: parent-masked');
    expect(t[t.length - 1]).toBe('  7. parent virq 72 is masked: the line stays pending at the GIC');
  });

  test('fire-ring, unmapped', () => {
    expect(text(['fire-ring 9'])).toBe(
      [
        'fire-ring ringacc 9: unmapped',
        '  1. ringacc ring 9 raises its event: hwirq 0xbb0009 (sci dev 187, index 9)',
        '  2. inta_main_udmass: no event map for 0xbb0009: dropped, counted in ERR',
      ].join('\n'),
    );
  });

  test('a direct client route table', () => {
    expect(text(['routes cpts'])).toBe(
      ['VIRQ  SOURCE  HWIRQ  EVENT  VINT:BIT   INTR  SPI  PARENT  COUNT  OWNER', '  70  cpts 0  0x187      -         -  391>0   32       -      0  cpts'].join(
        '\n',
      ),
    );
  });

  test('no routes', () => {
    expect(text(['routes alloc-irq'])).toBe('no routes for alloc-irq');
    expect(renderText(PLAIN80, { kind: 'routes', routes: [] })).toBe('no routes');
  });

  test('interrupts after boot', () => {
    expect(text(['interrupts'])).toBe(
      [
        ' IRQ  CPU0  CPU1  CPU2  CPU3  AFF  NAME',
        ' 64:     0     0     0     0  0-3  main_gpio0 0',
        ' 65:     0     0     0     0  0-3  main_gpio0 1',
        ' 66:     0     0     0     0  0-3  main_gpio0 2',
        ' 67:     0     0     0     0  0-3  main_gpio0 3',
        ' 68:     0     0     0     0  0-3  main_gpio0 4',
        ' 69:     0     0     0     0  0-3  main_gpio0 5',
        ' 70:     0     0     0     0  0-3  cpts 0',
        'ERR:     0                         events raised with no event map',
        ...DROPPED_80('HWIRQ, CHIP'),
      ].join('\n'),
    );
  });

  test('pools after boot', () => {
    expect(text(['pools'])).toBe(
      [
        'POOL                           USED  TOTAL  FREE  PEAK  USAGE',
        'gic500.spi                        7    160   153     7  #........   4%',
        'intr_main_navss.out               1    128   127     1  #........   0%',
        'intr_main_gpio.out                6     32    26     6  ##.......  18%',
        'inta_main_udmass.vint             0    256   256     0  .........   0%',
        'inta_main_udmass.global_event     0   1024  1024     0  .........   0%',
        'ringacc.gp_ring                   0    128   128     0  .........   0%',
        'main_udmap.tx_chan                0     64    64     0  .........   0%',
        'main_udmap.rx_chan                0     64    64     0  .........   0%',
        'virq                              7   1024  1017     7  #........   0%',
      ].join('\n'),
    );
  });

  test('settings, unchanged and re-booted', () => {
    expect(text(['policy'])).toBe('policy coalesced, mode demand');
    expect(text(['mode'])).toBe('policy coalesced, mode demand');
    const t = lines(text(['policy dedicated'], WIDE));
    expect(t[0]).toBe('re-booted with policy dedicated, mode demand');
    expect(t.slice(1).map((l) => l.slice(0, 6))).toEqual(Array(7).fill('[ ok ]'));
    const log = new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'demand' }).system.bootLog;
    expect(t.slice(1)).toEqual(log.map((e) => `[ ok ] ${e.device}: ${e.message}`));
    expect(t[t.length - 1]).toMatch(/^\[ ok \] cpts: CPTS time sync: virq 70 via intr_main_navss /);
    expect(lines(text(['reset']))[0]).toBe('re-booted with policy coalesced, mode demand');
  });

  test('the boot log marks a failed probe', () => {
    const s = new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'dedicated', mode: 'probe' });
    const t = lines(text(['boot'], WIDE, s));
    // at 80 columns a long entry continues on an indented line
    expect(lines(text(['boot'], PLAIN80, s))).toContain('       256-261');
    expect(t[0]).toBe('boot with policy dedicated, mode probe');
    expect(t).toContain('[ ok ] main_gpio0: GPIO bank interrupts: virq 64-69 via intr_main_gpio inputs 256-261');
    expect(t.slice(1)).toEqual(s.system.bootLog.map((e) => `${e.ok ? '[ ok ]' : '[FAIL]'} ${e.device}: ${e.message}`));
    expect(t.find((l) => l.startsWith('[ ok ] main_udmap: UDMA-P: probed; allocated 128 ring MSIs'))).toBeDefined();
    expect(t[t.length - 1]).toBe('[FAIL] cpts: probe failed: ENOSPC: intr_main_navss.out exhausted (128/128 used)');
  });

  test('expected', () => {
    expect(text(['expect-pool virq used=7'])).toBe('virq: used=7 (7/1024 used, peak 7)');
    expect(text(['expect-error EBUSY alloc-irq ringacc 5'])).toBe(
      'EBUSY as expected: ringacc 5 is the completion ring of main_udmap:tx5; request\n    the channel instead',
    );
  });

  test('help for one verb', () => {
    expect(text(['help pools'])).toBe(
      ['usage: pools', '  every pool: total, used, free, peak and a usage bar; exhausted pools stand out', 'example: pools'].join('\n'),
    );
    expect(lines(text(['help request-channel']))).toEqual([
      'usage: request-channel <dma> <tx|rx> [count]',
      '  take the lowest free DMA channel(s) and allocate (mode demand) or bind (mode',
      "  probe) its ring's MSI",
      '  With a count, all or nothing: if one channel fails, those granted before it',
      '  are released.',
      'example: request-channel main_udmap tx 4',
    ]);
  });

  test('help lists every verb and ends with a hint', () => {
    // wide enough: a table; at 80 columns: each usage with its summary under it
    expect(lines(text(['help'], WIDE))[0]).toMatch(/^COMMAND +DOES$/);
    const t = text(['help']);
    expect(lines(t).slice(0, 3)).toEqual([
      'request-channel <dma> <tx|rx> [count]',
      '    take the lowest free DMA channel(s) and allocate (mode demand) or bind (mode',
      "    probe) its ring's MSI",
    ]);
    expect(longest(t)).toBeLessThanOrEqual(80);
    expect(t.endsWith("\n\n'help <verb>' shows one verb with an example.")).toBe(true);
    for (const verb of ['request-channel', 'expect-pool', 'quit']) expect(t).toMatch(new RegExp(`^${verb}`, 'm'));
  });

  test('source and exit print nothing', () => {
    expect(renderText(PLAIN80, { kind: 'source', path: 'x.msi' })).toBe('');
    expect(renderText(PLAIN80, { kind: 'exit' })).toBe('');
  });

  test('the error line is file:line: verb: CODE: message', () => {
    const e = { code: 'ENOSPC' as const, message: 'intr_main_navss.out exhausted (128/128 used)', pool: { id: 'intr_main_navss.out', used: 128, total: 128 } };
    expect(renderError(PLAIN80, 'demo.msi:12', 'request-channel', e)).toBe('demo.msi:12: request-channel: ENOSPC: intr_main_navss.out exhausted (128/128 used)');
    // Without a place (a REPL line) or a verb (an unknown one), those parts are left out.
    expect(renderError(PLAIN80, undefined, 'request-channel', e)).toBe('request-channel: ENOSPC: intr_main_navss.out exhausted (128/128 used)');
    expect(renderError(PLAIN80, '<stdin>:3', undefined, { code: 'EUSAGE', message: "unknown verb 'x'; try help" })).toBe(
      "<stdin>:3: EUSAGE: unknown verb 'x'; try help",
    );
    expect(renderError(makeStyle(1, 80), 'a.msi:1', 'pools', { code: 'EUSAGE', message: 'm' })).toContain(RED);
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
    expect(t[0]).toBe('VIRQ  SOURCE        EVENT  VINT:BIT   INTR  SPI  PARENT  COUNT  OWNER');
    expect(t).toContain('  71  ringacc 0     16384       0:0    0>1   33      72  10000  main_udmap:tx0');
    // The columns left out are named, once a session: the same style says it no more.
    expect(t.slice(-1)).toEqual(DROPPED_80('HWIRQ'));
    const style = { ...PLAIN80, said: new Set<string>() };
    expect(renderText(style, out(s, 'routes'))).toContain('HWIRQ hidden');
    expect(renderText(style, out(s, 'routes'))).not.toContain('hidden');
    expect(renderText(style, out(s, 'interrupts'))).toContain('(HWIRQ, CHIP hidden');
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
    expect(lines(tree)).toContain('|  |          index 0 (hwirq 0xbb0000)');
    expect(lines(tree)).toContain('|  |          -> virq 71, main_udmap:tx0');
    for (const cmd of ['policy dedicated', 'boot']) expect(longest(text([cmd], narrow, fresh()))).toBeLessThanOrEqual(40);
  });

  test('at 40 columns routes fall back to one record per route', () => {
    const s = busy();
    const routes = s.system.routes();
    const t = text(['routes'], makeStyle(0, 40), s);
    const ls = lines(t);
    expect(ls.filter((l) => /^virq \d+ /.test(l))).toHaveLength(routes.length);
    // Fields as "head value" pairs wrapped between pairs; fields with no value ('-') left out.
    expect(ls.slice(0, 4)).toEqual(['virq 64  source main_gpio0 0', '    hwirq 0x100  intr 256>0  spi 360', '    count 0  owner main_gpio0', 'virq 65  source main_gpio0 1']);
    expect(longest(t)).toBeLessThanOrEqual(40);
  });

  test('at 40 columns several channels fall back to records too', () => {
    expect(lines(text(['request-channel main_udmap tx 2'], makeStyle(0, 40)))).toEqual([
      'channel main_udmap:tx0  ring 0  virq 71',
      '    event 16384  vint:bit 0:0  intr 0>1',
      '    spi 33  parent 72',
      'channel main_udmap:tx1  ring 1  virq 73',
      '    event 16385  vint:bit 0:1  intr 0>1',
      '    spi 33  parent 72',
      '2 channels',
    ]);
  });

  test('at 60 columns a 2-row table is a few lines, not one per field', () => {
    const t = lines(text(['routes main_udmap'], makeStyle(0, 60), given2()));
    expect(t.length).toBeLessThanOrEqual(5);
    expect(longest(t.join('\n'))).toBeLessThanOrEqual(60);
  });

  test('pools fit at 40 columns as records', () => {
    const t = text(['pools'], makeStyle(0, 40), busy());
    expect(longest(t)).toBeLessThanOrEqual(40);
    expect(t).toContain('pool main_udmap.tx_chan  used 64\n    total 64  free 0  peak 64\n    usage ###### 100% EXHAUSTED');
  });

  test('a count too wide for the table still fits: OWNER goes after HWIRQ', () => {
    const s = busy();
    out(s, 'fire-ring 2 1000000000');
    const t = text(['routes'], PLAIN80, s);
    expect(longest(t)).toBeLessThanOrEqual(80);
    expect(lines(t)[0]).toMatch(/^VIRQ +SOURCE +EVENT +VINT:BIT +INTR +SPI +PARENT +COUNT$/);
    expect(t).toMatch(/^ +74 +ringacc 2 +16386 +0:2 +0>1 +33 +72 +1000000000$/m);
  });
});

describe('colour and glyphs', () => {
  test('colour level 0 writes no escape byte anywhere', () => {
    const s = busy();
    const all = [...VIEWS, 'topology', 'boot', 'policy', 'help fire-ring', 'fire-ring 0 5', 'fire-ring 1', 'fire-ring 9', 'expect-pool virq used=140'];
    for (const unicode of [false, true]) {
      for (const v of all) expect(renderText(makeStyle(0, 80, unicode), out(s, v))).not.toContain(ESC);
    }
    const failed = runWords(s, ['request-channel', 'main_udmap', 'tx']);
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(renderError(PLAIN80, 'a.msi:1', 'request-channel', failed.error)).not.toContain(ESC);
    expect(renderError(PLAIN80, 'a.msi:1', 'pools', { code: 'EUSAGE', message: 'm' })).not.toContain(ESC);
  });

  test('level 1: the exhausted pool row is red, and EXHAUSTED shows at both levels', () => {
    const s = busy();
    const colour = lines(text(['pools'], makeStyle(1, 80), s));
    const plain = lines(text(['pools'], PLAIN80, s));
    const row = (ls: string[], id: string) => ls.find((l) => l.replace(/\x1b\[[0-9;]*m/g, '').startsWith(`${id} `))!;
    for (const ls of [colour, plain]) {
      expect(row(ls, 'main_udmap.tx_chan')).toContain('EXHAUSTED');
      expect(row(ls, 'main_udmap.rx_chan')).toContain('EXHAUSTED');
      expect(row(ls, 'virq')).not.toContain('EXHAUSTED');
    }
    expect(row(colour, 'main_udmap.tx_chan')).toContain(RED);
    expect(row(colour, 'virq')).not.toContain(RED);
    expect(row(plain, 'main_udmap.tx_chan')).not.toContain(ESC);
    // Colour changes the bytes, not the layout.
    const unstyled = colour.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/[█░]/g, (g) => (g === '█' ? '#' : '.')));
    expect(unstyled).toEqual(plain);
  });

  test('a nearly full pool is marked at both levels', () => {
    const s = fresh();
    out(s, 'request-channel main_udmap rx 58');
    const row = lines(text(['pools'], PLAIN80, s)).find((l) => l.startsWith('main_udmap.rx_chan'))!;
    expect(row).toMatch(/ 90% near full$/);
    expect(lines(text(['pools'], makeStyle(1, 80), s)).find((l) => l.includes('main_udmap.rx_chan'))).toContain('\x1b[33m');
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
    expect(bar(blocks, 'main_udmap.tx_chan')).toMatch(/^█+$/);
    expect(bar(ascii, 'main_udmap.tx_chan')).toMatch(/^#+$/);
    expect(bar(ascii, 'ringacc.gp_ring')).toMatch(/^#\.+$/);
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
    const expected = nodes.reduce((sum, n) => sum + 1 + Math.min(TREE_ITEMS, n.allocated.length) + (n.allocated.length > TREE_ITEMS ? 1 : 0), 0);
    expect(t).toHaveLength(expected);
    const ringacc = nodes.find((n) => n.id === 'ringacc')!;
    expect(ringacc.allocated.length).toBeGreaterThan(TREE_ITEMS);
    const head = t.findIndex((l) => l.includes(`ringacc  ring accelerator, sci id 187  (${ringacc.allocated.length} allocated)`));
    expect(head).toBeGreaterThan(0);
    const body = (l: string) => l.replace(/^[|\s]+/, '');
    expect(t.slice(head + 1, head + 1 + TREE_ITEMS).map(body)).toEqual(ringacc.allocated.slice(0, TREE_ITEMS));
    expect(body(t[head + 1 + TREE_ITEMS])).toBe(`... and ${ringacc.allocated.length - TREE_ITEMS} more`);
    expect(body(t[head + 2 + TREE_ITEMS])).toMatch(/^`- cpts /);
    for (const n of nodes.filter((x) => x.allocated.length > TREE_ITEMS)) {
      expect(t.filter((l) => body(l) === `... and ${n.allocated.length - TREE_ITEMS} more`)).toHaveLength(1);
    }
  });

  test('topology labels its numbers with where they come from', () => {
    const t = text(['topology']);
    expect(t).toContain('      outputs 0-63 -> gic500 hwirq 64-127 (SPI 32-95) [DT]');
    expect(t).toContain('      outputs 64-127 -> gic500 hwirq 448-511 (SPI 416-479) [DT]');
    expect(t).toContain('      global events 16384-17407 [illustrative]');
    expect(t).toContain('      free for alloc-irq: rings 304-431 [illustrative]');
    expect(t).toContain('  cpts  CPTS time sync: intr_main_navss inputs 391 [DT]');
  });
});
