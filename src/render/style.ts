import { Chalk, type ChalkInstance } from 'chalk';

/** How output may look on this terminal: colour level, glyphs, and width. */
export interface Style {
  c: ChalkInstance;
  color: boolean;
  /** Box-drawing and block glyphs; plain ASCII when false. */
  unicode: boolean;
  width: number;
  /** Notes already given this session (e.g. which columns were left out), so each is said once. */
  said: Set<string>;
}

export const makeStyle = (level: 0 | 1 | 2 | 3, width = 80, unicode = level > 0): Style => ({
  c: new Chalk({ level }),
  color: level > 0,
  unicode,
  width: Math.max(20, width),
  said: new Set(),
});

/** The look of goldens and pipes. */
export const PLAIN: Style = makeStyle(0, 80);

// Strips SGR sequences to measure what a terminal will show.
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => (s.indexOf('\x1b') < 0 ? s.length : s.replace(SGR, '').length);
