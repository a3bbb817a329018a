import { CoreError } from '../../core/errors.js';
import { DEFAULT_MAX_SCHEDULES, Explorer, MAX_OPS, type ExploreMode, type InterleaveReport } from '../../core/interleave/explore.js';
import { channelName } from '../../core/dma.js';
import { LOCK_MODES, type LockMode } from '../../core/interleave/locks.js';
import { allocIrqOp, freeIrqOp, releaseChannelOp, requestChannelOp, type OpSpec } from '../../core/interleave/ops.js';
import { letter } from '../../core/interleave/scheduler.js';
import type { Settings, System } from '../../core/system.js';
import { oneOf, parseChannel, parseCount, parseDir, parseUint, shown } from '../args.js';
import { resolve } from '../registry.js';
import { Failed, type Output } from '../result.js';
import type { CommandContext, CommandSpec, Task } from '../spec.js';
import { joinedError, joinsCommands } from '../split.js';
import { tokenize } from '../tokenize.js';
import { plural } from '../../core/words.js';

/** The verbs an operation may be: those that take hardware or descriptors. */
export const OP_VERBS = ['alloc-irq', 'free-irq', 'request-channel', 'release-channel'] as const;

export const INTERLEAVE_OPTIONS = ['--lock', '--explore', '--preemptions', '--seed', '--schedule', '--max-schedules', '--expect'] as const;

export type Expect = 'ok' | 'race';

/** The lock setting of the session's design: its `lock` column once designs have one, else upstream's. */
export const designLock = (settings: Settings): LockMode => {
  const lock = (settings as Settings & { lock?: LockMode }).lock;
  return lock !== undefined && LOCK_MODES.includes(lock) ? lock : 'inta';
};

/**
 * An operation is one command, but `;` joins commands in `-e` and `compare "cmd; cmd"`, so one
 * typed into an operation is refused as what it is, before its words are read: read as words,
 * `alloc-irq ringacc 304; pools` was `too many arguments (3, at most 2)`. Found as -e finds it
 * (outside quotes, before a comment).
 */
const refuseJoined = (text: string, which: string): void => {
  if (!joinsCommands(text)) return;
  const { code, message } = joinedError({ operation: which });
  throw new CoreError(code, message);
};

/**
 * One quoted operation as an op factory, checked as the command itself would be. Every error
 * that comes of its words, its arguments' own included (`index: expected a number`), names the
 * operation it is in: `operation A: ...`.
 */
const opOf = (sys: System, text: string, which: string): OpSpec => {
  refuseJoined(text, which);
  const words = tokenizeOp(text, which);
  const verb = words[0];
  if (verb === undefined || !(OP_VERBS as readonly string[]).includes(verb)) {
    throw new CoreError('EUSAGE', `operation ${which} ${shown(text)}: an operation is ${OP_VERBS.join(', ')} (quote each one)`);
  }
  try {
    return opOfWords(sys, words);
  } catch (e) {
    throw inOperation(e, which);
  }
};

/** `e`, a CoreError, as said of operation `which`; anything else as it is. */
const inOperation = (e: unknown, which: string): unknown =>
  e instanceof CoreError ? new CoreError(e.code, `operation ${which}: ${e.message}`, e.pool) : e;

/** An operation's words; a quote left open or a character refused in them said of that operation. */
const tokenizeOp = (text: string, which: string): string[] => {
  try {
    return tokenize(text);
  } catch (e) {
    throw inOperation(e, which);
  }
};

