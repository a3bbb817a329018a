import { describe, expect, test } from '@jest/globals';
import { BatchRunner, LONG_RUN } from '../../src/cli/batch.js';
import type { Sink } from '../../src/cli/output.js';
import { Session } from '../../src/commands/session.js';
import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { PLAIN } from '../../src/render/style.js';

// run.ts tunes V8 for a long run (tuneForLongRun) from this hook: it must come once, at the
// LONG_RUN-th line of the whole run, however the lines are split among scripts and chunks.
const runner = (longRun: () => void): BatchRunner => {
  const sink: Sink = { out: () => {}, err: () => {}, flush: () => {} };
  return new BatchRunner(new Session(am65x, DEFAULT_SETTINGS), { json: false, quiet: true, bail: false, style: PLAIN, sink, longRun });
};
const lines = (n: number): string => '# a comment\n'.repeat(n);

describe('the long-run hook', () => {
  test('comes once, at the LONG_RUN-th line, counting every script of the run', () => {
    let calls = 0;
    const r = runner(() => calls++);
    r.run({ name: 'a.msi', text: lines(LONG_RUN - 2), dir: '.' });
    expect(calls).toBe(0);
    r.run({ name: 'b.msi', text: lines(1), dir: '.' });
    expect(calls).toBe(0);
    r.run({ name: 'c.msi', text: `${lines(1)}pools\n`, dir: '.' });
    expect(calls).toBe(1);
    r.run({ name: 'd.msi', text: lines(3 * LONG_RUN), dir: '.' });
    expect(calls).toBe(1);
  });

  test('counts streamed lines as they complete', () => {
    let calls = 0;
    const r = runner(() => calls++);
    const feed = r.open({ name: '<stdin>', dir: '.' });
    r.bytes(feed, Buffer.from(`${lines(LONG_RUN - 1)}# the last, without its newline`));
    expect(calls).toBe(0);
    r.end(feed);
    expect(calls).toBe(1);
  });
});
