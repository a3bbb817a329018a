import { CoreError } from '../core/errors.js';
import { nearest, oneLine, shown } from './args.js';
import { Failed, type Result } from './result.js';
import type { Session } from './session.js';
import type { CommandContext, CommandSpec, Task } from './spec.js';
import { releaseChannel, requestChannel } from './verbs/channels.js';
import { capacity, compare } from './verbs/compare.js';
import { expectError, expectPool } from './verbs/expect.js';
import { interleave } from './verbs/interleave.js';
import { allocIrq, fireRing, freeIrq, maskIrq, setAffinity, unmaskIrq } from './verbs/irqs.js';
import { irq } from './verbs/irq.js';
import { exit, help, helpIndex, quit, source } from './verbs/meta.js';
import { design, failure, hardware, lock, mode, policy, reset } from './verbs/settings.js';
import { boot, domains, interrupts, pools, routes, topology } from './verbs/views.js';

/** Every verb, in the order `help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  requestChannel,
  releaseChannel,
  allocIrq,
  freeIrq,
  fireRing,
  setAffinity,
  maskIrq,
  unmaskIrq,
  routes,
  pools,
  interrupts,
  irq,
  domains,
  topology,
  design,
  policy,
  mode,
  hardware,
  lock,
  failure,
  boot,
  reset,
  compare,
  capacity,
  expectError,
  expectPool,
  interleave,
  source,
  help,
  exit,
  quit,
];

helpIndex.entries = () =>
  COMMANDS.map((c) => ({ name: c.name, usage: c.usage, summary: c.summary, example: c.example, details: c.details }));

/** Each verb with its word counts, by name (filled in below, once MAX_WORDS is set). */
const verbs = new Map<string, Verb>();

/** The words checked last and their verb: what commandOf gives without a second lookup. */
let lastWords: readonly string[] | undefined;
let lastSpec: CommandSpec | undefined;

export const findCommand = (name: string): CommandSpec | undefined => verbs.get(name)?.spec;

/**
 * The verb of `words` (a command line's, as runWords was given it), undefined if it names none.
 * A batch line's verb is looked up once: a word from the tokenizer is a fresh string, which a Map
 * lookup hashes and compares character by character.
 */
export const commandOf = (words: readonly string[]): CommandSpec | undefined => (words === lastWords ? lastSpec : findCommand(words[0]));

export const MAX_WORDS = 64;

/** A verb and its word counts, worked out once from its declared arguments. */
interface Verb {
  spec: CommandSpec;
  min: number;
  max: number;
  rest: boolean;
}

for (const c of COMMANDS) {
  const rest = c.args.some((a) => a.rest);
  verbs.set(c.name, { spec: c, min: c.args.filter((a) => !a.optional && !a.rest).length, max: rest ? MAX_WORDS : c.args.length, rest });
}

/** Resolves a verb and checks the number of words against its declared arguments. */
export const resolve = (words: string[]): CommandSpec => {
  const verb = words[0];
  const found = verbs.get(verb);
  if (!found) {
    const near = nearest(verb, verbs.keys());
    throw new CoreError('EUSAGE', `unknown verb ${shown(verb)}${near ? ` (did you mean ${near}?)` : '; try help'}`);
  }
  const { spec, min, max, rest } = found;
  const given = words.length - 1;
  if (given < min) {
    const missing = spec.args.slice(given).filter((a) => !a.optional && !a.rest).map((a) => `<${a.name}>`);
    throw new CoreError('EUSAGE', `missing ${missing.join(' ')}; usage: ${spec.usage}`);
  }
  // A trailing rest argument is required unless it is declared optional.
  if (rest && given < spec.args.length && !spec.args[spec.args.length - 1].optional) {
    throw new CoreError('EUSAGE', `missing <${spec.args[spec.args.length - 1].name}>; usage: ${spec.usage}`);
  }
  if (given > max) throw new CoreError('EUSAGE', `too many arguments (${given}, at most ${max}); usage: ${spec.usage}`);
  return spec;
};

