/**
 * Every verb's `help <verb>` example, read from the help text as printed and run as printed in a
 * fresh session (`-e`, from the repo root), succeeds: an example that needs state (a channel, an
 * irq) shows the command that makes it first, and a file it names exists; a view's example shows
 * something, not an empty table on a fresh boot.
 */
import { describe, expect, test } from '@jest/globals';
import { COMMANDS } from '../../src/commands/registry.js';
import { runCli } from './cli-in-process.js';

const ENV = { NO_COLOR: '1', COLUMNS: '80' };

/** The example's commands as `help <verb>` prints them: after `example:`, or one a line below it. */
const printedExample = (help: string[]): string[] => {
  const at = help.findIndex((l) => l.startsWith('example:'));
  const inline = help[at].slice('example:'.length).trim();
  return inline !== '' ? [inline] : help.slice(at + 1).map((l) => l.replace(/^ {2}/, ''));
};

describe('help examples run as printed', () => {
  test.each(COMMANDS.map((c) => c.name))('help %s', async (verb) => {
    const help = await runCli(['-e', `help ${verb}`], { env: ENV });
    expect(help.status).toBe(0);
    for (const line of help.outLines) expect([...line].length).toBeLessThanOrEqual(80);
    const example = printedExample(help.outLines);
    expect(example.length).toBeGreaterThan(0);
    const run = await runCli(['-e', example.join('\n')], { env: ENV });
    expect(run.errLines).toEqual([]);
    // An example whose view is empty (`no routes for ringacc`) teaches nothing of the view.
    expect(run.outLines.filter((l) => /^no (routes|channels to release)\b/.test(l))).toEqual([]);
    // `exit 3` shows the status it sets; every other example ends the session well.
    expect(run.status).toBe(verb === 'exit' ? 3 : 0);
  });
});

test('an example of several commands prints them one a line under example:', async () => {
  const help = await runCli(['-e', 'help free-irq'], { env: ENV });
  expect(help.outLines.slice(-3)).toEqual(['example:', '  alloc-irq ringacc 305', '  free-irq 71']);
});
