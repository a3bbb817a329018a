/**
 * The surfaces of issue 11's last bullet, fuzzed with fixed seeds: `interleave --schedule` and
 * its options, `compare`/`capacity` workloads and design lists, completion and prompt planning
 * of partial lines, and topology files checked against the published JSON Schema. Each gives a
 * result or one clear error line of a known code, never a throw or a stack, and leaves the
 * session exactly as it was (these verbs are queries).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import AjvModule from 'ajv';
import fc from 'fast-check';
import { complete } from '../../src/cli/completion.js';
import { planPrompts, type Question } from '../../src/cli/prompts.js';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { DESIGNS } from '../../src/core/designs.js';
import { expectAbove, expectNoMatch, expectToBe, expectToEqual } from '../hot-expect.js';
import { CoreError } from '../../src/core/errors.js';
import { System } from '../../src/core/system.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { parseTopology } from '../../src/topology/validate.js';
import { DEFAULT_SETTINGS, ROOT } from './harness.js';
import { checkError, mutateJson, runChecked, wordsOf } from './fuzz-kit.js';
import { seeded } from '../seed.js';

const SEED = seeded(0x5eed_1111);
const VERBS = COMMANDS.map((c) => c.name);

/**
 * Runs a query line on a session that already holds something (channels, MSIs); the model and
 * the settings must be as they were whatever the outcome. Returns the error code, or 'ok'.
 */
const runQuery = (session: Session, line: string): string => {
  const words = wordsOf(line);
  if (words instanceof CoreError) return words.code;
  if (words.length === 0) return 'ok';
  const before = session.system.fingerprint();
  const settings = { ...session.settings };
  const r = runChecked(session, words, line);
  if (session.system.fingerprint() !== before) throw new Error(`query changed the model: ${JSON.stringify(line.slice(0, 200))}`);
  expectToEqual(session.settings, settings);
  if (r.ok) return 'ok';
  checkError(line, r.error.code, r.error.message);
  return r.error.code;
};

/**
 * A session with channels and MSIs in it, so that queries have state to leave alone (under
 * probe-all the drivers are not bound on am65x: EPROBE_DEFER, and the session stays empty).
 */
const busySession = (settings = DEFAULT_SETTINGS): Session => {
  const s = new Session(am65x, settings);
  for (const l of ['alloc-irq ringacc 400', 'alloc-irq ringacc 401', 'request-channel main_udmap tx 3', 'request-channel main_udmap rx 2', 'alloc-irq ringacc any']) {
    const r = runWords(s, tokenize(l));
    if (!r.ok && r.error.code !== 'EPROBE_DEFER') throw new Error(`setting up: ${l}: ${r.error.message}`);
  }
  return s;
};

const CONTROL = ['\x00', '\x01', '\x07', '\x1b', '\x7f', '\x9b', '\u2028', '\u202e', '\ufeff', '\ufffd'];
const garble = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.constantFrom(...CONTROL).map((c) => `x${c}y`),
  fc.constantFrom('"', "'", '""', '"a b"', '"unterminated', '#', ';', '\\', '--', '-', '=', ',', ',,', '*', '**'),
  fc.nat({ max: 5000 }).map((n) => 'w'.repeat(n)),
);
const number = fc.oneof(
  fc.nat({ max: 20 }).map(String),
  fc.integer({ min: -100, max: -1 }).map(String),
  fc.bigInt({ min: 2n ** 31n, max: 2n ** 80n }).map(String),
  fc.constantFrom('0x10', '0x', 'NaN', '1e3', '1.5', '-0', '4294967296', '9007199254740993', '0xffffffffffffffffff'),
);

// ---- interleave --schedule ------------------------------------------------------------------

