import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { expectToBe } from '../hot-expect.js';
import { complete, splitLine } from '../../src/cli/completion.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/system.js';
import { DESIGNS, designNamed } from '../../src/core/designs.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';

const session = (settings: Settings = DEFAULT_SETTINGS): Session => new Session(am65x, settings);

/** Runs commands that must succeed, to set up live state. */
const given = (s: Session, ...lines: string[]): Session => {
  for (const line of lines) {
    const r = runWords(s, line.split(' '));
    if (!r.ok) throw new Error(`${line}: ${r.error.code}: ${r.error.message}`);
  }
  return s;
};

const candidates = (s: Session, line: string): string[] => complete(s, line)[0];

describe('splitLine', () => {
  test('words before the cursor and the fragment under it', () => {
    expect(splitLine('')).toEqual({ words: [], fragment: '' });
    expect(splitLine('req')).toEqual({ words: [], fragment: 'req' });
    expect(splitLine('request-channel ')).toEqual({ words: ['request-channel'], fragment: '' });
    expect(splitLine('request-channel  main_udmap\tt')).toEqual({ words: ['request-channel', 'main_udmap'], fragment: 't' });
  });

  test('a no-break space separates words as the tokenizer does; in quotes it is part of the word', () => {
    expect(splitLine('request-channel\u00a0main_udmap\u2009t')).toEqual({ words: ['request-channel', 'main_udmap'], fragment: 't' });
    expect(splitLine(`alloc-irq 'ring\u00a0acc' `)).toEqual({ words: ['alloc-irq', 'ring\u00a0acc'], fragment: '' });
  });

  test('quoted earlier words are unquoted, as the tokenizer does', () => {
    expect(splitLine(`expect-error "ENOSPC" 'request-channel' m`)).toEqual({ words: ['expect-error', 'ENOSPC', 'request-channel'], fragment: 'm' });
  });

  test('no completion inside a comment or an open quote', () => {
    expect(splitLine('# pools')).toBeUndefined();
    expect(splitLine('pools # ro')).toBeUndefined();
    expect(splitLine('source "my fi')).toBeUndefined();
    expect(splitLine("source 'a'b")).toBeUndefined();
  });
});

