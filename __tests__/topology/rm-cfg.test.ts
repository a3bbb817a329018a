import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { BINARY_UNIT } from '../binary-unit.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import type { Topology } from '../../src/core/topology.js';
import { applyRmCfg } from '../../src/topology/rm-cfg.js';
import { TR_EVENT_SPACE } from '../../src/topology/semantics.js';
import { parseTopology } from '../../src/topology/validate.js';
import { runCli } from '../e2e/cli-in-process.js';
import { BIN, childEnv } from '../e2e/harness.js';
import { seeded } from '../seed.js';

const FIXTURE = 'fixtures/rm-cfg/am65x-host12.yaml';
const text = readFileSync(FIXTURE, 'utf8');
const rm = (start: number, count: number) => ({ start, count, source: 'rm' });

const apply = (yaml: string, host: number, name = 'rm.yaml'): Topology => {
  const r = applyRmCfg(yaml, name, host, am65x);
  if (!r.ok) throw new Error(r.error);
  return r.topology;
};
const errorOf = (yaml: string, host = 12): string => {
  const r = applyRmCfg(yaml, 'rm.yaml', host, am65x);
  return r.ok ? 'no error' : r.error;
};

/** A board config of `entries` ([type, host, start, num]) in the U-Boot layout. */
const board = (entries: Array<[number, number, number, number]>): string =>
  ['rm-cfg:', '    resasg_entries:', ...entries.flatMap(([type, host, start, num]) => [
    '        -',
    `            start_resource: ${start}`,
    `            num_resource: ${num}`,
    `            type: ${type}`,
    `            host_id: ${host}`,
    '            reserved: 0',
  ])].join('\n') + '\n';

/** The fixture's host-12 entries for every pool: one changed at a time below. */
const HOST12: Array<[number, number, number, number]> = [
  [6400, 12, 0, 20], [11466, 12, 16, 80], [11469, 12, 16, 1024], [11648, 12, 16, 64], [11969, 12, 304, 100],
  [12042, 12, 8, 12], [12042, 12, 26, 52], [12043, 12, 2, 2], [12045, 12, 8, 12], [12045, 12, 26, 38], [12047, 12, 1, 3],
];
/** The line of entry i's first key (start_resource) in board(entries): 6 lines an entry after the 2-line head. */
const lineOfEntry = (i: number) => 4 + 6 * i;