/** One schedule element: a letter (sometimes not an op's), then a count, a star, or garbage. */
const scheduleStep = fc.tuple(
  fc.constantFrom('A', 'B', 'C', 'D', 'Z', 'a', 'b', '', '*', '1'),
  fc.oneof(fc.constant('*'), fc.constant(''), fc.nat({ max: 12 }).map(String), number, fc.constantFrom('**', '*1', '-1', '+1', ' ', '\t')),
).map(([l, n]) => l + n);
const schedule = fc.oneof(
  { weight: 6, arbitrary: fc.array(scheduleStep, { minLength: 0, maxLength: 8 }).map((xs) => xs.join(',')) },
  { weight: 2, arbitrary: fc.tuple(fc.array(scheduleStep, { maxLength: 5 }), fc.constantFrom(',', ';', ' ', ',,', ', ')).map(([xs, sep]) => xs.join(sep)) },
  { weight: 1, arbitrary: fc.constantFrom('A3,B*,A*', 'A*,B*', 'B*,A*', 'A1,B1,A*,B*', 'A6,B*,A*,C*', 'A99999999999,B*') },
  { weight: 1, arbitrary: garble },
);
const OPS = [
  'alloc-irq ringacc 396',
  'alloc-irq ringacc 397',
  'alloc-irq ringacc any',
  'alloc-irq timer 0',
  'alloc-irq nosuch 1',
  'alloc-irq ringacc 818',
  'free-irq ringacc 400',
  'free-irq ringacc 401',
  'free-irq ringacc 320',
  'alloc-irq ringacc 160',
  'request-channel main_udmap tx',
  'request-channel main_udmap rx 2',
  'release-channel main_udmap:tx8',
  'release-channel all',
  'pools',
  '',
];
const op = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...OPS) }, { weight: 1, arbitrary: garble });
const quoted = (s: string): string => `"${s.replace(/"/g, '')}"`;
const option = fc.oneof(
  { weight: 6, arbitrary: schedule.map((s) => ['--schedule', quoted(s)]) },
  { weight: 2, arbitrary: schedule.map((s) => ['--schedule', s]) },
  { weight: 2, arbitrary: fc.oneof(number, garble).map((v) => ['--preemptions', quoted(v)]) },
  { weight: 2, arbitrary: fc.oneof(number, garble).map((v) => ['--seed', quoted(v)]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('all', 'random', 'some', ''), fc.oneof(number, fc.constant(''))).map(([m, n]) => (m === 'random' ? ['--explore', m, quoted(n)] : ['--explore', quoted(m)])) },
  { weight: 2, arbitrary: fc.constantFrom('none', 'list', 'inta', 'device', 'bogus').map((v) => ['--lock', v]) },
  { weight: 1, arbitrary: fc.constantFrom('ok', 'race', 'x').map((v) => ['--expect', v]) },
  { weight: 1, arbitrary: fc.constantFrom('1', '50', '0', '-1', 'x').map((v) => ['--max-schedules', v]) },
  { weight: 1, arbitrary: fc.constantFrom(['--schedule'], ['--bogus', '1'], ['--seed'], ['--explore', 'random']) },
);
const interleaveLine = fc
  .tuple(fc.array(op, { minLength: 0, maxLength: 3 }), fc.array(option, { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([ops, opts, optsFirst]) => {
    const o = ops.map(quoted);
    const f = opts.flat();
    // Exploring every schedule of three ops is a benchmark, not a fuzz case: bound it unless fuzzed.
    if (!f.includes('--max-schedules')) f.push('--max-schedules', '300');
    return ['interleave', ...(optsFirst ? [...f, ...o] : [...o, ...f])].join(' ');
  });

describe('fuzz: interleave --schedule and its options', () => {
  test('a result or one error line of a known code; the session is unchanged', () => {
    const codes = new Map<string, number>();
    const sessions = DESIGNS.map((d) => busySession(d.settings));
    fc.assert(
      fc.property(fc.nat({ max: sessions.length - 1 }), interleaveLine, (i, line) => {
        const code = runQuery(sessions[i], line);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: 300 },
    );
    // The generator reaches successes and the usual refusals, or the property proves little.
    for (const c of ['ok', 'EUSAGE', 'ENOENT', 'EINVAL']) expect(codes.get(c) ?? 0).toBeGreaterThan(0);
  }, 30_000);

  test('schedule strings alone, on two valid ops: replayed or refused as EUSAGE/EXPECT, never a throw', () => {
    const session = busySession();
    const seen = new Set<string>();
    fc.assert(
      fc.property(schedule, fc.constantFrom('none', 'list', 'inta'), (s, lock) => {
        const code = runQuery(session, `interleave "alloc-irq ringacc 396" "alloc-irq ringacc 397" --lock ${lock} --schedule ${quoted(s)}`);
        seen.add(code);
        expect(['ok', 'EUSAGE', 'EXPECT', 'EINVAL']).toContain(code);
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
    expect(seen).toContain('ok');
    expect(seen).toContain('EUSAGE');
  }, 30_000);
});

// ---- compare / capacity -----------------------------------------------------------------------

const DESIGN_NAMES = DESIGNS.map((d) => d.name);
const designList = fc.oneof(
  fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...DESIGN_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('', 'bogus', 'MERGED', 'all', ' merged', 'rfc-v5') }), { minLength: 0, maxLength: 5 }).map((xs) => xs.join(',')),
  garble,
);
const workloadLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'request-channel main_udmap tx 4',
      'request-channel main_udmap rx 65536',
      'request-channel main_udmap tx 9999999999999999999',
      'request-channel main_udmap tx 0',
      'alloc-irq ringacc any',
      'alloc-irq ringacc 818',
      'free-irq ringacc 304',
      'release-channel all',
      'expect-pool virq used=1',
      'expect-error ENOENT pools',
      'pools',
      'policy dedicated',
      'design rfc-v4',
      'source fixtures/no-such-file.msi',
      'source /nonexistent/dir/x.msi',
      'source .',
      '# a comment',
      '',
    ),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...VERBS), fc.array(fc.oneof(number, garble, fc.constantFrom('main_udmap', 'ringacc', 'tx', 'rx', 'any')), { maxLength: 3 })).map(([v, a]) => [v, ...a].join(' ')) },
  { weight: 1, arbitrary: garble },
);
const workloadWords = fc.oneof(
  { weight: 5, arbitrary: fc.array(workloadLine, { minLength: 1, maxLength: 5 }).map((ls) => [quoted(ls.join('; '))]) },
  { weight: 2, arbitrary: fc.array(workloadLine, { minLength: 1, maxLength: 2 }).map((ls) => ls.join('; ').split(' ').filter((w) => w !== '')) },
  { weight: 1, arbitrary: fc.constantFrom(['fixtures/no-such.msi'], ['.'], ['fixtures'], ['/dev/null'], [], ['fixtures/workloads/thread.msi']) },
);
const compareLine = fc
  .tuple(fc.option(designList, { nil: undefined }), fc.option(fc.constantFrom('virq', 'inta_main_udmass.vint', 'nosuch', ''), { nil: undefined }), workloadWords, fc.boolean())
  .map(([designs, pool, words, eq]) => {
    const flags: string[] = [];
    if (designs !== undefined) flags.push(...(eq ? [`--designs=${quoted(designs)}`] : ['--designs', quoted(designs)]));
    if (pool !== undefined) flags.push('--pool', quoted(pool));
    return ['compare', ...flags, ...words].join(' ');
  });
