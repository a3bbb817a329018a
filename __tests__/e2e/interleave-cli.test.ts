/**
 * interleave as a user runs it: a script piped in, no colour, 80 columns, what reaches stdout and
 * stderr and the exit status (in-process, as cli.test.ts runs the command line).
 */
import { describe, expect, test } from '@jest/globals';
import { runCli } from './cli-in-process.js';

const RACE2 = ['--topology', 'fixtures/topologies/race2.json', '-q'];
const ENV = { NO_COLOR: '1', COLUMNS: '80', MSI_EXPLORER_TIMING: 'off' };
const run = (script: string, args: string[] = []) => runCli([...RACE2, ...args], { input: script, env: ENV });

describe('a replay that diverges', () => {
  const line = 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --schedule A9,A*,B*';

  test('prints its error alone, one line, exit status 1: no header, no count of schedules', async () => {
    const r = await run(`${line}\n`);
    expect(r.stdout).toBe('');
    expect(r.errLines).toEqual(['<stdin>:1: interleave: EINVAL: replay diverged at step 10: schedule says A, but A has finished']);
    expect(r.status).toBe(1);
  });

  test('as JSON, the error with no data', async () => {
    const r = await run(`${line}\n`, ['--json']);
    expect(JSON.parse(r.stdout)).toEqual({
      file: '<stdin>',
      line: 1,
      command: line,
      ok: false,
      error: { code: 'EINVAL', message: 'replay diverged at step 10: schedule says A, but A has finished' },
    });
    expect(r.status).toBe(1);
  });
});

describe('the printed replay line, appended to the very command that printed it', () => {
  /** The trace block of an output: from its verdict line to its replay line. */
  const block = (stdout: string): string => {
    const from = stdout.indexOf('\nFORBIDDEN (');
    return stdout.slice(from + 1);
  };

  test.each([
    ['--preemptions', 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock list --preemptions 1 --expect race'],
    ['--explore random', 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --explore random 40 --seed 5 --expect race'],
    ['--explore all', 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" "alloc-irq timer 0" --lock list --explore all --preemptions 1 --expect race'],
  ])('%s: replays the schedule it found, trace for trace', async (_what, line) => {
    const found = await run(`request-channel udma tx 64\n${line}\n`);
    expect(found.status).toBe(0);
    const replay = /^replay: (--schedule \S+)$/m.exec(found.stdout)![1];
    const again = await run(`request-channel udma tx 64\n${line} ${replay}\n`);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.outLines[0]).toMatch(new RegExp(`^interleave: \\d ops, lock \\w+, replay ${replay.replace(/[*]/g, '\\*')}$`));
    expect(block(again.stdout).length).toBeGreaterThan(500);
    expect(block(again.stdout)).toBe(block(found.stdout));
  });
});

describe('a wide terminal', () => {
  const line = 'interleave "alloc-irq ringacc 160" "alloc-irq ringacc 161" --lock none --schedule A5,B*,A*';
  const at = (columns: number) => runCli(RACE2, { input: `${line}\n`, env: { ...ENV, COLUMNS: `${columns}` } });

  test("each CPU's column is as wide as its lines, not its share of the width: the trace does not grow with the terminal", async () => {
    const wide = await at(200);
    // A's widest line is its step 14, uncut (50 characters); B's column starts one space after it,
    // at column 55, not at 102 (4 + 196 / 2).
    expect(wide.outLines).toContain(' 14 program-map 0x1e00a0 -> event 1025 -> VINT 0 bit 0');
    expect(wide.outLines).toContain(`  # A cpu0 alloc-irq ringacc 160${' '.repeat(23)}B cpu1 alloc-irq ringacc 161`);
    expect(wide.outLines).toContain(` 10 ${' '.repeat(51)}program-map 0x1e00a1 -> event 1024 -> VINT 0 bit 0`);
    expect(Math.max(...wide.outLines.map((l) => l.length))).toBe(105);
    const wider = await at(100000);
    expect(wider.stdout).toBe(wide.stdout);
  });
});

describe('a narrow terminal', () => {
  test("no line is wider than the terminal: a step's indented lines are cut to what is left of the column, a long name after its '.'", async () => {
    const r = await runCli(['-q', '-e', 'lock none', '-e', 'interleave "alloc-irq ringacc 304" "alloc-irq ringacc 305" --expect race'], { env: { ...ENV, COLUMNS: '60' } });
    expect(Math.max(...r.outLines.map((l) => l.length))).toBeLessThanOrEqual(60);
    // B's column starts at 32 and is 28 wide: `lock inta_main_udmass.vint_mutex (no lock)`.
    const lock = r.outLines.findIndex((l) => /^  6 +lock$/.test(l));
    expect(r.outLines.slice(lock, lock + 3).map((l) => l.trim())).toEqual(['6                             lock', 'inta_main_udmass.', 'vint_mutex (no lock)']);
  });
});