describe('--rm-cfg: the share from a board config', () => {
  test('host 12 of the fixture (cut from U-Boot am65x rm-cfg.yaml) is exactly the built-in share', () => {
    const t = apply(text, 12, FIXTURE);
    expect(t).toEqual({ ...am65x, sources: { ...am65x.sources, rm: `${FIXTURE}, host_id 12` } });
  });

  test('host 13: VINTs 96-125, events 1040-1551, outputs 80-119 and 20-23, rings 404-453, tchan 64-71, rchan 78-85', () => {
    const t = apply(text, 13, FIXTURE);
    expect(t.intas[0].vintShare).toEqual([rm(96, 30)]);
    expect(t.intas[0].globalEvents).toEqual([rm(1040, 512)]);
    expect(t.intrs.map((r) => [r.id, r.share])).toEqual([
      ['intr_main_navss', [rm(80, 40)]],
      ['intr_main_gpio', [rm(20, 4)]],
    ]);
    expect(t.msiDevices[0].share).toEqual([rm(404, 50)]);
    expect(t.dmas[0].tx.share).toEqual([rm(64, 8)]);
    expect(t.dmas[0].rx.share).toEqual([rm(78, 8)]);
    expect(t.sources?.rm).toBe(`${FIXTURE}, host_id 13`);
    // The description names the host read, not the one the built-in share came from.
    expect(t.description).toBe("TI AM65x MAIN domain, Linux's resource share (TISCI host 13): NAVSS INTR + UDMASS INTA, UDMA-P, ring accelerator, CPTS, GPIO");
    // Nothing else changes: the hardware, the driver's constants, the other sources.
    const rest = { intas: [], intrs: [], msiDevices: [], dmas: [], sources: {}, description: '' };
    expect({ ...t, ...rest }).toEqual({ ...am65x, ...rest });
    expect(t.dmas[0].tx.firstNormal).toBe(8);
  });

  test('primary and secondary ranges of one (type, host) both count, lowest first, whatever the file order', () => {
    const t = apply(board([...HOST12.slice(0, 5), [12045, 12, 26, 38], [12047, 12, 1, 3], [12045, 12, 8, 12], [12042, 12, 8, 60], [12043, 12, 2, 2]]), 12);
    expect(t.dmas[0].tx.share).toEqual([rm(1, 3), rm(8, 12), rm(26, 38)]);
    expect(t.dmas[0].rx.share).toEqual([rm(2, 2), rm(8, 60)]);
  });

  test('entries of 0 before the primary take no place: upstream\'s host-13 layout, and a third entry of 0 is no range', () => {
    const t = apply(board([...HOST12.slice(0, 1), [11466, 12, 0, 0], [11466, 12, 0, 0], ...HOST12.slice(1), [11466, 12, 100, 4], [11466, 12, 120, 0]]), 12);
    expect(t.intas[0].vintShare).toEqual([rm(16, 80), rm(100, 4)]);
  });

  test('devices the topology does not model, and subtypes it does not use (rflows), are left alone', () => {
    const t = apply(board([[192, 12, 0, 12], [12032, 12, 150, 64], ...HOST12]), 12);
    expect(t).toEqual({ ...am65x, sources: { ...am65x.sources, rm: 'rm.yaml, host_id 12' } });
  });

  test('a pool the file names for no host keeps the topology\'s share', () => {
    const t = apply(board(HOST12.filter(([type]) => type !== 6400)), 12);
    expect(t.intrs[1].share).toEqual(am65x.intrs[1].share);
  });

  test('the CLI: pools and routes follow host 13, and topology --export writes a file that re-loads equal', async () => {
    const r = await runCli(['--rm-cfg', FIXTURE, '--host', '13', '--json', '-e', 'pools', '-e', 'topology --export']);
    // Host 13 has 4 GPIO INTR outputs for 6 banks: main_gpio0's probe fails, said once on stderr
    // (a warning: the status stays 0; stdout holds the commands' objects only).
    expect(r.stderr).toBe('msi-explorer: boot: main_gpio0: probe failed: EINVAL: intr_main_gpio.out exhausted (4/4 used) (see boot)\n');
    expect(r.status).toBe(0);
    expect(r.outLines).toHaveLength(2);
    const [pools, exported] = r.outLines.map((l) => JSON.parse(l));
    const vint = pools.data.pools.find((p: { id: string }) => p.id === 'inta_main_udmass.vint');
    expect(vint).toMatchObject({ total: 30 });
    expect(parseTopology(JSON.stringify(exported.data.file))).toEqual({ ok: true, topology: apply(text, 13, FIXTURE) });
    expect(exported.data.file.description).toMatch(/^TI AM65x MAIN domain, Linux's resource share \(TISCI host 13\): /);
  });

  test('the CLI: topology names host 13 in its header as in its [RM] source', async () => {
    const r = await runCli(['--rm-cfg', FIXTURE, '--host', '13', '-e', 'topology'], { env: { NO_COLOR: '1', COLUMNS: '80' } });
    expect(r.status).toBe(0);
    expect(r.outLines.slice(0, 2)).toEqual([
      "am65x: TI AM65x MAIN domain, Linux's resource share (TISCI host 13): NAVSS INTR",
      '        + UDMASS INTA, UDMA-P, ring accelerator, CPTS, GPIO',
    ]);
    expect(r.outLines).toContain(`  [RM] ${FIXTURE}, host_id 13`);
    expect(r.outLines.join('\n')).not.toMatch(/host 12/);
  });

  test('the YAML parser is loaded only when --rm-cfg is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msi-hook-'));
    // The bundle require()s it; the compiled modules (no bundle) import it: watch both.
    const hook = join(dir, 'hook.mjs');
    writeFileSync(hook, `export async function resolve(s, c, next) {
  const r = await next(s, c);
  if (/\\/node_modules\\/yaml\\//.test(r.url)) process.stderr.write('LOADED yaml\\n');
  return r;
}\n`);
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'yaml') process.stderr.write('LOADED yaml\\n');
  return load.call(this, request, ...rest);
};\n`);
    const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hook).href)})`;
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['--require', preload, '--import', register, BIN, ...args], { env: childEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).stderr;
    expect(run(['-e', 'pools'])).toBe('');
    expect(run(['--rm-cfg', FIXTURE, '--host', '12', '-e', 'pools'])).toContain('LOADED yaml');
  });
});