/** The op factory of an operation's words (a verb of OP_VERBS first); its errors say nothing of which operation. */
const opOfWords = (sys: System, words: string[]): OpSpec => {
  resolve(words);
  const [verb, a, b, c] = words;
  switch (verb) {
    case 'alloc-irq':
      return allocIrqOp(a, b === 'any' ? 'any' : parseUint(b, 'index'));
    case 'free-irq': {
      if (b === undefined) return freeIrqOp(parseUint(a, 'virq'));
      const dev = sys.msiDevice(a);
      const index = parseUint(b, 'index');
      dev.checkIndex(index);
      const rec = sys.msi.find(dev, index);
      if (!rec) {
        // On demand, an MSI another operation allocates exists only within its schedules: it has no virq to name yet.
        const why = sys.settings.mode === 'demand' ? ' (on demand, one allocated within the interleave cannot be named to free it)' : '';
        throw new CoreError('ENOENT', `${dev.id} ${index} has no MSI${why}`);
      }
      return freeIrqOp(rec.virq, { device: dev.id, index });
    }
    case 'request-channel':
      // Its count or mode third, the mode fourth (request-channel's own reading).
      if (words.slice(3).includes('tr')) throw new CoreError('EINVAL', 'a TR-mode channel: interleave runs packet-mode channels only');
      if (c !== undefined && c !== 'pkt' && parseCount(c, 'count', 65536) !== 1) {
        throw new CoreError('EUSAGE', 'one channel per operation (give the other channels operations of their own)');
      }
      return requestChannelOp(a, parseDir(b));
    default: {
      if (a === 'all') throw new CoreError('EUSAGE', 'release one channel per operation, not all');
      const ch = parseChannel(a);
      return releaseChannelOp(ch.dma, ch.dir, ch.n);
    }
  }
};

/**
 * A release of a channel that another operation requests within the interleave: refused saying
 * why, not as a bare "is not requested", which reads as a mistake in the name. The kernel has no
 * such race: dma_release_channel takes the struct dma_chan that dma_request_chan returned to its
 * own caller, so only the requester can release what it requested.
 */
const refuseHandOver = (sys: System, opTexts: string[], ops: OpSpec[]): void => {
  const words = opTexts.map((t) => tokenize(t));
  words.forEach(([verb, name], i) => {
    if (verb !== 'release-channel') return;
    const ch = parseChannel(name);
    const requester = words.findIndex(([v, dma, dir]) => v === 'request-channel' && dma === ch.dma && dir === ch.dir);
    const dma = sys.dmas.get(ch.dma);
    if (requester < 0 || dma === undefined || dma.channel(channelName(dma.id, ch.dir, ch.n)) !== undefined) return;
    throw new CoreError(
      'ENOENT',
      `operation ${letter(i)} (${ops[i].label}): ${channelName(dma.id, ch.dir, ch.n)} is not requested; an operation releases only a channel requested before the interleave (dma_release_channel takes the channel dma_request_chan returned to its own caller, not to operation ${letter(requester)})`,
    );
  });
};

/**
 * The PRNG's seed is 32 bits: a larger one is refused, not wrapped (4294967296 was seed 0). Every
 * number out of range, negative or past 2^53 included, is one message quoting the word as typed,
 * as the CLI's other errors do; what is not a number is parseUint's.
 */
const MAX_SEED = 0xffffffff;
const parseSeed = (word: string): number => {
  if (/^-?(\d+|0x[0-9a-f]+)$/i.test(word) && (word.startsWith('-') || BigInt(word) > BigInt(MAX_SEED))) {
    throw new CoreError('EINVAL', `--seed must be 0-${MAX_SEED}, got ${shown(word)}`);
  }
  return parseUint(word, '--seed');
};

const QUOTED_EXAMPLE = 'interleave "alloc-irq ringacc any" "free-irq 71"';

interface Parsed {
  ops: OpSpec[];
  lock: LockMode;
  mode: ExploreMode;
  max: number;
  expect: Expect;
}

