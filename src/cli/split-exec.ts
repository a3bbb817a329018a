import { isWordSpace } from '../commands/tokenize.js';

/**
 * Splits `-e "a; b"` into commands: a `;` outside quotes or a newline ends a command, and a `#`
 * at the start of a word (outside quotes) starts a comment that runs to the end of the line, as
 * in a shell, so `-e 'pools # then; bogus'` is one command. A word starts after whatever the
 * tokenizer separates words with (a no-break space too), so both agree on where a comment
 * starts. Quotes are only tracked here; the tokenizer reports an unterminated one.
 */
export const splitExec = (text: string): string[] => {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let comment = false;
  let wordStart = true;
  for (const c of text) {
    if (c === '\n') {
      out.push(cur);
      cur = '';
      quote = undefined;
      comment = false;
      wordStart = true;
      continue;
    }
    if (comment) {
      cur += c;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && wordStart) comment = true;
    else if (c === ';') {
      out.push(cur);
      cur = '';
      wordStart = true;
      continue;
    }
    wordStart = !quote && isWordSpace(c);
    cur += c;
  }
  out.push(cur);
  return out;
};