const capacityLine = fc
  .tuple(
    fc.constantFrom('main_udmap', 'main_udmap', 'nosuch', 'ringacc', ''),
    fc.constantFrom('tx', 'rx', 'both', 'tx', 'up', ''),
    fc.constantFrom('', '', 'pkt', 'tr', 'x', 'pkt extra'),
    fc.option(designList, { nil: undefined, freq: 2 }),
    fc.option(fc.constantFrom('--pool virq', '--designs', '--bogus 1'), { nil: undefined, freq: 4 }),
  )
  .map(([dma, dir, type, designs, extra]) => ['capacity', dma, dir, type, designs === undefined ? '' : `--designs ${quoted(designs)}`, extra ?? ''].filter((w) => w !== '').join(' '));

describe('fuzz: compare and capacity workloads', () => {
  test.each([
    ['compare', compareLine, SEED + 2, 150],
    ['capacity', capacityLine, SEED + 3, 100],
  ] as const)('%s: a result or one error line; the session is unchanged', (_verb, lines, seed, numRuns) => {
    const session = busySession();
    const codes = new Set<string>();
    fc.assert(
      fc.property(lines, (line) => {
        codes.add(runQuery(session, line));
      }),
      { seed, numRuns },
    );
    for (const c of ['ok', 'EUSAGE', 'ENOENT']) expect(codes).toContain(c);
  }, 30_000);
});

