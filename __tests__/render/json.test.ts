import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { runWords } from '../../src/commands/registry.js';
import type { Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import fc from 'fast-check';
import { jsonRoute, renderJson, renderJsonReference } from '../../src/render/json.js';

/** The route fields of DESIGN.md section 4, in its order, plus the owner. */
const ROUTE_FIELDS = ['virq', 'device', 'index', 'hwirq', 'globalEvent', 'vint', 'vintBit', 'intrInput', 'intrOutput', 'gicSpi', 'parentVirq', 'count', 'owner'];
const POOL_FIELDS = ['id', 'owner', 'total', 'used', 'free', 'peak'];
const HEX64 = /^0x[0-9a-f]{16}$/;

const fresh = (): Session => new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'demand' });

const WHERE = { file: 'demo.msi', line: 12 };

/** Runs a command line and returns its JSON line, parsed, after checking it is one line. */
const json = (s: Session, command: string, where = WHERE): Record<string, unknown> => {
  const result: Result = runWords(s, command.split(' '));
  const text = renderJson(where, command, result);
  expect(text).not.toContain('\n');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  expect(parsed).toBeInstanceOf(Object);
  return parsed;
};

/** The keys the contract names; `file` (which script, for `source`d ones) is tolerated beside them. */
const contractKeys = (o: Record<string, unknown>): string[] => Object.keys(o).filter((k) => k !== 'file');

type Data = Record<string, unknown>;

describe('the JSON line', () => {
  test('a success: line, command, ok, data', () => {
    const o = json(fresh(), 'alloc-irq ringacc any');
    expect(contractKeys(o)).toEqual(['line', 'command', 'ok', 'data']);
    expect(o.line).toBe(12);
    expect(o.command).toBe('alloc-irq ringacc any');
    expect(o.ok).toBe(true);
    if ('file' in o) expect(o.file).toBe('demo.msi');
  });

  test('a failure: line, command, ok, error {code, message}', () => {
    const o = json(fresh(), 'alloc-irq ringacc 5');
    expect(contractKeys(o)).toEqual(['line', 'command', 'ok', 'error']);
    expect(o.ok).toBe(false);
    expect(o.error).toEqual({ code: 'EBUSY', message: 'ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead' });
  });

  test('a pool that ran out is named by its id', () => {
    const o = json(fresh(), 'request-channel main_udmap rx 65');
    const error = o.error as Data;
    expect(Object.keys(error)).toEqual(['code', 'message', 'pool']);
    expect(error.code).toBe('ENOSPC');
    expect(error.pool).toBe('main_udmap.rx_chan');
    expect(error.message).toMatch(/^main_udmap\.rx_chan exhausted \(64\/64 used\)/);
  });

  test('an expect-pool mismatch names its pool too', () => {
    expect(json(fresh(), 'expect-pool virq used=8').error).toEqual({
      code: 'EXPECT',
      message: 'virq: expected used=8, found used=7 (7/1024 used, peak 7)',
      pool: 'virq',
    });
  });

  test('every verb gives one parseable line', () => {
    const s = fresh();
    const commands = [
      'request-channel main_udmap tx 2',
      'request-channel main_udmap rx',
      'alloc-irq ringacc any',
      'fire-ring 0 3',
      'fire-ring 9',
      'set-affinity 72 1',
      'mask-irq 71',
      'fire-ring 0',
      'unmask-irq 71',
      'free-irq 74',
      'release-channel main_udmap:rx0',
      'routes',
      'pools',
      'interrupts',
      'domains',
      'topology',
      'boot',
      'policy',
      'mode probe',
      'reset',
      'expect-error ENOENT free-irq 999',
      'expect-pool virq used=200',
      'help',
      'help pools',
      'source x.msi',
      'exit',
      'frobnicate',
    ];
    commands.forEach((c, i) => {
      const o = json(s, c, { file: 'all.msi', line: i + 1 });
      expect(o.line).toBe(i + 1);
      expect(o.command).toBe(c);
      expect(typeof o.ok).toBe('boolean');
      expect(contractKeys(o)).toEqual(['line', 'command', 'ok', o.ok ? 'data' : 'error']);
    });
  });
});

