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

/**
 * Whether a line of a script (or the REPL) holds a `;` that -e would read as joining commands:
 * outside quotes and before a comment. Asked only of a line whose command failed: one that
 * succeeds with a `;` in it is left as it ran.
 */
export const joinsCommands = (line: string): boolean => line.includes(';') && splitExec(line).length > 1;

/**
 * The error of a failed line that joins commands (joinsCommands), in place of what its words
 * made of it (`unknown verb 'pools;'`, `too many arguments`): `;` joins commands only in -e and
 * compare's workloads. `where`: `in a script line`, `at the prompt`.
 */
export const joinedLine = (where: string): string => `';' does not join commands ${where}: one command per line (-e takes 'a; b')`;
