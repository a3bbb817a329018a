import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { commandWords } from '../../src/commands/tokenize.js';
import { decodeScript, ScriptDecoder } from '../../src/io/utf8.js';
import { seeded } from '../seed.js';

const refusal = (line: string): string => {
  try {
    commandWords(line);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('script text: a byte that is not UTF-8 is kept, for the line refusing it to name it', () => {
  test('the tokenizer names the first such byte and its column; UTF-8 reads as itself', () => {
    const line = (...parts: (string | number[])[]) => decodeScript(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))));
    expect(refusal(line('alloc-irq caf', [0xe9], ' 1'))).toBe('invalid UTF-8 at column 14 (byte 0xe9)');
    // A sequence cut short (E2 82 then a space) is named by its first byte.
    expect(refusal(line('pools ', [0xe2, 0x82], ' x'))).toBe('invalid UTF-8 at column 7 (byte 0xe2)');
    // An overlong form and an encoded surrogate are not UTF-8 either.
    expect(refusal(line('pools ', [0xc0, 0xaf]))).toBe('invalid UTF-8 at column 7 (byte 0xc0)');
    expect(refusal(line('pools ', [0xed, 0xa0, 0x80]))).toBe('invalid UTF-8 at column 7 (byte 0xed)');
    // Columns count characters: the emoji before the byte is one.
    expect(refusal(line('\u{1f680} ', [0xff]))).toBe('invalid UTF-8 at column 3 (byte 0xff)');
    // U+1F080 is a surrogate pair whose second half lies in the escapes' range: a character, not a byte.
    expect(line('routes \u{1f080}')).toBe('routes \u{1f080}');
    expect(commandWords(line('routes \u{1f080}'))).toEqual(['routes', '\u{1f080}']);
    // In a comment it is not looked at, as any character there.
    expect(commandWords(line('pools # caf', [0xe9]))).toEqual(['pools']);
  });

  test('decoded in chunks, cut anywhere, the text is the text decoded whole', () => {
    const bytes = fc.uint8Array({ minLength: 0, maxLength: 40 });
    // Bytes near UTF-8's edges are what a cut can split: lead bytes, continuations, ASCII.
    const edgy = fc.array(fc.constantFrom(0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x82, 0x9f, 0xa0), { maxLength: 40 }).map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.oneof(bytes, edgy), fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        const decoder = new ScriptDecoder();
        let text = '';
        let from = 0;
        for (const c of [...at, data.length]) {
          text += decoder.write(Buffer.from(data.subarray(from, c)));
          from = c;
        }
        text += decoder.end();
        expect(text).toBe(decodeScript(data));
        // Valid UTF-8 decodes as Node decodes it.
        if (Buffer.from(Buffer.from(data).toString('utf8')).equals(Buffer.from(data))) expect(text).toBe(Buffer.from(data).toString('utf8'));
      }),
      { seed: seeded(1508), numRuns: 500 },
    );
  });
});
