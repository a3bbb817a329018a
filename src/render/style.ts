import { Chalk, colorNames, modifierNames, type ChalkInstance } from 'chalk';

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

/**
 * What a level-0 Chalk does, without its machinery: every style returns its text as it is (one
 * argument stringified, several joined by spaces; `visible` returns ''). Chalk's builders read
 * their level through a getter on every call and are built the first time each style is read,
 * changing the instance's shape; in a run printing tables and traces to a pipe that cost more
 * than anything the colour-less output needed.
 */
const plainChalk = (): ChalkInstance => {
  // `arguments`, not a rest array: one argument is the hot path, as in Chalk.
  function paint(text: unknown): string {
    // eslint-disable-next-line prefer-rest-params
    return arguments.length === 1 ? '' + text : Array.prototype.join.call(arguments, ' ');
  }
  const nothing = (): string => '';
  // Every style is a constant on a shared prototype: a chain like c.red.bold is two constant loads.
  const chain = (to: (text: unknown) => string): object => {
    const names: PropertyDescriptorMap = {
      visible: { get: () => plainVisible },
      level: { get: () => 0 },
    };
    for (const name of [...modifierNames, ...colorNames]) names[name] = { value: to };
    for (const model of ['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']) names[model] = { value: () => to };
    return Object.defineProperties(Object.create(Function.prototype), names);
  };
  const plainVisible = Object.setPrototypeOf(nothing, chain(nothing));
  return Object.setPrototypeOf(paint, chain(paint)) as ChalkInstance;
};

/** One for every plain style, so that the render code's calls see one shape. */
let plain: ChalkInstance | undefined;

export const makeStyle = (level: 0 | 1 | 2 | 3, width = 80, unicode = level > 0): Style => ({
  c: level === 0 ? (plain ??= plainChalk()) : new Chalk({ level }),
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
