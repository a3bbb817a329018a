/** `--compare`, run in-process (cli-in-process.ts); fixtures/scripts/33-compare-cli runs it through the binary. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { runCli } from './cli-in-process.js';
import { ROOT } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-compare-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** Writes a workload file and returns its path relative to the repo root (the run's cwd). */
const file = (name: string, content: string): string => {
  writeFileSync(join(tmp, name), content);
  return relative(ROOT, join(tmp, name));
};

const WORKLOAD = 'fixtures/workloads/thread.msi';

describe('msi-explorer --compare', () => {
  test('a script as the workload: the tables and the chart on stdout, status 0 though the workload fails under some designs', async () => {
    const r = await runCli(['--compare', 'rfc-v4,merged', WORKLOAD]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.outLines[0]).toBe('compare fixtures/workloads/thread.msi: 130 commands from a fresh boot under');
    expect(r.outLines.every((l) => l.length <= 80)).toBe(true);
    expect(r.stdout).toContain('r rfc-v4  m merged  * lines overlap');
  });

  test('-e commands as the workload, --json as one object', async () => {
    const r = await runCli(['--compare', 'all', '--pool', 'virq', '--json', '-e', 'request-channel main_udmap tx 2; alloc-irq ringacc any']);
    expect(r.status).toBe(0);
    expect(r.outLines).toHaveLength(1);
    const line = JSON.parse(r.outLines[0]);
    expect([line.ok, line.data.workload, line.data.commands, line.data.chart.pool, line.data.chart.why]).toEqual([true, '-e', 2, 'virq', 'chosen']);
    expect(line.data.chart.series.map((s: { used: number[] }) => s.used.length)).toEqual([3, 3, 3, 3]);
  });

  test('a small workload charts the pool whose growth sets the designs furthest apart, not a flat line from boot, and says so', async () => {
    const r = await runCli(['--compare', 'merged,rfc-v4', '-e', 'request-channel main_udmap tx 3; pools']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.outLines).toContain('intr_main_navss.out, used of 64 after each command (designs differ most):');
    const still = await runCli(['--compare', 'merged', '-e', 'pools']);
    expect(still.outLines).toContain('intr_main_gpio.out, used of 20 after each command (busiest):');
  });

  test('bad input: one line, status 2, nothing on stdout', async () => {
    const cases: Array<[string[], string]> = [
      [['--compare', 'merged,nope', WORKLOAD], "msi-explorer: --compare: unknown design 'nope'; designs: merged, rfc-v4, probe-all, dynamic"],
      [['--compare', 'all', 'no-such.msi'], 'msi-explorer: no-such.msi: cannot read workload: no such file'],
      [['--compare', 'all', ''], 'msi-explorer: compare: EUSAGE: empty workload: give a script file, or commands separated by ;'],
      [['--compare', 'all', '--pool', 'nope', WORKLOAD], "msi-explorer: compare: ENOENT: unknown pool 'nope'"],
      [['--compare', 'all'], 'msi-explorer: --compare takes one workload: a script file, - for stdin, or commands with -e'],
      [['--compare', 'all', WORKLOAD, WORKLOAD], 'msi-explorer: --compare takes one workload: a script file, - for stdin, or commands with -e'],
      [['--compare', 'all', '-', '-e', 'pools'], 'msi-explorer: --compare takes one workload: a script file, - for stdin, or commands with -e'],
      // compare boots each design with its own settings: one design's options have no meaning there.
      [['--compare', 'all', '--design', 'rfc-v4', WORKLOAD], "msi-explorer: option '--design <name>' cannot be used with option '--compare <designs>'"],
      [['--policy', 'dedicated', '--compare', 'all', WORKLOAD], "msi-explorer: option '--policy <policy>' cannot be used with option '--compare <designs>'"],
      [['--compare', 'all', WORKLOAD, '--mode', 'demand'], "msi-explorer: option '--mode <mode>' cannot be used with option '--compare <designs>'"],
      // Nor do the batch run's: a workload's failures are what is compared, its output its tables.
      [['--compare', 'all', '-q', WORKLOAD], "msi-explorer: option '-q, --quiet' cannot be used with option '--compare <designs>'"],
      [['--bail', '--compare', 'all', WORKLOAD], "msi-explorer: option '--bail' cannot be used with option '--compare <designs>'"],
      [['--compare', 'all', '-i', WORKLOAD], "msi-explorer: option '-i, --interactive' cannot be used with option '--compare <designs>'"],
      [['--compare', 'all', '--compare', 'merged', WORKLOAD], "msi-explorer: option '--compare' given twice"],
      [['--pool', 'virq', WORKLOAD], 'msi-explorer: --pool goes with --compare'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect([args, r.status, r.stdout, r.errLines]).toEqual([args, 2, '', [message]]);
    }
    // A bad design is an option's fault, as with any other option: --json says so in its shape.
    const json = await runCli(['--json', '--compare', 'nope', WORKLOAD]);
    expect(json.outLines.map((l) => JSON.parse(l))).toEqual([
      { file: 'msi-explorer', line: null, command: null, ok: false, error: { code: 'EUSAGE', message: "--compare: unknown design 'nope'; designs: merged, rfc-v4, probe-all, dynamic" } },
    ]);
  });

  test('- reads the workload from stdin, named <stdin>', async () => {
    const r = await runCli(['--compare', 'merged,rfc-v4', '-'], { input: 'request-channel main_udmap tx 2\nalloc-irq ringacc any\n' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.outLines[0]).toBe('compare <stdin>: 2 commands from a fresh boot under merged, rfc-v4');
    const bin = await runCli(['--compare', 'all', '-'], { input: 'pools\nfoo\u0000\n' });
    // A workload that cannot be read is said as a batch run says a script it cannot read: at the
    // NUL byte's line, EUSAGE; --json as an object of no command naming the file and its line.
    expect([bin.status, bin.stdout, bin.errLines]).toEqual([2, '', ['<stdin>:2: EUSAGE: not a text workload (NUL byte at offset 9)']]);
    const json = await runCli(['--json', '--compare', 'all', '-'], { input: 'pools\nfoo\u0000\n' });
    expect([json.status, json.outLines.map((l) => JSON.parse(l))]).toEqual([
      2,
      [{ file: '<stdin>', line: 2, command: null, ok: false, error: { code: 'EUSAGE', message: 'not a text workload (NUL byte at offset 9)' } }],
    ]);
    const missing = await runCli(['--json', '--compare', 'all', 'no-such.msi']);
    expect(missing.outLines.map((l) => JSON.parse(l))).toEqual([
      { file: 'no-such.msi', line: null, command: null, ok: false, error: { code: 'ENOENT', message: 'cannot read workload: no such file' } },
    ]);
  });

  test('a workload line that is not a command: said at its file:line as a batch run says it, status 2, no design run', async () => {
    const bad = file('bad.msi', 'request-channel main_udmap tx 4\nfrobnicate 3\n');
    const arity = file('arity.msi', '# needs a direction\nrequest-channel main_udmap\n');
    const joined = file('joined.msi', 'pools\npools; routes\n');
    const cases: Array<[string[], string | undefined, string]> = [
      [['--compare', 'all', bad], undefined, `${bad}:2: EUSAGE: unknown verb 'frobnicate'; try help`],
      [['--compare', 'all', arity], undefined, `${arity}:2: request-channel: EUSAGE: missing <direction>; usage: request-channel <dma> <tx|rx> [count] [pkt|tr]`],
      [['--compare', 'all', '-'], 'pools\nfrob\n', "<stdin>:2: EUSAGE: unknown verb 'frob'; try help"],
      [['--compare', 'all', joined], undefined, `${joined}:2: EUSAGE: ';' does not join commands in a script line: one command per line (-e takes 'a; b')`],
      [['--compare', 'all', '-e', 'request-channel main_udmap tx; policy dedicated'], undefined, '-e:2: EUSAGE: policy re-boots, which would replace the design being compared'],
      // Several -e texts are numbered as one script, as a batch run numbers them (below).
      [['--compare', 'merged', '-e', 'pools;; # a comment', '-e', 'pools; frob'], undefined, "-e:5: EUSAGE: unknown verb 'frob'; try help"],
    ];
    for (const [args, input, line] of cases) {
      const r = await runCli(args, { input });
      expect([args, r.status, r.stdout, r.errLines]).toEqual([args, 2, '', [line]]);
    }
    // The batch run of the same script says the same line (and runs the rest: status 1).
    expect((await runCli(['-q', bad])).errLines).toEqual([`${bad}:2: EUSAGE: unknown verb 'frobnicate'; try help`]);
    expect((await runCli(['-q', joined])).errLines).toEqual([`${joined}:2: EUSAGE: ';' does not join commands in a script line: one command per line (-e takes 'a; b')`]);
    expect((await runCli(['-q', '-e', 'pools;; # a comment', '-e', 'pools; frob'])).errLines).toEqual(["-e:5: EUSAGE: unknown verb 'frob'; try help"]);
    // --json: the object a batch run gives that line, and the same line on stderr.
    const json = await runCli(['--json', '--compare', 'all', bad]);
    expect(json.status).toBe(2);
    expect(json.outLines).toEqual([
      `{"file":"${bad}","line":2,"command":"frobnicate 3","ok":false,"error":{"code":"EUSAGE","message":"unknown verb 'frobnicate'; try help"}}`,
    ]);
    expect(json.errLines).toEqual([`${bad}:2: EUSAGE: unknown verb 'frobnicate'; try help`]);
    const exec = await runCli(['--json', '--compare', 'merged', '-e', 'pools; frob']);
    expect([exec.status, exec.outLines, exec.errLines]).toEqual([
      2,
      ['{"file":"-e","line":2,"command":"frob","ok":false,"error":{"code":"EUSAGE","message":"unknown verb \'frob\'; try help"}}'],
      ["-e:2: EUSAGE: unknown verb 'frob'; try help"],
    ]);
  });

  test('an unknown device is a command that fails as it runs: each design records it, status 0', async () => {
    const r = await runCli(['--json', '--compare', 'merged,rfc-v4', '-e', 'alloc-irq nosuch 0']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const rows = JSON.parse(r.outLines[0]).data.rows as Array<{ design: string; firstFailure: { line: number; code: string } }>;
    expect(rows.map((row) => [row.design, row.firstFailure.line, row.firstFailure.code])).toEqual([
      ['merged', 1, 'ENOENT'],
      ['rfc-v4', 1, 'ENOENT'],
    ]);
  });
});