const parseArgs = (sys: System, settings: Settings, words: string[]): Parsed => {
  const opTexts: string[] = [];
  const opt = new Map<string, string[]>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--')) {
      opTexts.push(w);
      continue;
    }
    if (!(INTERLEAVE_OPTIONS as readonly string[]).includes(w)) throw new CoreError('EUSAGE', `unknown option ${shown(w)} (options: ${INTERLEAVE_OPTIONS.join(', ')})`);
    if (opt.has(w)) throw new CoreError('EUSAGE', `${w} given twice`);
    const value = words[i + 1];
    if (value === undefined || value.startsWith('--')) throw new CoreError('EUSAGE', `${w} needs a value`);
    i++;
    const values = [value];
    if (w === '--explore' && value === 'random') {
      const n = words[i + 1];
      if (n === undefined || n.startsWith('--')) throw new CoreError('EUSAGE', '--explore random needs a count: --explore random <N>');
      values.push(n);
      i++;
    }
    opt.set(w, values);
  }
  if (opTexts.length < 2) throw new CoreError('EUSAGE', `give at least two operations, each quoted: ${QUOTED_EXAMPLE}`);
  // Too many operations is most often one operation typed without its quotes, a word each: say so
  // here, where the count would otherwise hide it.
  const unquoted = (): string => (opTexts.some((t, i) => tokenizeOp(t, letter(i)).length < 2) ? `; quote each operation whole: ${QUOTED_EXAMPLE}` : '');
  if (opTexts.length > MAX_OPS) throw new CoreError('EUSAGE', `at most ${MAX_OPS} operations (${opTexts.length} given)${unquoted()}`);
  // Each operation runs on a CPU of its own (cpu0, cpu1, ...): no more than the SoC has.
  const cpus = sys.topology.cpus;
  if (opTexts.length > cpus) {
    throw new CoreError('EUSAGE', `${opTexts.length} operations, but ${sys.topology.name} has ${plural(cpus, 'CPU')}: one operation per CPU${unquoted()}`);
  }
  const ops = opTexts.map((t, i) => opOf(sys, t, letter(i)));
  refuseHandOver(sys, opTexts, ops);
  const lock = opt.has('--lock') ? oneOf(opt.get('--lock')![0], '--lock', LOCK_MODES) : designLock(settings);
  const max = opt.has('--max-schedules') ? parseCount(opt.get('--max-schedules')![0], '--max-schedules', 10_000_000) : DEFAULT_MAX_SCHEDULES;
  const expect = opt.has('--expect') ? oneOf(opt.get('--expect')![0], '--expect', ['ok', 'race'] as const) : 'ok';
  const mode = exploreMode(opt, ops.length);
  // The printed `replay: --schedule X` is appended to the command that printed it: the one
  // schedule takes the place of the search that found it (whose options are still checked).
  const schedule = opt.get('--schedule')?.[0];
  return { ops, lock, max, expect, mode: schedule === undefined ? mode : { kind: 'schedule', schedule } };
};

/** How to search: --explore all (bounded by --preemptions; 2 by default for 3 ops or more) or random <N> [--seed S]. */
const exploreMode = (opt: Map<string, string[]>, opCount: number): ExploreMode => {
  const explore = opt.get('--explore');
  if (explore?.[0] === 'random') {
    if (opt.has('--preemptions')) throw new CoreError('EUSAGE', '--preemptions bounds --explore all, not random schedules');
    const count = parseCount(explore[1], 'random schedules', 10_000_000);
    const seed = opt.has('--seed') ? parseSeed(opt.get('--seed')![0]) : Math.floor(Math.random() * 0x100000000);
    return { kind: 'random', count, seed };
  }
  if (explore !== undefined && explore[0] !== 'all') throw new CoreError('EUSAGE', `--explore: expected all or random <N>, got ${shown(explore[0])}`);
  if (opt.has('--seed')) throw new CoreError('EUSAGE', '--seed goes with --explore random <N>');
  const bound = opt.has('--preemptions') ? parseUint(opt.get('--preemptions')![0], '--preemptions') : opCount > 2 ? 2 : undefined;
  return { kind: 'all', bound };
};