describe('complete', () => {
  test('the first word completes to verbs, in help order', () => {
    const s = session();
    const [all, fragment] = complete(s, '');
    expect(fragment).toBe('');
    expect(all).toEqual(COMMANDS.map((c) => c.name));
    expect(complete(s, 're')).toEqual([['request-channel', 'release-channel', 'reset'], 're']);
    expect(complete(s, 'po')).toEqual([['pools', 'policy'], 'po']);
    expect(candidates(s, 'xyz')).toEqual([]);
  });

  test('readline shape: every candidate starts with the fragment it replaces', () => {
    const s = given(session(), 'request-channel main_udmap tx 3');
    for (const line of ['', 'r', 'request-channel m', 'release-channel main_udmap:t', 'expect-pool int', 'help p']) {
      const [cands, fragment] = complete(s, line);
      expect(line.endsWith(fragment)).toBe(true);
      for (const c of cands) expect(c.startsWith(fragment)).toBe(true);
    }
  });

  test('request-channel: DMA ids, then tx/rx, then the mode, in place of the count or after it', () => {
    const s = session();
    expect(candidates(s, 'request-channel ')).toEqual(['main_udmap']);
    expect(candidates(s, 'request-channel main_udmap ')).toEqual(['tx', 'rx']);
    expect(complete(s, 'request-channel main_udmap r')).toEqual([['rx'], 'r']);
    // A count is typed; the mode may stand in its place (`request-channel main_udmap tx tr`).
    expect(candidates(s, 'request-channel main_udmap tx ')).toEqual(['pkt', 'tr']);
    expect(complete(s, 'request-channel main_udmap tx t')).toEqual([['tr'], 't']);
    expect(candidates(s, 'request-channel main_udmap tx 2 ')).toEqual(['pkt', 'tr']);
    expect(candidates(s, 'request-channel main_udmap tx 2 p')).toEqual(['pkt']);
    // Nothing after the mode, wherever it went.
    expect(candidates(s, 'request-channel main_udmap tx tr ')).toEqual([]);
    expect(candidates(s, 'request-channel main_udmap tx 2 tr ')).toEqual([]);
    // Both completed lines run.
    given(s, 'request-channel main_udmap tx tr', 'request-channel main_udmap tx 2 pkt');
    expect(s.system.channels().map((c) => `${c.name} ${c.mode}`)).toEqual(['main_udmap:tx8 tr', 'main_udmap:tx9 pkt', 'main_udmap:tx10 pkt']);
  });

  test('release-channel: the requested channels, and all', () => {
    const s = session();
    expect(candidates(s, 'release-channel ')).toEqual(['all']);
    given(s, 'request-channel main_udmap tx 2', 'request-channel main_udmap rx');
    // Named by channel id: the share's first normal tx and rx channels are both 8.
    expect(candidates(s, 'release-channel ')).toEqual(['main_udmap:tx8', 'main_udmap:tx9', 'main_udmap:rx8', 'all']);
    expect(candidates(s, 'release-channel main_udmap:r')).toEqual(['main_udmap:rx8']);
    given(s, 'release-channel main_udmap:tx8');
    expect(candidates(s, 'release-channel main')).toEqual(['main_udmap:tx9', 'main_udmap:rx8']);
  });

  test('alloc-irq: MSI devices (the GP rings and the UDMA channel events), then any and the indices it would take', () => {
    const s = session();
    expect(candidates(s, 'alloc-irq ')).toEqual(['ringacc', 'main_udmap']);
    const gp = Array.from({ length: 100 }, (_, i) => `${304 + i}`);
    expect(candidates(s, 'alloc-irq ringacc ')).toEqual(['any', ...gp]);
    // The GP rings a channel or alloc-irq holds are not offered; each offered one is taken.
    given(s, 'request-channel main_udmap tx 2', 'alloc-irq ringacc 310');
    expect(candidates(s, 'alloc-irq ringacc ')).toEqual(['any', ...gp.filter((r) => !['304', '305', '310'].includes(r))]);
    expect(candidates(s, 'alloc-irq ringacc 31')).toEqual(['311', '312', '313', '314', '315', '316', '317', '318', '319']);
    expect(candidates(s, 'alloc-irq ringacc 39')).toEqual(['390', '391', '392', '393', '394', '395', '396', '397', '398', '399']);
    expect(candidates(s, 'alloc-irq ringacc 3')).not.toContain('39');
    // The UDMA's events: its share, less tx8's and tx9's TR events once requested in TR mode.
    expect(candidates(s, 'alloc-irq main_udmap ').slice(0, 6)).toEqual(['any', '1', '2', '3', '8', '9']);
    const run = (start: number, count: number) => Array.from({ length: count }, (_, i) => `${start + i}`);
    // Its share is 1-3, 8-19, 26-63, 514-515, 520-531 and 538-589.
    expect(candidates(s, 'alloc-irq main_udmap 5')).toEqual([...run(50, 10), ...run(514, 2), ...run(520, 12), ...run(538, 52)]);
    given(s, 'request-channel main_udmap tx tr');
    expect(candidates(s, 'alloc-irq main_udmap 51')).toEqual(['51', '514', '515']);
    expect(candidates(s, 'alloc-irq main_udmap ')).not.toContain('10');
    for (const index of candidates(s, 'alloc-irq ringacc ')) {
      const r = runWords(given(session(), 'request-channel main_udmap tx 2', 'alloc-irq ringacc 310'), ['alloc-irq', 'ringacc', index]);
      expect(r.ok ? 'ok' : `${index}: ${r.error.message}`).toBe('ok');
    }
  });

  test('alloc-irq under every design: only indices it takes', () => {
    for (const d of DESIGNS) {
      const offered = candidates(session(d.settings), 'alloc-irq ringacc ').slice(1);
      for (const index of offered) {
        const r = runWords(session(d.settings), ['alloc-irq', 'ringacc', index]);
        expect(r.ok ? 'ok' : `${d.name}: ${index}: ${r.error.message}`).toBe('ok');
      }
      // probe-all: ringacc's probe failed, so nothing but any (which says why).
      expect(offered).toHaveLength(d.name === 'probe-all' ? 0 : 100);
    }
  });

  test('free-irq: only virqs alloc-irq took, or a device and then its alloc-irq indices', () => {
    const s = session();
    expect(candidates(s, 'free-irq ')).toEqual(['ringacc', 'main_udmap']);
    given(s, 'request-channel main_udmap tx', 'alloc-irq ringacc any', 'alloc-irq ringacc 310');
    // tx8 took GP ring 304; alloc-irq requested the probe-time MSIs of rings 305 and 310, whose
    // virqs are 71 and 76 (ring MSIs are virqs 70-169).
    const virqs = s.system.msi
      .all()
      .filter((r) => r.requestedBy === 'alloc-irq')
      .map((r) => `${r.virq}`);
    expect(virqs).toEqual(['71', '76']);
    expect(candidates(s, 'free-irq ')).toEqual(['71', '76', 'ringacc', 'main_udmap']);
    // Not the channel's virq (free-irq would say EBUSY), nor an MSI nobody requested (ENOENT).
    expect(s.system.channels()[0].msi.virq).toBe(70);
    expect(candidates(s, 'free-irq 7')).toEqual(['71', '76']);
    expect(candidates(s, 'free-irq ringacc ')).toEqual(['305', '310']);
    expect(candidates(s, 'free-irq ringacc 31')).toEqual(['310']);
    expect(candidates(s, 'free-irq main_udmap ')).toEqual([]);
    expect(candidates(s, `free-irq ${virqs[0]} `)).toEqual([]);
  });

  test('mask-irq and unmask-irq: every virq with an action, not the MSIs nobody requested', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    // 227 virqs live (226 at boot, and the parent of the VINT tx8 opened), but 218 of the 219
    // probe-time MSIs are not requested: masking one is ENOENT, as freeing it is.
    expect(s.system.descs.all()).toHaveLength(227);
    // main_gpio0's banks (chained by gpio-davinci), tx8's ring MSI (70), cpts, and the parent of
    // the VINT tx8 opened (290).
    const maskable = ['64', '65', '66', '67', '68', '69', '70', '289', '290'];
    expect(candidates(s, 'mask-irq ')).toEqual(maskable);
    expect(candidates(s, 'unmask-irq ')).toEqual(maskable);
    expect(candidates(s, 'mask-irq 7')).toEqual(['70']);
    for (const v of maskable) expect(runWords(s, ['mask-irq', v]).ok).toBe(true);
    const refused = runWords(s, ['mask-irq', '71']);
    expect(!refused.ok && refused.error.code).toBe('ENOENT');
    // set-affinity only moves a requested direct INTR client (cpts): an INTA event follows its
    // VINT, and a chained line (a VINT's parent, a GPIO bank) has no /proc/irq entry.
    expect(candidates(s, 'set-affinity ')).toEqual(['289']);
    expect(candidates(s, 'set-affinity 6')).toEqual([]);
    for (const v of ['70', '290', '64']) {
      const r = runWords(s, ['set-affinity', v, '1']);
      expect(!r.ok && r.error.code).toBe('EINVAL');
    }
  });

  test('set-affinity: CPUs of the topology after the virq', () => {
    const s = session();
    const cpus = Array.from({ length: am65x.cpus }, (_, i) => `${i}`);
    expect(candidates(s, 'set-affinity 64 ')).toEqual([...cpus, `0-${am65x.cpus - 1}`]);
  });

  test('fire-ring: rings with an MSI, channels by name, others as device:index', () => {
    const s = session();
    expect(candidates(s, 'fire-ring ')).toEqual([]);
    given(s, 'request-channel main_udmap rx', 'alloc-irq ringacc any');
    expect(candidates(s, 'fire-ring ')).toEqual(['main_udmap:rx8', 'ringacc:305']);
    expect(candidates(s, 'fire-ring r')).toEqual(['ringacc:305']);
    expect(candidates(s, 'fire-ring main_udmap:rx8 ')).toEqual([]);
    // A number is a ring of ringacc, the DMA's ring device; ringacc: names rx8's ring too.
    expect(candidates(s, 'fire-ring 30')).toEqual(['304', '305']);
    expect(candidates(s, 'fire-ring 4')).toEqual([]);
    expect(candidates(s, 'fire-ring ringacc:')).toEqual(['ringacc:304', 'ringacc:305']);
    for (const ring of [...candidates(s, 'fire-ring 30'), ...candidates(s, 'fire-ring ringacc:')]) {
      const r = runWords(s, ['fire-ring', ring]);
      expect(r.ok && r.output.kind === 'fire' && r.output.trace.outcome).toBe('delivered');
    }
    // A TR channel's own UDMA event (index 0x200 + rchan) fires too, by device:index.
    given(s, 'request-channel main_udmap rx tr');
    expect(candidates(s, 'fire-ring main_udmap:')).toEqual(['main_udmap:rx8', 'main_udmap:rx9', 'main_udmap:521']);
  });

  test('fire-ring under merged: the probe-time MSIs have no hardware until requested, so only requested rings', () => {
    const s = session();
    // 100 GP ring MSIs and 119 UDMA MSIs from probe; firing one of them would only count a dropped event.
    expect(s.system.msi.all()).toHaveLength(219);
    expect(candidates(s, 'fire-ring ')).toEqual([]);
    given(s, 'request-channel main_udmap tx tr');
    expect(candidates(s, 'fire-ring ')).toEqual(['main_udmap:tx8', 'main_udmap:8']);
    for (const ring of candidates(s, 'fire-ring ')) {
      const r = runWords(s, ['fire-ring', ring]);
      expect(r.ok && r.output.kind === 'fire' && r.output.trace.outcome).toBe('delivered');
    }
  });

  test('fire-ring with hardware taken with the probe-time MSI: every ring, named by its channel once requested', () => {
    const s = session({ ...DEFAULT_SETTINGS, hardware: 'alloc' });
    const rings = candidates(s, 'fire-ring ');
    expect(rings).toHaveLength(219);
    expect(rings.slice(0, 2)).toEqual(['ringacc:304', 'ringacc:305']);
    expect(rings.slice(99, 101)).toEqual(['ringacc:403', 'main_udmap:1']);
    given(s, 'request-channel main_udmap rx');
    expect(candidates(s, 'fire-ring ')).toHaveLength(219);
    expect(candidates(s, 'fire-ring main_udmap:r')).toEqual(['main_udmap:rx8']);
    // A channel's ring is also ringacc:<n>, and a bare number.
    expect(candidates(s, 'fire-ring ringacc:30')).toEqual(['ringacc:304', 'ringacc:305', 'ringacc:306', 'ringacc:307', 'ringacc:308', 'ringacc:309']);
    expect(candidates(s, 'fire-ring 30')).toEqual(['304', '305', '306', '307', '308', '309']);
  });

  test('expect-pool: pool ids, then the expectations not given yet', () => {
    const s = session();
    const pools = candidates(s, 'expect-pool ');
    expect(pools).toEqual(s.system.poolStats().map((p) => p.id));
    expect(pools).toContain('intr_main_navss.out');
    expect(candidates(s, 'expect-pool intr_main_navss.')).toEqual(['intr_main_navss.out']);
    expect(candidates(s, 'expect-pool virq ')).toEqual(['used=', 'free=', 'total=', 'peak=']);
    expect(candidates(s, 'expect-pool virq used=7 ')).toEqual(['free=', 'total=', 'peak=']);
    expect(candidates(s, 'expect-pool virq used=7 p')).toEqual(['peak=']);
  });

  test('design and each setting: their values; nothing after', () => {
    const s = session();
    expect(candidates(s, 'design ')).toEqual(['merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(candidates(s, 'design r')).toEqual(['rfc-v4']);
    expect(candidates(s, 'design merged ')).toEqual([]);
    expect(candidates(s, 'policy ')).toEqual(['coalesced', 'dedicated']);
    expect(candidates(s, 'policy d')).toEqual(['dedicated']);
    expect(candidates(s, 'mode ')).toEqual(['probe', 'demand']);
    expect(candidates(s, 'mode probe ')).toEqual([]);
    expect(candidates(s, 'hardware ')).toEqual(['request', 'alloc']);
    expect(candidates(s, 'hardware a')).toEqual(['alloc']);
    expect(candidates(s, 'lock ')).toEqual(['none', 'list', 'inta', 'device']);
    expect(candidates(s, 'lock i')).toEqual(['inta']);
    expect(candidates(s, 'failure ')).toEqual(['unwind', 'upstream']);
    expect(candidates(s, 'failure u')).toEqual(['unwind', 'upstream']);
    expect(candidates(s, 'failure up')).toEqual(['upstream']);
    expect(candidates(s, 'failure upstream ')).toEqual([]);
    expect(candidates(s, 'reset ')).toEqual([]);
    expect(candidates(s, 'pools ')).toEqual([]);
  });

  test('help: verb names', () => {
    const s = session();
    expect(candidates(s, 'help ')).toEqual(COMMANDS.map((c) => c.name));
    expect(candidates(s, 'help fi')).toEqual(['fire-ring']);
    expect(candidates(s, 'help f')).toEqual(['free-irq', 'fire-ring', 'failure']);
    expect(candidates(s, 'help d')).toEqual(['domains', 'design']);
    expect(candidates(s, 'help pools ')).toEqual([]);
  });

  test('routes: source devices, DMA controllers and alloc-irq', () => {
    const s = session();
    expect(candidates(s, 'routes ')).toEqual(['ringacc', 'main_udmap', 'main_gpio0', 'cpts', 'alloc-irq']);
    expect(candidates(s, 'routes c')).toEqual(['cpts']);
    expect(candidates(s, 'routes a')).toEqual(['alloc-irq']);
    for (const d of candidates(s, 'routes ')) expect(runWords(s, ['routes', d]).ok).toBe(true);
    expect(candidates(given(s, 'request-channel main_udmap rx'), 'routes main_udmap:')).toEqual(['main_udmap:rx8']);
  });

  test('expect-error: codes, then a whole command line of its own', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    expect(candidates(s, 'expect-error ')).toEqual(['ENOSPC', 'EINVAL', 'ENOENT', 'EBUSY', 'EEXIST', 'ENODEV', 'EPROBE_DEFER', 'EUSAGE', 'EXPECT']);
    expect(candidates(s, 'expect-error EN')).toEqual(['ENOSPC', 'ENOENT', 'ENODEV']);
    expect(candidates(s, 'expect-error EP')).toEqual(['EPROBE_DEFER']);
    expect(candidates(s, 'expect-error ENOSPC ')).toEqual(COMMANDS.map((c) => c.name));
    expect(candidates(s, 'expect-error ENOSPC req')).toEqual(['request-channel']);
    expect(candidates(s, 'expect-error ENOSPC request-channel ')).toEqual(['main_udmap']);
    expect(candidates(s, 'expect-error ENOSPC request-channel main_udmap ')).toEqual(['tx', 'rx']);
    expect(candidates(s, 'expect-error ENOSPC request-channel main_udmap tx ')).toEqual(['pkt', 'tr']);
    expect(candidates(s, 'expect-error ENOSPC request-channel main_udmap tx tr ')).toEqual([]);
    expect(candidates(s, 'expect-error ENOENT release-channel ')).toEqual(['main_udmap:tx8', 'all']);
    // Nested again.
    expect(candidates(s, 'expect-error EXPECT expect-error EINVAL alloc-irq ')).toEqual(['ringacc', 'main_udmap']);
  });

  test('unknown verbs and extra words complete to nothing', () => {
    const s = session();
    expect(candidates(s, 'bogus ')).toEqual([]);
    expect(candidates(s, 'exit ')).toEqual([]);
    expect(candidates(s, 'release-channel all ')).toEqual([]);
  });

  test('source: .msi files and folders from an injected lister', () => {
    const s = session();
    const tree: Record<string, string[]> = { '.': ['demo.msi', 'lib/', 'notes.txt'], 'lib/': ['a.msi', 'b.json', 'deep/'] };
    const files = (dir: string) => {
      const names = tree[dir];
      if (!names) throw new Error('ENOENT');
      return names;
    };
    expect(complete(s, 'source ', { files })).toEqual([['demo.msi', 'lib/'], '']);
    expect(complete(s, 'source d', { files })).toEqual([['demo.msi'], 'd']);
    expect(complete(s, 'source lib/', { files })).toEqual([['lib/a.msi', 'lib/deep/'], 'lib/']);
    expect(complete(s, 'source nowhere/x', { files })).toEqual([[], 'nowhere/x']);
    // Without a lister (the pure default), files are not completed.
    expect(candidates(s, 'source ')).toEqual([]);
  });

  test('candidates are unique', () => {
    const s = given(session(), 'request-channel main_udmap tx 2', 'alloc-irq ringacc any');
    for (const line of ['', 'routes ', 'free-irq ', 'fire-ring ', 'mask-irq ', 'expect-pool ']) {
      const c = candidates(s, line);
      expect(new Set(c).size).toBe(c.length);
    }
  });

  test('property: any path through the completions gives words the runner takes without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.constantFrom(...DESIGNS.map((d) => d.name)), (picks, design) => {
        const s = session(designNamed(design)!.settings);
        // Under probe-all on am65x ringacc's probe fails (and main_udmap defers): nothing to request.
        if (design !== 'probe-all') given(s, 'request-channel main_udmap tx tr', 'alloc-irq ringacc any');
        let line = '';
        for (const pick of picks) {
          const [cands, fragment] = complete(s, line);
          for (const c of cands) expectToBe(c.startsWith(fragment), true);
          if (cands.length === 0) break;
          const choice = cands[pick % cands.length];
          // A candidate ending in `=` wants a value typed after it.
          line = `${line}${choice.slice(fragment.length)}${choice.endsWith('=') ? '1' : ''} `;
        }
        // Whatever the words, running them is a Result (a failure is data), never an exception.
        const result = runWords(s, line.trim().split(/\s+/));
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
