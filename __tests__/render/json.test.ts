import { DEFAULT_SETTINGS, DESIGNS, designNamed } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { runWords } from '../../src/commands/registry.js';
import type { Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import fc from 'fast-check';
import { jsonRoute, renderJson, renderJsonReference } from '../../src/render/json.js';
import { seeded } from '../seed.js';

/** The route fields of DESIGN.md section 4, in its order, plus the owner. */
const ROUTE_FIELDS = ['virq', 'device', 'index', 'hwirq', 'globalEvent', 'vint', 'vintBit', 'intrInput', 'intrOutput', 'gicSpi', 'parentVirq', 'count', 'owner'];
const POOL_FIELDS = ['id', 'owner', 'total', 'used', 'free', 'peak'];
const HEX64 = /^0x[0-9a-f]{16}$/;

/** The default design, merged: MSIs at probe (226 virqs after boot), hardware at request_irq. */
const fresh = (settings = DEFAULT_SETTINGS): Session => new Session(am65x, settings);
/** The five columns of a design, in the order the JSON carries them. */
const SETTINGS_FIELDS = ['policy', 'mode', 'hardware', 'lock', 'failure'];
const CHANNEL_FIELDS = ['name', 'mode', 'ring', 'virq', 'eventVirq'];

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
    expect(o.error).toEqual({ code: 'EINVAL', message: "ringacc 5 is not in this host's share (304-403)" });
  });

  test('a pool that ran out is named by its id', () => {
    const o = json(fresh(), 'request-channel main_udmap rx 65');
    const error = o.error as Data;
    expect(Object.keys(error)).toEqual(['code', 'message', 'pool']);
    expect(error.code).toBe('ENOENT');
    expect(error.pool).toBe('main_udmap.rx_chan');
    expect(error.message).toBe(
      'main_udmap.rx_chan: no free normal-capacity rx channel (64 of 64 from 8 in use; 64/66 used), at channel 65 of 65; the 64 granted before were released',
    );
  });

  test('INTR outputs running out is EINVAL, naming intr_main_navss.out (rfc-v4, channel 64)', () => {
    const s = fresh(designNamed('rfc-v4')!.settings);
    runWords(s, ['request-channel', 'main_udmap', 'tx', '50']);
    runWords(s, ['request-channel', 'main_udmap', 'rx', '13']);
    expect(json(s, 'request-channel main_udmap rx').error).toEqual({ code: 'EINVAL', message: 'intr_main_navss.out exhausted (64/64 used)', pool: 'intr_main_navss.out' });
    const pools = (json(s, 'pools').data as Data).pools as Data[];
    expect(pools.find((p) => p.id === 'intr_main_navss.out')).toMatchObject({ used: 64, total: 64 });
    // 63 channels, a VINT each; the 64th VINT was taken and given back when its output failed
    expect(pools.find((p) => p.id === 'inta_main_udmass.vint')).toMatchObject({ used: 63, total: 80, peak: 64 });
  });

  test('no GP ring for the 101st channel is EBUSY, naming ringacc.gp_ring', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '50']);
    runWords(s, ['request-channel', 'main_udmap', 'rx', '50']);
    expect(json(s, 'request-channel main_udmap rx').error).toEqual({
      code: 'EBUSY',
      message: 'ringacc.gp_ring exhausted (100/100 used): no completion ring for main_udmap:rx64',
      pool: 'ringacc.gp_ring',
    });
  });

  test('an expect-pool mismatch names its pool too', () => {
    expect(json(fresh(), 'expect-pool virq used=8').error).toEqual({
      code: 'EXPECT',
      message: 'virq: expected used=8, found used=226 (226/1024 used, peak 226)',
      pool: 'virq',
    });
  });

  test('every verb gives one parseable line', () => {
    const s = fresh();
    const commands = [
      'request-channel main_udmap tx 2',
      'request-channel main_udmap rx tr',
      'alloc-irq ringacc any',
      'alloc-irq main_udmap any',
      'fire-ring 304 3',
      'fire-ring 9',
      'fire-ring main_udmap:520',
      'set-affinity 289 1',
      'mask-irq 70',
      'fire-ring 304',
      'unmask-irq 70',
      'free-irq 73',
      'free-irq main_udmap 1',
      'release-channel main_udmap:rx8',
      'release-channel all',
      'routes',
      'routes cpts',
      'routes 70',
      'pools',
      'interrupts',
      'domains',
      'topology',
      'boot',
      'design',
      'policy',
      'mode',
      'hardware',
      'lock',
      'failure',
      'hardware alloc',
      'lock list',
      'failure upstream',
      'mode demand',
      'policy dedicated',
      'design probe-all',
      'design merged',
      'reset',
      'expect-error ENOENT free-irq 999',
      'expect-pool virq used=200',
      'help',
      'help pools',
      'source x.msi',
      'exit',
      'frobnicate',
    ];
    const failing = ['expect-pool virq used=200', 'frobnicate'];
    commands.forEach((c, i) => {
      const o = json(s, c, { file: 'all.msi', line: i + 1 });
      expect(o.line).toBe(i + 1);
      expect(o.command).toBe(c);
      expect({ c, ok: o.ok }).toEqual({ c, ok: !failing.includes(c) });
      expect(contractKeys(o)).toEqual(['line', 'command', 'ok', o.ok ? 'data' : 'error']);
    });
  });
});