// ---- completion and prompt planning -------------------------------------------------------------

const NEW_VERBS = ['design', 'hardware', 'lock', 'failure', 'interleave', 'compare', 'capacity', 'irq', 'topology --export', 'domains --format'];
const partialWord = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'main', 'main_udmap', 'main_udmap:', 'main_udmap:tx', 'ringacc', 'tx', 'rx', 'any', 'all', '--', '--s', '--schedule', '--designs', '--designs=', '--designs=merged,', '--format', '--export', '--lock', 'merged', 'rfc', 'fixtures/', 'fixtures/t', '160', '7', 'E', 'EN') },
  { weight: 2, arbitrary: number },
  { weight: 2, arbitrary: garble },
);
const partialLine = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...VERBS, ...NEW_VERBS) }, { weight: 1, arbitrary: fc.constantFrom('expect-error ENOENT', 'expect-error EINVAL interleave', 'help') }, { weight: 1, arbitrary: garble }),
    fc.array(partialWord, { maxLength: 4 }),
    fc.constantFrom('', ' ', '  ', '"', "'", ' "', ' #'),
  )
  .map(([v, ws, tail]) => [v, ...ws].join(' ') + tail);

const FILES = (dir: string): string[] => (dir === '' || dir === '.' ? ['fixtures/', 'tour.msi', 'a b.msi'] : ['x.msi', 'sub/']);

const checkQuestions = (qs: Question[], line: string): void => {
  for (const q of qs) {
    expectToBe(typeof q.message, 'string');
    if (/[\n\r]/.test(q.message)) throw new Error(`prompt message spans lines for ${JSON.stringify(line)}`);
    if (q.type === 'select' || q.type === 'command') for (const c of q.choices) expectToBe(typeof c.value, 'string');
    if (q.type === 'input' && q.validate) {
      // A validator answers true or a one-line reason, whatever is typed.
      const v = q.validate(line);
      if (v !== true) expectNoMatch(v, /[\n\r]/);
    }
  }
};

