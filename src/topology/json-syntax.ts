/**
 * Where JSON text goes wrong, as a position a person can find: Node 20's JSON.parse often names
 * no position at all. Checks syntax only; the value itself comes from JSON.parse.
 */

/** Text from the file, quoted, shortened, with anything but printable ASCII escaped. */
export const quote = (s: string, max = 40): string => {
  const short = s.length > max ? `${s.slice(0, max)}...` : s;
  return `'${short.replace(/[^\x20-\x7e]|'/g, (ch) => (ch === "'" ? "\\'" : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
};

const quoteChar = (s: string, i: number): string => quote(s.slice(i, i + 1));


/** UTF-8 length of a string, counting no further than `stop`. */
export const utf8Length = (s: string, stop = Infinity): number => {
  let n = 0;
  for (let i = 0; i < s.length && n < stop; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
};

/** 1-based line and column (in characters) of offset `pos`; CRLF, LF and CR end a line. */
export const lineColumn = (s: string, pos: number): { line: number; column: number } => {
  let line = 1;
  let column = 1;
  for (let i = 0; i < pos && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && s.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      column = 1;
    } else if (c === 0x0d) {
      // the LF of a CRLF ends the line
    } else if ((c & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      column++;
      i++;
    } else column++;
  }
  return { line, column };
};

/**
 * The first error: its offset and what is wrong; for a key given twice in one object, also the
 * offset of the key's first occurrence.
 */
export interface JsonSyntaxError {
  pos: number;
  message: string;
  first?: number;
}

/**
 * A strict RFC 8259 recognizer (what JSON.parse accepts), without recursion, that also refuses
 * nesting deeper than `maxDepth` and a key given twice in one object (JSON.parse keeps the last
 * silently, so a corrected value earlier in a file would be lost without a word).
 */
export const checkJsonSyntax = (s: string, maxDepth: number): JsonSyntaxError | undefined => {
  const n = s.length;
  let i = 0;
  /** true: inside an object, false: inside an array */
  const stack: boolean[] = [];
  /** For each object open on the stack, its keys (decoded) and where each first stood. */
  const keys: Array<Map<string, number>> = [];
  const found = (): string => (i >= n ? 'end of input' : quoteChar(s, i));
  const err = (expected: string) => ({ pos: i, message: `expected ${expected}, got ${found()}` });
  const ws = () => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const str = (): { pos: number; message: string } | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= n) return { pos: i, message: 'unterminated string, got end of input' };
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { pos: i, message: `expected a closing '"' (control characters must be escaped in strings), got ${quoteChar(s, i)}` };
      if (c === 0x5c) {
        const e = s.charCodeAt(i + 1);
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = s.charCodeAt(i + k);
            const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
            if (!hex) {
              i += k;
              return err('4 hex digits after \\u');
            }
          }
          i += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2;
        } else {
          i++;
          return err('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
        }
      } else i++;
    }
  };
  const digits = (): boolean => {
    const start = i;
    while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    return i > start;
  };
  const num = (): { pos: number; message: string } | undefined => {
    if (s.charCodeAt(i) === 0x2d) i++;
    if (s.charCodeAt(i) === 0x30) i++;
    else if (!digits()) return err('a digit');
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      if (!digits()) return err('a digit after the decimal point');
    }
    if (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45) {
      i++;
      if (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d) i++;
      if (!digits()) return err('a digit in the exponent');
    }
    return undefined;
  };
  const key = (): JsonSyntaxError | undefined => {
    if (s.charCodeAt(i) !== 0x22) return err(`a property name in double quotes`);
    const start = i;
    const e = str();
    if (e) return e;
    const raw = s.slice(start, i);
    // Escapes spell one key many ways ("a" and "\u0061"): compare what JSON.parse makes of them.
    const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    const seen = keys[keys.length - 1];
    const first = seen.get(name);
    if (first !== undefined) return { pos: start, message: `duplicate key ${quote(name)}`, first };
    seen.set(name, start);
    ws();
    if (s.charCodeAt(i) !== 0x3a) return err(`':' after the property name`);
    i++;
    return undefined;
  };

  for (;;) {
    // A value is expected at i.
    ws();
    const c = s.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) return { pos: i, message: `nesting deeper than ${maxDepth} levels` };
      const isObject = c === 0x7b;
      i++;
      ws();
      if (s.charCodeAt(i) !== (isObject ? 0x7d : 0x5d)) {
        stack.push(isObject);
        if (isObject) {
          keys.push(new Map());
          const e = key();
          if (e) return e;
        }
        continue;
      }
      i++; // an empty object or array
    } else if (c === 0x22) {
      const e = str();
      if (e) return e;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const e = num();
      if (e) return e;
    } else if (s.startsWith('true', i)) i += 4;
    else if (s.startsWith('false', i)) i += 5;
    else if (s.startsWith('null', i)) i += 4;
    else return err('a value (object, array, string, number, true, false or null)');
    // After a value: a separator, a closing bracket, or the end.
    for (;;) {
      ws();
      if (stack.length === 0) return i < n ? err('end of input after the JSON value') : undefined;
      const inObject = stack[stack.length - 1];
      const d = s.charCodeAt(i);
      if (d === 0x2c) {
        i++;
        ws();
        if (inObject) {
          const e = key();
          if (e) return e;
        }
        break;
      }
      if (d === (inObject ? 0x7d : 0x5d)) {
        i++;
        stack.pop();
        if (inObject) keys.pop();
        continue;
      }
      return err(inObject ? `',' or '}' after a property value` : `',' or ']' after an array element`);
    }
  }
};
