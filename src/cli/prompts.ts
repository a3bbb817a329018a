import { holderOf, type MsiDevice } from '../core/msi.js';
import { designNamed, designOf, designShown, FAILURES, HARDWARE, LOCKS, MODES, POLICIES, SETTING_COLUMNS } from '../core/designs.js';
import { CoreError, ERR_CODES } from '../core/errors.js';
import { System } from '../core/system.js';
import type { Direction, DmaController } from '../core/dma.js';
import { grantableChannels } from '../commands/grantable.js';
import { parseCpuList } from '../commands/args.js';
import { COMMANDS, findCommand, runWords } from '../commands/registry.js';
import { fixedChoices } from '../commands/choices.js';
import type { Session } from '../commands/session.js';
import type { ArgKind, ArgSpec, CommandSpec } from '../commands/spec.js';
import { tokenize } from '../commands/tokenize.js';
import type { Style } from '../render/style.js';
import { wrap } from '../render/wrap.js';
import { argAt, liveRings, steerableVirqs, userVirqs, virqsFor } from './completion.js';
import { plural } from '../core/words.js';

/**
 * REPL prompts for what a command line left out. Planning is pure and synchronous (so the REPL
 * can tell whether it needs @inquirer/prompts at all before loading it); asking goes through an
 * injected Prompter, the real one being a thin adapter over @inquirer/prompts.
 */

export interface Choice {
  value: string;
  name?: string;
  /** What the prompt's line shows once chosen; default the name. */
  short?: string;
  description?: string;
}

export type Question =
  | { type: 'select'; arg: string; kind: ArgKind; message: string; choices: Choice[]; default?: string; search: boolean }
  | {
      type: 'input';
      arg: string;
      kind: ArgKind;
      message: string;
      default?: string;
      words?: boolean;
      validate?: (value: string) => true | string;
      /** After validate: whether the answer, ending `words` (the command so far), makes a command that succeeds; else why not. */
      fits?: (value: string, words: readonly string[]) => true | string;
    }
  | { type: 'confirm'; message: string; default: boolean }
  /** A whole command (expect-error's): its verb from a menu, then that verb's own questions. */
  | { type: 'command'; arg: string; kind: ArgKind; message: string; choices: Choice[]; then: (words: string[]) => Question[] }
  /** Nothing could be chosen that would succeed: the command is not run, and this says why. */
  | { type: 'none'; message: string };

