/**
 * Bad input never crashes, hangs or leaks: seeded random command lines and topology files, run
 * in-process (thousands) and through the built binary (a few scripts), must each give a known
 * error code on exactly one line, never a stack trace, and a failed command must leave the model
 * exactly as it was (System.fingerprint() is a canonical dump of every pool, domain and map).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { BINARY_UNIT } from '../binary-unit.js';
import { expectAbove, expectAtMost, expectDefined, expectNoMatch, expectNoThrow, expectToBe, expectToContain } from '../hot-expect.js';
import { MAX_ERRORS } from '../../src/cli/batch.js';
import { MAX_MESSAGE } from '../../src/commands/args.js';
import { COMMANDS, runWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';
import { codePoints, MAX_LINE, tokenize } from '../../src/commands/tokenize.js';
import { CoreError, ERR_CODES } from '../../src/core/errors.js';
import { System, type Settings } from '../../src/core/system.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { parseTopology } from '../../src/topology/validate.js';
import { DEFAULT_SETTINGS, ROOT, STACK_FRAME, runBin, runInProcess } from './harness.js';
import { checkError, KNOWN_CODES, mutate, runChecked, wordsOf } from './fuzz-kit.js';
import { runCli } from './cli-in-process.js';
import { DESIGNS } from '../../src/core/designs.js';
import { decodeScript } from '../../src/io/utf8.js';
import { seeded } from '../seed.js';

const SEED = seeded(0x5eed_2024);
const VERBS = COMMANDS.map((c) => c.name);
/** Every design, and the other VINT-sharing policy under merged's phases. */
const ALL_SETTINGS: Settings[] = [...DESIGNS.map((d) => d.settings), { ...DEFAULT_SETTINGS, policy: 'dedicated' }];
const POOLS = new Session(am65x, DEFAULT_SETTINGS).system.poolStats().map((p) => p.id);

// ---- random command lines ---------------------------------------------------------------------

const names = fc.constantFrom(
  'main_udmap',
  'ringacc',
  'cpts',
  'main_gpio0',
  'gic500',
  'intr_main_navss',
  'inta_main_udmass',
  'nosuch',
  'all',
  'any',
  'tx',
  'rx',
  'TX',
  'coalesced',
  'dedicated',
  'demand',
  'probe',
  'used=0',
  'used=1',
  'free=128',
  'peak=7',
  'total=1024',
  'used=',
  'used=-1',
  'bogus=1',
  'main_udmap:tx0',
  'main_udmap:tx1',
  'main_udmap:rx63',
  'main_udmap:tx64',
  'main_udmap:tx0x3',
  'main_udmap:',
  'ringacc:304',
  'ringacc:817',
  'ringacc:818',
  ':5',
  '0-3',
  '1,2',
  '3-1',
  '0-99999',
  'fixtures/no-such-script.msi',
  '.',
  ...POOLS,
  ...ERR_CODES,
  ...VERBS,
);

const numbers = fc.oneof(
  fc.nat({ max: 1100 }).map(String),
  fc.integer({ min: 60, max: 90 }).map(String), // around the first dynamic virqs
  fc.integer({ min: 300, max: 440 }).map(String), // around the general-purpose rings
  fc.integer({ min: -5000, max: -1 }).map(String),
  fc.bigInt({ min: 2n ** 53n - 2n, max: 2n ** 90n }).map(String),
  fc.nat({ max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.nat({ max: 0xffff }).map((n) => `0X${n.toString(16).toUpperCase()}`),
  fc.constantFrom('NaN', 'nan', 'Infinity', '-Infinity', '1e3', '1.5', '0x', '-0', '00', '+1', '0b101', '0o7', '１２', '9007199254740991', '9007199254740992', '9007199254740993', '-0x10', '0xffffffffffffffffffff'),
);

const CONTROL = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\n'), '\x7f', '\x85', '\x9b', '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\ufffd'];

const weird = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: BINARY_UNIT, maxLength: 6 }),
  fc.constantFrom(...CONTROL).map((c) => `x${c}y`),
  fc.constantFrom('"', "'", '""', "''", '"a b"', "'a b'", '"unterminated', "it's", '#', '# comment', ';', '\\', '$HOME', '`id`', '%s%n', '{}', '[]', '\u00e9', '\u{1F600}', 'ﬁ', 'İ'),
  fc.nat({ max: 6000 }).map((n) => 'w'.repeat(n)),
  fc.nat({ max: 3000 }).map((n) => `main_udmap:tx${'9'.repeat(n)}`),
);

