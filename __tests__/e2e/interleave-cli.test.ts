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
