import { runWords } from '../../src/commands/registry.js';
import type { Output } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { makeStyle, visibleLength, type Style } from '../../src/render/style.js';
import { renderText } from '../../src/render/text.js';

/** No colour, 80 columns: what a pipe and a golden get. */
export const PLAIN80 = makeStyle(0, 80);

/** am65x under the default design (merged), freshly booted. */
export const merged = (): Session => new Session(am65x, DEFAULT_SETTINGS);

/** Runs each line (blank-separated words), failing loudly on an error; the last one's output. */
export const outputOf = (lines: string[], s: Session = merged()): Output => {
  let last: Output | undefined;
  for (const line of lines) {
    const r = runWords(s, line.split(' '));
    if (!r.ok) throw new Error(`'${line}' failed: ${r.error.code}: ${r.error.message}`);
    last = r.output;
  }
  return last!;
};

/** The last line's output as text. */
export const textOf = (lines: string[], style: Style = PLAIN80, s: Session = merged()): string => renderText(style, outputOf(lines, s));

export const widest = (text: string): number => Math.max(...text.split('\n').map(visibleLength));
