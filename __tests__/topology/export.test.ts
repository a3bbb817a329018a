import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { am65x } from '../../src/core/topologies/am65x.js';
import { loadTopology } from '../../src/topology/load.js';
import { parseTopology } from '../../src/topology/validate.js';
import { runCli } from '../e2e/cli-in-process.js';
import { runBin } from '../e2e/harness.js';

const Ajv = AjvModule.default;
const check = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync('schema/topology.schema.json', 'utf8')));

const TOPOLOGIES = ['am65x', 'fixtures/topologies/small8.json', 'fixtures/topologies/chained.json', 'fixtures/topologies/race2.json', 'fixtures/topologies/am65x-64events.json'];

describe('topology --export', () => {
  test.each(TOPOLOGIES)('%s: a valid file naming the schema, which loads back equal', async (name) => {
    const r = await runCli(['-t', name, '-e', 'topology --export']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = JSON.parse(r.stdout);
    expect(file.$schema).toBe('./schema/topology.schema.json');
    expect(check(file)).toBe(true);
    const loaded = await loadTopology(name);
    expect(parseTopology(r.stdout)).toEqual({ ok: true, topology: loaded.ok && loaded.topology });
  });

  test('the built-in in the documented spellings: base in hex, channel lists as channels; short values on one line', async () => {
    const r = await runCli(['-e', 'topology --export']);
    expect(r.outLines.slice(0, 7)).toEqual([
      '{',
      '  "$schema": "./schema/topology.schema.json",',
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
    for (const line of r.outLines.filter((l) => l.length > 80)) expect(line).toMatch(/^ *"\w+": "[^"]*",?$/);
  });

  test('$schema is relative to the current folder, where `> file.json` puts the export', () => {
    const r = runBin(['-e', 'topology --export'], { cwd: 'fixtures/topologies' });
    expect(JSON.parse(r.stdout).$schema).toBe('../../schema/topology.schema.json');
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