const token = fc.oneof({ weight: 6, arbitrary: names }, { weight: 5, arbitrary: numbers }, { weight: 2, arbitrary: weird });

/** A verb, a near miss of one, or garbage. */
const verb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...VERBS) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...VERBS), fc.nat(), fc.constantFrom('drop', 'swap', 'upper', 'extra')).map(([v, at, how]) => {
      const i = at % v.length;
      if (how === 'drop') return v.slice(0, i) + v.slice(i + 1);
      if (how === 'swap' && i + 1 < v.length) return v.slice(0, i) + v[i + 1] + v[i] + v.slice(i + 2);
      if (how === 'upper') return v.toUpperCase();
      return `${v}s`;
    }),
  },
  { weight: 1, arbitrary: weird },
);

const quoteWord = (w: string, how: number): string => (how === 1 ? `"${w}"` : how === 2 ? `'${w}'` : w);

const simpleLine = fc
  .tuple(verb, fc.array(fc.tuple(token, fc.nat({ max: 12 })), { maxLength: 5 }), fc.constantFrom(' ', ' ', ' ', '\t', '  ', ' \t '), fc.constantFrom('', '', '', ' ', '\t', ' # trailing'))
  .map(([v, args, sep, tail]) => [v, ...args.map(([w, q]) => quoteWord(w, q))].join(sep) + tail);

/** Commands that change the model, so that later failures happen on a model with something in it. */
const meaningful = fc.constantFrom(
  'request-channel main_udmap tx 16',
  'request-channel main_udmap rx 8',
  'alloc-irq ringacc any',
  'free-irq ringacc 304',
  'fire-ring main_udmap:tx0 3',
  'mask-irq 71',
  'unmask-irq 71',
  'set-affinity 72 1',
  'policy dedicated',
  'mode probe',
  'release-channel all',
);