/** Seconds are left out when MSI_EXPLORER_TIMING=off, so that goldens stay byte for byte. */
const clock = (): (() => number) | undefined => (process.env.MSI_EXPLORER_TIMING === 'off' ? undefined : () => performance.now());

export const interleave: CommandSpec = {
  name: 'interleave',
  summary: 'run operations in parallel, one per CPU, through the interleavings of their steps',
  usage: 'interleave "<op>" "<op>" [...] [--<option> <value> ...]',
  example: 'lock none\ninterleave "alloc-irq ringacc 304" "alloc-irq ringacc 305" --expect race',
  details:
    'Each quoted op is an alloc-irq, free-irq, request-channel (one channel) or release-channel line, run from the current state, which is left unchanged. ' +
    "Locks: none (the RFC), list (v7: the list walk only), inta (vint_mutex over each alloc and free, upstream), device (6.2's per-device MSI mutex only); default: the design's. request-channel and release-channel also hold dmaengine's dma_list_mutex under every lock: two channel operations never overlap. " +
    'Options: --lock none|list|inta|device, --explore all|random <N>, --preemptions <K>, --seed <S>, --schedule <A2,B*,A*>, --max-schedules <M>, --expect ok|race. ' +
    'A --schedule replays one schedule in place of the search: append the --schedule a run printed (replay: ...) to that very command. ' +
    'Exploration: every schedule for two ops, at most 2 preemptions for more; fewest preemptions first (every schedule with none, then with 1, 2, ...), so a search cut short at --max-schedules (default 100000) has tried the simple ones. ' +
    'A RESULT gives how each op ended: its value (A=16:0: VINT 16 bit 0), an error code, crash (a step threw), or - (never finished: the schedule stopped first at a violation, such as another op crashing). ' +
    'Fails when a FORBIDDEN outcome exists, or with --expect race when none does. ' +
    'In the REPL, Ctrl-C stops a search: it says how many schedules it ran, and the state is as it was; in a sourced script, the script stops there too.',
  view: true,
  args: [{ name: 'op', kind: 'op', rest: true }],
  start: (ctx, words) => start(ctx, words),
  run: (ctx, words) => start(ctx, words).step(Infinity)!,
};

/** The search as a task: the REPL runs it in slices, and Ctrl-C stops it (the state untouched: it is a query). */
const start = ({ session }: CommandContext, words: string[]): Task => {
  const sys = session.system;
  const p = parseArgs(sys, session.settings, words);
  const explorer = new Explorer(sys, p.ops, p.lock);
  explorer.preflight();
  const search = explorer.search({ lock: p.lock, mode: p.mode, maxSchedules: p.max, clock: clock() });
  return {
    step: (budget) => {
      const report = search.step(budget);
      return report === undefined ? undefined : verdict(report, p.expect);
    },
    progress: () => plural(search.explored, 'schedule'),
    stop: () => search.stop(),
  };
};

/** The output of a search that ran to its end, or the error its outcomes and --expect make. */
const verdict = (report: InterleaveReport, expect: Expect): Output => {
  // A replay that no longer fits ran no schedule: its error alone, nothing that reads as a verdict.
  if (report.divergence) throw new CoreError('EINVAL', report.divergence);
  const output: Output = { kind: 'interleave', report, expect };
  const forbidden = report.outcomes.filter((o) => o.grade === 'FORBIDDEN').reduce((n, o) => n + o.count, 0);
  if (expect === 'ok' && forbidden > 0) {
    throw new Failed('EXPECT', `${forbidden} of ${plural(report.explored, 'schedule')} FORBIDDEN (--expect race if that is the point)`, output);
  }
  if (expect === 'race' && forbidden === 0) {
    const more = report.truncated ? ' (truncated: more remain)' : '';
    throw new Failed('EXPECT', `no FORBIDDEN outcome in ${plural(report.explored, 'schedule')}${more}, but --expect race`, output);
  }
  return output;
};
