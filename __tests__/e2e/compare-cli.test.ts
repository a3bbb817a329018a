/** `--compare`, run in-process (cli-in-process.ts); fixtures/scripts/33-compare-cli runs it through the binary. */
import { describe, expect, test } from '@jest/globals';
import { runCli } from './cli-in-process.js';

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
    expect([line.ok, line.data.workload, line.data.commands, line.data.chart.pool, line.data.chart.why]).toEqual([true, 'inline', 2, 'virq', 'chosen']);
    expect(line.data.chart.series.map((s: { used: number[] }) => s.used.length)).toEqual([3, 3, 3, 3]);
  });

  test('bad input: one line, status 2, nothing on stdout', async () => {
    const cases: Array<[string[], string]> = [
      [['--compare', 'merged,nope', WORKLOAD], "msi-explorer: compare: ENOENT: unknown design 'nope'; designs: merged, rfc-v4, probe-all, dynamic"],
      [['--compare', 'all', 'no-such.msi'], 'msi-explorer: compare: ENOENT: no-such.msi: cannot read workload: no such file'],
      [['--compare', 'all', ''], 'msi-explorer: compare: EUSAGE: empty workload: give a script file, or commands separated by ;'],
      [['--compare', 'all', '-e', 'request-channel main_udmap tx; policy dedicated'], 'msi-explorer: compare: EUSAGE: inline:2: policy re-boots, which would replace the design being compared'],
      [['--compare', 'all', '--pool', 'nope', WORKLOAD], "msi-explorer: compare: ENOENT: unknown pool 'nope'"],
      [['--compare', 'all'], 'msi-explorer: --compare takes one workload: a script file, or commands with -e'],
      [['--compare', 'all', WORKLOAD, WORKLOAD], 'msi-explorer: --compare takes one workload: a script file, or commands with -e'],
      [['--pool', 'virq', WORKLOAD], 'msi-explorer: --pool goes with --compare'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect([args, r.status, r.stdout, r.errLines]).toEqual([args, 2, '', [message]]);
    }
  });
});