/** Mostly commands, some wrapped in expect-error, a few blank or comment lines. */
const commandLine = fc.oneof(
  { weight: 10, arbitrary: simpleLine },
  { weight: 3, arbitrary: meaningful },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ERR_CODES, 'EBOGUS'), fc.oneof(simpleLine, meaningful)).map(([c, l]) => `expect-error ${c} ${l}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '# just a comment', '\t# indented comment') },
);

// ---- the invariants ---------------------------------------------------------------------------

/**
 * The model's fingerprint while it is known to be current: after a line that failed (checked to
 * have changed nothing) or ran nothing, the next line's "before" is the fingerprint already taken.
 * A fingerprint is a dump of the whole model, the most expensive part of these loops.
 */
interface Known {
  fingerprint?: string;
}

/** Runs one line as the REPL and the batch runner do; returns whether it failed. */
const runLine = (session: Session, line: string, known: Known = {}): boolean => {
  const words = wordsOf(line);
  if (words instanceof CoreError) {
    expectToBe(words.code, 'EUSAGE');
    return true;
  }
  if (words.length === 0) return false;
  const before = known.fingerprint ?? session.system.fingerprint();
  known.fingerprint = undefined;
  const settings = session.settings;
  const r = runChecked(session, words, line);
  if (r.ok) return false;
  checkError(line, r.error.code, r.error.message);
  if (r.error.code === 'ENOSPC' && r.error.pool) expectToContain(POOLS, r.error.pool.id);
  // Every failed command, expect-error whose command succeeded included, leaves no trace.
  const after = session.system.fingerprint();
  if (after !== before) throw new Error(`failed command changed the model: ${JSON.stringify(line.slice(0, 200))} -> ${r.error.code}: ${r.error.message}`);
  // The same object compares equal to itself: the matcher is called only for another one.
  if (session.settings !== settings) expect(session.settings).toEqual(settings);
  known.fingerprint = after;
  return true;
};

describe('fuzz: command lines in-process (tokenize + runWords)', () => {
  test('a message is cut at 1000 characters, a character past U+FFFF counted once (found by seed 11)', () => {
    const line = `expect-error ENOSPC request-channel \u{10000} ${'w'.repeat(980)} main_udmap:tx0x3 0x1000`;
    const r = runWords(new Session(am65x, DEFAULT_SETTINGS), tokenize(line));
    const message = r.ok ? '' : r.error.message;
    expect([...message].length).toBe(MAX_MESSAGE);
    expect(message.length).toBe(MAX_MESSAGE + 1);
    expect(message.endsWith('w...')).toBe(true);
    expect(() => checkError(line, 'EXPECT', message)).not.toThrow();
  });

  test('random lines: known code, one line, no stack, and a failed command changes nothing', () => {
    let lines = 0;
    let failed = 0;
    const codes = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...ALL_SETTINGS), fc.array(commandLine, { minLength: 20, maxLength: 60 }), (settings, script) => {
        const session = new Session(am65x, settings);
        const known: Known = {};
        for (const line of script) {
          lines++;
          if (runLine(session, line, known)) failed++;
        }
      }),
      { seed: SEED, numRuns: 80 },
    );
    // The generator reaches both outcomes and most codes; otherwise the test proves little.
    for (const line of fc.sample(commandLine, { seed: SEED + 1, numRuns: 400 })) {
      const s = new Session(am65x, DEFAULT_SETTINGS);
      try {
        const r = runWords(s, tokenize(line));
        if (!r.ok) codes.add(r.error.code);
      } catch (e) {
        if (e instanceof CoreError) codes.add(e.code);
      }
    }
    expect(lines).toBeGreaterThan(2500);
    expect(failed).toBeGreaterThan(lines / 5);
    expect(failed).toBeLessThan(lines);
    for (const c of ['EUSAGE', 'EINVAL', 'ENOENT', 'EXPECT']) expect(codes).toContain(c);
  }, 30_000);

  test('exhausting every pool under each design: the failure (a pool ran out) changes nothing', () => {
    for (const settings of ALL_SETTINGS) {
      const session = new Session(am65x, settings);
      let exhausted = 0;
      // The fingerprint while it is known to be current (see Known): once the pools run out,
      // every command fails and changes nothing.
      let known: string | undefined;
      for (let i = 0; i < 300; i++) {
        for (const line of ['request-channel main_udmap tx 5', 'request-channel main_udmap rx 3', 'alloc-irq ringacc any']) {
          const before = known ?? session.system.fingerprint();
          known = undefined;
          const r = runWords(session, tokenize(line));
          if (!r.ok) {
            checkError(line, r.error.code, r.error.message);
            known = session.system.fingerprint();
            expectToBe(known, before);
            // A pool that ran out: EINVAL (INTA, INTR), EBUSY (GP rings), ENOENT (channels), ENOSPC (virqs).
            if (r.error.pool && r.error.pool.used === r.error.pool.total) exhausted++;
          }
        }
      }
      // probe-all never binds the DMA on am65x: its requests are EPROBE_DEFER, nothing runs out.
      if (session.system.dma('main_udmap').bound) expect(exhausted).toBeGreaterThan(0);
    }
  });

  test('each class of bad input gets its code', () => {
    const session = new Session(am65x, DEFAULT_SETTINGS);
    const cases: Array<[string, string, RegExp?]> = [
      ['bogus', 'EUSAGE', /unknown verb 'bogus'/],
      ['request-chanel main_udmap tx', 'EUSAGE', /did you mean request-channel\?/],
      ['pool', 'EUSAGE', /did you mean pools\?/],
      ['alloc-irq ringacc', 'EUSAGE', /missing <index>; usage: alloc-irq/],
      ['pools extra', 'EUSAGE', /too many arguments/],
      ['alloc-irq ringacc -1', 'EINVAL', /must not be negative/],
      ['alloc-irq ringacc -0x10', 'EINVAL', /must not be negative/],
      ['alloc-irq ringacc 9007199254740993', 'EINVAL', /too large/],
      ['alloc-irq ringacc 0x1000000000000000000', 'EINVAL', /too large/],
      ['alloc-irq ringacc NaN', 'EUSAGE', /expected a number, got 'NaN'/],
      ['alloc-irq ringacc 1e3', 'EUSAGE', /expected a number/],
      ['alloc-irq ringacc 1.5', 'EUSAGE', /expected a number/],
      ['alloc-irq ringacc 0x', 'EUSAGE', /expected a number/],
      ['alloc-irq ringacc 818', 'EINVAL', /out of range/],
      ['alloc-irq nosuch 1', 'ENOENT', /unknown MSI device/],
      ['request-channel nosuch tx', 'ENOENT', /unknown DMA controller/],
      ['request-channel main_udmap up', 'EUSAGE', /expected tx or rx/],
      ['request-channel main_udmap tx 0', 'EINVAL', /must be 1-/],
      ['release-channel main_udmap:tx8', 'ENOENT', /is not requested/],
      ['release-channel main_udmap:tx64', 'EINVAL', /is not one of this host's/],
      ['release-channel main_udmap', 'EUSAGE', /expected <dma>:<tx\|rx><n>/],
      ['expect-pool nosuch used=1', 'ENOENT', /unknown pool/],
      ['expect-pool virq used=x', 'EUSAGE', /expected a number/],
      ['free-irq 1', 'ENOENT', /not allocated/],
      ['set-affinity 64 0-99999', 'EINVAL', /does not exist/],
      ['policy bogus', 'EUSAGE', /expected coalesced or dedicated/],
      ['expect-error EBOGUS pools', 'EUSAGE', /unknown code/],
      ['expect-error ENOENT pools', 'EXPECT', /but it succeeded/],
      ['help bogus', 'ENOENT', /no verb 'bogus'/],
      ['alloc-irq "ringacc 1', 'EUSAGE', /unterminated " quote/],
      ['alloc-irq ringacc\x1b[31m 1', 'EUSAGE', /control character U\+001B at column 18/],
      ['alloc-irq ringacc\x9b 1', 'EUSAGE', /control character U\+009B/],
      ['alloc-irq ringacc\u2028 1', 'EUSAGE', /line separator U\+2028/],
      ['alloc-irq \u202eccargnir 1', 'EUSAGE', /bidirectional control U\+202E/],
      ['alloc-irq ring\ufffdacc 1', 'EUSAGE', /replacement character U\+FFFD at column 15/],
      ['alloc-irq ümlaut 1', 'ENOENT', /unknown MSI device/],
      ['alloc-irq "ring acc" 1', 'ENOENT', /unknown MSI device 'ring acc'/],
      [`bogus${'x'.repeat(5000)}`, 'EUSAGE', /unknown verb 'bogusx+\.\.\.'/],
      [`alloc-irq ${'x'.repeat(5000)} 1`, 'ENOENT', /unknown MSI device/],
    ];
    for (const [line, code, message] of cases) {
      const before = session.system.fingerprint();
      let got: { code: string; message: string };
      try {
        const r = runWords(session, tokenize(line));
        if (r.ok) throw new Error(`${JSON.stringify(line)} succeeded`);
        got = r.error;
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        got = e;
      }
      checkError(line, got.code, got.message);
      expect({ line, code: got.code }).toEqual({ line, code });
      if (message) expect(got.message).toMatch(message);
      expect(session.system.fingerprint()).toBe(before);
    }
    // And valid forms of the same: hex, quotes, tabs.
    for (const line of ['alloc-irq ringacc 0x130', "alloc-irq 'ringacc' \"305\"", 'alloc-irq\tringacc\t306 # a comment', 'fire-ring main_udmap:TX0X0']) {
      const r = runWords(session, tokenize(line));
      if (!r.ok && line.startsWith('fire-ring')) expect(r.error.code).not.toBe('EUSAGE');
      else expect(r.ok).toBe(true);
    }
  });
});

// ---- the batch runner: one error line per failed line ----------------------------------------

const ERROR_LINE = /^(<stdin>|-e|[^:]+):(\d+): (?:([a-z-]+): )?(E[A-Z]+): (.+)$/;
const CAP_LINE = /^<stdin>:\d+: EUSAGE: too many errors: stopped after \d+ failed commands$/;

describe('fuzz: whole scripts through the batch runner, in-process', () => {
  test('exactly one stderr line per failed line, --json one object per command, with CRLF and a BOM', () => {
    fc.assert(
      fc.property(fc.array(commandLine, { minLength: 10, maxLength: 80 }), fc.boolean(), fc.boolean(), (script, crlf, bom) => {
        const text = (bom ? '\ufeff' : '') + script.join(crlf ? '\r\n' : '\n');
        const plain = runInProcess(text, { maxErrors: Infinity });
        const errLines = plain.err === '' ? [] : plain.err.replace(/\n$/, '').split('\n');
        expect(errLines.length).toBe(plain.failures);
        const textLineCount = text.split('\n').length;
        for (const l of errLines) {
          const m = ERROR_LINE.exec(l);
          if (!m) throw new Error(`not an error line: ${JSON.stringify(l)}`);
          expectToBe(KNOWN_CODES.has(m[4]), true);
          expectAtMost(Number(m[2]), textLineCount);
        }
        expect(plain.err).not.toMatch(STACK_FRAME);

        const json = runInProcess(text, { json: true, maxErrors: Infinity });
        const objects = json.out === '' ? [] : json.out.replace(/\n$/, '').split('\n').map((l) => JSON.parse(l));
        // The runner's own view of the lines: split at LF, one CR before it dropped.
        const textLines = script.join('\n').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        const commands = textLines.filter((raw) => {
          try {
            return codePoints(raw) > MAX_LINE || tokenize(raw).length > 0;
          } catch {
            return true;
          }
        });
        // `source` of a missing file and `exit` are the only lines that stop or merge; the generator's
        // source always fails and is reported once, and exit stops the script.
        const exitAt = objects.findIndex((o) => o.ok && /^(exit|quit)\b/.test(o.command));
        if (exitAt < 0) expect(objects.length).toBe(commands.length);
        expect(objects.filter((o) => !o.ok).length).toBe(json.failures);
        for (const o of objects) {
          expectToBe(typeof o.line, 'number');
          expectToBe(typeof o.command, 'string');
          if (o.ok) expectDefined(o.data);
          else {
            expectToBe(KNOWN_CODES.has(o.error.code), true);
            expectToBe(typeof o.error.message, 'string');
            if (o.error.code === 'ENOSPC') expectToContain(POOLS, o.error.pool);
          }
        }
      }),
      { seed: SEED + 2, numRuns: 40 },
    );
  }, 30_000);

  test(`garbage stops after ${MAX_ERRORS} errors with one closing line`, () => {
    const text = Array.from({ length: 5000 }, (_, i) => `garbage${i}`).join('\n');
    const r = runInProcess(text);
    const lines = r.err.replace(/\n$/, '').split('\n');
    expect(lines.length).toBe(MAX_ERRORS + 1);
    expect(lines[MAX_ERRORS - 1]).toBe(`<stdin>:${MAX_ERRORS}: EUSAGE: unknown verb 'garbage${MAX_ERRORS - 1}'; try help`);
    expect(lines[MAX_ERRORS]).toBe(`<stdin>:${MAX_ERRORS + 1}: EUSAGE: too many errors: stopped after ${MAX_ERRORS} failed commands`);
  });
});

// ---- topology files ---------------------------------------------------------------------------

const SMALL8 = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8')));

const IDS = ['gic', 'intr0', 'inta0', 'ringacc', 'udma', 'timesync', 'gic500', 'intr_main_navss', 'inta_main_udmass', 'main_udmap', 'cpts', '__proto__', 'constructor'];
const jsonValue = fc.oneof(
  fc.constantFrom<unknown>(-1, 0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 100, 127, 128, 255, 256, 1019, 1020, 1024, 65535, 65536, 65537, 2 ** 53, 1e308, 0.5, null, true, false, '', '0x10', '0xzz', 'dt', 'illustrative', ...IDS),
  fc.integer({ min: -10, max: 70_000 }),
  fc.string({ maxLength: 6 }),
  fc.constant({}),
  fc.constant([]),
  fc.jsonValue({ maxDepth: 2 }),
);
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'duplicate', 'nudge', 'proto'),
  value: jsonValue,
  delta: fc.integer({ min: -70_000, max: 70_000 }),
});

/** Text damage: truncation, a flipped or dropped character, a stray byte. */
const textDamage = fc.record({ at: fc.nat(), op: fc.constantFrom('truncate', 'flip', 'drop', 'insert'), ch: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', '\ufeff', 'x', '-', '1') });
const damage = (text: string, d: { at: number; op: string; ch: string }): string => {
  const i = d.at % (text.length + 1);
  if (d.op === 'truncate') return text.slice(0, i);
  if (d.op === 'flip') return text.slice(0, i) + d.ch + text.slice(i + 1);
  if (d.op === 'drop') return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i) + d.ch + text.slice(i);
};

const checkTopology = (text: string): 'ok' | 'issues' => {
  let r: ReturnType<typeof parseTopology>;
  try {
    r = parseTopology(text);
  } catch (e) {
    throw new Error(`parseTopology threw on ${text.slice(0, 300)}: ${e instanceof Error ? e.stack : String(e)}`);
  }
  if (!r.ok) {
    expectAbove(r.issues.length, 0);
    for (const i of r.issues) {
      expectToBe(i.path.startsWith('$'), true);
      expectNoMatch(i.message, /[\n\r]/);
      expectAbove(i.message.length, 0);
    }
    return 'issues';
  }
  for (const settings of ALL_SETTINGS) {
    const session = new Session(r.topology, settings);
    const lines = ['pools', 'routes', 'domains', 'topology', 'interrupts', 'alloc-irq ringacc any', 'request-channel udma tx 2', 'fire-ring 0', 'release-channel all'];
    const known: Known = {};
    for (const line of lines) runLine(session, line, known);
    expectNoThrow(() => System.boot(r.topology, settings));
  }
  return 'ok';
};

describe('fuzz: topology files', () => {
  const am65xText = JSON.stringify(am65x);

  test('structural mutations of small8 and am65x: never throw; what validates boots and runs', () => {
    const seen = { ok: 0, issues: 0 };
    fc.assert(
      fc.property(fc.constantFrom(SMALL8, am65xText), fc.array(mutation, { minLength: 1, maxLength: 3 }), (base, ms) => {
        seen[checkTopology(mutate(base, ms))]++;
      }),
      { seed: SEED + 3, numRuns: 300 },
    );
    expect(seen.ok).toBeGreaterThan(10);
    expect(seen.issues).toBeGreaterThan(100);
  }, 30_000);

  test('damaged text: never throws, and any JSON error names a line and column', () => {
    fc.assert(
      fc.property(fc.constantFrom(SMALL8, am65xText), fc.array(textDamage, { minLength: 1, maxLength: 3 }), (base, ds) => {
        const text = ds.reduce(damage, base);
        if (checkTopology(text) === 'issues') {
          const r = parseTopology(text);
          if (!r.ok && r.issues[0].message.startsWith('invalid JSON')) expect(r.issues[0].message).toMatch(/^invalid JSON at \d+:\d+: .*got /);
        }
      }),
      { seed: SEED + 4, numRuns: 300 },
    );
  }, 30_000);
});

// ---- the built binary -------------------------------------------------------------------------

describe('fuzz: random scripts piped to the built binary', () => {
  const scripts = fc.sample(fc.array(commandLine, { minLength: 250, maxLength: 300 }), { seed: SEED + 5, numRuns: 3 });

  test.each(scripts.map((s, i) => [i, s] as const))('script %i: same stderr and status as in-process, one line per failure, no stack', (_i, script) => {
    // What the child reads: the text as UTF-8 (a lone surrogate becomes U+FFFD on the way), and
    // no NUL, which refuses the whole input (tested below).
    const text = Buffer.from(script.join('\n').replace(/\0/g, '\x01')).toString('utf8');
    const r = runBin([], { input: text });
    const expected = runInProcess(text);
    expect(r.signal).toBeNull();
    // `exit N` / `quit N` among the random lines ends the run with its own status, as in-process.
    expect(r.status).toBe(expected.status);
    if (!expected.exited) expect(r.status).toBe(expected.failures > 0 ? 1 : 0);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toBe(expected.err);
    const capped = expected.failures > MAX_ERRORS;
    expect(r.errLines.length).toBe(capped ? MAX_ERRORS + 1 : expected.failures);
    r.errLines.forEach((l, i) => {
      if (capped && i === MAX_ERRORS) expect(l).toMatch(CAP_LINE);
      else expect(l).toMatch(ERROR_LINE);
    });
  }, 20_000);

  test('random bytes without NUL: exit 1, every stderr line an error line or the closing one', () => {
    const bytes = Buffer.from(fc.sample(fc.uint8Array({ minLength: 20_000, maxLength: 20_000, min: 1, max: 255 }), { seed: SEED + 6, numRuns: 1 })[0]);
    const r = runBin([], { input: bytes });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.errLines.length).toBeGreaterThan(0);
    expect(r.errLines.length).toBeLessThanOrEqual(MAX_ERRORS + 1);
    for (const l of r.errLines.slice(0, -1)) expect(l).toMatch(ERROR_LINE);
  });

  test('random bytes with a NUL: the lines before it run as a script would, then one refusal and exit 2', () => {
    const bytes = Buffer.concat([Buffer.from('pools\n'), Buffer.from(fc.sample(fc.uint8Array({ minLength: 5000, maxLength: 5000 }), { seed: SEED + 7, numRuns: 1 })[0]), Buffer.from([0])]);
    const r = runBin([], { input: bytes });
    const nul = bytes.indexOf(0);
    const before = bytes.subarray(0, bytes.lastIndexOf(10, nul) + 1);
    const lineOfNul = before.toString('latin1').split('\n').length;
    // The text as the runner decodes it: a byte that is not UTF-8 kept, for its error to name.
    const expected = runInProcess(decodeScript(before));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(expected.out);
    expect(r.stdout).toMatch(/^POOL/);
    expect(r.stderr).toBe(`${expected.err}<stdin>:${lineOfNul}: EUSAGE: not a text script (NUL byte at offset ${nul})\n`);
  });
});

describe('fuzz: mutated topology files on the command line, in-process (runCli)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msi-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const topologies = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 2 }), { seed: SEED + 8, numRuns: 6 }).map((ms) => mutate(SMALL8, ms));

  test.each(topologies.map((t, i) => [i, t] as const))('mutated topology %i: exit 2 naming the file and a JSON path, or it runs', async (i, text) => {
    const file = join(dir, `t${i}.json`);
    writeFileSync(file, text);
    const r = await runCli(['-t', file, '-q', '-e', 'pools; request-channel udma tx 2; alloc-irq ringacc any']);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const parsed = parseTopology(text);
    if (parsed.ok) {
      expect([0, 1]).toContain(r.status);
      for (const l of r.errLines) expect(l).toMatch(ERROR_LINE);
    } else {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.errLines).toHaveLength(parsed.issues.length);
      for (const l of r.errLines) expect(l.startsWith(`msi-explorer: ${file}: $`)).toBe(true);
    }
  });
});
