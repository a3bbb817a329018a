// Decoding scripts: UTF-8 to text, every byte that is not UTF-8 kept as itself so that the line
// refusing it can name it (`invalid UTF-8 at column 19 (byte 0xff)`). A decoder that turns it into
// U+FFFD, as Node's do, has lost the byte before the tokenizer sees the line. No I/O here: the
// readers (text-file.ts, the batch runner's stream) hand bytes in, the tokenizer and the JSON
// renderer read the text out.

/**
 * A byte that is not UTF-8 (0x80-0xff) stands in the text as a lone low surrogate, U+DC80-U+DCFF,
 * as Python's surrogateescape keeps it: no UTF-8 decodes to a lone surrogate, so it cannot be
 * taken for a character of the script, and like U+FFFD the tokenizer refuses it on its line.
 */
const ESCAPE = 0xdc00;

/**
 * Offset of the first byte from `from` that does not begin a well-formed UTF-8 sequence (Unicode
 * table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF, no sequence cut short), or -1.
 */
export const firstInvalidUtf8 = (bytes: Uint8Array, from = 0): number => {
  for (let i = from; i < bytes.length; ) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // How many continuation bytes follow, and the range the first of them must fall in.
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + more >= bytes.length || bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k <= more; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += more + 1;
  }
  return -1;
};

/**
 * Whether any text decoded so far may hold an escape: until then (nearly every run) unescapeBytes
 * has nothing to do, and a --json run does not search each command it echoes for one.
 */
let escaping = false;

/**
 * `bytes` as text, each byte that is not UTF-8 escaped (ESCAPE). Node's decoder runs first: only
 * text it had to give a U+FFFD (a real U+FFFD in the script, or a byte it replaced) is decoded
 * again here, so a script of valid UTF-8 costs one search for U+FFFD over what it costs Node.
 */
export const decodeScript = (bytes: Uint8Array, start = 0, end = bytes.length): string => {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  const text = buf.toString('utf8');
  if (text.indexOf('\ufffd') < 0) return text;
  let out = '';
  escaping = true;
  for (let at = 0; at < buf.length; ) {
    const bad = firstInvalidUtf8(buf, at);
    if (bad < 0) return out + buf.toString('utf8', at);
    out += buf.toString('utf8', at, bad) + String.fromCharCode(ESCAPE + buf[bad]);
    at = bad + 1;
  }
  return out;
};

/** The byte that the UTF-16 unit at `i` of decoded text stands for (ESCAPE), or -1 for a character of the text. */
export const escapedByteAt = (text: string, i: number): number => {
  const code = text.charCodeAt(i);
  if (code < ESCAPE + 0x80 || code > ESCAPE + 0xff) return -1;
  // The second half of a surrogate pair (a character past U+FFFF) is no escape.
  const before = i > 0 ? text.charCodeAt(i - 1) : 0;
  return before >= 0xd800 && before <= 0xdbff ? -1 : code - ESCAPE;
};

// A lone low surrogate of the escapes' range: one not after a high surrogate.
const ESCAPED = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

/**
 * Decoded text as a JSON consumer should get it (a command echoed in --json): each escaped byte
 * as U+FFFD, what a UTF-8 decoder would have made of it, rather than a lone surrogate, which
 * JSON.stringify writes as `\udcff` and many consumers cannot encode again.
 */
export const unescapeBytes = (text: string): string => (escaping ? text.replace(ESCAPED, '\ufffd') : text);

/**
 * Decodes a script arriving in chunks, as decodeScript decodes it whole: a sequence cut at the
 * end of a chunk waits for the rest in the next. (The chunk may be a reused buffer: what waits
 * is copied.)
 */
export class ScriptDecoder {
  private carry: Buffer | undefined;

  write(chunk: Buffer): string {
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const cut = completeEnd(bytes);
    if (cut < bytes.length) this.carry = Buffer.from(bytes.subarray(cut));
    return decodeScript(bytes, 0, cut);
  }

  /** What is left at the end: a sequence cut short, its bytes escaped. */
  end(): string {
    const rest = this.carry;
    this.carry = undefined;
    return rest === undefined ? '' : decodeScript(rest);
  }
}

/**
 * Where the bytes' last sequence starts if it is shorter than its first byte says (it may go on
 * in the next chunk), else their length. Only the last three bytes can begin one.
 */
const completeEnd = (bytes: Uint8Array): number => {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const c = bytes[i];
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return n - i < need ? i : n;
    }
  }
  return n;
};