/** Runs one command given as words. Never throws for a user's mistake: that is a failed Result. */
const contexts = new WeakMap<Session, CommandContext>();
const quietContexts = new WeakMap<Session, CommandContext>();
// The last context given: a batch run asks for the same one on every line, and a WeakMap lookup
// hashes the session each time.
let lastContext: CommandContext | undefined;
const contextOf = (session: Session, quiet: boolean): CommandContext => {
  if (lastContext !== undefined && lastContext.session === session && lastContext.quiet === quiet) return lastContext;
  lastContext = contextFor(session, quiet);
  return lastContext;
};
const contextFor = (session: Session, quiet: boolean): CommandContext => {
  const cache = quiet ? quietContexts : contexts;
  let ctx = cache.get(session);
  if (!ctx) cache.set(session, (ctx = { session, quiet, run: (w) => runWords(session, w, quiet) }));
  return ctx;
};

/** `quiet`: the caller shows nothing of a state-changing command's output (see CommandContext). */
export const runWords = (session: Session, words: string[], quiet = false): Result => {
  const ctx = contextOf(session, quiet);
  try {
    const spec = checked(words);
    const output = spec.run(ctx, words.slice(1));
    return { ok: true, output };
  } catch (e) {
    return asResult(e);
  }
};

/** A command under way (startWords): each step runs a slice of it, the Result once it has ended. */
export interface RunningCommand {
  /** Whether it runs in slices (a command with a Task); any other runs whole at its first step. */
  readonly sliced: boolean;
  /** At most `budget` units of its work (see Task); the Result once it has ended, else undefined. */
  step(budget: number): Result | undefined;
  /** How far it got: `1234 schedules`. */
  progress(): string;
  /** Abandons it part-way: the session as it was before the command. */
  stop(): void;
}

/**
 * Runs one command as runWords does, but a command with a Task (interleave) a slice at a time,
 * for a front end that reads the keyboard between slices; any other runs whole at its first step.
 * Run to its end it gives the Result runWords gives. Its words are checked once, here.
 */
export const startWords = (session: Session, words: string[], quiet = false): RunningCommand => {
  const ctx = contextOf(session, quiet);
  let spec: CommandSpec | undefined;
  let task: Task | undefined;
  let ended: Result | undefined;
  try {
    spec = checked(words);
    if (spec.start) task = spec.start(ctx, words.slice(1));
  } catch (e) {
    ended = asResult(e);
  }
  return {
    sliced: task !== undefined,
    step: (budget) => {
      if (ended !== undefined) return ended;
      try {
        // No task: the checked verb runs whole (not runWords, which would check the words again).
        const output = task === undefined ? spec!.run(ctx, words.slice(1)) : task.step(budget);
        if (output !== undefined) ended = { ok: true, output };
      } catch (e) {
        ended = asResult(e);
      }
      return ended;
    },
    progress: () => task?.progress() ?? '',
    stop: () => task?.stop(),
  };
};

/** The verb of `words`, its word counts checked. */
const checked = (words: string[]): CommandSpec => {
  if (words.length === 0) throw new CoreError('EUSAGE', 'missing command');
  if (words.length > MAX_WORDS) throw new CoreError('EUSAGE', `too many words (${words.length}, at most ${MAX_WORDS})`);
  const spec = resolve(words);
  lastWords = words;
  lastSpec = spec;
  return spec;
};

/** A user's mistake as a failed Result; anything else is a defect, and thrown on. */
const asResult = (e: unknown): Result => {
  if (e instanceof Failed) return { ok: false, error: { code: e.code, message: oneLine(e.message), pool: e.pool }, output: e.output };
  if (e instanceof CoreError) return { ok: false, error: { code: e.code, message: oneLine(e.message), pool: e.pool } };
  throw e;
};
