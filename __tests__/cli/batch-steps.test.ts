import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchRunner, InternalError, type Script } from '../../src/cli/batch.js';
import type { Sink } from '../../src/cli/output.js';
import { findCommand } from '../../src/commands/registry.js';
import type { Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { PLAIN } from '../../src/render/style.js';

// The REPL runs a sourced script through steps(), a long command (interleave) handed to it to
// run in slices, so that Ctrl-C can stop it: the script must then stop at that line, and a
// script run to its end this way must say exactly what run() says.
const SEARCH = 'interleave "alloc-irq ringacc 310" "alloc-irq ringacc 311" --lock none';

const runner = (sliced: boolean) => {
  const said: string[] = [];
  const sink: Sink = { out: (t) => said.push(`out ${t}`), err: (t) => said.push(`err ${t}`), flush: () => {} };
  const session = new Session(am65x, DEFAULT_SETTINGS);
  return { r: new BatchRunner(session, { json: false, quiet: false, bail: false, style: PLAIN, sink, sliced }), said, session };
};

/** Runs `script` through steps(), each yielded command stepped to its end by `drive`; what was yielded. */
const drive = (r: BatchRunner, script: Script, answer: (running: { step(n: number): Result | undefined; stop(): void }) => Result | undefined) => {
  const steps = r.steps(script);
  const yielded: string[] = [];
  for (let s = steps.next(); !s.done; ) {
    yielded.push(s.value.progress());
    s = steps.next(answer(s.value));
  }
  return yielded;
};

const toEnd = (running: { step(n: number): Result | undefined }): Result => {
  for (;;) {
    const result = running.step(1000);
    if (result !== undefined) return result;
  }
};

describe('BatchRunner.steps', () => {
  const script = (dir: string): Script => ({ name: 'race.msi', text: `alloc-irq ringacc 320\n${SEARCH}\nexpect-pool ringacc.gp_ring used=1\npools\n`, dir });

  test('hands over only what runs in slices, and says what run() says when each runs to its end', () => {
    const sliced = runner(true);
    expect(drive(sliced.r, script('.'), toEnd)).toHaveLength(1);
    const whole = runner(false);
    whole.r.run(script('.'));
    // The same, but for the search's time.
    const untimed = (said: string[]) => said.map((t) => t.replace(/ in \d+\.\d+ s;/, ' in T s;'));
    expect(untimed(sliced.said)).toEqual(untimed(whole.said));
    expect(sliced.said.join('')).toMatch(/^err race\.msi:2: interleave: EXPECT: \d+ of \d+ schedules FORBIDDEN/m);
    expect(sliced.said.join('')).toContain('ringacc.gp_ring: used=1');
    expect(sliced.r.failures).toBe(1);
  });

  test('a command stopped part-way stops the script at its line: one line, nothing after it run', () => {
    const { r, said } = runner(true);
    drive(r, script('.'), (running) => {
      running.step(5);
      running.stop();
      return undefined;
    });
    const err = said.filter((s) => s.startsWith('err '));
    expect(err).toEqual([expect.stringMatching(/^err race\.msi:2: interleave: interrupted after \d+ schedules?; nothing changed; the script stopped there\n$/)]);
    // The first line's output only: neither expect-pool nor pools ran.
    expect(said.filter((s) => s.startsWith('out '))).toEqual([expect.stringMatching(/^out virq \d+: ringacc 320 /)]);
    expect(r.stopped).toBe(true);
    expect(r.failures).toBe(0);
  });

  test('a sourced script stopped part-way stops the scripts that sourced it, and closes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'msi-steps-'));
    writeFileSync(join(dir, 'inner.msi'), `alloc-irq ringacc 320\n${SEARCH}\nalloc-irq ringacc 321\n`);
    const { r, said } = runner(true);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    drive(r, { name: 'outer.msi', text: 'source inner.msi\nalloc-irq ringacc 330\n', dir }, (running) => {
      running.stop();
      return undefined;
    });
    const all = said.join('');
    expect(all).toMatch(/^err inner\.msi:2: interleave: interrupted after 0 schedules; nothing changed; the script stopped there$/m);
    expect(all).toContain('ringacc 320');
    expect(all).not.toMatch(/ringacc 3(21|30)/);
    expect(open()).toBe(before);
  });

  test('a defect in a step of a command run in slices is an InternalError with its place, as one in a command run whole is', () => {
    // A bug of ours in the search, met where the caller of steps() (the REPL) steps it.
    const spec = findCommand('interleave')!;
    const start = spec.start!;
    const bug = new TypeError('a bug');
    spec.start = (ctx, words) => {
      const task = start(ctx, words);
      return { step: () => { throw bug; }, progress: () => task.progress(), stop: () => task.stop() };
    };
    try {
      const { r } = runner(true);
      let thrown: unknown;
      try {
        drive(r, script('.'), toEnd);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InternalError);
      expect((thrown as InternalError).message).toBe('race.msi:2: interleave alloc-irq ringacc 310 alloc-irq ringacc 311 --lock none: a bug');
      expect((thrown as InternalError).cause).toBe(bug);
    } finally {
      spec.start = start;
    }
  });
});
