import { CoreError, noSuchCpu, printable, quote, shorten } from '../core/errors.js';
import { distance, maxEdits } from '../core/words.js';
import type { Direction } from '../core/dma.js';

/** Shown in place of a word too long or too strange to echo back whole. */
export const shown = quote;

/** Longest error message passed on; anything past it is cut with "...". */
export const MAX_MESSAGE = 1000;

/**
 * A message made safe for the one-line error contract by the rule quote() follows: control
 * characters (a newline above all), line separators, bidirectional and other format characters
 * become '?' (printable non-ASCII stays), and it is cut at MAX_MESSAGE characters.
 */
export const oneLine = (message: string): string => shorten(printable(message), MAX_MESSAGE);

const usage = (message: string): never => {
  throw new CoreError('EUSAGE', message);
};

/**
 * A non-negative integer, decimal or 0x-hex. Syntax errors are EUSAGE; a well-formed number
 * that no resource could have (negative, past 2^53) is EINVAL.
 */
/** The value of a word of 1-15 decimal digits (exact as a number), else -1: read without a regex. */
const decimal = (word: string): number => {
  if (word.length === 0 || word.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < word.length; i++) {
    const d = word.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
};

export const parseUint = (word: string, what: string): number => {
  // Nearly every number in a script is a few decimal digits.
  const value = decimal(word);
  if (value >= 0) return value;
  if (/^-\d+$/.test(word) || /^-0x[0-9a-f]+$/i.test(word)) throw new CoreError('EINVAL', `${what} must not be negative, got ${shown(word)}`);
  if (!/^(\d+|0x[0-9a-f]+)$/i.test(word)) return usage(`${what}: expected a number, got ${shown(word)}`);
  const n = Number(word);
  if (!Number.isSafeInteger(n)) throw new CoreError('EINVAL', `${what} ${shown(word)} is too large`);
  return n;
};

export const parseCount = (word: string, what: string, max: number): number => {
  const n = parseUint(word, what);
  if (n < 1 || n > max) throw new CoreError('EINVAL', `${what} must be 1-${max}, got ${n}`);
  return n;
};

export const parseDir = (word: string): Direction => {
  if (word === 'tx' || word === 'rx') return word;
  return usage(`direction: expected tx or rx, got ${shown(word)}`);
};

/**
 * "main_udmap:tx5" as its parts, or undefined for a word of another form. A channel as scripts
 * write it (lower case, decimal) is read without a regex: the first colon ends the DMA's name, as
 * the regex's [^:]+ does.
 */
export const channelParts = (word: string): { dma: string; dir: Direction; n: number } | undefined => {
  const colon = word.indexOf(':');
  if (colon > 0 && word.length - colon >= 4 && word.charCodeAt(colon + 2) === 0x78) {
    const d = word.charCodeAt(colon + 1);
    if (d === 0x74 || d === 0x72) {
      let i = colon + 3;
      while (i < word.length && word.charCodeAt(i) >= 0x30 && word.charCodeAt(i) <= 0x39) i++;
      if (i === word.length) return { dma: word.slice(0, colon), dir: d === 0x74 ? 'tx' : 'rx', n: parseUint(word.slice(colon + 3), 'channel number') };
    }
  }
  const m = /^([^:]+):(tx|rx)(\d+|0x[0-9a-f]+)$/i.exec(word);
  if (!m) return undefined;
  return { dma: m[1], dir: m[2].toLowerCase() as Direction, n: parseUint(m[3], 'channel number') };
};

/** "main_udmap:tx5" */
export const parseChannel = (word: string): { dma: string; dir: Direction; n: number } =>
  channelParts(word) ?? usage(`channel: expected <dma>:<tx|rx><n> such as main_udmap:tx8, got ${shown(word)}`);

/** Digits without their leading zeros, so that the longer of two is the larger. */
const canonical = (digits: string): string => digits.replace(/^0+(?=\d)/, '');
const below = (a: string, b: string): boolean => (a.length !== b.length ? a.length < b.length : a < b);

/**
 * "0-1,3" -> [0, 1, 3], on a machine of `cpus` CPUs. A malformed list is EUSAGE; a CPU the
 * machine lacks is EINVAL naming the CPUs there are, however many digits it has (compared as
 * digits: 99999999999999999999 is no safe integer).
 */
export const parseCpuList = (word: string, cpus: number): number[] => {
  // One CPU the machine has, in decimal (the usual list).
  const one = decimal(word);
  if (one >= 0 && one < cpus) return [one];
  if (!/^[0-9,-]+$/.test(word)) return usage(`cpus: expected a CPU list such as 0-1,3, got ${shown(word)}`);
  const ranges: [string, string][] = [];
  for (const part of word.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return usage(part === '' ? `cpus: an empty element in ${shown(word)}` : `cpus: bad CPU list element ${shown(part)}`);
    const lo = canonical(m[1]);
    const hi = m[2] === undefined ? lo : canonical(m[2]);
    // A malformed list, as a stray comma is: the words are wrong, whatever the machine.
    if (below(hi, lo)) return usage(`cpus: range ${shown(part)} runs backwards`);
    ranges.push([lo, hi]);
  }
  const count = `${cpus}`;
  const set = new Set<number>();
  for (const [lo, hi] of ranges) {
    // The first CPU of the range that does not exist: 4 of 0-7, as the core names it.
    if (!below(hi, count)) throw noSuchCpu(below(lo, count) ? count : lo, cpus);
    for (let c = Number(lo); c <= Number(hi); c++) set.add(c);
  }
  return [...set].sort((a, b) => a - b);
};

/** `what` names the argument; null where the verb is all it could name (`policy bogus`). */
export const oneOf = <T extends string>(word: string, what: string | null, options: readonly T[]): T => {
  if ((options as readonly string[]).includes(word)) return word as T;
  return usage(`${what === null ? '' : `${what}: `}expected ${options.join(' or ')}, got ${shown(word)}`);
};

/**
 * The candidate `word` most likely meant: one it begins (3 characters at least: `pool` for
 * `pools`), else the nearest within maxEdits; the first of equals. Undefined when none is near.
 */
export const nearest = (word: string, candidates: Iterable<string>): string | undefined => {
  let best: string | undefined;
  let bestD = maxEdits(word.length) + 1;
  for (const c of candidates) {
    const d = c.startsWith(word) && word.length >= 3 ? 1 : distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
};
