/**
 * The command-line contract (DESIGN.md section 4): exit codes 0/1/2, one compiler-style line per
 * error on stderr, --bail, -q, -e, --json, --version, a closed stdout, narrow and dumb terminals,
 * colour switches, and bad script and topology files. What a process shows (--version's fast
 * path, pipes that close or fail, reads from a real pipe, stdin streaming) runs the built binary
 * (runBin, runShell); the rest runs the same command line through the same entry in-process
 * (runCli, cli-in-process.ts), which gives the same bytes and status without a process start.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { MAX_ERRORS, MAX_SOURCE_DEPTH } from '../../src/cli/batch.js';
import { loadTopology } from '../../src/topology/load.js';
import { MAX_LINE } from '../../src/commands/tokenize.js';
import { ANSI, BIN, ROOT, STACK_FRAME, childEnv, runBin, runInProcess, runShell } from './harness.js';
import { runCli } from './cli-in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** Writes a file under the temporary folder and returns its path relative to the repo root (the child's cwd). */
const file = (name: string, content: string | Buffer): string => {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return relative(ROOT, path);
};

const ERROR_LINE = /^[^:]+:\d+: (?:[a-z-]+: )?E[A-Z]+: .+$/;

describe('exit codes and error lines', () => {
  test('a clean script: exit 0, nothing on stderr', async () => {
    const r = await runCli([], { input: 'request-channel main_udmap tx 2\nexpect-pool main_udmap.tx_chan used=2\npools\n' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('main_udmap:tx9');
  });

  test('failures: exit 1, one compiler-style line each, with the verb and code; the run goes on', async () => {
    const input = [
      'bogus',
      'request-chanel main_udmap tx',
      'alloc-irq ringacc',
      'alloc-irq ringacc -1',
      'alloc-irq ringacc 99999999999999999999',
      'alloc-irq ringacc NaN',
      'alloc-irq nosuch 1',
      'release-channel main_udmap:tx99',
      'expect-pool nosuch used=1',
      'alloc-irq "ringacc 1',
      'alloc-irq ring\u0007acc 1',
      '# a comment, then a blank line',
      '',
      'expect-error ENOENT alloc-irq nosuch 1',
      'expect-pool main_udmap.tx_chan used=0',
    ].join('\n');
    const r = await runCli([], { input });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([
      "<stdin>:1: EUSAGE: unknown verb 'bogus'; try help",
      "<stdin>:2: EUSAGE: unknown verb 'request-chanel' (did you mean request-channel?)",
      '<stdin>:3: alloc-irq: EUSAGE: missing <index>; usage: alloc-irq <device> <index|any>',
      "<stdin>:4: alloc-irq: EINVAL: index must not be negative, got '-1'",
      "<stdin>:5: alloc-irq: EINVAL: index '99999999999999999999' is too large",
      "<stdin>:6: alloc-irq: EUSAGE: index: expected a number, got 'NaN'",
      "<stdin>:7: alloc-irq: ENOENT: unknown MSI device 'nosuch' (have: ringacc, main_udmap)",
      "<stdin>:8: release-channel: EINVAL: main_udmap: tx channel 99 is not one of this host's (1-3, 8-19, 26-63)",
      "<stdin>:9: expect-pool: ENOENT: unknown pool 'nosuch'; pools lists them",
      '<stdin>:10: EUSAGE: unterminated " quote',
      '<stdin>:11: EUSAGE: control character U+0007 at column 15',
    ]);
  });

  test('what an all-or-nothing request undid agrees with its count: one was, several were', async () => {
    const r = await runCli(['-q', '-t', 'fixtures/topologies/am65x-64events.json'], { input: 'request-channel main_udmap tx 31 tr\nrequest-channel main_udmap tx 2 tr\nrelease-channel all\nrequest-channel main_udmap tx 33 tr\n' });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([
      '<stdin>:2: request-channel: EINVAL: inta_main_udmass.global_event exhausted (64/64 used), at channel 2 of 2; the 1 granted before was released',
      '<stdin>:4: request-channel: EINVAL: inta_main_udmass.global_event exhausted (64/64 used), at channel 33 of 33; the 32 granted before were released',
    ]);
  });

  test('an exhausted pool is named with its usage', async () => {
    const r = await runCli(['-q'], { input: 'design rfc-v4\nrequest-channel main_udmap tx 50\nrequest-channel main_udmap rx 14\nexpect-pool intr_main_navss.out used=51\n' });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([
      '<stdin>:3: request-channel: EINVAL: intr_main_navss.out exhausted (64/64 used), at channel 14 of 14; the 13 granted before were released',
    ]);
  });

  test("a pool's figure counts what the failed channel itself held and gave back, and says so", async () => {
    // rfc-v4: the 32nd TR channel's ring MSI takes the last INTR output, its TR event finds none,
    // the ring MSI goes back: 64/64 when it ran out, 63 after.
    const r = await runCli(['-q', '--design', 'rfc-v4', '-e', 'request-channel main_udmap tx 16 tr; request-channel main_udmap rx 15 tr; request-channel main_udmap rx 1 tr; expect-pool intr_main_navss.out used=63']);
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual(["-e:3: request-channel: EINVAL: intr_main_navss.out exhausted (64/64 used, 1 of them this channel's ring MSI, released)"]);
    // With a count, the note of the failed channel comes first, then those granted before it.
    const n = await runCli(['-q', '--design', 'rfc-v4', '-e', 'request-channel main_udmap tx 16 tr; request-channel main_udmap rx 14 tr; request-channel main_udmap rx 2 tr; expect-pool intr_main_navss.out used=61']);
    expect(n.status).toBe(1);
    expect(n.errLines).toEqual([
      "-e:3: request-channel: EINVAL: intr_main_navss.out exhausted (64/64 used, 1 of them this channel's ring MSI, released), at channel 2 of 2; the 1 granted before was released",
    ]);
    // merged: the ring MSI shares a VINT, so of the 64 global events it held one, nothing else.
    const m = await runCli(['-q', '-t', 'fixtures/topologies/am65x-64events.json', '-e', 'request-channel main_udmap tx 31 tr; alloc-irq ringacc any; request-channel main_udmap tx 1 tr; expect-pool inta_main_udmass.global_event used=63']);
    expect(m.status).toBe(1);
    expect(m.errLines).toEqual(["-e:3: request-channel: EINVAL: inta_main_udmass.global_event exhausted (64/64 used, 1 of them this channel's ring MSI, released)"]);
  });

  test('expect-error turns the expected failure into success: exit 0', async () => {
    const r = await runCli(['-e', 'expect-error ENOENT request-channel main_udmap tx 51; expect-pool main_udmap.tx_chan used=0']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  test.each([
    [['--bogus'], "msi-explorer: unknown option '--bogus'"],
    [['--bial'], "msi-explorer: unknown option '--bial' (Did you mean --bail?)"],
    // --version and --help do not answer a line that is wrong elsewhere, wherever they stand.
    [['--version', '--bogus'], "msi-explorer: unknown option '--bogus'"],
    [['--bogus', '--version'], "msi-explorer: unknown option '--bogus'"],
    [['--help', '--bogus'], "msi-explorer: unknown option '--bogus'"],
    // An option without the one it goes with is as wrong beside --version and --help.
    [['--host', '12', '--version'], "msi-explorer: --host needs --rm-cfg <rm-cfg.yaml>: the board config to read the host's share from"],
    [['--pool', 'virq', '--help'], 'msi-explorer: --pool goes with --compare'],
    // A single-valued option given twice is refused, in any spelling, beside --help too.
    [['--rm-cfg', 'fixtures/rm-cfg/am65x-host12.yaml', '--host', '12', '--host', '13'], "msi-explorer: option '--host' given twice"],
    [['-t', 'am65x', '--topology=am65x'], "msi-explorer: option '--topology' given twice"],
    [['--design', 'merged', '--design', 'rfc-v4'], "msi-explorer: option '--design' given twice"],
    [['--policy', 'dedicated', '--policy=dedicated'], "msi-explorer: option '--policy' given twice"],
    [['--mode', 'demand', '--mode', 'probe'], "msi-explorer: option '--mode' given twice"],
    [['--color', 'never', '--color', 'always', '--help'], "msi-explorer: option '--color' given twice"],
    [['--rm-cfg', 'a.yaml', '--rm-cfg', 'b.yaml', '--host', '12'], "msi-explorer: option '--rm-cfg' given twice"],
    [['--version', '--policy', 'bogus'], "msi-explorer: option '--policy <policy>' argument 'bogus' is invalid. Allowed choices are coalesced, dedicated."],
    [['--policy', 'bogus'], "msi-explorer: option '--policy <policy>' argument 'bogus' is invalid. Allowed choices are coalesced, dedicated."],
    [['--mode', 'later'], "msi-explorer: option '--mode <mode>' argument 'later' is invalid. Allowed choices are probe, demand."],
    [['--design', 'rfc'], "msi-explorer: option '--design <name>' argument 'rfc' is invalid. Allowed choices are merged, rfc-v4, probe-all, dynamic."],
    [['--color', 'sometimes'], "msi-explorer: option '--color <when>' argument 'sometimes' is invalid. Allowed choices are auto, always, never."],
    [['-e'], "msi-explorer: option '-e, --exec <commands>' argument missing"],
    [['-t', 'nosuch'], "msi-explorer: unknown topology 'nosuch': not built in (am65x) and no such file"],
    [['-t', 'missing.json'], 'msi-explorer: missing.json: cannot read topology file: no such file'],
    // printable non-ASCII echoed as typed; controls, tab and invisible format characters as '?'
    [['-t', 't\u00f4po'], "msi-explorer: unknown topology 't\u00f4po': not built in (am65x) and no such file"],
    [['-t', 'n\u00f6\u200fpe\u001b\t.json'], 'msi-explorer: n\u00f6?pe??.json: cannot read topology file: no such file'],
    [['missing.msi'], 'msi-explorer: missing.msi: cannot read script: no such file'],
    [['fixtures'], 'msi-explorer: fixtures: is a directory, not a script'],
    [[''], 'msi-explorer: empty script name: give a script file, or - for stdin'],
    [['-t', 'fixtures/topologies'], 'msi-explorer: fixtures/topologies: is a directory, not a topology file'],
  ])('usage error %j: exit 2, one line, nothing run', async (args, line) => {
    // With a command to run, so that "nothing run" means something (-e alone is the error itself).
    const r = await runCli(args[0] === '-e' ? [...args] : [...args, '-e', 'pools']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.errLines).toEqual([line]);
  });

  test('flags and -e may repeat: --json --json, -q -q and two -e run as one', async () => {
    const r = await runCli(['--json', '--json', '-q', '-q', '-e', 'pools', '-e', 'routes']);
    expect([r.status, r.stderr, r.outLines.map((l) => JSON.parse(l).command)]).toEqual([0, '', ['pools', 'routes']]);
  });

  test('an unreadable script is refused before anything runs, even after good ones', async () => {
    const good = file('good.msi', 'request-channel main_udmap tx\n');
    const r = await runCli([good, 'missing.msi']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });

  test('--version prints package.json version; --help exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = runBin(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    // Only a bare --version takes the bin's fast path: anything beside it is parsed first.
    expect(runBin(['--version', '--bogus'])).toMatchObject({ status: 2, stdout: '', stderr: "msi-explorer: unknown option '--bogus'\n" });
    // With valid options beside it, it still prints the version and nothing runs; --help wins over it.
    expect(await runCli(['-q', '--version', '-e', 'bogus'])).toMatchObject({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await runCli(['--version', '-h'])).stdout).toMatch(/^Usage: msi-explorer/);
    const h = runBin(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^Usage: msi-explorer/);
    expect(h.stdout).toMatch(/\nExit status: 0 .* 1 .*\n2 usage error/);
    expect(h.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});

describe('--bail, -q, -e', () => {
  test('--bail stops at the first failure', async () => {
    const r = await runCli(['--bail', '-q'], { input: 'request-channel main_udmap tx\nbogus\nalloc-irq nosuch 1\npools\n' });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual(["<stdin>:2: EUSAGE: unknown verb 'bogus'; try help"]);
    expect(r.stdout).toBe('');
  });

  test('without --bail the same script runs to the end', async () => {
    const r = await runCli(['-q'], { input: 'request-channel main_udmap tx\nbogus\nalloc-irq nosuch 1\npools\n' });
    expect(r.status).toBe(1);
    expect(r.errLines).toHaveLength(2);
    expect(r.stdout).toMatch(/^POOL/);
  });

  test('--bail stops the scripts that follow too', async () => {
    const a = file('bail-a.msi', 'bogus\n');
    const b = file('bail-b.msi', 'pools\n');
    const r = await runCli(['--bail', a, b]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.errLines).toEqual([`${a}:1: EUSAGE: unknown verb 'bogus'; try help`]);
  });

  test('-q prints only errors and the output of show commands', async () => {
    const r = await runCli(['-q'], { input: 'request-channel main_udmap tx\nalloc-irq ringacc any\nfire-ring 304\nbogus\nexpect-pool virq used=227\nroutes ringacc\n' });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual(["<stdin>:4: EUSAGE: unknown verb 'bogus'; try help"]);
    // Only the routes table: no channel, allocation, fire trace or expectation output.
    expect(r.outLines[0]).toMatch(/^VIRQ/);
    expect(r.stdout).not.toMatch(/channel main_udmap|virq \d+:|expected|event 16 ->/);
    const loud = await runCli([], { input: 'request-channel main_udmap tx\n' });
    expect(loud.stdout).toContain('main_udmap:tx8');
  });

  test('-q still prints the bare design list, not a change of design', async () => {
    const quiet = await runCli(['-q', '-e', 'design rfc-v4; design']);
    const loud = await runCli(['-e', 'design rfc-v4; design']);
    const change = await runCli(['-e', 'design rfc-v4']);
    expect(quiet.stderr).toBe('');
    expect(loud.stdout.startsWith(change.stdout)).toBe(true);
    expect(quiet.stdout).toBe(loud.stdout.slice(change.stdout.length));
    expect(quiet.stdout).toContain('probe-all');
  });

  test('-q still prints the show forms of policy and mode, not their changes', async () => {
    const r = await runCli(['-q', '-e', 'policy; mode; policy dedicated; mode probe; policy']);
    expect(r.stderr).toBe('');
    // wrapped to fit 80 columns, the continuation indented
    expect(r.stdout).toBe(
      'design merged (policy coalesced, mode probe, hardware request, lock inta,\n  failure unwind)\n'.repeat(2) +
        'design merged+dedicated (policy dedicated, mode probe, hardware request, lock\n  inta, failure unwind)\n',
    );
  });

  test('a setting already in force says so and keeps the script\'s channels; -q prints nothing of it', async () => {
    const input = 'request-channel main_udmap tx 2\npolicy coalesced\ndesign merged\nmode probe\nexpect-pool main_udmap.tx_chan used=2\n';
    const r = await runCli([], { input, env: { COLUMNS: '80' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.outLines.filter((l) => /already|re-boot/.test(l))).toEqual([
      'policy is already coalesced; nothing re-booted',
      'design is already merged; nothing re-booted',
      'mode is already probe; nothing re-booted',
    ]);
    const quiet = await runCli(['-q'], { input });
    expect(quiet).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  test('-e: ";" separates, quotes protect it, "#" comments to the end, repeatable; lines are numbered per command', async () => {
    const r = await runCli(['-q', '-e', 'alloc-irq "ring;acc" 1; pools # comment; bogus', '-e', "expect-error ENOENT alloc-irq 'ring;acc' 1;;bogus2"]);
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual(["-e:1: alloc-irq: ENOENT: unknown MSI device 'ring;acc' (have: ringacc, main_udmap)", "-e:5: EUSAGE: unknown verb 'bogus2'; try help"]);
    expect(r.stdout).toMatch(/^POOL/);
  });

  test("';' joins commands only in -e: a script line that holds one outside quotes and fails is said as that, of no verb; one that runs is left as it ran", async () => {
    const joined = file(
      'joined.msi',
      ['pools; routes', 'alloc-irq ringacc 305; pools', 'alloc-irq ringacc 306;', 'source nope.msi;', 'alloc-irq "ring;acc" 1', 'pools # then; bogus', 'expect-error EUSAGE pools; routes', ''].join('\n'),
    );
    const said = "EUSAGE: ';' does not join commands in a script line: one command per line (-e takes 'a; b')";
    const r = await runCli(['-q', joined]);
    expect(r.errLines).toEqual([
      `${joined}:1: ${said}`,
      `${joined}:2: ${said}`,
      `${joined}:3: ${said}`,
      `${joined}:4: ${said}`,
      // Quoted, a ';' is part of a word: the command's own error.
      `${joined}:5: alloc-irq: ENOENT: unknown MSI device 'ring;acc' (have: ringacc, main_udmap)`,
    ]);
    expect(r.status).toBe(1);
    // The comment's ';' is no command's: pools ran.
    expect(r.stdout).toMatch(/^POOL/);
    // stdin reads as a script does; --json says the same.
    const json = await runCli(['--json', '-'], { input: 'pools; routes\n' });
    expect(json.outLines).toEqual([`{"file":"<stdin>","line":1,"command":"pools; routes","ok":false,"error":{"code":"EUSAGE","message":"';' does not join commands in a script line: one command per line (-e takes 'a; b')"}}`]);
    expect(json.errLines).toEqual([`<stdin>:1: ${said}`]);
  });

  test('a no-break space (or another Unicode space) separates words in a script, -e and an interleave operation; quoted, it stays and an error shows it as ?', async () => {
    // What a command pasted from a web page or a PDF holds in place of a space.
    const input = ['request-channel\u00a0main_udmap tx', 'interleave "alloc-irq\u00a0ringacc\u00a0310" "alloc-irq\u3000ringacc 311"', "alloc-irq 'ring\u00a0acc' 1"].join('\n');
    const r = await runCli(['-q', '-', '-e', 'expect-pool\u2009main_udmap.tx_chan used=1; pools\u00a0# then; bogus'], { input });
    expect(r.errLines).toEqual(["<stdin>:3: alloc-irq: ENOENT: unknown MSI device 'ring?acc' (have: ringacc, main_udmap)"]);
    expect(r.status).toBe(1);
    expect(r.outLines).toContain('  A  cpu0  alloc-irq ringacc 310');
    expect(r.outLines).toContain('  B  cpu1  alloc-irq ringacc 311');
    expect(r.stdout).toMatch(/^main_udmap\.tx_chan +1 /m);
  });

  test('routes <virq> of a virq allocated without a route is an answer, as routes <device> with none is: exit 0; a virq not allocated is ENOENT', async () => {
    const r = await runCli(['-q', '-e', 'routes ringacc; routes 170']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.outLines).toEqual([
      'no routes for ringacc',
      'virq 170 (main_udmap 1) has no route: allocated by main_udmap, not requested: no',
      "    hardware until request_irq; it is main_udmap:tx1's TR event, but",
      '    request-channel takes tx8 up (normal capacity), so only alloc-irq main_udmap',
      '    1 requests it',
    ]);
    const gone = await runCli(['-e', 'routes 5']);
    expect([gone.status, gone.stdout, gone.errLines]).toEqual([1, '', ['-e:1: routes: ENOENT: virq 5 has no route: not allocated']]);
    // A channel of the host's not requested is answered the same way; one the host has not is an error.
    const idle = await runCli(['-q', '-e', 'routes main_udmap:tx3']);
    expect([idle.status, idle.stderr, idle.outLines]).toEqual([
      0,
      '',
      ['channel main_udmap:tx3 has no route: not requested; request-channel takes tx8 up', '    (normal capacity), so it never takes tx3'],
    ]);
    const none = await runCli(['-e', 'routes main_udmap:tx5']);
    expect([none.status, none.stdout, none.errLines]).toEqual([1, '', ["-e:1: routes: EINVAL: main_udmap: tx channel 5 is not one of this host's (1-3, 8-19, 26-63)"]]);
    // expect-error says the command as typed, quotes and all.
    const quoted = await runCli(['-e', 'expect-error EINVAL compare "pools; pools"']);
    expect(quoted.errLines).toEqual([`-e:1: expect-error: EXPECT: expected EINVAL from 'compare "pools; pools"', but it succeeded (undone)`]);
    // A probe whose events all land on a VINT another device opened opens none: '1 VINT shared'.
    const small = await runCli(['-q', '-t', 'fixtures/topologies/small8.json', '-e', 'hardware alloc', '-e', 'boot']);
    expect(small.outLines.filter((l) => l.includes('with hardware')).map((l) => l.replace(/.*with hardware: /, ''))).toEqual(['1 VINT opened)', '1 VINT shared)']);
    // A driver not bound (probe-all: ringacc's probe failed) hands out no channel: said so, not promised.
    const unbound = await runCli(['-q', '--design', 'probe-all', '-e', 'routes main_udmap:tx8']);
    expect([unbound.status, unbound.outLines]).toEqual([
      0,
      [
        'channel main_udmap:tx8 has no route: not requested, and request-channel cannot',
        '    take it (EPROBE_DEFER): main_udmap: driver not bound: probe deferred:',
        '    ringacc is not bound',
      ],
    ]);
  });

  test('-e with an unterminated quote is one error', async () => {
    const r = await runCli(['-e', "alloc-irq 'ringacc any; pools"]);
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual(["-e:1: EUSAGE: unterminated ' quote"]);
    expect(r.stdout).toBe('');
  });

  test('scripts, -e and stdin (`-`) run in command-line order, on one session', async () => {
    const s = file('order.msi', 'request-channel main_udmap tx\n');
    const used = (n: number) => `expect-pool main_udmap.tx_chan used=${n}`;
    const r = await runCli(['-q', '-e', used(0), s, '-e', `${used(1)}; request-channel main_udmap tx`, '-', `--exec=${used(3)}`, '-qe', 'bogus'], {
      input: `${used(2)}\nrequest-channel main_udmap tx\n`,
    });
    // -e commands are numbered as one script: bogus is the fifth.
    expect(r.errLines).toEqual(["-e:5: EUSAGE: unknown verb 'bogus'; try help"]);
    expect(r.status).toBe(1);
    const after = await runCli(['-q', s, '-e', used(1)]);
    expect(after.stderr).toBe('');
    const before = await runCli(['-q', '-e', used(0), s]);
    expect(before.stderr).toBe('');
  });

  test('-i needs a terminal: piped, it is a usage error with nothing run', async () => {
    const r = await runCli(['-i', '-e', 'request-channel main_udmap tx'], { input: 'pools\n' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('msi-explorer: -i: the REPL needs a terminal on stdin (pipe the commands without -i)\n');
  });

  test('exit ends the whole run, even from a sourced script; exit <status> sets the status as in a shell', async () => {
    file('inner.msi', 'request-channel main_udmap tx\nexit 7\npools\n');
    const outer = file('outer.msi', 'source inner.msi\nbogus\n');
    const r = await runCli([outer, '-e', 'pools']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(7);
    expect(r.stdout).not.toMatch(/POOL/);
    expect(r.stdout).toMatch(/^main_udmap:tx8: /);
    // No status: 1 if a command failed, else 0; `exit 0` after a failure is 0, as in sh.
    expect((await runCli(['-e', 'bogus; exit; bogus'])).status).toBe(1);
    expect((await runCli(['-e', 'pools; exit'])).status).toBe(0);
    expect((await runCli(['-e', 'bogus; exit 0'])).status).toBe(0);
    const bad = await runCli(['-e', 'exit 256; exit x']);
    expect(bad.errLines).toEqual(['-e:1: exit: EINVAL: exit status must be 0-255, got 256', "-e:2: exit: EUSAGE: exit status: expected a number, got 'x'"]);
    expect(bad.status).toBe(1);
  });
});

describe('--json', () => {
  test('one object per command with the contract fields; ENOSPC carries the pool', async () => {
    const input = 'request-channel main_udmap tx 2\n\n# comment\npools\nbogus\ndesign rfc-v4\nrequest-channel main_udmap tx 50\nrequest-channel main_udmap rx 14\nroutes\n';
    const r = await runCli(['--json'], { input });
    expect(r.status).toBe(1);
    const objects = r.outLines.map((l) => JSON.parse(l));
    expect(objects.map((o) => [o.line, o.command, o.ok])).toEqual([
      [1, 'request-channel main_udmap tx 2', true],
      [4, 'pools', true],
      [5, 'bogus', false],
      [6, 'design rfc-v4', true],
      [7, 'request-channel main_udmap tx 50', true],
      [8, 'request-channel main_udmap rx 14', false],
      [9, 'routes', true],
    ]);
    expect(objects[0].data.routes[0]).toMatchObject({ virq: 70, device: 'ringacc', index: 304, hwirq: 0xbb0130, globalEvent: 16, vint: 16, vintBit: 0, intrOutput: 17, gicSpi: 49 });
    for (const k of ['virq', 'device', 'index', 'hwirq', 'globalEvent', 'vint', 'vintBit', 'intrInput', 'intrOutput', 'gicSpi', 'parentVirq', 'count']) {
      expect(objects[6].data.routes[0]).toHaveProperty(k);
    }
    for (const p of objects[1].data.pools) expect(Object.keys(p).sort()).toEqual(['free', 'id', 'owner', 'peak', 'total', 'used']);
    expect(objects[2].error).toEqual({ code: 'EUSAGE', message: "unknown verb 'bogus'; try help" });
    expect(objects[5].error).toEqual({
      code: 'EINVAL',
      message: 'intr_main_navss.out exhausted (64/64 used), at channel 14 of 14; the 13 granted before were released',
      pool: 'intr_main_navss.out',
    });
    // Errors still go to stderr, one line each.
    expect(r.errLines).toEqual(["<stdin>:5: EUSAGE: unknown verb 'bogus'; try help", expect.stringMatching(/^<stdin>:8: request-channel: EINVAL: /)]);
  });

  test('what stops a run is an object of its own, with no command: a NUL byte, too many errors; every line is JSON', async () => {
    const nul = await runCli(['--json'], { input: Buffer.from('pools\nfoo\u0000bar\nexpect-pool virq used=0\n') });
    expect(nul.status).toBe(2);
    const objects = nul.outLines.map((l) => JSON.parse(l));
    expect(objects.map((o) => [o.line, o.command, o.ok])).toEqual([
      [1, 'pools', true],
      [2, null, false],
    ]);
    expect(nul.outLines[1]).toBe('{"file":"<stdin>","line":2,"command":null,"ok":false,"error":{"code":"EUSAGE","message":"not a text script (NUL byte at offset 9)"}}');
    expect(nul.errLines).toEqual(['<stdin>:2: EUSAGE: not a text script (NUL byte at offset 9)']);

    const many = await runCli(['--json'], { input: 'nonsense\n'.repeat(MAX_ERRORS + 5) });
    expect(many.status).toBe(1);
    expect(many.outLines).toHaveLength(MAX_ERRORS + 1);
    for (const l of many.outLines) JSON.parse(l);
    expect(many.outLines[MAX_ERRORS]).toBe(
      `{"file":"<stdin>","line":${MAX_ERRORS + 1},"command":null,"ok":false,"error":{"code":"EUSAGE","message":"too many errors: stopped after ${MAX_ERRORS} failed commands"}}`,
    );
    expect(many.errLines.at(-1)).toBe(`<stdin>:${MAX_ERRORS + 1}: EUSAGE: too many errors: stopped after ${MAX_ERRORS} failed commands`);
  });

  test("what keeps a run from starting is an object too: the file at fault (or msi-explorer), its line (a YAML line, the line of a JSON file's line:column) or null; stderr and status as without --json", async () => {
    const yaml = file('rm/broken.yaml', 'rm-cfg:\n  resasg_entries: [\n');
    const twice = file('topo/twice-json.json', '{"name": "a",\n "name": "b"}');
    // Invalid UTF-8 is refused as scripts refuse it, not read as U+FFFD: the first bad byte's line and column.
    const latin1 = file('topo/latin1.json', Buffer.from('{\n  "name": "sm\xffall8"}', 'latin1'));
    const latin1Yaml = file('rm/latin1.yaml', Buffer.from('rm-cfg:\n  resasg_entries:\n    - host_id: 1\xe92\n', 'latin1'));
    const stop = (f: string, line: number | null, code: string, message: string) => JSON.stringify({ file: f, line, command: null, ok: false, error: { code, message } });
    const cases: Array<[string[], string[], string]> = [
      [['missing.msi'], [stop('missing.msi', null, 'ENOENT', 'cannot read script: no such file')], 'msi-explorer: missing.msi: cannot read script: no such file'],
      [['fixtures'], [stop('fixtures', null, 'EINVAL', 'is a directory, not a script')], 'msi-explorer: fixtures: is a directory, not a script'],
      [['-t', 'missing.json'], [stop('missing.json', null, 'ENOENT', 'cannot read topology file: no such file')], 'msi-explorer: missing.json: cannot read topology file: no such file'],
      [['-t', twice], [stop(twice, 2, 'EINVAL', "$: duplicate key 'name' at 2:2 (first at 1:2)")], `msi-explorer: ${twice}: $: duplicate key 'name' at 2:2 (first at 1:2)`],
      [['-t', latin1], [stop(latin1, 2, 'EINVAL', 'invalid UTF-8 at 2:14 (byte 0xff)')], `msi-explorer: ${latin1}: invalid UTF-8 at 2:14 (byte 0xff)`],
      [['-t', 'nosuch'], [stop('msi-explorer', null, 'ENOENT', "unknown topology 'nosuch': not built in (am65x) and no such file")], "msi-explorer: unknown topology 'nosuch': not built in (am65x) and no such file"],
      [['--rm-cfg', yaml, '--host', '12'], [stop(yaml, 3, 'EINVAL', 'YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]')], `msi-explorer: ${yaml}:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`],
      [['--rm-cfg', latin1Yaml, '--host', '12'], [stop(latin1Yaml, 3, 'EINVAL', 'invalid UTF-8 at 3:17 (byte 0xe9)')], `msi-explorer: ${latin1Yaml}: invalid UTF-8 at 3:17 (byte 0xe9)`],
      [['--rm-cfg', 'no/such.yaml', '--host', '12'], [stop('no/such.yaml', null, 'ENOENT', 'cannot read rm-cfg file: no such file')], 'msi-explorer: no/such.yaml: cannot read rm-cfg file: no such file'],
      [['--rm-cfg', yaml, '--host', 'linux'], [stop('msi-explorer', null, 'EUSAGE', "--host: expected a TISCI host id 0-255, got 'linux'")], "msi-explorer: --host: expected a TISCI host id 0-255, got 'linux'"],
      [['--rm-cfg', yaml], [stop('msi-explorer', null, 'EUSAGE', '--rm-cfg needs --host <id>: the TISCI host whose share to read (Linux on AM65x is 12)')], 'msi-explorer: --rm-cfg needs --host <id>: the TISCI host whose share to read (Linux on AM65x is 12)'],
      [['--host', '1', '--host', '2'], [stop('msi-explorer', null, 'EUSAGE', "option '--host' given twice")], "msi-explorer: option '--host' given twice"],
      [['--bogus'], [stop('msi-explorer', null, 'EUSAGE', "unknown option '--bogus'")], "msi-explorer: unknown option '--bogus'"],
      [['--compare', 'all', 'a.msi'], [stop('msi-explorer', null, 'EUSAGE', '--compare takes one workload: a script file, - for stdin, or commands with -e')], 'msi-explorer: --compare takes one workload: a script file, - for stdin, or commands with -e'],
    ];
    for (const [args, out, err] of cases) {
      const r = await runCli(['--json', ...args, '-e', 'pools']);
      expect([args, r.status, r.outLines, r.errLines]).toEqual([args, 2, out, [err]]);
    }
    // A topology file with several problems: an object per line of stderr.
    const many = file('topo/many-json.json', '{"name": "x"}');
    const r = await runCli(['--json', '-t', many, '-e', 'pools']);
    expect(r.status).toBe(2);
    expect(r.outLines.length).toBeGreaterThan(1);
    expect(r.outLines.map((l) => JSON.parse(l)).map((o) => `msi-explorer: ${o.file}: ${o.error.message}`)).toEqual(r.errLines);
  });

  test('a line the tokenizer refuses is still one object, with its raw command', async () => {
    const r = await runCli(['--json', '-e', 'alloc-irq "x']);
    expect(r.outLines.map((l) => JSON.parse(l))).toEqual([{ file: '-e', line: 1, command: 'alloc-irq "x', ok: false, error: { code: 'EUSAGE', message: 'unterminated " quote' } }]);
  });

  test('source is one object; its lines follow under their own file name', async () => {
    const inner = file('json/inner.msi', 'pools\nbogus\n');
    const outer = file('json/outer.msi', 'source inner.msi\nsource nope.msi\n');
    const r = await runCli(['--json', outer]);
    const objects = r.outLines.map((l) => JSON.parse(l));
    expect(objects.map((o) => [o.file, o.line, o.ok])).toEqual([
      [outer, 1, true],
      [inner, 1, true],
      [inner, 2, false],
      [outer, 2, false],
    ]);
    expect(objects[3].error.code).toBe('ENOENT');
  });
});

describe('a probe that failed at boot', () => {
  const HOST13 = ['--rm-cfg', 'fixtures/rm-cfg/am65x-host12.yaml', '--host', '13'];
  const GPIO = 'msi-explorer: boot: main_gpio0: probe failed: EINVAL: intr_main_gpio.out exhausted (4/4 used) (see boot)';

  test('is said once on stderr before the first command\'s output, as a warning: the status stays the commands\'', async () => {
    // A real process, 2>&1: the order is the order it was written in.
    const both = runShell(`msi ${HOST13.join(' ')} -e 'expect-pool virq used=67; pools; bogus' 2>&1`);
    expect(both.status).toBe(1);
    expect(both.outLines.slice(0, 3)).toEqual([GPIO, 'virq: used=67 (67/1024 used, peak 67)', 'POOL                           USED  TOTAL  FREE  PEAK  USAGE']);
    expect(both.outLines.at(-1)).toBe("-e:3: EUSAGE: unknown verb 'bogus'; try help");
    expect(both.outLines.filter((l) => l.includes('boot:'))).toEqual([GPIO]);
    for (const args of [['-e', 'pools'], ['-q', '-e', 'pools'], ['--bail', '-e', 'pools; pools']]) {
      const r = await runCli([...HOST13, ...args]);
      expect([args, r.status, r.errLines]).toEqual([args, 0, [GPIO]]);
    }
    // Nothing failed: nothing said.
    expect((await runCli(['-e', 'pools'])).stderr).toBe('');
  });

  test('--json: on stderr only; stdout holds the commands\' objects', async () => {
    const r = await runCli([...HOST13, '--json', '-e', 'pools; bogus']);
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([GPIO, "-e:2: EUSAGE: unknown verb 'bogus'; try help"]);
    expect(r.outLines.map((l) => JSON.parse(l)).map((o) => [o.command, o.ok])).toEqual([
      ['pools', true],
      ['bogus', false],
    ]);
  });

  test('a deferred probe is not said (retried; debug level in Linux), nor is anything when the run is refused', async () => {
    // probe-all: ringacc fails, main_udmap waits for it: one line, ringacc's.
    const r = await runCli(['--design', 'probe-all', '-e', 'expect-error EPROBE_DEFER request-channel main_udmap tx']);
    expect([r.status, r.errLines]).toEqual([
      0,
      ['msi-explorer: boot: ringacc: probe failed: EINVAL: intr_main_navss.out exhausted (64/64 used), at MSI 65 of 100; the 64 allocated before were freed (see boot)'],
    ]);
    const refused = await runCli([...HOST13, 'missing.msi', '-e', 'pools']);
    expect([refused.status, refused.errLines]).toEqual([2, ['msi-explorer: missing.msi: cannot read script: no such file']]);
  });
});

describe('scripts: files, CRLF, BOM, source', () => {
  test('CRLF line ends and a UTF-8 BOM are accepted, in a file and on stdin', async () => {
    const text = '\ufeffrequest-channel main_udmap tx\r\nexpect-pool main_udmap.tx_chan used=1\r\nbogus\r\n';
    const f = file('crlf.msi', text);
    for (const r of [await runCli([f]), await runCli([], { input: text })]) {
      expect(r.status).toBe(1);
      expect(r.errLines).toHaveLength(1);
      expect(r.errLines[0]).toMatch(/:3: EUSAGE: unknown verb 'bogus'; try help$/);
    }
  });

  test('source: relative to the including file; loops, depth, missing files and directories are one error each', async () => {
    const common = file('src/lib/common.msi', 'request-channel main_udmap tx\n');
    file('src/main.msi', 'source lib/common.msi\nexpect-pool main_udmap.tx_chan used=1\n');
    const loopA = file('src/loop-a.msi', 'source loop-b.msi\n');
    const loopB = file('src/loop-b.msi', 'source loop-a.msi\n');
    const self = file('src/self.msi', 'pools\nsource self.msi\n');
    const holes = file('src/holes.msi', 'source nope.msi\nsource lib\nsource /dev/zero\nexpect-pool virq used=226\n');
    for (let i = 0; i <= MAX_SOURCE_DEPTH + 2; i++) file(`src/deep/d${i}.msi`, `source d${i + 1}.msi\n`);

    const ok = await runCli(['-q', join(relative(ROOT, tmp), 'src/main.msi')]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(common).toContain('common.msi');

    const loop = await runCli([loopA]);
    expect(loop.status).toBe(1);
    expect(loop.errLines).toEqual([`${loopB}:1: source: EINVAL: source loop: ${loopA} -> ${loopB} -> ${loopA}`]);

    const s = await runCli(['-q', self]);
    expect(s.errLines).toEqual([`${self}:2: source: EINVAL: source loop: ${self} -> ${self}`]);

    // A sourced device holding a NUL byte is refused at its source line as the others are (the
    // device is read, as it cannot be read twice), and the run goes on: the last line holds.
    const h = await runCli(['-q', holes]);
    const dir = relative(ROOT, join(tmp, 'src'));
    expect(h.status).toBe(1);
    expect(h.errLines).toEqual([
      `${holes}:1: source: ENOENT: ${dir}/nope.msi: cannot read script: no such file`,
      `${holes}:2: source: EINVAL: ${dir}/lib: is a directory, not a script`,
      `${holes}:3: source: EUSAGE: /dev/zero: not a text script (NUL byte at offset 0)`,
    ]);

    // One rule for names at every depth: the path as written, joined to the including script's
    // name, whose top is named as given (here absolute, so the nested names are too).
    const abs = await runCli(['-q', join(tmp, 'src/holes.msi')]);
    expect(abs.errLines[0]).toBe(`${join(tmp, 'src/holes.msi')}:1: source: ENOENT: ${join(tmp, 'src/nope.msi')}: cannot read script: no such file`);
    file('src/lib/bad.msi', 'bogus\n');
    file('src/nest.msi', 'source lib/../lib/bad.msi\n');
    expect((await runCli([join(tmp, 'src/nest.msi')])).errLines).toEqual([`${join(tmp, 'src/lib/bad.msi')}:1: EUSAGE: unknown verb 'bogus'; try help`]);
    expect((await runCli([join(dir, 'nest.msi')])).errLines).toEqual([`${dir}/lib/bad.msi:1: EUSAGE: unknown verb 'bogus'; try help`]);

    const deep = await runCli([join(dir, 'deep/d0.msi')]);
    expect(deep.status).toBe(1);
    expect(deep.errLines).toEqual([`${dir}/deep/d${MAX_SOURCE_DEPTH}.msi:1: source: EINVAL: ${dir}/deep/d${MAX_SOURCE_DEPTH + 1}.msi: source nested deeper than ${MAX_SOURCE_DEPTH} scripts`]);
  });

  test('a sourced binary script is refused whole at its source line: none of its lines runs, exit 1, the run goes on', async () => {
    // Lines that would change the model come before the NUL byte: none of them may run.
    const bin = file('srcbin/lib/bin.msi', Buffer.from('alloc-irq ringacc 305\nrequest-channel main_udmap tx\n\u0000junk\n'));
    const top = file('srcbin/top.msi', 'pools\nsource lib/bin.msi\nexpect-pool virq used=226\nexpect-pool main_udmap.tx_chan used=0\n');
    const r = await runCli(['-q', top]);
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([`${top}:2: source: EUSAGE: ${bin}: not a text script (NUL byte at offset 52)`]);
    expect(r.stdout).toMatch(/^POOL/);
    // --json: the source line's own object, failed; nothing under the sourced file's name.
    const json = await runCli(['-q', '--json', top]);
    expect(json.outLines.map((l) => JSON.parse(l).file)).toEqual([top, top, top, top]);
    expect(json.outLines[1]).toBe(`{"file":"${top}","line":2,"command":"source lib/bin.msi","ok":false,"error":{"code":"EUSAGE","message":"${bin}: not a text script (NUL byte at offset 52)"}}`);
    // --bail stops there, as at any failed command.
    const bail = await runCli(['-q', '--bail', top, '-e', 'routes']);
    expect([bail.status, bail.errLines.length]).toEqual([1, 1]);
    // From stdin and from a pipe (read whole, as it cannot be read twice), the same.
    const piped = runBin(['-q'], { input: `source ${bin}\nexpect-pool virq used=226\n` });
    expect([piped.status, piped.errLines]).toEqual([1, [`<stdin>:1: source: EUSAGE: ${bin}: not a text script (NUL byte at offset 52)`]]);
    const fifo = runShell(`cat ${bin} | msi -q -e 'source /dev/fd/3' -e 'expect-pool virq used=226' 3<&0 </dev/null`);
    expect([fifo.status, fifo.errLines]).toEqual([1, ['-e:1: source: EUSAGE: /dev/fd/3: not a text script (NUL byte at offset 52)']]);
  });

  test('a symlinked script is found through its link; a loop through a link is still a loop', async () => {
    const target = file('links/real.msi', 'source alias.msi\n');
    symlinkSync(join(tmp, 'links/real.msi'), join(tmp, 'links/alias.msi'));
    const r = await runCli([target]);
    expect(r.status).toBe(1);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(/source: EINVAL: source loop: /);
  });

  test('an unreadable script (permissions) is a usage error, when the OS enforces them', async () => {
    const f = file('secret.msi', 'pools\n');
    chmodSync(join(tmp, 'secret.msi'), 0o000);
    const r = await runCli([f]);
    chmodSync(join(tmp, 'secret.msi'), 0o600);
    // root reads anything; then the script simply runs.
    if (r.status === 2) expect(r.errLines).toEqual([`msi-explorer: ${f}: cannot read script: permission denied`]);
    else expect(r.status).toBe(0);
  });

  test('binary input: a NUL byte stops the run at its line (exit 2); invalid UTF-8 is refused line by line', async () => {
    const nul = await runCli(['-q'], { input: Buffer.from('pools\nfoo\u0000bar\nexpect-pool virq used=0\n') });
    expect(nul.status).toBe(2);
    expect(nul.stdout).toMatch(/^POOL/);
    expect(nul.errLines).toEqual(['<stdin>:2: EUSAGE: not a text script (NUL byte at offset 9)']);
    const inFile = await runCli(['-q', file('nul.msi', Buffer.from('alloc-irq ringacc any\n\u0000\n')), '-e', 'pools']);
    expect(inFile.status).toBe(2);
    expect(inFile.stdout).toBe('');
    expect(inFile.errLines).toEqual([`${relative(ROOT, join(tmp, 'nul.msi'))}:2: EUSAGE: not a text script (NUL byte at offset 22)`]);
    const latin1 = await runCli(['-q'], { input: Buffer.concat([Buffer.from('alloc-irq caf'), Buffer.from([0xe9]), Buffer.from(' 1\npools\n')]) });
    expect(latin1.status).toBe(1);
    expect(latin1.errLines).toEqual(['<stdin>:1: EUSAGE: invalid UTF-8 at column 14 (byte 0xe9)']);
    expect(latin1.stdout).toMatch(/^POOL/);
  });

  test('a script that fails as it is read (EIO) stops the run at its place: one error line, exit 2, --json an object', async () => {
    // Reading /proc/self/mem from offset 0 (unmapped) fails with EIO after open succeeded.
    if (!existsSync('/proc/self/mem')) return;
    const r = await runCli(['--json', '-e', 'pools', '/proc/self/mem']);
    expect(r.status).toBe(2);
    expect(r.outLines.map((l) => JSON.parse(l).command)).toEqual(['pools', null]);
    expect(r.outLines[1]).toBe('{"file":"/proc/self/mem","line":1,"command":null,"ok":false,"error":{"code":"EINVAL","message":"cannot read script: input/output error"}}');
    expect(r.errLines).toEqual(['/proc/self/mem:1: EINVAL: cannot read script: input/output error']);
  });

  test('a character or a line split across 64 KiB reads is read whole, from a file and a pipe', () => {
    const comments = (bytes: number) => `${'#'.repeat(99)}\n`.repeat(Math.floor(bytes / 100)) + `${'#'.repeat((bytes % 100) - 1)}\n`;
    // The é of line 657 starts at byte 65535, the last of the first read; line 1314 spans byte 131072.
    const first = `${comments(65_522)}alloc-irq caf\u00e9 1\n`;
    const text = `${first}${comments(131_072 - 10 - Buffer.byteLength(first))}alloc-irq ringacc any\nroutes\n`;
    expect(Buffer.from(text).indexOf('\u00e9')).toBe(65_535);
    const expected = runInProcess(text, { quiet: true });
    expect(expected.err).toBe("<stdin>:657: alloc-irq: ENOENT: unknown MSI device 'caf\u00e9' (have: ringacc, main_udmap)\n");
    expect(expected.out).toMatch(/ringacc/);
    const piped = runBin(['-q'], { input: text });
    expect([piped.stdout, piped.stderr]).toEqual([expected.out, expected.err]);
    const name = file('split.msi', text);
    const named = runBin(['-q', name]);
    expect([named.stdout, named.stderr]).toEqual([expected.out, expected.err.replace('<stdin>', name)]);
  });

  test('invalid UTF-8 in a script is named by its line, column and byte: files, stdin, sourced scripts, workloads, across reads', async () => {
    const bad = file('utf8/bad.msi', Buffer.concat([Buffer.from('pools\nalloc-irq ringacc '), Buffer.from([0xff]), Buffer.from('05\n')]));
    const named = await runCli(['-q', bad]);
    expect([named.status, named.errLines]).toEqual([1, [`${bad}:2: EUSAGE: invalid UTF-8 at column 19 (byte 0xff)`]]);
    const piped = runBin(['-q'], { input: readFileSync(join(ROOT, bad)) });
    expect(piped.errLines).toEqual(['<stdin>:2: EUSAGE: invalid UTF-8 at column 19 (byte 0xff)']);
    const sourcing = file('utf8/top.msi', 'source bad.msi\nexpect-pool virq used=226\n');
    const sourced = await runCli(['-q', sourcing]);
    expect([sourced.status, sourced.errLines]).toEqual([1, [`${bad}:2: EUSAGE: invalid UTF-8 at column 19 (byte 0xff)`]]);
    const compared = await runCli(['-q', '-e', `compare ${bad}`]);
    expect(compared.errLines).toEqual([`-e:1: compare: EUSAGE: ${bad}:2: invalid UTF-8 at column 19 (byte 0xff)`]);
    // --json echoes the line with U+FFFD where the byte stood, as a UTF-8 decoder shows it (no lone surrogate).
    const json = await runCli(['-q', '--json', bad]);
    expect(json.outLines[1]).toBe(`{"file":"${bad}","line":2,"command":"alloc-irq ringacc \ufffd05","ok":false,"error":{"code":"EUSAGE","message":"invalid UTF-8 at column 19 (byte 0xff)"}}`);
    // A byte at the end of the first 64 KiB read, and a sequence cut short by the end of the file.
    const pad = `${'#'.repeat(99)}\n`.repeat(655) + '#'.repeat(28) + '\n';
    const edges = Buffer.concat([Buffer.from(`${pad}pools `), Buffer.from([0xe9]), Buffer.from('\nalloc-irq caf'), Buffer.from([0xe2, 0x82])]);
    expect(edges.indexOf(0xe9)).toBe(65_535);
    const split = runBin(['-q', file('utf8/edges.msi', edges)]);
    expect(split.errLines).toEqual([`${bad.replace('bad.msi', 'edges.msi')}:657: EUSAGE: invalid UTF-8 at column 7 (byte 0xe9)`, `${bad.replace('bad.msi', 'edges.msi')}:658: EUSAGE: invalid UTF-8 at column 14 (byte 0xe2)`]);
  });

  test('a U+FFFD that is in the text is called what it is, not invalid UTF-8: a script holding its valid bytes, -e', async () => {
    const held = file('utf8/fffd.msi', Buffer.concat([Buffer.from('pools '), Buffer.from([0xef, 0xbf, 0xbd]), Buffer.from('\n')]));
    const r = await runCli(['-q', held]);
    expect([r.status, r.errLines]).toEqual([1, [`${held}:1: EUSAGE: replacement character U+FFFD at column 7 (what invalid UTF-8 is decoded to)`]]);
    const e = await runCli(['-q', '-e', 'alloc-irq caf\ufffd 1']);
    expect(e.errLines).toEqual(['-e:1: EUSAGE: replacement character U+FFFD at column 14 (what invalid UTF-8 is decoded to)']);
  });

  test('piped stdin runs each line as it arrives: a program can drive the tool line by line', async () => {
    const child = spawn(process.execPath, [BIN, '-q'], { cwd: ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let waiter: (() => void) | undefined;
    const check = () => waiter?.();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      check();
    });
    const closed = new Promise<number | null>((done) => child.on('close', done));
    /** Resolves once stdout and stderr hold `want` (no clock involved: the run's own output is awaited). */
    const until = (want: () => boolean) =>
      new Promise<void>((done) => {
        waiter = () => {
          if (want()) done();
        };
        waiter();
      });
    // The next line is written only after the previous one's output arrived, with stdin still open.
    child.stdin.write('alloc-irq ringacc any\nroutes\n');
    // GP ring 304's MSI was allocated at probe (virq 70): alloc-irq requests it
    await until(() => /\n +70 +ringacc 304 .*alloc-irq\n/.test(out));
    child.stdin.write('alloc-irq ringacc 304\n');
    await until(() => err.includes('\n'));
    expect(err).toBe('<stdin>:3: alloc-irq: EBUSY: ringacc 304 is already requested by alloc-irq\n');
    child.stdin.write('free-irq 70\nroutes ringacc\n');
    await until(() => out.endsWith('no routes for ringacc\n'));
    child.stdin.end();
    expect(await closed).toBe(1);
  }, 30_000);

  test('a 1 MiB line is one error; the next line still runs', async () => {
    const long = `alloc-irq ringacc ${'9'.repeat(1 << 20)}`;
    const r = await runCli(['-q'], { input: `${long}\nexpect-pool virq used=226\n` });
    expect(r.status).toBe(1);
    expect(r.errLines).toEqual([`<stdin>:1: EUSAGE: line too long (${long.length} characters, at most ${MAX_LINE})`]);
  });

  test('line length and columns count characters, not UTF-16 units: an emoji is one', async () => {
    const emoji = '\u{1F600}'; // two UTF-16 units
    // Within the limit in characters though not in units: an ordinary line, refused for what it says.
    const fits = `alloc-irq ringacc ${emoji.repeat(3000)}`;
    expect(fits.length).toBeGreaterThan(MAX_LINE);
    // Over it: counted in characters, on a kept line, on a line only counted as it streams (more
    // units than twice the limit), with a CR before its newline, and in -e.
    const over = `${'\u00e9'.repeat(3000)}${emoji.repeat(1100)}`;
    const streamed = emoji.repeat(5000);
    const r = await runCli(['-q'], { input: `${fits}\n${over}\n${streamed}\r\n${emoji.repeat(MAX_LINE)}\n` });
    expect(r.errLines).toEqual([
      `<stdin>:1: alloc-irq: EUSAGE: index: expected a number, got '${emoji.repeat(37)}...'`,
      `<stdin>:2: EUSAGE: line too long (4100 characters, at most ${MAX_LINE})`,
      `<stdin>:3: EUSAGE: line too long (5000 characters, at most ${MAX_LINE})`,
      expect.stringMatching(/^<stdin>:4: EUSAGE: unknown verb /),
    ]);
    const e = await runCli(['-e', `${'x'.repeat(4000)}${emoji.repeat(100)}`, '-e', `alloc-irq ${emoji}${emoji}\u0007`]);
    expect(e.errLines).toEqual([`-e:1: EUSAGE: line too long (4100 characters, at most ${MAX_LINE})`, '-e:2: EUSAGE: control character U+0007 at column 13']);
  });

  test(`thousands of bad lines: ${MAX_ERRORS} error lines and one closing line`, async () => {
    const r = await runCli([], { input: 'nonsense\n'.repeat(20_000) });
    expect(r.status).toBe(1);
    expect(r.errLines).toHaveLength(MAX_ERRORS + 1);
    expect(r.errLines[MAX_ERRORS]).toBe(`<stdin>:${MAX_ERRORS + 1}: EUSAGE: too many errors: stopped after ${MAX_ERRORS} failed commands`);
  });

  test('endless or binary streams: binary is refused at once, endless text runs as it comes', () => {
    const zero = runShell('msi < /dev/zero');
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe('<stdin>:1: EUSAGE: not a text script (NUL byte at offset 0)\n');
    const yes = runShell('yes pools | msi | head -2; echo "status=$?" >&2');
    expect(yes.outLines).toHaveLength(2);
    expect(yes.stdout).toMatch(/^POOL/);
    expect(yes.stderr).toBe('status=0\n');
    const nonsense = runShell('yes nonsense | msi');
    expect(nonsense.status).toBe(1);
    expect(nonsense.errLines).toHaveLength(MAX_ERRORS + 1);
    const dev = runBin(['/dev/urandom']);
    expect(dev.status).toBe(2);
    // Lines before the first NUL may run (random bytes are bad commands), then the refusal.
    expect(dev.errLines.at(-1)).toMatch(/^\/dev\/urandom:\d+: EUSAGE: not a text script \(NUL byte at offset \d+\)$/);
    for (const l of dev.errLines) expect(l).toMatch(ERROR_LINE);
  });

  test('stdin redirected from a directory is refused as a directory named as a script is: one line, exit 2, nothing run', () => {
    // Node reads such a stdin as an empty stream; only a real process has one.
    for (const args of ['', '-q -', '-e pools', '-e pools -', "-e 'exit 0' -"]) {
      const r = runShell(`msi ${args} < '${tmp}'`);
      expect([args, r.status, r.stdout, r.stderr]).toEqual([args, 2, '', 'msi-explorer: <stdin>: is a directory, not a script\n']);
    }
    const json = runShell(`msi --json -e pools < '${tmp}'`);
    expect([json.status, json.outLines, json.errLines]).toEqual([
      2,
      ['{"file":"<stdin>","line":null,"command":null,"ok":false,"error":{"code":"EINVAL","message":"is a directory, not a script"}}'],
      ['msi-explorer: <stdin>: is a directory, not a script'],
    ]);
    const compare = runShell(`msi --compare all - < '${tmp}'`);
    expect([compare.status, compare.stdout, compare.stderr]).toEqual([2, '', 'msi-explorer: <stdin>: is a directory, not a workload\n']);
  });
});

describe('output: closed stdout, full disk, narrow and dumb terminals, colour', () => {
  // A closed stdout ends the run quietly, with the status of the commands run before it closed.
  test.each([
    ['', 'status=0\n'],
    ['bogus; ', "-e:1: EUSAGE: unknown verb 'bogus'; try help\nstatus=1\n"],
  ])('a closed stdout (| head -1) after %j: quiet, the status so far', (before, stderr) => {
    const many = Array.from({ length: 300 }, () => 'topology').join('; ');
    const r = runShell(`{ msi -e '${before}${many}'; echo "status=$?" >&2; } | head -1`);
    expect(r.stdout).toMatch(/^am65x: /);
    expect(r.outLines).toHaveLength(1);
    expect(r.stderr).toBe(stderr);
  });

  test('2>&1 keeps output and errors in the order they happened', () => {
    const r = runShell(`msi -e 'pools; bogus; help alloc-irq; alloc-irq nosuch 1' 2>&1`);
    expect(r.status).toBe(1);
    const at = (re: RegExp) => r.outLines.findIndex((l) => re.test(l));
    const order = [at(/^POOL/), at(/^-e:2: EUSAGE/), at(/^usage: alloc-irq/), at(/^-e:4: alloc-irq: ENOENT/)];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });

  test('a failing stdout (> /dev/full) is one line and status 1, no stack', () => {
    if (!existsSync('/dev/full')) return;
    const r = runShell('msi -e "topology; pools" > /dev/full');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('msi-explorer: cannot write to stdout: no space left on device\n');
  });

  test.each([['--help'], ['--version'], ['-h']])('%s into a closed pipe: quiet, status 0', async (flag) => {
    // The reading end is closed before the child can start, so its first write meets EPIPE.
    const child = spawn(process.execPath, [BIN, flag], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  });

  test.each([['--help'], ['--version']])('%s into a full disk: one line, status 1', (flag) => {
    if (!existsSync('/dev/full')) return;
    const r = runShell(`msi ${flag} > /dev/full`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('msi-explorer: cannot write to stdout: no space left on device\n');
  });

  test('TERM=dumb and COLUMNS=40: no escapes; tables fit in 40 columns', async () => {
    const env = { TERM: 'dumb', COLUMNS: '40', NO_COLOR: undefined };
    const r = await runCli(['-q'], { input: 'request-channel main_udmap tx 3\npools\nroutes\nbogus\n', env });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
    expect(r.outLines.length).toBeGreaterThan(10);
    for (const l of r.outLines) expect(l.length).toBeLessThanOrEqual(40);
    const all = await runCli([], { input: 'help\ndomains\ntopology\ninterrupts\nfire-ring 0\nboot\n', env });
    expect(all.status).toBe(0);
    expect(all.stdout).not.toMatch(ANSI);
    expect(all.stdout).not.toMatch(/[\u2500-\u259f]/); // no box drawing or block glyphs
  });

  test.each([
    ['NO_COLOR, auto (piped)', [], { NO_COLOR: '1' }, false],
    ['no NO_COLOR, auto (piped)', [], { NO_COLOR: undefined }, false],
    ['--color never', ['--color', 'never'], { NO_COLOR: undefined }, false],
    ['--color always', ['--color', 'always'], { NO_COLOR: undefined }, true],
    ['--color always beats NO_COLOR', ['--color', 'always'], { NO_COLOR: '1' }, true],
    ['FORCE_COLOR=1 when piped', [], { FORCE_COLOR: '1', NO_COLOR: undefined }, true],
    ['FORCE_COLOR=0 beats --color always', ['--color', 'always'], { FORCE_COLOR: '0' }, false],
  ] as const)('%s', async (_name, args, env, coloured) => {
    const r = await runCli([...args], { input: 'request-channel main_udmap tx\npolicy dedicated\npolicy\nbogus\n', env: { ...env } });
    expect(r.status).toBe(1);
    expect(ANSI.test(r.stdout)).toBe(coloured);
    expect(ANSI.test(r.stderr)).toBe(coloured);
    // Coloured or not, an error is one line with the same words.
    expect(r.stderr.replace(/\x1b\[[0-9;]*m/g, '')).toBe("<stdin>:4: EUSAGE: unknown verb 'bogus'; try help\n"); // eslint-disable-line no-control-regex
  });
});

describe('topology files', () => {
  const small8 = JSON.parse(readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8'));
  const variant = (name: string, edit: (t: typeof small8) => void): string => {
    const t = JSON.parse(JSON.stringify(small8));
    edit(t);
    return file(`topo/${name}.json`, JSON.stringify(t, null, 2));
  };

  test('a good file runs', async () => {
    const r = await runCli(['-t', 'fixtures/topologies/small8.json', '-q', '-e', 'request-channel udma tx 8; expect-pool udma.tx_chan used=8']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('-t: a built-in name first, else a file by any name (a bare name in this folder, .JSON); a non-JSON file says why', () => {
    // A bare name needs the run's folder to be the file's: a process of its own, started there.
    const dir = join(tmp, 'bare');
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8');
    for (const name of ['soc', 'SOC.JSON', 'am65x']) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'bad.yaml'), 'rm-cfg: {}\n');
    const run = (t: string, cmd: string) => {
      const r = runBin(['-t', t, '-q', '-e', cmd], { cwd: dir });
      return [t, r.status, r.errLines];
    };
    const small8 = 'request-channel udma tx 8; expect-pool udma.tx_chan used=8';
    expect(run('soc', small8)).toEqual(['soc', 0, []]);
    expect(run('SOC.JSON', small8)).toEqual(['SOC.JSON', 0, []]);
    // The built-in wins over a file of its name; ./am65x is the file.
    expect(run('am65x', 'request-channel main_udmap tx')).toEqual(['am65x', 0, []]);
    expect(run('./am65x', small8)).toEqual(['./am65x', 0, []]);
    expect(run('bad.yaml', 'pools')).toEqual([
      'bad.yaml',
      2,
      [
        "msi-explorer: bad.yaml: $: invalid JSON at 1:1: expected a value (object, array, string, number, true, false or null), got 'r'; topology files are JSON: a board's SYSFW resource config (U-Boot/TI SDK YAML) goes to --rm-cfg <file> --host <id>",
      ],
    ]);
  });

  test('-t with a YAML file (by its name, or by what it holds): the JSON error says where YAML goes (--rm-cfg); broken JSON does not', async () => {
    const hint = "; topology files are JSON: a board's SYSFW resource config (U-Boot/TI SDK YAML) goes to --rm-cfg <file> --host <id>";
    const rmCfg = 'fixtures/rm-cfg/am65x-host12.yaml';
    const r = await runCli(['-t', rmCfg, '-e', 'pools']);
    expect([r.status, r.stdout, r.errLines]).toEqual([2, '', [`msi-explorer: ${rmCfg}: $: invalid JSON at 1:1: expected a value (object, array, string, number, true, false or null), got '#'${hint}`]]);
    // --json: the same message in the object.
    const json = await runCli(['--json', '-t', rmCfg, '-e', 'pools']);
    expect(JSON.parse(json.outLines[0]).error.message).toBe(`$: invalid JSON at 1:1: expected a value (object, array, string, number, true, false or null), got '#'${hint}`);
    // No YAML name, but YAML inside: a key first, or a document marker.
    for (const [name, text] of [
      ['topo/board-cfg', 'rm-cfg:\n  resasg: {}\n'],
      ['topo/marked.txt', '\n---\nname: x\n'],
    ]) {
      const loaded = await loadTopology(file(name, text));
      expect(loaded.ok ? [] : loaded.errors.map((l) => l.endsWith(hint))).toEqual([true]);
    }
    // JSON gone wrong is said as that alone.
    const broken = await loadTopology(file('topo/broken.json', '{"name": "x",\n  cpus: 2}'));
    expect(broken.ok ? [] : broken.errors).toEqual([`${relative(ROOT, join(tmp, 'topo/broken.json'))}: $: invalid JSON at 2:3: expected a property name in double quotes, got 'c'`]);
  });

  test.each([
    ['malformed JSON', () => file('topo/bad.json', '{"name": "x",\n  "cpus": 2,\n}'), ['$: invalid JSON at 3:1: expected a property name in double quotes, got \'}\'']],
    ['a key given twice', () => file('topo/twice.json', readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8').replace('"cpus": 2,', '"cpus": 2,\n  "cpus": 4,')), ["$: duplicate key 'cpus' at 6:3 (first at 5:3)"]],
    ['empty file', () => file('topo/empty.json', ''), ['$: invalid JSON at 1:1: expected a value (object, array, string, number, true, false or null), got end of input']],
    ['invalid UTF-8', () => file('topo/latin1b.json', Buffer.from('{"name": "sm\xffall8"}', 'latin1')), ['invalid UTF-8 at 1:13 (byte 0xff)']],
    ['an overlong NUL', () => file('topo/overlong.json', Buffer.concat([Buffer.from('\ufeff{\r\n"name": "\u20ac'), Buffer.from([0xc0, 0x80]), Buffer.from('"}')])), ['invalid UTF-8 at 2:11 (byte 0xc0)']],
    ['a sequence cut short by the end', () => file('topo/cut.json', Buffer.from('{"name": "\xe2\x82', 'latin1')), ['invalid UTF-8 at 1:11 (byte 0xe2)']],
    ['missing field', () => variant('nogic', (t) => delete t.gic), ['$.gic: required field is missing: expected an object']],
    ['overlapping ranges', () => variant('overlap', (t) => t.intrs[0].ranges.push({ from: 4, to: 200, count: 2 })), ['$.intrs[0].ranges[1]: outputs 4-5 overlap outputs 0-7 at $.intrs[0].ranges[0]']],
    ['an empty range', () => variant('empty', (t) => (t.intrs[0].ranges[0].count = 0)), ['$.intrs[0].ranges[0].count: expected an integer 1-65536, got 0']],
    ['past 16 bits', () => variant('wide', (t) => (t.intas[0].globalEvents[0].start = 65500)), ['$.intas[0].globalEvents[0].count: start 65500 + count 256 - 1 = 65755 passes 65535: global events are 16-bit numbers']],
    ['a parent cycle', () => variant('cycle', (t) => (t.intrs[0].parent = 'intr0')), ['$.intrs[0].parent: parent cycle: intr0 -> intr0; every INTR must lead to the GIC']],
    ['a duplicate id', () => variant('dup', (t) => (t.dmas[0].id = 'ringacc')), [/^\$\.dmas\[0\]\.id: duplicate id 'ringacc': already used by an MSI device at \$\.msiDevices\[0\]\.id$/, /^\$\.boot\[1\]: /]],
    ['__proto__', () => file('topo/proto.json', readFileSync(join(ROOT, 'fixtures/topologies/small8.json'), 'utf8').replace('"name"', '"__proto__": {"polluted": true}, "name"')), [/^\$\.__proto__: forbidden key '__proto__'/]],
  ])('%s: the file and the JSON path on each line', async (_name, make, issues) => {
    // What each line says is the loader's (in-process); how the binary reports it is tested below.
    const path = make();
    const loaded = await loadTopology(path);
    if (loaded.ok) throw new Error(`${path} was accepted`);
    expect(loaded.errors).toHaveLength(issues.length);
    loaded.errors.forEach((l, i) => {
      const prefix = `${path}: `;
      expect(l.startsWith(prefix)).toBe(true);
      const want = issues[i];
      if (typeof want === 'string') expect(l.slice(prefix.length)).toBe(want);
      else expect(l.slice(prefix.length)).toMatch(want);
    });
  });

  test('a refused topology file: exit 2, the loader\'s lines each after "msi-explorer: ", nothing run', async () => {
    const path = variant('overlap2', (t) => t.intrs[0].ranges.push({ from: 4, to: 200, count: 2 }));
    const loaded = await loadTopology(path);
    const r = await runCli(['-t', path, '-e', 'pools']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(loaded.ok).toBe(false);
    expect(r.errLines).toEqual(loaded.ok ? [] : loaded.errors.map((l) => `msi-explorer: ${l}`));
  });

  test("fixtures/topologies/README.md's examples are what the tool prints, run as shown", () => {
    const readme = readFileSync(join(ROOT, 'fixtures/topologies/README.md'), 'utf8');
    const shown = [...readme.matchAll(/```\n\$ (msi-explorer [^\n]*)\n([^`]*)```/g)].map((m) => ({ command: m[1], stderr: m[2].trimEnd().split('\n') }));
    // my-soc.json as the README's prose makes it for each example, in order.
    const edits: Array<(t: typeof small8) => void> = [
      (t) => {
        t.intrs[0].ranges.push({ from: 8, to: 108, count: -3 });
        t.directClients[0].inputs = [5];
      },
      (t) => (t.directClients[0].inputs = [5]),
    ];
    expect(shown).toHaveLength(edits.length);
    const dir = join(tmp, 'readme');
    mkdirSync(dir, { recursive: true });
    shown.forEach(({ command, stderr }, i) => {
      const t = JSON.parse(JSON.stringify(small8));
      edits[i](t);
      writeFileSync(join(dir, 'my-soc.json'), JSON.stringify(t, null, 2));
      const r = runBin(command.split(' ').slice(1), { cwd: dir });
      expect([command, r.status, r.stdout, r.errLines]).toEqual([command, 2, '', stderr]);
    });
  });

  test('a file with many problems: one line per issue, each naming the file', async () => {
    const path = variant('many', (t) => {
      t.cpus = 0;
      t.intrs[0].inputs = -1;
      t.dmas[0].tx.firstNormal = 'eight';
    });
    const r = await runCli(['-t', path]);
    expect(r.status).toBe(2);
    expect(r.errLines.length).toBeGreaterThanOrEqual(3);
    for (const l of r.errLines) expect(l).toMatch(new RegExp(`^msi-explorer: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\$[^ ]*: `));
  });
});

describe('no stack trace reaches a user', () => {
  test('none of the above paths prints one; errors are single lines', async () => {
    const inputs = ['bogus', '\u0000', 'alloc-irq ringacc any\nfree-irq 71\nfree-irq 71', `source ${'x'.repeat(5000)}`, 'help help help'];
    for (const input of inputs) {
      const r = await runCli([], { input });
      expect(r.stderr).not.toMatch(STACK_FRAME);
      for (const l of r.errLines) expect(l).toMatch(ERROR_LINE);
    }
  });
});