/** The prompt shapes the REPL uses; tests pass fakes. A cancelled prompt throws (see isCancel). */
export interface Prompter {
  select(q: { message: string; choices: Choice[]; default?: string }): Promise<string>;
  /**
   * A menu filtered by what is typed (see filterChoices). With asTyped, a text it takes (true)
   * is the answer as typed, the menu filtered by its first word meanwhile (see typedCommand).
   */
  search(q: { message: string; choices: Choice[]; asTyped?: (term: string) => true | string | undefined }): Promise<string>;
  input(q: { message: string; default?: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
}

/**
 * expect-error's command typed whole at its menu of verbs (`request-channel main_udmap tx 51`,
 * help expect-error's example, whose count no question asks for): a text of more than one word
 * is taken as the command line, to run as typed, as after `expect-error CODE` at the prompt
 * (true), or refused with the tokenizer's reason (an open quote); a single word only filters.
 */
export const typedCommand = (term: string): true | string | undefined => {
  if (!/\S\s+\S/.test(term)) return undefined;
  try {
    return tokenize(term).length > 1 ? true : undefined;
  } catch (e) {
    if (e instanceof CoreError) return e.message;
    throw e;
  }
};

/** Ctrl-C in an @inquirer prompt (ExitPromptError), or a prompt cancelled or aborted. */
export const isCancel = (e: unknown): boolean =>
  e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'CancelPromptError' || e.name === 'AbortPromptError');

const nonEmpty = (what: string) => (v: string): true | string => (v.trim() === '' ? `give ${what}` : true);

const wordsOf = (what: string) => (v: string): true | string => {
  if (v.trim() === '') return `give ${what}`;
  try {
    tokenize(v);
    return true;
  } catch (e) {
    if (e instanceof CoreError) return e.message;
    throw e;
  }
};

/** The fixed menu of an argument, when it has one; a typed word outside it is left for the command to refuse. */
const closedChoices = (session: Session, arg: ArgSpec): string[] | undefined => fixedChoices(session, arg.kind);

/** Menus longer than this are searched rather than scrolled. */
export const MENU_PAGE = 12;

/**
 * Whether a menu is a search prompt: when it is long, or when its values are numbers or hold
 * them (virqs, channels, rings). A plain select takes a typed digit as a list position, so
 * typing 200 in a virq menu would pick the second entry, not virq 200.
 */
export const wantsSearch = (choices: readonly Choice[]): boolean => choices.length > MENU_PAGE || choices.some((c) => /\d/.test(c.value));

/**
 * The choices a search prompt shows for a typed term, best first: the value itself, values
 * starting with it, then names and descriptions containing it (case ignored). Empty term: all.
 */
export const filterChoices = (choices: readonly Choice[], term: string | undefined): Choice[] => {
  const t = (term ?? '').trim().toLowerCase();
  if (t === '') return [...choices];
  const tiers: Choice[][] = [[], [], [], []];
  for (const c of choices) {
    const value = c.value.toLowerCase();
    if (value === t) tiers[0].push(c);
    else if (value.startsWith(t)) tiers[1].push(c);
    else if ((c.name ?? c.value).toLowerCase().includes(t)) tiers[2].push(c);
    else if ((c.description ?? '').toLowerCase().includes(t)) tiers[3].push(c);
  }
  return tiers.flat();
};

/**
 * Menu entries for virqs, each named by its number and what it is, the numbers right-aligned
 * across the whole menu (` 64  main_gpio0 0` above `289  cpts 0`), so that the column stays
 * straight in any view of it (a search shows 200 above 86); the answer, once chosen, unpadded.
 */
const virqChoices = <T extends { virq: number }>(items: readonly T[], label: (t: T) => string, description: (t: T) => string): Choice[] => {
  const width = items.reduce((w, t) => Math.max(w, `${t.virq}`.length), 0);
  return items.map((t) => {
    const short = `${t.virq}  ${label(t)}`;
    return { value: `${t.virq}`, name: short.padStart(short.length + width - `${t.virq}`.length), short, description: description(t) };
  });
};

/**
 * What request-channel can still grant in each of `dirs` (grantableChannels: not the channel
 * pool's free count), and, when something runs out before the channels do, what.
 */
const channelsFree = (session: Session, dma: DmaController, dirs: Direction[]): string => {
  const runs = dirs.map((dir) => ({ dir, ...grantableChannels(session, dma.id, dir) }));
  const notes = new Set<string>();
  for (const { dir, stop } of runs) {
    if (!stop || stop.pool?.id === dma.pools[dir].id) continue;
    // No pool: the driver is not bound, say; its first words are enough for a menu line.
    const why = stop.pool ? `${stop.pool.id} runs out first` : `${stop.code}: ${stop.message.split(': ').slice(0, 2).join(': ')}`;
    notes.add(dirs.length > 1 && stop.pool ? `${dir}: ${why}` : why);
  }
  const counts = runs.map((r) => (dirs.length > 1 ? `${r.count} ${r.dir}` : `${r.count}`)).join(' and ');
  const noun = runs.length === 1 && runs[0].count === 1 ? 'channel' : 'channels';
  return `${counts} ${noun} free to request${notes.size > 0 ? ` (${[...notes].join('; ')})` : ''}`;
};

/**
 * alloc-irq's device menu line. The free count is of the pool and the range is the host's share it
 * was made from, said as such: a range beside the count read as the free rings, which it is not
 * once a channel has taken one.
 */
const msiDeviceHint = (d: MsiDevice): string =>
  d.indexPool ? `${d.name}: ${d.indexPool.free} of ${d.indexPool.total} GP rings free (share ${d.describeShare()})` : `${d.name}: events ${d.describeShare()}`;

/**
 * Why `words` would fail if run now (its error message), or undefined if it would succeed: it is
 * run on a copy of the model, the live one put back after, untouched (pool peaks included).
 */
const refusal = (session: Session, words: string[]): string | undefined => {
  const live = session.system;
  session.system = session.checkpoint().system;
  try {
    const r = runWords(session, words);
    return r.ok ? undefined : r.error.message;
  } finally {
    session.system = live;
  }
};

/**
 * fire-ring's question when no ring has an INTA event to raise. Any ring of the device may still
 * be fired, in every design: the INTA drops an event it has no mapping for and counts it. Whether
 * a ring has an MSI then depends on the design (merged allocated one per GP ring at probe, without
 * hardware; rfc-v4 allocates on demand), so the words are about what every design has in common:
 * nothing is requested.
 */
const noLiveRing = (session: Session): string => {
  const sys = session.system;
  const dev = sys.msiDevices.size > 0 ? sys.defaultRingDevice() : undefined;
  if (!dev) return 'ring';
  // probe-all: ringacc's probe fails, and with it every channel and alloc-irq.
  if (!dev.bound) return `ring (${dev.id} is not bound, so none can be requested: its event is dropped)`;
  return 'ring (none is requested yet, so its event is dropped: request-channel first)';
};

/** One question for a missing required argument; `typed` are the arguments before it. */
const questionFor = (session: Session, spec: CommandSpec, arg: ArgSpec, typed: string[]): Question => {
  const sys = session.system;
  const select = (message: string, choices: Choice[], fallback: Question): Question =>
    choices.length > 0 ? { type: 'select', arg: arg.name, kind: arg.kind, message, choices, search: wantsSearch(choices) } : fallback;
  const input = (message: string, extra: Partial<Extract<Question, { type: 'input' }>> = {}): Question => ({
    type: 'input',
    arg: arg.name,
    kind: arg.kind,
    message,
    validate: nonEmpty(arg.name),
    ...extra,
  });
  switch (arg.kind) {
    case 'dma':
      return select(
        'DMA controller',
        [...sys.dmas.values()].map((d) => ({
          value: d.id,
          name: d.id,
          description: `${d.name}: ${channelsFree(session, d, ['tx', 'rx'])}`,
        })),
        input('DMA controller id'),
      );
    case 'dir': {
      // request-channel <dma> <dir>: the counts are the typed DMA's, or the only one there is (the
      // questions are planned before any is answered).
      const dma = sys.dmas.get(typed[0]) ?? (sys.dmas.size === 1 ? [...sys.dmas.values()][0] : undefined);
      const what = (dir: Direction, word: string) => (dma ? `${word}: ${channelsFree(session, dma, [dir])}` : `${word} channel`);
      return select('direction', [
        { value: 'tx', name: 'tx', description: what('tx', 'transmit') },
        { value: 'rx', name: 'rx', description: what('rx', 'receive') },
      ], input('direction (tx or rx)'));
    }
    case 'channel': {
      const channels = sys.channels();
      if (channels.length === 0) return { type: 'none', message: 'nothing to release: no channel is requested (request-channel takes one)' };
      return select(
        'channel to release',
        [
          ...channels.map((c) => ({ value: c.name, name: c.name, description: `ring ${c.ring}, virq ${c.msi.virq}` })),
          { value: 'all', name: 'all', description: `every requested channel (${plural(channels.length, 'channel')})` },
        ],
        input('channel'),
      );
    }
    case 'msi-device':
      return select(
        'MSI device',
        [...sys.msiDevices.values()].map((d) => ({
          value: d.id,
          name: d.id,
          description: msiDeviceHint(d),
        })),
        input('MSI device id'),
      );
    case 'index':
      return input('index (a number, or any for the lowest free one)', {
        default: spec.name === 'alloc-irq' ? 'any' : undefined,
        validate: (v) => (/^(any|\d+|0x[0-9a-f]+)$/i.test(v.trim()) ? true : 'give a number or any'),
        // alloc-irq's last word: the device menu promised free rings of the host's share, so an
        // index outside it (or taken) is asked again with the reason, not run to fail.
        fits: (v, words) => refusal(session, [...words, v]) ?? true,
      });
    case 'virq': {
      const descs = virqsFor(session, spec.name);
      return select(
        'virq',
        virqChoices(descs, (d) => d.name, (d) => `${d.kind}, owner ${d.owner}${d.masked ? ', masked' : ''}`),
        input('virq'),
      );
    }
    case 'steerable-virq': {
      const virqs = new Set(steerableVirqs(session));
      return select(
        'virq to steer (INTA events follow their VINT\'s parent)',
        virqChoices(
          sys.descs.all().filter((d) => virqs.has(d.virq)),
          (d) => d.name,
          (d) => `${d.kind}, owner ${d.owner}`,
        ),
        { type: 'none', message: 'no virq can be steered: every live virq is an INTA event' },
      );
    }
    case 'user-virq': {
      const virqs = new Set(userVirqs(session));
      const recs = sys.msi.all().filter((r) => virqs.has(r.virq));
      return select(
        'virq to free',
        virqChoices(recs, (r) => `${r.device.id} ${r.index}`, (r) => `requested by ${holderOf(r)}`),
        { type: 'none', message: 'nothing to free: no irq was requested with alloc-irq (a channel\'s irqs go with release-channel)' },
      );
    }
    case 'irq': {
      // Channels first (by name), then every virq as /proc/interrupts would list it.
      const channels = sys.channels().map((c) => ({
        value: c.name,
        name: c.name,
        description: `ring irq ${c.msi.virq}${c.event ? `, TR event irq ${c.event.virq}` : ''}`,
      }));
      const virqs = virqChoices(sys.descs.all(), (d) => d.name, (d) => `${d.kind}, ${d.requested ? `owner ${d.owner}` : 'not requested'}${d.masked ? ', masked' : ''}`);
      return select('irq', [...channels, ...virqs], input('irq (a virq, a channel such as main_udmap:tx8, or device:index such as ringacc:304)'));
    }
    case 'ring': {
      const rings = liveRings(session);
      return select('ring to fire', rings.map((r) => ({ value: r, name: r })), input(noLiveRing(session)));
    }
    case 'pool':
      return select(
        'pool',
        sys.poolStats().map((p) => ({ value: p.id, name: p.id, description: `${p.used}/${p.total} used, peak ${p.peak}` })),
        input('pool id'),
      );
    case 'expectation':
      return input('expectation (used=<n>, free=<n>, total=<n>, peak=<n>; several separated by spaces)', {
        words: true,
        validate: (v) => {
          const ok = wordsOf('an expectation')(v);
          if (ok !== true) return ok;
          return tokenize(v).every((w) => /^(used|free|total|peak)=\S+$/.test(w)) ? true : 'expected used=<n>, free=<n>, total=<n> or peak=<n>';
        },
      });
    case 'cpus':
      return input(`CPU list (0-${sys.topology.cpus - 1}, e.g. 0-1,3)`, {
        validate: (v) => {
          try {
            parseCpuList(v.trim(), sys.topology.cpus);
            return true;
          } catch (e) {
            if (e instanceof CoreError) return e.message;
            throw e;
          }
        },
      });
    case 'code':
      return select('error code', ERR_CODES.map((c) => ({ value: c, name: c })), input('error code'));
    case 'command':
      return {
        type: 'command',
        arg: arg.name,
        kind: arg.kind,
        message: 'command expected to fail',
        choices: COMMANDS.map((c) => ({ value: c.name, name: c.name, description: c.summary })),
        then: (words) => innerQuestions(session, words),
      };
    case 'op':
      return input('operations, each in quotes, then options (see help interleave)', {
        words: true,
        validate: wordsOf('operations'),
      });
    case 'file':
      return input('script file (relative to the current folder)');
    case 'compare-arg':
      return input('workload: a script file (relative to the current folder), or commands separated by ;');
    case 'capacity-dir':
      return select('channels to request', [
        { value: 'tx', name: 'tx', description: 'transmit channels' },
        { value: 'rx', name: 'rx', description: 'receive channels' },
        { value: 'both', name: 'both', description: 'tx and rx, alternately' },
      ], input('direction (tx, rx or both)'));
    case 'capacity-arg':
    case 'topology-flag':
    case 'policy':
    case 'mode':
    case 'hardware':
    case 'lock':
    case 'failure':
    case 'design':
    case 'chmode':
    case 'verb':
    case 'device':
    case 'count':
    case 'format-option':
    case 'format':
      // Optional everywhere: never missing.
      return input(arg.name);
  }
};

const COLUMN_VALUES: Record<(typeof SETTING_COLUMNS)[number], readonly string[]> = { policy: POLICIES, mode: MODES, hardware: HARDWARE, lock: LOCKS, failure: FAILURES };

/**
 * What a re-boot would throw away, in words, compared with a fresh boot: `losses` is work the
 * user did (channels, MSIs, counts, masks, affinities); `peaks` is whether only pool high-water
 * marks differ, which nobody minds losing much.
 */
export const rebootLosses = (session: Session): { losses: string[]; peaks: boolean } => {
  const sys = session.system;
  const fresh = System.boot(session.topology, sys.settings);
  const channels = sys.channels().length;
  const msis = sys.msi.all().filter((r) => r.requestedBy === 'alloc-irq').length;
  const counted = (d: { counts: readonly number[] }) => d.counts.some((n) => n > 0);
  const fired = sys.descs.all().filter(counted).length - fresh.descs.all().filter(counted).length;
  let masked = 0;
  let moved = 0;
  for (const d of sys.descs.all()) {
    const f = fresh.descs.get(d.virq);
    if (d.masked && !f?.masked) masked++;
    if (f ? d.affinity !== f.affinity : d.affinity !== sys.descs.allCpus) moved++;
  }
  const losses: string[] = [];
  if (channels > 0) losses.push(plural(channels, 'channel'));
  if (msis > 0) losses.push(plural(msis, 'alloc-irq MSI'));
  if (fired > 0) losses.push(`counts on ${plural(fired, 'virq')}`);
  if (sys.unmapped > fresh.unmapped) losses.push(plural(sys.unmapped - fresh.unmapped, 'dropped event'));
  if (masked > 0) losses.push(plural(masked, 'masked virq'));
  if (moved > 0) losses.push(plural(moved, 'affinity setting'));
  const freshPeaks = new Map(fresh.poolStats().map((p) => [p.id, p.peak]));
  const peaks = sys.poolStats().some((p) => p.peak !== freshPeaks.get(p.id));
  if (losses.length === 0 && !peaks && fresh.fingerprint() !== sys.fingerprint()) losses.push('changes since boot');
  return { losses, peaks };
};

/** The confirmation a re-booting command needs, or undefined when it changes nothing. */
const rebootQuestion = (session: Session, spec: CommandSpec, args: string[]): Question | undefined => {
  if (!spec.reboots) return undefined;
  const current = session.settings;
  let next = current;
  const column = SETTING_COLUMNS.find((c) => c === spec.name);
  const value = args[0];
  if ((column || spec.name === 'design') && value === undefined) return undefined; // just shows
  if (column) {
    if (!(COLUMN_VALUES[column] as readonly string[]).includes(value)) return undefined; // the command refuses it
    next = { ...current, [column]: value };
  } else if (spec.name === 'design') {
    const d = designNamed(value);
    if (!d) return undefined;
    next = d.settings;
  }
  // Asking for the setting in force re-boots nothing (the command says so): nothing to confirm.
  if (column && next[column] === current[column]) return undefined;
  if (spec.name === 'design' && designOf(current) === value) return undefined;
  const { losses, peaks } = rebootLosses(session);
  // boot, reset: the design named as the prompt and the re-boot line name it (`merged+dedicated`
  // for one changed by hand); a line of five columns would not fit.
  let what = `re-boot with design ${designShown(next)}`;
  if (column) what = `re-boot with ${column} ${value}`;
  else if (spec.name === 'design') what = `re-boot with design ${value}`;
  const tail = losses.length > 0 ? `discards ${losses.join(', ')}` : peaks ? 'resets only pool peaks' : 'nothing to lose';
  // Enter does the harmless thing: yes when nothing would be lost, no when something would.
  return { type: 'confirm', message: `${what} (${tail})?`, default: losses.length === 0 };
};

/**
 * Why a typed argument dooms the command, when the REPL would otherwise go on to ask for the
 * rest: set-affinity on an INTA event is refused whatever CPUs are given.
 */
const cannotSucceed = (session: Session, arg: ArgSpec, word: string): string | undefined => {
  if (arg.kind !== 'steerable-virq' || !/^\d+$/.test(word)) return undefined;
  const sys = session.system;
  const virq = Number(word);
  const desc = sys.descs.get(virq);
  const kind = desc?.kind;
  if (kind === 'vint-parent') return `virq ${virq} is a VINT's chained parent: /proc/irq has no entry for it, so its affinity cannot be set`;
  if (desc?.chained !== undefined) return `virq ${virq} is chained by ${desc.owner}'s driver (${desc.chained}): /proc/irq has no entry for it, so its affinity cannot be set`;
  if (kind !== 'msi') return undefined;
  const parent = sys.routeOf(virq)?.parentVirq ?? undefined;
  const via = parent === undefined ? "its VINT's parent" : `its VINT's chained parent virq ${parent}`;
  return `virq ${virq} is an INTA event: it follows ${via}, which cannot be moved from user space either (ti_sci_inta_set_affinity is -EINVAL)`;
};

/**
 * The questions to ask before running `words` in the REPL: one per missing required argument
 * (only when every typed argument could be right), then a confirmation for a re-boot. Empty: run
 * the line as typed.
 */
export const planPrompts = (session: Session, words: string[]): Question[] => {
  if (words.length === 0) return [];
  const spec = findCommand(words[0]);
  if (!spec) return [];
  const args = words.slice(1);
  if (args.length > spec.args.length && !spec.args.some((a) => a.rest)) return [];
  for (let i = 0; i < args.length; i++) {
    const at = argAt(spec.args, i);
    if (!at) return [];
    const menu = closedChoices(session, at.arg);
    if (menu && !menu.includes(args[i])) return [];
    const why = args.length < spec.args.length ? cannotSucceed(session, at.arg, args[i]) : undefined;
    if (why) return [{ type: 'none', message: why }];
  }
  // expect-error <CODE> <command ...>: a command typed there runs exactly as typed, as the same
  // line would in a script, so that its own errors (a missing argument: EUSAGE) can be checked.
  const inner = spec.args.findIndex((a) => a.kind === 'command');
  if (inner >= 0 && args.length > inner) return [];
  const questions: Question[] = [];
  for (let i = args.length; i < spec.args.length; i++) {
    const arg = spec.args[i];
    if (arg.optional) break;
    const q = questionFor(session, spec, arg, args);
    // Asking for the rest would be a waste when this one has nothing to offer.
    if (q.type === 'none') return [q];
    questions.push(q);
  }
  if (questions.length > 0) return questions;
  const confirm = rebootQuestion(session, spec, args);
  return confirm ? [confirm] : [];
};

/**
 * The questions for a command picked from expect-error's menu (none was typed): its missing
 * arguments; no re-boot confirmation (a success is undone).
 */
const innerQuestions = (session: Session, words: string[]): Question[] =>
  planPrompts(session, words)
    .filter((q) => q.type !== 'confirm')
    // Nothing that could succeed is just what an expected failure may want: let it be typed.
    .map((q): Question => (q.type === 'none' ? { type: 'input', arg: 'argument', kind: 'command', message: `${q.message}; type it anyway`, words: true, validate: wordsOf('an argument') } : q))
    // ...and an answer that makes the command fail may be the failure expected.
    .map((q) => (q.type === 'input' ? { ...q, fits: undefined } : q));

/**
 * Asks the planned questions and returns the completed words, or undefined when the user
 * cancelled (Ctrl-C in a prompt, or no to a re-boot).
 */
export const askPrompts = async (questions: Question[], words: string[], prompter: Prompter): Promise<string[] | undefined> => {
  const out = [...words];
  try {
    for (const q of questions) {
      if (q.type === 'none') return undefined;
      if (q.type === 'command') {
        const verb = await prompter.search({ message: q.message, choices: q.choices, asTyped: typedCommand });
        if (typedCommand(verb) === true) {
          out.push(...tokenize(verb));
          continue;
        }
        const rest = q.then([verb]);
        const command = rest.length === 0 ? [verb] : await askPrompts(rest, [verb], prompter);
        if (!command) return undefined;
        out.push(...command);
        continue;
      }
      if (q.type === 'confirm') {
        if (!(await prompter.confirm({ message: q.message, default: q.default }))) return undefined;
      } else if (q.type === 'select') {
        out.push(q.search ? await prompter.search({ message: q.message, choices: q.choices }) : await prompter.select({ message: q.message, choices: q.choices, default: q.default }));
      } else {
        const { validate, fits } = q;
        const sofar = [...out];
        const check = (v: string): true | string => {
          const ok = validate ? validate(v) : true;
          return ok === true && fits ? fits(v.trim(), sofar) : ok;
        };
        const answer = (await prompter.input({ message: q.message, default: q.default, validate: check })).trim();
        if (q.words) out.push(...tokenize(answer));
        else out.push(answer);
      }
    }
  } catch (e) {
    if (isCancel(e)) return undefined;
    throw e;
  }
  return out;
};

/** Inquirer's theme for this terminal: no colour when the style has none, and plain ASCII when it has no Unicode. */
export const themeFor = (style: Style) => {
  if (style.color) return undefined;
  const plain = (s: string) => s;
  const colourless = {
    answer: plain,
    message: plain,
    error: (s: string) => `> ${s}`,
    defaultAnswer: (s: string) => `(${s})`,
    help: plain,
    highlight: plain,
    searchTerm: plain,
    key: (s: string) => `<${s}>`,
    description: plain,
    disabled: plain,
  };
  if (style.unicode) return { style: colourless };
  return {
    prefix: { idle: '?', done: '*' },
    icon: { cursor: '>' },
    // The default tip draws arrows and a return symbol.
    style: { ...colourless, keysHelpTip: () => 'up/down: move, enter: choose, esc: cancel' },
  };
};

/**
 * A menu's look (select): themeFor's, with Esc on its keys line, which @inquirer's own keys
 * line leaves out: the REPL's cancel (cancellable) wraps every prompt, and is no key of @inquirer's.
 * (Spelled out, as themeFor has it, where the terminal has no Unicode.)
 */
export const menuThemeFor = (style: Style) => {
  const plain = themeFor(style);
  const keysHelpTip = (keys: Keys) => (style.unicode ? keysLine(style.c, [...keys, ['esc', 'cancel']]) : 'up/down: move, enter: choose, esc: cancel');
  return { ...plain, style: { ...plain?.style, keysHelpTip } };
};

type Keys = [key: string, action: string][];

/** A menu's keys line as @inquirer draws it: each key bold, what it does dim. */
const keysLine = (c: Style['c'], keys: Keys): string => keys.map(([key, action]) => `${c.bold(key)} ${c.dim(action)}`).join(c.dim(' \u2022 '));

/**
 * The search menu's look (search-prompt.ts): @inquirer/search's, the typed text and the entry's
 * description in cyan, keys in bold and what they do dim, painted with the REPL's colours; then
 * themeFor's, which takes the colours away, and the Unicode with them, where the terminal has none.
 */
export const searchThemeFor = (style: Style) => {
  const c = style.c;
  const plain = themeFor(style);
  return {
    ...plain,
    icon: { cursor: style.unicode ? '❯' : '>', ...plain?.icon },
    style: {
      searchTerm: (text: string) => c.cyan(text),
      description: (text: string) => c.cyan(text),
      keysHelpTip: (keys: Keys) => keysLine(c, keys),
      ...plain?.style,
      // Where themeFor spells the keys out (no Unicode), the search menu's Tab too.
      ...(plain !== undefined && !style.unicode ? { keysHelpTip: () => 'up/down: move, tab: complete, enter: choose, esc: cancel' } : {}),
    },
  };
};

/**
 * A yes-or-no answer as typed: y, yes, n or no in any case, or nothing (Enter alone) for the
 * default; undefined for anything else. @inquirer's own confirm took any other text for the
 * default (a command typed ahead, `pools`, said yes) and any word starting with y or n as that.
 */
export const confirmAnswer = (typed: string, fallback: boolean): boolean | undefined => {
  const t = typed.trim().toLowerCase();
  if (t === '') return fallback;
  if (t === 'y' || t === 'yes') return true;
  if (t === 'n' || t === 'no') return false;
  return undefined;
};

/** What a confirmation says to an answer it does not take, before asking again. */
export const confirmHint = (fallback: boolean): string => `answer y or n (Enter alone: ${fallback ? 'yes' : 'no'})`;

/** How long discardTypedAhead reads the terminal: the keys waiting there arrive on its first read. */
const TYPED_AHEAD_MS = 20;

/**
 * Reads and drops the keys waiting on the terminal: typed while a command was read and the
 * prompt was being made (the first loads @inquirer), before the question was on the screen, so
 * no answer to it. Raw, as the prompt reads (and as the REPL leaves the terminal meanwhile), so
 * that an unfinished line goes too; left raw, for the prompt that reads it next (cooked, a Ctrl-C
 * typed before that prompt had its readline would be a SIGINT, ending the session). What was
 * dropped.
 */
const discardTypedAhead = async (input: NodeJS.ReadStream): Promise<string> => {
  if (!input.isTTY) return '';
  let dropped = '';
  const drop = (chunk: Buffer | string) => {
    dropped += chunk.toString();
  };
  input.setRawMode(true);
  input.on('data', drop);
  input.resume();
  try {
    await new Promise((resolve) => setTimeout(resolve, TYPED_AHEAD_MS));
  } finally {
    input.off('data', drop);
    input.pause();
  }
  return dropped;
};

/** What a command's prompts say when keys typed before one of them were dropped (once a command). */
export const TYPED_AHEAD_DROPPED = 'keys typed before this question were dropped';

/**
 * Keeps what was typed before a prompt was on the screen from answering it: run before each of a
 * command's prompts (menus, inputs, a re-boot's question), it drops the keys waiting on the
 * terminal (discardTypedAhead) and, before the first, `earlier`: what the REPL had already read
 * past the command line (the rest of a pasted block, which readline cut into lines). The first
 * time anything is dropped it says so, through `say`; Ctrl-C among the keys cancels the command,
 * as it does in any prompt.
 */
export const typedAheadGuard = (input: NodeJS.ReadStream, say: (line: string) => void, earlier = ''): (() => Promise<void>) => {
  let pending = earlier;
  let said = false;
  return async () => {
    const ahead = pending + (await discardTypedAhead(input));
    pending = '';
    if (ahead.includes('\x03')) throw Object.assign(new Error('Ctrl-C before the question'), { name: 'AbortPromptError' });
    if (ahead !== '' && !said) {
      said = true;
      say(TYPED_AHEAD_DROPPED);
    }
  };
};

/**
 * The real prompts for one command line: @inquirer/prompts, loaded on first use so that start-up
 * never pays for it (import() keeps it after). `typedAhead`: what the REPL read past the command
 * line, dropped with the keys waiting on the terminal before the first prompt is drawn.
 */
export const inquirerPrompter = async (style: Style, typedAhead = ''): Promise<Prompter> => {
  const { select, input } = await import('@inquirer/prompts');
  // Our own search menu, on @inquirer/core (see search-prompt.ts for why not @inquirer/search).
  const { searchPrompt } = await import('./search-prompt.js');
  const theme = themeFor(style);
  const menuTheme = menuThemeFor(style);
  const searchTheme = searchThemeFor(style);
  // Before every prompt, whatever its kind: keys typed before it was drawn are not its answer.
  const guard = typedAheadGuard(process.stdin, (line) => process.stdout.write(`${style.c.dim(line)}\n`), typedAhead);
  const ask = async <T>(run: PromptRun<T>): Promise<T> => {
    await guard();
    return cancellable(run);
  };
  return {
    select: (q) => ask((context) => select({ message: q.message, choices: q.choices, default: q.default, pageSize: MENU_PAGE, theme: menuTheme }, context)),
    search: (q) => {
      const { asTyped } = q;
      // A line that is more than a verb shows that verb's entry, its summary under the menu.
      const filter = (term: string) => filterChoices(q.choices, asTyped?.(term) === undefined ? term : term.trim().split(/\s+/)[0]);
      const hint = asTyped ? 'type a verb to filter, or the whole command' : 'type to filter';
      return ask((context) => searchPrompt({ message: `${q.message} (${hint})`, filter, asTyped, pageSize: MENU_PAGE, theme: searchTheme }, context));
    },
    input: (q) => {
      // A reason shows under the line after '> ': wrapped, as the REPL's error lines are.
      const validate = q.validate && ((v: string) => wrappedReason(q.validate!(v), style.width - 2));
      return ask((context) => input({ message: q.message, default: q.default, validate, theme }, context));
    },
    // A re-boot's question: an input prompt that takes only confirmAnswer's words (a typed line
    // is cleared, with the hint, and asked again), shown as @inquirer's confirm is. A refused
    // answer asks again rather than meaning no: what was typed was plainly not meant for this
    // question (a command typed ahead, say), and the question is still the one the user asked for.
    confirm: async (q) => {
      const shown = style.c.dim(q.default ? '(Y/n)' : '(y/N)');
      const answer = await ask((context) =>
        input(
          {
            message: q.message,
            transformer: (typed, { isFinal }) => (isFinal ? (confirmAnswer(typed, q.default) ? 'Yes' : 'No') : `${shown} ${typed}`),
            validate: (typed) => (confirmAnswer(typed, q.default) === undefined ? confirmHint(q.default) : true),
            theme: { ...theme, validationFailureMode: 'clear' },
          },
          context,
        ),
      );
      return confirmAnswer(answer, q.default)!;
    },
  };
};

/** One @inquirer prompt, given the context that ends it (see cancellable). */
type PromptRun<T> = (context: { clearPromptOnDone: boolean; signal: AbortSignal }) => Promise<T>;

const wrappedReason = (ok: true | string, width: number): true | string => (ok === true ? ok : wrap(ok, width, 2));

/**
 * Runs one @inquirer prompt so that Ctrl-D and Esc cancel it as Ctrl-C does (Esc is how a menu
 * is left in most terminal programs; @inquirer gives it no meaning). Left to itself, Ctrl-D on
 * an empty line closes the prompt's readline, which pauses stdin and settles nothing: with no
 * work left node ran the REPL to its end, status 0 and no newline. The prompt's own keypress
 * listener runs first (it was added first); the abort then ends the prompt with an
 * AbortPromptError, which isCancel counts as a cancel.
 */
const cancellable = <T>(ask: PromptRun<T>): Promise<T> => {
  const controller = new AbortController();
  const onKey = (_: unknown, key: { ctrl?: boolean; name?: string } | undefined) => {
    if ((key?.ctrl && key.name === 'd') || key?.name === 'escape') controller.abort();
  };
  process.stdin.on('keypress', onKey);
  // A prompt leaves the screen when it ends, answered or cancelled: the REPL then echoes the
  // command the answers made (or says it was cancelled), so no half-used menu stays behind.
  return ask({ clearPromptOnDone: true, signal: controller.signal }).finally(() => process.stdin.off('keypress', onKey));
};