describe('data', () => {
  test('routes: exactly the contract fields, nulls kept', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    const routes = (json(s, 'routes').data as Data).routes as Data[];
    expect(Object.keys(json(s, 'routes').data as Data)).toEqual(['routes']);
    expect(routes).toHaveLength(9);
    for (const r of routes) expect(Object.keys(r)).toEqual(ROUTE_FIELDS);
    expect(routes.find((r) => r.device === 'cpts')).toEqual({
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
      count: 0,
      owner: 'cpts',
    });
    expect(routes.find((r) => r.virq === 73)).toEqual({
      virq: 73,
      device: 'ringacc',
      index: 1,
      hwirq: (187 << 16) | 1,
      globalEvent: 16385,
      vint: 0,
      vintBit: 1,
      intrInput: 0,
      intrOutput: 1,
      gicSpi: 33,
      parentVirq: 72,
      count: 0,
      owner: 'main_udmap:tx1',
    });
  });

  test('jsonRoute drops the internal fields', () => {
    const s = fresh();
    const route = s.system.routes()[0];
    expect(Object.keys(jsonRoute(route))).toEqual(ROUTE_FIELDS);
    expect(Object.keys(route)).toEqual(expect.arrayContaining(['inta', 'hops', 'gicHwirq']));
  });

  test('request-channel and alloc-irq carry the new routes', () => {
    const s = fresh();
    const ch = json(s, 'request-channel main_udmap tx 2').data as Data;
    expect(Object.keys(ch)).toEqual(['channels', 'routes']);
    expect(ch.channels).toEqual([
      { name: 'main_udmap:tx0', ring: 0, virq: 71 },
      { name: 'main_udmap:tx1', ring: 1, virq: 73 },
    ]);
    for (const r of ch.routes as Data[]) expect(Object.keys(r)).toEqual(ROUTE_FIELDS);
    expect((ch.routes as Data[]).map((r) => [r.device, r.index, r.owner])).toEqual([
      ['ringacc', 0, 'main_udmap:tx0'],
      ['ringacc', 1, 'main_udmap:tx1'],
    ]);
    const a = json(s, 'alloc-irq ringacc any').data as Data;
    expect(Object.keys(a)).toEqual(['virq', 'route']);
    expect(a.virq).toBe(74);
    expect(Object.keys(a.route as Data)).toEqual(ROUTE_FIELDS);
    expect(a.route).toMatchObject({ virq: 74, device: 'ringacc', index: 304, owner: 'alloc-irq' });
  });

  test('pools: exactly id, owner, total, used, free, peak', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '3']);
    runWords(s, ['release-channel', 'main_udmap:tx2']);
    const data = json(s, 'pools').data as Data;
    expect(Object.keys(data)).toEqual(['pools']);
    const pools = data.pools as Data[];
    expect(pools).toHaveLength(9);
    for (const p of pools) expect(Object.keys(p)).toEqual(POOL_FIELDS);
    expect(pools.find((p) => p.id === 'main_udmap.tx_chan')).toEqual({ id: 'main_udmap.tx_chan', owner: 'main_udmap', total: 64, used: 2, free: 62, peak: 3 });
  });

  test('fire: register bits are 64-bit hex strings, everything else plain', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    const t = json(s, 'fire-ring ringacc:1 3').data as Data;
    for (const k of ['statusBefore', 'status', 'enable', 'statusMasked']) expect(t[k]).toMatch(HEX64);
    expect(t).toMatchObject({
      device: 'ringacc',
      index: 1,
      times: 3,
      outcome: 'delivered',
      statusBefore: '0x0000000000000000',
      status: '0x0000000000000002',
      enable: '0x0000000000000003',
      statusMasked: '0x0000000000000002',
      statusAddress: 0x33d00018,
      gicSpi: 33,
      parentVirq: 72,
      childVirq: 73,
      count: 3,
    });
    expect(t.handled).toEqual([{ bit: 1, virq: 73, device: 'ringacc', index: 1, hwirq: (187 << 16) | 1 }]);
  });

  test('fire: a full VINT shows all 64 bits', () => {
    const s = new Session(am65x, { ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe' });
    const t = json(s, 'fire-ring 0').data as Data;
    expect(t.enable).toBe('0xffffffffffffffff');
    expect(t.status).toBe('0x0000000000000001');
    const hi = json(s, 'fire-ring 63').data as Data;
    expect(hi.statusBefore).toBe('0x0000000000000000');
    expect(hi.status).toBe('0x8000000000000000');
  });

  test('fire: an unmapped ring has no register fields', () => {
    const t = json(fresh(), 'fire-ring 9').data as Data;
    expect(t.outcome).toBe('unmapped');
    for (const k of ['statusBefore', 'status', 'enable', 'statusMasked', 'childVirq']) expect(t).not.toHaveProperty(k);
  });

  test('settings, boot, affinity, mask, expected, help, source, exit', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    expect(json(s, 'policy').data).toEqual({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'demand', changed: false, boot: [] });
    expect(json(s, 'set-affinity 72 2').data).toEqual({ virq: 72, cpus: [2], moved: [71, 73] });
    expect(json(s, 'mask-irq 71').data).toEqual({ virq: 71, masked: true, delivered: [] });
    expect(json(s, 'expect-pool virq used=10').data).toEqual({
      message: 'virq: used=10 (10/1024 used, peak 10)',
      pool: { id: 'virq', owner: 'linux', total: 1024, used: 10, free: 1014, peak: 10 },
    });
    expect(json(s, 'expect-error EBUSY alloc-irq ringacc 5').data).toEqual({
      message: 'EBUSY as expected: ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead',
      expected: 'EBUSY',
      error: { code: 'EBUSY', message: 'ringacc 5 is the completion ring of main_udmap:tx5; request the channel instead' },
    });
    expect(json(s, 'source lib/x.msi').data).toEqual({ path: 'lib/x.msi' });
    expect(json(s, 'exit').data).toEqual({ status: null });
    expect(json(s, 'exit 4').data).toEqual({ status: 4 });
    const help = json(s, 'help pools').data as Data;
    expect(help).toEqual({ entries: [{ name: 'pools', usage: 'pools', summary: expect.any(String), example: 'pools' }] });
    const changed = json(s, 'mode probe').data as Data;
    expect(changed).toMatchObject({ ...DEFAULT_SETTINGS, policy: 'coalesced', mode: 'probe', changed: true });
    expect((changed.boot as Data[]).map((e) => e.device)).toEqual(['gic500', 'intr_main_navss', 'intr_main_gpio', 'inta_main_udmass', 'main_gpio0', 'main_udmap', 'cpts']);
    const boot = json(s, 'boot').data as Data;
    expect(Object.keys(boot)).toEqual(['policy', 'mode', 'boot']);
  });

  test('interrupts and domains', () => {
    const s = fresh();
    runWords(s, ['fire-ring', '9']);
    const irq = json(s, 'interrupts').data as Data;
    expect(Object.keys(irq)).toEqual(['cpus', 'irqs', 'unmapped']);
    expect(irq.cpus).toBe(4);
    expect(irq.unmapped).toBe(1);
    const d = json(s, 'domains').data as Data;
    expect((d.tree as Data).id).toBe('gic500');
  });
});

