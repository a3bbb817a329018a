import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AjvModule from 'ajv';
import { am65x } from '../../src/core/topologies/am65x.js';
import { relativeRef } from '../../src/topology/export.js';
import { loadTopology } from '../../src/topology/load.js';
import { parseTopology } from '../../src/topology/validate.js';
import { runCli } from '../e2e/cli-in-process.js';
import { ROOT, runBin, runShell } from '../e2e/harness.js';

const Ajv = AjvModule.default;
const check = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schema/topology.schema.json', 'utf8')));

const SCHEMA = join(ROOT, 'schema/topology.schema.json');
const tmp = mkdtempSync(join(tmpdir(), 'msi-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The file `$schema` names, resolved as an editor resolves it: against the exported file's own URL. */
const schemaOf = (exported: string): string => fileURLToPath(new URL(JSON.parse(readFileSync(exported, 'utf8')).$schema, pathToFileURL(exported)));

const TOPOLOGIES = ['am65x', 'fixtures/topologies/small8.json', 'fixtures/topologies/chained.json', 'fixtures/topologies/race2.json', 'fixtures/topologies/am65x-64events.json'];

describe('topology --export', () => {
  test.each(TOPOLOGIES)('%s: a valid file naming the schema, which loads back equal', async (name) => {
    const r = await runCli(['-t', name, '-e', 'topology --export']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = JSON.parse(r.stdout);
    expect(file.$schema).toMatch(/schema\/topology\.schema\.json$/);
    expect(check(file)).toBe(true);
    const loaded = await loadTopology(name);
    expect(parseTopology(r.stdout)).toEqual({ ok: true, topology: loaded.ok && loaded.topology });
  });

  test('the built-in in the documented spellings: base in hex, channel lists as channels; short values on one line', async () => {
    const r = await runCli(['-e', 'topology --export']);
    expect(r.outLines[0]).toBe('{');
    expect(r.outLines[1]).toMatch(/^  "\$schema": "[^"]*schema\/topology\.schema\.json",$/);
    expect(r.outLines.slice(2, 7)).toEqual([
      '  "name": "am65x",',
      `  "description": ${JSON.stringify(am65x.description)},`,
      '  "cpus": 4,',
      '  "virq": { "first": 64, "count": 1024 },',
      '  "gic": { "id": "gic500", "name": "GIC-500" },',
    ]);
    expect(r.outLines).toContain('      "base": "0x33d00000",');
    expect(r.outLines).toContain('        "channels": [');
    expect(r.outLines).toContain('      "share": [{ "start": 304, "count": 100, "source": "rm" }]');
    // Only a long string can pass 80 columns: it cannot be broken.
    for (const line of r.outLines.filter((l) => l.length > 80)) expect(line).toMatch(/^ *"[$\w]+": "[^"]*",?$/);
  });

  test('redirected into a file elsewhere: $schema is relative to that file\'s folder, and it loads back from another cwd', () => {
    mkdirSync(join(tmp, 'boards/mine'), { recursive: true });
    mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
    const exported = join(tmp, 'boards/mine/soc.json');
    // From the repository's root, as a user would: `msi-explorer -t small8.json -e 'topology --export' > .../soc.json`.
    const r = runShell(`msi -t fixtures/topologies/small8.json -e 'topology --export' > '${exported}'`);
    expect([r.status, r.stderr]).toEqual([0, '']);
    // Not the current folder's path (./schema/...): the exported file's own, which is where an editor looks.
    expect(JSON.parse(readFileSync(exported, 'utf8')).$schema).toMatch(/^(\.\.\/)+.*schema\/topology\.schema\.json$/);
    expect(schemaOf(exported)).toBe(SCHEMA);
    // Loaded from another folder, by a relative path: the same topology, and a run on it.
    const back = runBin(['-t', '../boards/mine/soc.json', '-q', '-e', 'request-channel udma tx 8; expect-pool udma.tx_chan used=8'], { cwd: join(tmp, 'elsewhere') });
    expect([back.status, back.stderr]).toEqual([0, '']);
    const again = runBin(['-t', '../boards/mine/soc.json', '-e', 'topology --export'], { cwd: join(tmp, 'elsewhere') });
    expect(parseTopology(again.stdout)).toEqual(parseTopology(readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8')));
  });

  test('written to a pipe or a terminal, where its file is not known: the schema\'s absolute file: URL, which resolves from anywhere', () => {
    const r = runBin(['-e', 'topology --export'], { cwd: join(ROOT, 'fixtures/topologies') });
    expect(JSON.parse(r.stdout).$schema).toBe(pathToFileURL(SCHEMA).href);
  });

  test('--json gives the file as data.file', async () => {
    const r = await runCli(['--json', '-e', 'topology --export']);
    const line = JSON.parse(r.stdout);
    expect(line.ok).toBe(true);
    expect(parseTopology(JSON.stringify(line.data.file))).toEqual({ ok: true, topology: am65x });
  });

  test('anything but --export is refused with one line, exit 1', async () => {
    const r = await runCli(['-e', 'topology --exprot']);
    expect(r.errLines).toEqual(["-e:1: topology: EUSAGE: expected --export or nothing, got '--exprot'"]);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });
});

describe('$schema as a relative URI reference', () => {
  test('each segment escaped: a space and a # in a folder name (an editor reads # as a fragment)', () => {
    expect(relativeRef('/home/me/out', '/home/me/my tools#2/schema/topology.schema.json')).toBe('../my%20tools%232/schema/topology.schema.json');
    expect(relativeRef('/home/me', '/home/me/schema/topology.schema.json')).toBe('./schema/topology.schema.json');
  });
});