describe('--rm-cfg: bad input is one line and exit 2', () => {
  test.each([
    [['--rm-cfg', 'no/such.yaml', '--host', '12'], 'msi-explorer: no/such.yaml: cannot read rm-cfg file: no such file'],
    [['--rm-cfg', FIXTURE], 'msi-explorer: --rm-cfg needs --host <id>: the TISCI host whose share to read (Linux on AM65x is 12)'],
    [['--host', '12'], "msi-explorer: --host needs --rm-cfg <rm-cfg.yaml>: the board config to read the host's share from"],
    [['--rm-cfg', FIXTURE, '--host', '256'], "msi-explorer: --host: expected a TISCI host id 0-255, got '256'"],
    [['--rm-cfg', FIXTURE, '--host', 'linux'], "msi-explorer: --host: expected a TISCI host id 0-255, got 'linux'"],
    [['--rm-cfg', FIXTURE, '--host', '99'], `msi-explorer: ${FIXTURE}: host 99 has no entries (hosts in the file: 12, 13)`],
  ])('%j', async (args, line) => {
    const r = await runCli([...args, '-e', 'pools']);
    expect(r.errLines).toEqual([line]);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });

  test("an rx channel whose TR event is one of the topology's tx share: said at the rx entry", () => {
    const topology: Topology = { ...am65x, dmas: [{ ...am65x.dmas[0], tx: { ...am65x.dmas[0].tx, share: [...am65x.dmas[0].tx.share, { start: 520, count: 2, source: 'dt' }] } }] };
    const yaml = board(HOST12.filter(([type]) => type !== 12045 && type !== 12047));
    const r = applyRmCfg(yaml, 'rm.yaml', 12, topology);
    expect(r.ok ? 'no error' : r.error).toBe(
      `rm.yaml:${lineOfEntry(5)}: main_udmap RX_CHAN 8-19 for host 12: TR event indices 520-521 (rx channels 8-9 + rxEventOffset 512) collide with TR event indices 520-521 (tx channels 520-521) of the topology's tx share; ${TR_EVENT_SPACE}`,
    );
  });

  test('a YAML syntax error names its line', () => {
    const broken = text.replace('            host_id: 13\n', '            host_id: [13\n');
    const line = text.slice(0, text.indexOf('            host_id: 13\n')).split('\n').length;
    expect(errorOf(broken)).toMatch(new RegExp(`^rm\\.yaml:${line + 1}: YAML syntax error: `));
    expect(errorOf('rm-cfg:\n  a: 1\n  a: 2\n')).toBe('rm.yaml:3: YAML syntax error: Map keys must be unique');
  });

  test.each([
    ['not a board config', 'name: small8\n', "rm.yaml: expected a board config with rm-cfg: resasg_entries: (the U-Boot / TI SDK rm-cfg.yaml format), found none"],
    ['entries that are not a list', 'rm-cfg:\n  resasg_entries: 3\n', 'rm.yaml:2: expected rm-cfg.resasg_entries to be a list of entries'],
    ['an entry that is not a mapping', 'rm-cfg:\n  resasg_entries:\n    - 12\n', 'rm.yaml:3: expected a resasg entry { start_resource, num_resource, type, host_id }'],
    ['a negative start', board(HOST12).replace('start_resource: 16', 'start_resource: -16'), `rm.yaml:${lineOfEntry(1)}: start_resource: expected an integer 0-65535, got -16`],
    ['a missing host_id', board(HOST12).replace('            host_id: 12\n            reserved: 0\n        -\n            start_resource: 304', '            reserved: 0\n        -\n            start_resource: 304'), `rm.yaml:${lineOfEntry(3)}: host_id: expected an integer 0-255, got nothing`],
    ['a type that is text', board(HOST12).replace('type: 11466', 'type: IA_VINT'), `rm.yaml:${lineOfEntry(1) + 2}: type: expected an integer 0-65535, got 'IA_VINT'`],
    // A YAML null (`~`, or no value at all) is said as null, a list or a mapping as such.
    ['a null count', board(HOST12).replace('num_resource: 80', 'num_resource: ~'), `rm.yaml:${lineOfEntry(1) + 1}: num_resource: expected an integer 0-65536, got null`],
    ['a count with no value', board(HOST12).replace('num_resource: 80', 'num_resource:'), `rm.yaml:${lineOfEntry(1) + 1}: num_resource: expected an integer 0-65536, got null`],
    ['a count that is a list', board(HOST12).replace('num_resource: 80', 'num_resource: [80]'), `rm.yaml:${lineOfEntry(1) + 1}: num_resource: expected an integer 0-65536, got a list`],
    ['a type that is a mapping', board(HOST12).replace('type: 11466', 'type: {dev: 179}'), `rm.yaml:${lineOfEntry(1) + 2}: type: expected an integer 0-65535, got a mapping`],
    // A resasg entry has the fields of struct tisci_boardcfg_rm_resasg_entry, no others: a misspelt one is named, as in topology files.
    ['a misspelt key', board(HOST12).replace('num_resource: 80', 'num_resourse: 80'), `rm.yaml:${lineOfEntry(1) + 1}: unknown key 'num_resourse': did you mean 'num_resource'?`],
    ['an unknown key', board(HOST12).replace('type: 11466', 'type: 11466\n            owner: linux'), `rm.yaml:${lineOfEntry(1) + 3}: unknown key 'owner'; known here: start_resource, num_resource, type, host_id, reserved`],
    ['a range past 16 bits', board([[11469, 12, 65000, 1000]]), `rm.yaml:${lineOfEntry(0)}: start_resource 65000 + num_resource 1000 - 1 passes 65535: resource numbers are 16-bit`],
    ['only devices of another SoC', board([[192, 12, 0, 12], [6208, 12, 0, 32]]), 'rm.yaml: no entry names a device of topology am65x (TISCI device ids 100, 179, 182, 187, 188): is it this SoC\'s board config?'],
    ['VINTs the INTA does not have', board([...HOST12.slice(0, 1), [11466, 12, 240, 20], ...HOST12.slice(2)]), `rm.yaml:${lineOfEntry(1)}: inta_main_udmass IA_VINT 240-259 for host 12 is outside the hardware: VINT 256 is not wired (inta_main_udmass has VINT 0-255)`],
    ['global events past the hardware', board([...HOST12.slice(0, 2), [11469, 12, 4600, 16], ...HOST12.slice(3)]), `rm.yaml:${lineOfEntry(2)}: inta_main_udmass GLOBAL_EVENT_SEVT 4600-4615 for host 12 is outside the hardware: inta_main_udmass has global events 0-4607`],
    ['INTR outputs that route nowhere', board([...HOST12.slice(0, 3), [11648, 12, 120, 16], ...HOST12.slice(4)]), `rm.yaml:${lineOfEntry(3)}: intr_main_navss IR_OUTPUT 120-135 for host 12 is outside the hardware: output 128 routes nowhere (intr_main_navss wires outputs 0-63, 64-127)`],
    ['rings past the ring accelerator', board([...HOST12.slice(0, 4), [11969, 12, 800, 100], ...HOST12.slice(5)]), `rm.yaml:${lineOfEntry(4)}: ringacc GP rings 800-899 for host 12 is outside the hardware: ringacc has rings 0-817`],
    // SYSFW (rm_core.c core_resasg_get_range) answers a host's range query with the first two entries of the type, and Linux reads those two.
    ['a third range of one type for the host', board([...HOST12, [11466, 12, 100, 4], [11466, 12, 110, 4]]),
      `rm.yaml:${lineOfEntry(12)}: inta_main_udmass IA_VINT 110-113 for host 12 is a third range of its type: SYSFW gives a host two at most (primary and secondary: the entries at lines ${lineOfEntry(1)} and ${lineOfEntry(11)}), which Linux reads into ti_sci_resource_desc start/num and start_sec/num_sec, and ignores the rest`],
    ['a third range after a secondary of 0', board([...HOST12, [11466, 12, 100, 0], [11466, 12, 110, 4]]),
      `rm.yaml:${lineOfEntry(12)}: inta_main_udmass IA_VINT 110-113 for host 12 is a third range of its type: SYSFW gives a host two at most (primary and secondary: the entries at lines ${lineOfEntry(1)} and ${lineOfEntry(11)}, the second granting 0), which Linux reads into ti_sci_resource_desc start/num and start_sec/num_sec, and ignores the rest`],
    ['a pool the host is not given', board([...HOST12.filter(([type]) => type !== 11969), [11969, 13, 404, 50]]), 'rm.yaml: host 12 has no ringacc GP rings entry: ringacc.gp_ring would be empty'],
    // The host has an entry; it grants nothing (upstream ti_sci_get_resource_range: -ENODEV for a range of 0 and 0).
    ['a pool whose only entry grants 0', board([...HOST12.filter(([type]) => type !== 6400), [6400, 12, 0, 0]]), `rm.yaml:${lineOfEntry(10)}: the intr_main_gpio IR_OUTPUT entry for host 12 grants nothing (num_resource: 0): intr_main_gpio.out would be empty`],
    // Said at the later entry's line, naming the earlier one's: not at the sorted share's JSON path.
    ['overlapping ranges of one pool, across its two types', board([...HOST12, [12047, 12, 10, 4]]), `rm.yaml:${lineOfEntry(11)}: main_udmap TX_HCHAN 10-13 for host 12 overlaps the entry at line ${lineOfEntry(8)} (main_udmap TX_CHAN 8-19)`],
    ['overlapping primary and secondary ranges of one type', board([...HOST12.slice(0, 2), [11466, 12, 90, 6], ...HOST12.slice(2)]), `rm.yaml:${lineOfEntry(2)}: inta_main_udmass IA_VINT 90-95 for host 12 overlaps the entry at line ${lineOfEntry(1)} (inta_main_udmass IA_VINT 16-95)`],
    ['one range given twice, flow style', 'rm-cfg:\n  resasg_entries:\n    - {start_resource: 16, num_resource: 8, type: 11466, host_id: 12}\n    - {start_resource: 16, num_resource: 8, type: 11466, host_id: 12}\n',
      'rm.yaml:4: inta_main_udmass IA_VINT 16-23 for host 12 overlaps the entry at line 3 (inta_main_udmass IA_VINT 16-23)'],
    ['a tx channel whose TR event is an rx channel\'s', board([...HOST12.slice(0, 9), [12045, 12, 512, 4], ...HOST12.slice(10)]),
      `rm.yaml:${lineOfEntry(9)}: main_udmap TX_CHAN 512-515 for host 12: TR event indices 514-515 (tx channels 514-515) collide with TR event indices 514-515 (rx channels 2-3 + rxEventOffset 512) of the entry at line ${lineOfEntry(7)} (main_udmap RX_HCHAN 2-3); ${TR_EVENT_SPACE}`],
    ['a tx channel whose TR event is one of the topology\'s rx share', board([...HOST12.filter(([type]) => type !== 12042 && type !== 12043).slice(0, 5), [12045, 12, 512, 4]]),
      `rm.yaml:${lineOfEntry(5)}: main_udmap TX_CHAN 512-515 for host 12: TR event indices 514-515 (tx channels 514-515) collide with TR event indices 514-515 (rx channels 2-3 + rxEventOffset 512) of the topology's rx share; ${TR_EVENT_SPACE}`],
    ['rx channels whose TR events pass 16 bits', board([...HOST12.slice(0, 5), [12042, 12, 65100, 100], ...HOST12.slice(6)]),
      `rm.yaml:${lineOfEntry(5)}: main_udmap RX_CHAN 65100-65199 for host 12: rxEventOffset 512 + rchan 65199 = 65711 passes 65535: TR event indices (rxEventOffset + rchan) are 16-bit numbers`],
  ])('%s', (_what, yaml, error) => {
    expect(errorOf(yaml)).toBe(error);
  });
});

describe('--rm-cfg: garbage never throws', () => {
  test('the fixture cut, spliced and garbled: a topology or one error line naming the file, seeded', () => {
    fc.assert(
      fc.property(fc.nat(text.length), fc.nat(200), fc.string({ unit: BINARY_UNIT, maxLength: 40 }), (at, cut, junk) => {
        const garbled = text.slice(0, at) + junk + text.slice(at + cut);
        const r = applyRmCfg(garbled, 'rm.yaml', 12, am65x);
        if (r.ok) expect(r.topology.sources?.rm).toBe('rm.yaml, host_id 12');
        else expect(r.error).toMatch(/^rm\.yaml(:\d+)?: [^\n]+$/);
      }),
      { seed: seeded(11), numRuns: 400 },
    );
  });
});
