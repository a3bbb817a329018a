import type { Interface } from 'node:readline';

// Node decodes a stream's keys once for every readline ever made on it (emitKeypressEvents), and
// says which keys came in one read (a paste) to the readline it was first made for alone: it
// sets isCompletionEnabled false until the read's last key. That readline appends such a key as
// it is; any other one measures the whole line for every key and redraws it at each wrap, so
// that, the REPL making a new readline after each prompt (and @inquirer one per prompt), a paste
// after a prompt cost the square of its length (20,000 characters: 15 s; 200,000: never done,
// Ctrl-C queued behind it) and a pasted Tab completed. The REPL makes the stream's key decoding
// first, with this stand-in, which passes what Node tells it on to every readline that follows
// it, and keeps whether a paste is under way for a prompt that draws itself (search-prompt.ts).

/** A readline: Node's, or @inquirer's narrower type of the same object. */
type Readline = object;

const following = new Set<Readline>();
let pasting = false;

/** The stand-in emitKeypressEvents is given (Node only sets flags on it, and reads escapeCodeTimeout: unset, so its default). */
export const pasteRelay = new Proxy(
  {},
  {
    set: (said, key, value) => {
      Reflect.set(said, key, value);
      if (key === 'isCompletionEnabled') pasting = value === false;
      for (const rl of following) Reflect.set(rl, key, value);
      return true;
    },
  },
) as unknown as Interface;

/** Passes what Node says of pastes on to `rl` too, until the returned function is called. */
export const followPastes = (rl: Readline): (() => void) => {
  following.add(rl);
  return () => {
    following.delete(rl);
  };
};

/** Whether the key being handled came in one read with keys after it (a paste, not its last key). */
export const midPaste = (): boolean => pasting;