describe('fuzz: completion and prompt planning of partial lines', () => {
  test('complete: never throws; candidates are strings that start with the fragment', () => {
    const sessions = [busySession(), new Session(am65x, DESIGNS[DESIGNS.length - 1].settings)];
    const verbsSeen = new Set<string>();
    fc.assert(
      fc.property(fc.nat({ max: 1 }), partialLine, (i, line) => {
        const before = sessions[i].system.fingerprint();
        let got: [string[], string];
        try {
          got = complete(sessions[i], line, { files: FILES });
        } catch (e) {
          throw new Error(`complete threw for ${JSON.stringify(line)}: ${e instanceof Error ? e.stack : String(e)}`);
        }
        const [cands, fragment] = got;
        expectToBe(typeof fragment, 'string');
        for (const c of cands) {
          expectToBe(typeof c, 'string');
          expectToBe(c.startsWith(fragment), true);
        }
        expectToBe(sessions[i].system.fingerprint(), before);
        verbsSeen.add(line.split(' ')[0]);
      }),
      { seed: SEED + 4, numRuns: 300 },
    );
    for (const v of NEW_VERBS) expect(verbsSeen).toContain(v.split(' ')[0]);
  }, 30_000);

  test('planPrompts: never throws; questions are well formed; the session is unchanged', () => {
    const session = busySession();
    fc.assert(
      fc.property(partialLine, (line) => {
        let words: string[];
        try {
          words = tokenize(line);
        } catch {
          return; // the REPL reports the line as a tokenize error before planning anything
        }
        const before = session.system.fingerprint();
        let qs: Question[];
        try {
          qs = planPrompts(session, words);
        } catch (e) {
          throw new Error(`planPrompts threw for ${JSON.stringify(line)}: ${e instanceof Error ? e.stack : String(e)}`);
        }
        checkQuestions(qs, line);
        expectToBe(session.system.fingerprint(), before);
      }),
      { seed: SEED + 5, numRuns: 300 },
    );
  }, 30_000);

  test.each(NEW_VERBS)('%s: completing after it offers strings, and planning it alone never throws', (v) => {
    const session = busySession();
    for (const tail of [' ', ' x', ' --', ' main_udmap ', ' "a']) {
      const [cands] = complete(session, v + tail, { files: FILES });
      for (const c of cands) expect(typeof c).toBe('string');
    }
    checkQuestions(planPrompts(session, tokenize(v)), v);
  });
});

// ---- topology files through the schema ----------------------------------------------------------

// ajv is CommonJS: under NodeNext its class is the `default` of what `import` gives.
const Ajv = AjvModule.default;
const checkSchema = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema/topology.schema.json'), 'utf8')));
const DIR = join(ROOT, 'fixtures/topologies');
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => readFileSync(join(DIR, f), 'utf8'));

const jsonValue = fc.oneof(
  fc.constantFrom<unknown>(-1, 0, 1, 8, 16, 63, 64, 255, 256, 1024, 65536, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308, 0.5, null, true, false, '', '0x10', 'sysfw', 'dt', 'gic500', 'ringacc', '__proto__'),
  fc.integer({ min: -10, max: 70_000 }),
  fc.string({ maxLength: 6 }),
  fc.constant({}),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'replace', 'duplicate', 'nudge', 'huge', 'retype', 'rename'), value: jsonValue, delta: fc.integer({ min: -70_000, max: 70_000 }) });

describe('fuzz: topology files through the schema', () => {
  test('mutated fixtures: parseTopology never throws; ok boots under every design, else issues with a path', () => {
    const seen = { ok: 0, issues: 0, schemaRejects: 0, bothReject: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, ms) => {
        const json = mutateJson(JSON.parse(base), ms);
        const text = JSON.stringify(json);
        const schemaOk = checkSchema(json);
        let r: ReturnType<typeof parseTopology>;
        try {
          r = parseTopology(text);
        } catch (e) {
          throw new Error(`parseTopology threw on ${text.slice(0, 300)}: ${e instanceof Error ? e.stack : String(e)}`);
        }
        if (!schemaOk) seen.schemaRejects++;
        // The tool checks files with the schema first: what the schema refuses, the tool refuses.
        if (!schemaOk) expectToBe(r.ok, false);
        if (!r.ok) {
          seen.issues++;
          if (!schemaOk) seen.bothReject++;
          expectAbove(r.issues.length, 0);
          for (const i of r.issues) {
            expectToBe(i.path.startsWith('$'), true);
            expectAbove(i.message.length, 0);
            expectNoMatch(`${i.path}: ${i.message}`, /[\n\r]/);
          }
          return;
        }
        seen.ok++;
        for (const d of DESIGNS) {
          try {
            System.boot(r.topology, d.settings);
          } catch (e) {
            if (e instanceof CoreError) continue;
            throw new Error(`boot under ${d.name} threw ${e instanceof Error ? e.stack : String(e)} on ${text.slice(0, 300)}`);
          }
        }
      }),
      { seed: SEED + 6, numRuns: 250 },
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.issues).toBeGreaterThan(50);
    expect(seen.bothReject).toBeGreaterThan(20);
  }, 30_000);
});