describe('data', () => {
  test('routes: exactly the contract fields, nulls kept; only MSIs with their hardware', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    const routes = (json(s, 'routes').data as Data).routes as Data[];
    expect(Object.keys(json(s, 'routes').data as Data)).toEqual(['routes']);
    // 6 GPIO, 2 channels, cpts: not the 217 MSIs nobody requested
    expect(routes).toHaveLength(9);
    for (const r of routes) expect(Object.keys(r)).toEqual(ROUTE_FIELDS);
    expect(routes.find((r) => r.device === 'cpts')).toEqual({
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
      count: 0,
      owner: 'cpts',
    });
    expect(routes.find((r) => r.virq === 71)).toEqual({
      virq: 71,
      device: 'ringacc',
      index: 305,
      hwirq: 0xbb0131,
      globalEvent: 17,
      vint: 16,
      vintBit: 1,
      intrInput: 16,
      intrOutput: 17,
      gicSpi: 49,
      parentVirq: 290,
      count: 0,
      owner: 'main_udmap:tx9',
    });
  });

  test('routes <virq> of a virq allocated without a route: ok, no routes, and the reason; one not allocated fails', () => {
    const s = fresh();
    expect(json(s, 'routes 70')).toEqual({
      ...WHERE,
      command: 'routes 70',
      ok: true,
      data: {
        routes: [],
        reason:
          'virq 70 (ringacc 304) has no route: allocated by ringacc, not requested: no hardware until request_irq; a channel completing on ring 304, or alloc-irq ringacc 304, requests it',
      },
    });
    // a device with none: the list alone, as before
    expect(json(s, 'routes ringacc').data).toEqual({ routes: [] });
    // a channel not requested: ok, no routes, and the reason
    expect(json(s, 'routes main_udmap:tx8')).toEqual({
      ...WHERE,
      command: 'routes main_udmap:tx8',
      ok: true,
      data: { routes: [], reason: 'channel main_udmap:tx8 has no route: not requested; no ring and no irq until request-channel main_udmap tx takes it (the lowest free from tx8 up)' },
    });
    expect(json(s, 'routes 999')).toEqual({ ...WHERE, command: 'routes 999', ok: false, error: { code: 'ENOENT', message: 'virq 999 has no route: not allocated' } });
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
    for (const c of ch.channels as Data[]) expect(Object.keys(c)).toEqual(CHANNEL_FIELDS);
    expect(ch.channels).toEqual([
      { name: 'main_udmap:tx8', mode: 'pkt', ring: 304, virq: 70, eventVirq: null },
      { name: 'main_udmap:tx9', mode: 'pkt', ring: 305, virq: 71, eventVirq: null },
    ]);
    for (const r of ch.routes as Data[]) expect(Object.keys(r)).toEqual(ROUTE_FIELDS);
    expect((ch.routes as Data[]).map((r) => [r.device, r.index, r.owner])).toEqual([
      ['ringacc', 304, 'main_udmap:tx8'],
      ['ringacc', 305, 'main_udmap:tx9'],
    ]);
    const a = json(s, 'alloc-irq ringacc any').data as Data;
    expect(Object.keys(a)).toEqual(['virq', 'route']);
    expect(a.virq).toBe(72);
    expect(Object.keys(a.route as Data)).toEqual(ROUTE_FIELDS);
    expect(a.route).toMatchObject({ virq: 72, device: 'ringacc', index: 306, owner: 'alloc-irq' });
  });

  test('a TR channel: its event virq, and two routes (the ring, then the UDMA event)', () => {
    const s = fresh();
    const ch = json(s, 'request-channel main_udmap rx tr').data as Data;
    expect(ch.channels).toEqual([{ name: 'main_udmap:rx8', mode: 'tr', ring: 304, virq: 70, eventVirq: 225 }]);
    expect((ch.routes as Data[]).map((r) => [r.virq, r.device, r.index, r.hwirq, r.globalEvent, r.vint, r.vintBit, r.intrOutput, r.gicSpi, r.parentVirq])).toEqual([
      [70, 'ringacc', 304, 0xbb0130, 16, 16, 0, 17, 49, 290],
      [225, 'main_udmap', 0x208, 0xbc0208, 17, 16, 1, 17, 49, 290],
    ]);
    const released = json(s, 'release-channel main_udmap:rx8').data as Data;
    expect(released).toEqual({ channels: [{ name: 'main_udmap:rx8', mode: 'tr', ring: 304, virq: 70, eventVirq: 225 }], freed: false });
  });

  test('pools: exactly id, owner, total, used, free, peak', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '3']);
    runWords(s, ['release-channel', 'main_udmap:tx10']);
    const data = json(s, 'pools').data as Data;
    expect(Object.keys(data)).toEqual(['pools']);
    const pools = data.pools as Data[];
    expect(pools).toHaveLength(9);
    for (const p of pools) expect(Object.keys(p)).toEqual(POOL_FIELDS);
    expect(pools.find((p) => p.id === 'main_udmap.tx_chan')).toEqual({ id: 'main_udmap.tx_chan', owner: 'main_udmap', total: 53, used: 2, free: 51, peak: 3 });
    expect(pools.find((p) => p.id === 'ringacc.gp_ring')).toEqual({ id: 'ringacc.gp_ring', owner: 'ringacc', total: 100, used: 2, free: 98, peak: 3 });
    expect(pools.find((p) => p.id === 'virq')).toEqual({ id: 'virq', owner: 'linux', total: 1024, used: 227, free: 797, peak: 227 });
  });

  test('fire: register bits are 64-bit hex strings, everything else plain', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    const t = json(s, 'fire-ring ringacc:305 3').data as Data;
    for (const k of ['statusBefore', 'status', 'enable', 'statusMasked']) expect(t[k]).toMatch(HEX64);
    expect(t).toMatchObject({
      device: 'ringacc',
      index: 305,
      times: 3,
      outcome: 'delivered',
      statusBefore: '0x0000000000000000',
      status: '0x0000000000000002',
      enable: '0x0000000000000003',
      statusMasked: '0x0000000000000002',
      statusAddress: 0x33d10018,
      gicSpi: 49,
      parentVirq: 290,
      childVirq: 71,
      count: 3,
    });
    expect(t.handled).toEqual([{ bit: 1, virq: 71, device: 'ringacc', index: 305, hwirq: 0xbb0131, trigger: 'level' }]);
  });

  test('fire: a full VINT shows all 64 bits', () => {
    // 32 TR channels: 64 events, VINT 16 full
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '32', 'tr']);
    const t = json(s, 'fire-ring 304').data as Data;
    expect(t.vint).toBe(16);
    expect(t.enable).toBe('0xffffffffffffffff');
    expect(t.status).toBe('0x0000000000000001');
    // tx45 is the 32nd channel: its TR event is bit 63
    const hi = json(s, 'fire-ring main_udmap:45').data as Data;
    expect(hi).toMatchObject({ vint: 16, bit: 63, statusBefore: '0x0000000000000000', status: '0x8000000000000000' });
    expect((hi.handled as Data[])[0]).toMatchObject({ bit: 63, trigger: 'edge' });
  });

  test('fire: an unmapped ring has no register fields', () => {
    const t = json(fresh(), 'fire-ring 9').data as Data;
    expect(t.outcome).toBe('unmapped');
    for (const k of ['statusBefore', 'status', 'enable', 'statusMasked', 'childVirq']) expect(t).not.toHaveProperty(k);
  });

  test('settings carry the design and its five columns', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    for (const verb of ['policy', 'mode', 'hardware', 'lock', 'failure']) {
      const data = json(s, verb).data as Data;
      expect(Object.keys(data)).toEqual(['design', ...SETTINGS_FIELDS, 'changed', 'boot']);
      expect(data).toEqual({ design: 'merged', ...DEFAULT_SETTINGS, changed: false, boot: [] });
    }
    const changed = json(s, 'lock none').data as Data;
    expect(changed).toMatchObject({ design: 'custom', ...DEFAULT_SETTINGS, lock: 'none', changed: true });
    expect((changed.boot as Data[]).map((e) => e.device)).toEqual(['gic500', 'intr_main_navss', 'intr_main_gpio', 'inta_main_udmass', 'main_gpio0', 'ringacc', 'main_udmap', 'cpts']);
    for (const e of changed.boot as Data[]) expect(Object.keys(e)).toEqual(['device', 'ok', 'message']);
    const rfc = json(s, 'design rfc-v4').data as Data;
    expect(rfc).toMatchObject({ design: 'rfc-v4', policy: 'dedicated', mode: 'demand', hardware: 'alloc', lock: 'none', failure: 'unwind', changed: true });
  });

  test('a setting asked for again: changed false, no boot, and the channels requested before stay', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    expect(json(s, 'policy coalesced').data).toEqual({ design: 'merged', ...DEFAULT_SETTINGS, changed: false, boot: [] });
    expect(json(s, 'design merged').data).toEqual({ design: 'merged', ...DEFAULT_SETTINGS, changed: false, boot: [] });
    expect((json(s, 'routes main_udmap').data as { routes: Array<{ owner: string }> }).routes.map((r) => r.owner)).toEqual(['main_udmap:tx8', 'main_udmap:tx9']);
  });

  test('designs: the one in force, its settings, and every preset', () => {
    const s = fresh();
    const data = json(s, 'design').data as Data;
    expect(Object.keys(data)).toEqual(['current', 'settings', 'designs']);
    expect(data.current).toBe('merged');
    expect(data.settings).toEqual(DEFAULT_SETTINGS);
    expect(Object.keys(data.settings as Data)).toEqual(SETTINGS_FIELDS);
    const designs = data.designs as Data[];
    expect(designs.map((d) => d.name)).toEqual(['merged', 'rfc-v4', 'probe-all', 'dynamic']);
    for (const d of designs) expect(Object.keys(d)).toEqual(['name', 'title', 'summary', 'settings']);
    expect(designs).toEqual(JSON.parse(JSON.stringify(DESIGNS)));
    expect(designs.find((d) => d.name === 'dynamic')!.settings).toEqual({ policy: 'coalesced', mode: 'demand', hardware: 'request', lock: 'inta', failure: 'unwind' });
    runWords(s, ['mode', 'demand']);
    expect((json(s, 'design').data as Data).current).toBe('dynamic');
    runWords(s, ['failure', 'upstream']);
    expect((json(s, 'design').data as Data).current).toBe('custom');
  });

  test('boot: the design, its five columns and the log; a failed probe carries its error', () => {
    const s = fresh();
    const boot = json(s, 'boot').data as Data;
    expect(Object.keys(boot)).toEqual(['design', ...SETTINGS_FIELDS, 'boot']);
    expect(boot).toMatchObject({ design: 'merged', ...DEFAULT_SETTINGS });
    const log = boot.boot as Data[];
    expect(log.find((e) => e.device === 'ringacc')).toEqual({
      device: 'ringacc',
      ok: true,
      message: 'ring accelerator: probed; 100 MSIs for GP rings 304-403 (virqs 70-169; no hardware until request_irq)',
    });
    const probeAll = json(fresh(designNamed('probe-all')!.settings), 'boot').data as Data;
    expect(probeAll).toMatchObject({ design: 'probe-all', policy: 'dedicated', mode: 'probe', hardware: 'alloc', lock: 'inta', failure: 'unwind' });
    const failed = (probeAll.boot as Data[]).find((e) => e.device === 'ringacc')!;
    expect(failed).toMatchObject({
      ok: false,
      message: 'probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed',
    });
    // As every other --json error: the pool by its id (DESIGN.md section 4), not an object.
    expect(failed.error).toEqual({
      code: 'EINVAL',
      message: 'intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed',
      pool: 'intr_main_navss.out',
    });
    // A deferred probe (-EPROBE_DEFER) is not bound but did not fail: marked deferred, no error.
    expect((probeAll.boot as Data[]).find((e) => e.device === 'main_udmap')).toEqual({
      device: 'main_udmap',
      ok: false,
      deferred: true,
      message: 'probe deferred: ringacc is not bound (EPROBE_DEFER)',
    });
    expect((probeAll.boot as Data[]).find((e) => e.device === 'cpts')).toMatchObject({ ok: true });
    // A re-boot into probe-all says the same in its settings line.
    const switched = json(fresh(), 'design probe-all').data as Data;
    expect((switched.boot as Data[]).find((e) => e.device === 'ringacc')!.error).toMatchObject({ pool: 'intr_main_navss.out' });
  });

  test('affinity, mask, expected, help, source, exit', () => {
    const s = fresh();
    runWords(s, ['request-channel', 'main_udmap', 'tx', '2']);
    expect(json(s, 'set-affinity 289 2').data).toEqual({ virq: 289, cpus: [2], moved: [] });
    expect(json(s, 'set-affinity 290 2').error).toEqual({
      code: 'EINVAL',
      message: 'virq 290 is the chained parent of inta_main_udmass VINT 16: /proc/irq has no entry for it, only the kernel could move it (and every event of the VINT with it)',
    });
    expect(json(s, 'mask-irq 70').data).toEqual({ virq: 70, masked: true, delivered: [] });
    expect(json(s, 'expect-pool virq used=227').data).toEqual({
      message: 'virq: used=227 (227/1024 used, peak 227)',
      pool: { id: 'virq', owner: 'linux', total: 1024, used: 227, free: 797, peak: 227 },
    });
    expect(json(s, 'expect-error EBUSY alloc-irq ringacc 304').data).toEqual({
      message: 'EBUSY as expected: ringacc 304 is the completion ring of main_udmap:tx8; release the channel instead',
      expected: 'EBUSY',
      error: { code: 'EBUSY', message: 'ringacc 304 is the completion ring of main_udmap:tx8; release the channel instead' },
    });
    expect(json(s, 'source lib/x.msi').data).toEqual({ path: 'lib/x.msi' });
    expect(json(s, 'exit').data).toEqual({ status: null });
    expect(json(s, 'exit 4').data).toEqual({ status: 4 });
    const help = json(s, 'help pools').data as Data;
    expect(help).toEqual({ entries: [{ name: 'pools', usage: 'pools', summary: expect.any(String), example: 'pools' }] });
  });

  test('interrupts and domains', () => {
    const s = fresh();
    runWords(s, ['fire-ring', '9']);
    runWords(s, ['request-channel', 'main_udmap', 'tx', 'tr']);
    const irq = json(s, 'interrupts').data as Data;
    expect(Object.keys(irq)).toEqual(['cpus', 'irqs', 'unmapped']);
    expect(irq.cpus).toBe(4);
    expect(irq.unmapped).toBe(1);
    const irqs = irq.irqs as Data[];
    expect(irqs.map((i) => i.virq)).toEqual([70, 173, 289]);
    expect(irqs.map((i) => i.trigger)).toEqual(['level', 'edge', 'level']);
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
    // fire's four outcomes: delivered, masked (its event), parent-masked (the VINT's parent), unmapped
    'request-channel main_udmap tx 2 tr', 'mask-irq 70', 'unmask-irq 70', 'mask-irq 290', 'unmask-irq 290', 'fire-ring 304 2', 'fire-ring 305', 'fire-ring 310',
  ];
  const where = fc.record({ file: fc.constantFrom('demo.msi', '<stdin>', 'a "quoted"\\path', 'caf\u00e9\u2028.msi', '-e'), line: fc.nat() });

  test('fire, every outcome, and the unmask that delivers a pending event', () => {
    const s = fresh();
    const seen = new Set<string>();
    const script = ['request-channel main_udmap tx 2', 'fire-ring 304', 'mask-irq 70', 'fire-ring 304', 'unmask-irq 70', 'mask-irq 290', 'fire-ring 305 3', 'unmask-irq 290', 'fire-ring 310'];
    for (const line of script) {
      const result = runWords(s, line.split(' '));
      if (result.ok && result.output.kind === 'fire') seen.add(result.output.trace.outcome);
      if (result.ok && result.output.kind === 'mask' && !result.output.result.masked) expect(result.output.result.delivered).toHaveLength(1);
      expect(renderJson(WHERE, line, result)).toBe(renderJsonReference(WHERE, line, result));
    }
    expect([...seen].sort()).toEqual(['delivered', 'masked', 'parent-masked', 'unmapped']);
  });

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
      { seed: seeded(7), numRuns: 60 },
    );
  });
});
