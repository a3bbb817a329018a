// Types only: Chalk itself is loaded when a style has colour (loadStyle). Its module asks the
// terminal at load (supports-color reads node:tty, which loads node:net and node:stream), a
// tenth of the start of a run that prints no colour.
import type { Chalk, ChalkInstance } from 'chalk';

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
    for (const name of STYLE_NAMES) names[name] = { value: to };
    for (const model of ['rgb', 'hex', 'ansi256', 'bgRgb', 'bgHex', 'bgAnsi256']) names[model] = { value: () => to };
    return Object.defineProperties(Object.create(Function.prototype), names);
  };
  const plainVisible = Object.setPrototypeOf(nothing, chain(nothing));
  return Object.setPrototypeOf(paint, chain(paint)) as ChalkInstance;
};

/** Chalk's modifierNames and colorNames (a test holds them equal), without loading Chalk. */
export const STYLE_NAMES: readonly string[] = [
  ...['reset', 'bold', 'dim', 'italic', 'underline', 'overline', 'inverse', 'hidden', 'strikethrough'],
  ...['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'],
  ...['blackBright', 'gray', 'grey', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright'],
  ...['bgBlack', 'bgRed', 'bgGreen', 'bgYellow', 'bgBlue', 'bgMagenta', 'bgCyan', 'bgWhite'],
  ...['bgBlackBright', 'bgGray', 'bgGrey', 'bgRedBright', 'bgGreenBright', 'bgYellowBright', 'bgBlueBright', 'bgMagentaBright', 'bgCyanBright', 'bgWhiteBright'],
];

/** One for every plain style, so that the render code's calls see one shape. */
let plain: ChalkInstance | undefined;

/** A style; one with colour (level above 0) paints with `chalk`, Chalk's class (loadStyle passes it). */
export const makeStyle = (level: 0 | 1 | 2 | 3, width = 80, unicode = level > 0, chalk?: typeof Chalk): Style => {
  if (level > 0 && chalk === undefined) throw new Error('internal: a colour style needs Chalk (loadStyle loads it)');
  return {
    c: level === 0 || chalk === undefined ? (plain ??= plainChalk()) : new chalk({ level }),
    color: level > 0,
    unicode,
    width: Math.max(20, width),
    said: new Set(),
  };
};

/** makeStyle, Chalk loaded first if the style has colour. */
export const loadStyle = async (level: 0 | 1 | 2 | 3, width = 80, unicode = level > 0): Promise<Style> =>
  makeStyle(level, width, unicode, level > 0 ? (await import('chalk')).Chalk : undefined);

/** The look of goldens and pipes. */
export const PLAIN: Style = makeStyle(0, 80);

// Strips SGR sequences to measure what a terminal will show.
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => (s.indexOf('\x1b') < 0 ? s.length : s.replace(SGR, '').length);
