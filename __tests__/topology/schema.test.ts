import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { am65x } from '../../src/core/topologies/am65x.js';
import { parseTopology } from '../../src/topology/validate.js';
import { schema as compiled } from '../../src/topology/schema-validator.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

// ajv is CommonJS: under NodeNext its class is the `default` of what `import` gives.
const Ajv = AjvModule.default;
const schema = JSON.parse(readFileSync('schema/topology.schema.json', 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const check = ajv.compile(schema);
const errorsOf = (json: unknown): string[] => (check(json) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

const DIR = 'fixtures/topologies';
const shipped = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const builtIn = (): Json => JSON.parse(JSON.stringify(am65x));

describe('the published JSON Schema', () => {
  test('there are shipped topologies to check', () => {
    expect(shipped.sort()).toEqual(['am65x-64events.json', 'am65x-64rings.json', 'chained.json', 'race2.json', 'small8.json']);
  });

  test.each(shipped)('%s names the schema, validates against it, and loads', (file) => {
    const text = readFileSync(`${DIR}/${file}`, 'utf8');
    const json = JSON.parse(text);
    expect(json.$schema).toBe('../../schema/topology.schema.json');
    expect(errorsOf(json)).toEqual([]);
    expect(parseTopology(text).ok).toBe(true);
  });

  test('the validator the tool runs was generated from this schema (npm run build regenerates it)', () => {
    // The generator tags each node with its pointer and leaves duplicates to the semantic checks.
    const strip = (k: string, v: unknown) => (k === 'x-at' || k === 'uniqueItems' ? undefined : v);
    expect(JSON.parse(JSON.stringify(compiled, strip))).toEqual(JSON.parse(JSON.stringify(schema, strip)));
  });

  test('JSON.stringify of the built-in am65x validates', () => {
    expect(errorsOf(builtIn())).toEqual([]);
  });

  test('the validator ignores a $schema key: the built-in with one loads equal to the built-in', () => {
    const parsed = parseTopology(JSON.stringify({ $schema: 'schema/topology.schema.json', ...builtIn() }));
    expect(parsed).toEqual({ ok: true, topology: am65x });
  });

  test('the older spellings validate: free, { count } channels, integer hardware counts', () => {
    const t = builtIn();
    t.msiDevices[0].free = t.msiDevices[0].share;
    delete t.msiDevices[0].share;
    t.dmas[0].tx = { count: 64, source: 'sysfw' };
    t.dmas[0].rx = { channels: t.dmas[0].rx.share, firstNormal: 8 };
    t.intas[0].hardware = { vints: 256, globalEvents: 4608, source: 'sysfw' };
    t.intrs[0].outputs = 152;
    t.intrs[0].outputsSource = 'sysfw';
    expect(errorsOf(t)).toEqual([]);
    expect(parseTopology(JSON.stringify(t)).ok).toBe(true);
  });

  /** Mistakes both the editor (through the schema) and the tool must refuse. */
  const broken: Array<[string, (t: Json) => void, string]> = [
    ['a negative count', (t) => (t.intrs[0].ranges[1].count = -3), '/intrs/0/ranges/1/count must be >= 1'],
    ['a bad id', (t) => (t.gic.id = 'gic 500'), '/gic/id must match pattern "^[A-Za-z0-9_.-]{1,64}$"'],
    ['no name', (t) => delete t.name, " must have required property 'name'"],
    ['an unknown source', (t) => (t.intas[0].vintShare[0].source = 'board'), '/intas/0/vintShare/0/source must be equal to one of the allowed values'],
    ['a control character in a name', (t) => (t.msiDevices[0].name = 'ring\u001baccelerator'), '/msiDevices/0/name must match pattern'],
    ['a description past 1024 characters', (t) => (t.description = 'x'.repeat(1025)), '/description must NOT have more than 1024 characters'],
    ['a base that is not hex', (t) => (t.intas[0].base = '0xZZ'), '/intas/0/base must match pattern'],
    ['an empty channel list', (t) => (t.dmas[0].tx.share = []), '/dmas/0/tx/share must NOT have fewer than 1 items'],
    ['cpus past 32', (t) => (t.cpus = 33), '/cpus must be <= 32'],
    ['a trigger type the ti,sci-intr binding does not allow', (t) => (t.intrs[1].triggerType = 2), '/intrs/1/triggerType must be equal to one of the allowed values'],
  ];
  test.each(broken)('schema and tool both refuse %s', (_what, breakIt, schemaError) => {
    const t = builtIn();
    breakIt(t);
    expect(errorsOf(t).join('\n')).toContain(schemaError);
    expect(parseTopology(JSON.stringify(t)).ok).toBe(false);
  });

  test('schema and tool both refuse a misspelt key (vintshare would give Linux every VINT), the tool with a suggestion', () => {
    const t = builtIn();
    t.intas[0].vintshare = t.intas[0].vintShare;
    delete t.intas[0].vintShare;
    expect(errorsOf(t)).toContain('/intas/0 must NOT have additional properties');
    expect(parseTopology(JSON.stringify(t))).toEqual({
      ok: false,
      issues: [{ path: '$.intas[0].vintshare', message: "unknown key 'vintshare': did you mean 'vintShare'?" }],
    });
  });
});
