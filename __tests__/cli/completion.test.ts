import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { complete, splitLine } from '../../src/cli/completion.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/system.js';
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

  test('request-channel: DMA ids, then tx/rx, then nothing for the count', () => {
    const s = session();
    expect(candidates(s, 'request-channel ')).toEqual(['main_udmap']);
    expect(candidates(s, 'request-channel main_udmap ')).toEqual(['tx', 'rx']);
    expect(complete(s, 'request-channel main_udmap r')).toEqual([['rx'], 'r']);
    expect(candidates(s, 'request-channel main_udmap tx ')).toEqual([]);
    expect(candidates(s, 'request-channel main_udmap tx 2 ')).toEqual([]);
  });

  test('release-channel: the requested channels, and all', () => {
    const s = session();
    expect(candidates(s, 'release-channel ')).toEqual(['all']);
    given(s, 'request-channel main_udmap tx 2', 'request-channel main_udmap rx');
    expect(candidates(s, 'release-channel ')).toEqual(['main_udmap:tx0', 'main_udmap:tx1', 'main_udmap:rx0', 'all']);
    expect(candidates(s, 'release-channel main_udmap:r')).toEqual(['main_udmap:rx0']);
    given(s, 'release-channel main_udmap:tx0');
    expect(candidates(s, 'release-channel main')).toEqual(['main_udmap:tx1', 'main_udmap:rx0']);
  });

  test('alloc-irq: MSI devices, then any', () => {
    const s = session();
    expect(candidates(s, 'alloc-irq ')).toEqual(['ringacc']);
    expect(candidates(s, 'alloc-irq ringacc ')).toEqual(['any']);
    expect(candidates(s, 'alloc-irq ringacc 3')).toEqual([]);
  });

  test('free-irq: only virqs alloc-irq took, or a device and then its alloc-irq indices', () => {
    const s = session();
    expect(candidates(s, 'free-irq ')).toEqual(['ringacc']);
    given(s, 'request-channel main_udmap tx', 'alloc-irq ringacc any', 'alloc-irq ringacc 310');
    const virqs = s.system.msi
      .all()
      .filter((r) => r.requestedBy === 'alloc-irq')
      .map((r) => `${r.virq}`);
    expect(virqs).toHaveLength(2);
    expect(candidates(s, 'free-irq ')).toEqual([...virqs, 'ringacc']);
    // The channel's virq is not offered: free-irq would refuse it.
    const channelVirq = `${s.system.channels()[0].msi.virq}`;
    expect(candidates(s, 'free-irq ')).not.toContain(channelVirq);
    expect(candidates(s, 'free-irq ringacc ')).toEqual(['304', '310']);
    expect(candidates(s, 'free-irq ringacc 31')).toEqual(['310']);
    expect(candidates(s, `free-irq ${virqs[0]} `)).toEqual([]);
  });

  test('virq arguments complete to every live virq; set-affinity to those it can steer', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    const live = s.system.descs.all().map((d) => `${d.virq}`);
    expect(live.length).toBeGreaterThan(7);
    expect(candidates(s, 'mask-irq ')).toEqual(live);
    expect(candidates(s, 'unmask-irq ')).toEqual(live);
    const event = `${s.system.channels()[0].msi.virq}`;
    const steerable = live.filter((v) => v !== event);
    expect(steerable.length).toBe(live.length - 1);
    expect(candidates(s, 'set-affinity ')).toEqual(steerable);
    expect(candidates(s, 'set-affinity 6')).toEqual(steerable.filter((v) => v.startsWith('6')));
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
    expect(candidates(s, 'fire-ring ')).toEqual(['main_udmap:rx0', 'ringacc:304']);
    expect(candidates(s, 'fire-ring r')).toEqual(['ringacc:304']);
    expect(candidates(s, 'fire-ring main_udmap:rx0 ')).toEqual([]);
  });

  test('fire-ring in mode probe: every pre-allocated ring, named by its channel', () => {
    const s = session({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe' });
    const rings = candidates(s, 'fire-ring ');
    expect(rings).toHaveLength(128);
    expect(rings.slice(0, 2)).toEqual(['main_udmap:tx0', 'main_udmap:tx1']);
    expect(rings).toContain('main_udmap:rx63');
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

  test('policy and mode: their values; nothing after', () => {
    const s = session();
    expect(candidates(s, 'policy ')).toEqual(['coalesced', 'dedicated']);
    expect(candidates(s, 'policy d')).toEqual(['dedicated']);
    expect(candidates(s, 'mode ')).toEqual(['demand', 'probe']);
    expect(candidates(s, 'mode probe ')).toEqual([]);
    expect(candidates(s, 'reset ')).toEqual([]);
    expect(candidates(s, 'pools ')).toEqual([]);
  });

  test('help: verb names', () => {
    const s = session();
    expect(candidates(s, 'help ')).toEqual(COMMANDS.map((c) => c.name));
    expect(candidates(s, 'help fi')).toEqual(['fire-ring']);
    expect(candidates(s, 'help pools ')).toEqual([]);
  });

  test('routes: source devices, DMA controllers and alloc-irq', () => {
    const s = session();
    expect(candidates(s, 'routes ')).toEqual(['ringacc', 'main_gpio0', 'cpts', 'main_udmap', 'alloc-irq']);
    expect(candidates(s, 'routes c')).toEqual(['cpts']);
    expect(candidates(given(s, 'request-channel main_udmap rx'), 'routes main_udmap:')).toEqual(['main_udmap:rx0']);
  });

  test('expect-error: codes, then a whole command line of its own', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    expect(candidates(s, 'expect-error ')).toEqual(['ENOSPC', 'EINVAL', 'ENOENT', 'EBUSY', 'EEXIST', 'ENODEV', 'EUSAGE', 'EXPECT']);
    expect(candidates(s, 'expect-error EN')).toEqual(['ENOSPC', 'ENOENT', 'ENODEV']);
    expect(candidates(s, 'expect-error ENOSPC ')).toEqual(COMMANDS.map((c) => c.name));
    expect(candidates(s, 'expect-error ENOSPC req')).toEqual(['request-channel']);
    expect(candidates(s, 'expect-error ENOSPC request-channel ')).toEqual(['main_udmap']);
    expect(candidates(s, 'expect-error ENOSPC request-channel main_udmap ')).toEqual(['tx', 'rx']);
    expect(candidates(s, 'expect-error ENOENT release-channel ')).toEqual(['main_udmap:tx0', 'all']);
    // Nested again.
    expect(candidates(s, 'expect-error EXPECT expect-error EINVAL alloc-irq ')).toEqual(['ringacc']);
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
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.constantFrom<Settings['mode']>('demand', 'probe'), (picks, mode) => {
        const s = given(session({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode }), 'request-channel main_udmap tx', 'alloc-irq ringacc any');
        let line = '';
        for (const pick of picks) {
          const [cands, fragment] = complete(s, line);
          for (const c of cands) expect(c.startsWith(fragment)).toBe(true);
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
