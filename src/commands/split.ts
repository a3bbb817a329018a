import type { ErrorInfo } from '../core/types.js';
import { isWordSpace } from './tokenize.js';

/**
 * Splits `-e "a; b"` into commands: a `;` outside quotes or a newline ends a command, and a `#`
 * at the start of a word (outside quotes) starts a comment that runs to the end of the line, as
 * in a shell, so `-e 'pools # then; bogus'` is one command. A word starts after whatever the
 * tokenizer separates words with (a no-break space too), so both agree on where a comment
 * starts. Quotes are only tracked here; the tokenizer reports an unterminated one. A comment stays
 * in its command (the tokenizer drops it).
 */
export const splitExec = (text: string): string[] => split(text, true);

/** splitExec's commands without their comments: `a.msi b.msi # then; x` is `a.msi b.msi `. */
export const splitUncommented = (text: string): string[] => split(text, false);

const split = (text: string, comments: boolean): string[] => {
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
      if (comments) cur += c;
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && wordStart) {
      comment = true;
      if (!comments) continue;
    } else if (c === ';') {
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
 * Whether `text` holds a `;` that -e would read as joining commands: outside quotes and before a
 * comment. The one test of it: a script line or the REPL's (asked only of a line whose command
 * failed: one that succeeds with a `;` in it is left as it ran), a workload given as commands
 * (`compare "cmd; cmd"`), and an operation of interleave (refused before its words are read).
 */
export const joinsCommands = (text: string): boolean => text.includes(';') && splitExec(text).length > 1;

/**
 * Where a `;` was met that joins commands where they do not join: a line of a script (a workload's
 * too), the line typed at the prompt, or one of interleave's operations, by its letter.
 */
export type JoinedAt = 'script line' | 'prompt' | { operation: string };

/**
 * The error for a `;` that joins commands (joinsCommands) where one command is all there is: `;`
 * joins commands only in -e and compare's workloads. A line's is said in place of what its words
 * made of it (`unknown verb 'pools;'`, `too many arguments`), and names -e, where a line may join
 * them; an operation's says it cannot, as it is refused whatever its words are.
 */
export const joinedError = (at: JoinedAt): ErrorInfo => ({
  code: 'EUSAGE',
  message:
    typeof at === 'object'
      ? `operation ${at.operation}: ';' cannot join commands inside an operation: one command per operation`
      : `';' does not join commands ${at === 'prompt' ? 'at the prompt' : 'in a script line'}: one command per line (-e takes 'a; b')`,
});
