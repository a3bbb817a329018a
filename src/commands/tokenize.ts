import { CoreError } from '../core/errors.js';
import { escapedByteAt } from '../io/utf8.js';

/**
 * Characters no command word may hold, with the reason given to the user: C0 and C1 controls
 * (tab excepted) and DEL, which a terminal would act on; line and paragraph separators, which
 * would break the one-line error contract; bidirectional overrides, which make a line display
 * differently from what it holds; and invalid UTF-8: a byte a script's reader kept (io/utf8.ts),
 * or U+FFFD, which is what other text's invalid UTF-8 was decoded to before it reached us (`-e`
 * in argv, the REPL's line).
 */
const refused = (code: number): string | undefined => {
  if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) return 'control character';
  if (code === 0x2028 || code === 0x2029) return 'line separator';
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return 'bidirectional control';
  return undefined;
};

const PLAIN = /^[\t\x20\x21\x24-\x26\x28-\x7e]*$/;
const SPACES = /[ \t]+/;

/**
 * Whether a non-ASCII code unit is a Unicode space separator (category Zs, U+0020 aside): the
 * no-break space that text pasted from a web page or a PDF carries where a space was meant, the
 * typographic spaces U+2000-U+200A, the narrow no-break space, the ideographic space. No word a
 * command takes can hold one, so outside quotes each separates words as a space does (Go's
 * strings.Fields and PowerShell read them so) rather than joining two words into one that looks
 * like both (`unknown verb 'request-channel main_udmap'`). All are in the BMP, one code unit each.
 */
export const isUnicodeSpace = (code: number): boolean =>
  code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x202f || code === 0x205f || code === 0x3000;

/**
 * Whether the code unit `code` separates words outside quotes: space, tab, or a Unicode space.
 * The one definition: tokenize, splitExec and completion all ask it (core/errors.ts's UNPRINTABLE
 * says the same set as a regex, and a test holds the two together).
 */
export const isSpaceCode = (code: number): boolean => code === 0x20 || code === 0x09 || (code > 0x7f && isUnicodeSpace(code));

/** Whether the character `c` (one code unit or a pair) separates words outside quotes (isSpaceCode). */
export const isWordSpace = (c: string): boolean => isSpaceCode(c.charCodeAt(0));

const u = (code: number): string => `U+${code.toString(16).padStart(4, '0').toUpperCase()}`;

/** The longest command line: past this it is not a command someone typed. */
export const MAX_LINE = 4096;

/**
 * Characters (code points) in `s` from `from` to `to`: a surrogate pair, one character of the
 * text (an emoji, CJK beyond the BMP), counts once, as an editor counts it. Lengths and columns
 * are said in these; JavaScript's own are UTF-16 units, up to two a character.
 */
export const codePoints = (s: string, from = 0, to = s.length): number => {
  let n = to - from;
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) {
      const high = s.charCodeAt(i - 1);
      if (high >= 0xd800 && high <= 0xdbff) n--;
    }
  }
  return n;
};

/** The error for a line of `length` characters (code points), more than MAX_LINE. */
export const lineTooLong = (length: number): CoreError => new CoreError('EUSAGE', `line too long (${length} characters, at most ${MAX_LINE})`);

/** A line's length in characters when it is longer than a command may be, else undefined. */
const overLength = (line: string): number | undefined => {
  // A line of at most MAX_LINE UTF-16 units has at most as many characters: only a longer one is counted.
  if (line.length <= MAX_LINE) return undefined;
  const length = codePoints(line);
  return length > MAX_LINE ? length : undefined;
};

/** A command line's words, refusing a line too long to be one. */
export const commandWords = (line: string): string[] => {
  const length = overLength(line);
  if (length !== undefined) throw lineTooLong(length);
  return tokenize(line);
};

/**
 * Whether a line is too long or holds a character tokenize refuses (U+FFFD included), wherever
 * it stands, a comment too: no command anyone typed, so the REPL keeps it out of its history.
 * A line refused only for its quoting is not one of these: it is a typo, to be recalled and fixed.
 */
export const isGarbledLine = (line: string): boolean => {
  if (overLength(line) !== undefined) return true;
  if (PLAIN.test(line)) return false;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 0xfffd || ((code < 0x20 || code >= 0x7f) && (refused(code) || escapedByteAt(line, i) >= 0))) return true;
  }
  return false;
};

/**
 * Splits a command line into words: spaces, tabs and the other Unicode spaces (isUnicodeSpace)
 * separate, '...' and "..." group and keep what they hold as it is, a Unicode space included,
 * `#` outside quotes starts a comment. Control characters other than tab (and the other
 * characters above) are refused rather than guessed at; what follows a comment's `#` is not looked at.
 */
export const tokenize = (line: string): string[] => {
  // Nearly every line is printable ASCII with no quote and no '#': plain whitespace splitting.
  if (PLAIN.test(line)) {
    const words = line.split(SPACES);
    if (words[0] === '') words.shift();
    if (words.length > 0 && words[words.length - 1] === '') words.pop();
    return words;
  }
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    const code = c.charCodeAt(0);
    // Not called invalid UTF-8: a script's bad bytes arrive as escapes (io/utf8.ts), so a U+FFFD here
    // is either in a script's text (valid bytes EF BF BD) or was decoded from argv or a terminal.
    if (code === 0xfffd) throw new CoreError('EUSAGE', `replacement character U+FFFD at column ${codePoints(line, 0, i) + 1} (what invalid UTF-8 is decoded to)`);
    if (code < 0x20 || code >= 0x7f) {
      const byte = escapedByteAt(line, i);
      if (byte >= 0) throw new CoreError('EUSAGE', `invalid UTF-8 at column ${codePoints(line, 0, i) + 1} (byte 0x${byte.toString(16)})`);
      const why = refused(code);
      if (why) throw new CoreError('EUSAGE', `${why} ${u(code)} at column ${codePoints(line, 0, i) + 1}`);
    }
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '#' && !inWord) {
      break;
    } else if (isSpaceCode(code)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new CoreError('EUSAGE', `unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
};

/**
 * A word as a command line would need it typed, tokenize's inverse: quoted when it holds a space,
 * a quote or `#`, in `quote` unless the word holds that quote (a command shown inside '...'
 * reads better with its words in "...").
 */
export const quoteWord = (w: string, quote: "'" | '"' = "'"): string => {
  if (w !== '' && !/[\s'"#]/.test(w)) return w;
  const other = quote === "'" ? '"' : "'";
  return w.includes(quote) ? `${other}${w}${other}` : `${quote}${w}${quote}`;
};