describe('the fast JSON line equals its definition', () => {
  // Every kind of output, failures with and without a pool, and names JSON must escape.
  const commands = [
    'request-channel main_udmap tx 3', 'request-channel main_udmap rx', 'release-channel main_udmap:tx0', 'release-channel all',
    'alloc-irq ringacc any', 'alloc-irq ringacc 300', 'free-irq 71', 'free-irq ringacc 300', 'fire-ring 1 3', 'fire-ring main_udmap:tx1',
    'fire-ring 999', 'set-affinity 72 1', 'set-affinity 71 0-1', 'mask-irq 71', 'unmask-irq 71', 'routes', 'routes ringacc', 'pools',
    'interrupts', 'domains', 'policy', 'mode', 'boot', 'expect-pool virq used=7', 'expect-pool virq used=8', 'expect-error ENOSPC pools',
    'expect-error EBUSY alloc-irq ringacc 0', 'help', 'help pools', 'source x.msi', 'exit', 'alloc-irq "caf\u00e9 \\"q\\"" 1',
    'request-channel main_udmap tx 200', 'bogus\ttab', 'topology',
  ];
  const where = fc.record({ file: fc.constantFrom('demo.msi', '<stdin>', 'a "quoted"\\path', 'caf\u00e9\u2028.msi', '-e'), line: fc.nat() });

  test('for every output kind, file name and command text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...commands), { minLength: 1, maxLength: 25 }), where, fc.string(), (lines, at, text) => {
        const s = fresh();
        for (const line of lines) {
          const words = line.match(/"[^"]*(?:\\"[^"]*)*"|\S+/g)!.map((w) => w.replace(/^"|"$/g, ''));
          const result = runWords(s, words);
          for (const command of [line, text]) expect(renderJson(at, command, result)).toBe(renderJsonReference(at, command, result));
        }
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});
