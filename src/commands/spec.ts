import type { Output, Result } from './result.js';
import type { Session } from './session.js';

/** What an argument is, which drives validation, completion and REPL prompts alike. */
export type ArgKind =
  | 'dma'
  | 'dir'
  | 'count'
  | 'channel'
  | 'msi-device'
  | 'index'
  | 'virq'
  /** A virq whose affinity can be set: not an INTA event, which follows its VINT's parent. */
  | 'steerable-virq'
  | 'user-virq'
  | 'irq'
  | 'ring'
  | 'pool'
  | 'expectation'
  | 'policy'
  | 'mode'
  | 'hardware'
  | 'lock'
  | 'failure'
  | 'design'
  | 'chmode'
  | 'cpus'
  | 'code'
  | 'command'
  | 'op'
  | 'verb'
  | 'file'
  | 'device'
  | 'compare-arg'
  | 'capacity-dir'
  | 'capacity-arg'
  /** `--format`, and the format it names (domains). */
  | 'format-option'
  | 'format'
  /** `topology --export`. */
  | 'topology-flag';

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  optional?: boolean;
  /** Takes every remaining word. */
  rest?: boolean;
}

export interface CommandContext {
  session: Session;
  /**
   * Nothing of a state-changing command's output will be shown (--quiet, compare's runs): the
   * command may leave out what only a reader needs, such as the routes it made.
   */
  quiet: boolean;
  /** Runs another command (for expect-error). */
  run(words: string[]): Result;
}

/** One verb: a declarative record that drives the parser, help, completion and prompts. */
export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** One command a line, run in order from a fresh session: a verb that needs state shows how to make it. */
  example: string;
  details?: string;
  args: ArgSpec[];
  /** Shows state: still printed under --quiet. A function when only some forms show (`policy` alone). */
  view?: boolean | ((output: Output) => boolean);
  /** Re-boots the model: the REPL asks before doing it. */
  reboots?: boolean;
  /** Changes the model (allocations, counts, masks, affinities). */
  mutates?: boolean;
  run(ctx: CommandContext, words: string[]): Output;
  /**
   * A long command (interleave's search) as a task a front end can run a slice at a time and
   * stop part-way (the REPL's Ctrl-C); `run` is the same task run to its end in one go. What it
   * throws, it throws as `run` would, from here or from a step.
   */
  start?(ctx: CommandContext, words: string[]): Task;
}

/** A command's work run in slices (CommandSpec.start). */
export interface Task {
  /** Does at most `budget` units of the work (interleave: schedules); the output once it is done, else undefined. */
  step(budget: number): Output | undefined;
  /** How far it got, for the line that says it was stopped: `1234 schedules`. */
  progress(): string;
  /** Abandons the work: what the command had changed is put back, and it reports nothing. */
  stop(): void;
}

/** Whether this output of `spec` shows state, and so is printed under --quiet. */
export const showsState = (spec: CommandSpec | undefined, output: Output): boolean =>
  typeof spec?.view === 'function' ? spec.view(output) : Boolean(spec?.view);
