import { COMMANDS, findCommand } from '../commands/registry.js';
import { fixedChoices } from '../commands/choices.js';
import type { Session } from '../commands/session.js';
import type { ArgSpec } from '../commands/spec.js';
import { isWordSpace } from '../commands/tokenize.js';
import { NAMED_DESIGNS } from '../commands/designs-catalog.js';
import { INTERLEAVE_OPTIONS } from '../commands/verbs/interleave.js';
import { routeDevices } from '../commands/verbs/views.js';
import { CHANNEL_MODES } from '../core/dma.js';
import { LOCK_MODES } from '../core/interleave/locks.js';

/**
 * Tab completion for the REPL, driven by the ArgSpec kinds of the verb being typed: the same
 * declarative table that drives the parser and help. Pure: it reads the session and nothing else
 * (a file lister may be injected for `source`).
 */

/** Lists a directory for `source <file>` completion: names, with a trailing `/` on folders. */
export type FileLister = (dir: string) => string[];

export interface CompleteOptions {
  files?: FileLister;
}

/** The words before the cursor and the fragment being completed; undefined inside a comment or quotes. */
export const splitLine = (line: string): { words: string[]; fragment: string } | undefined => {
  const words: string[] = [];
  let word = '';
  let raw = '';
  let quote: string | undefined;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      raw += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      raw += c;
    } else if (c === '#' && raw === '') {
      return undefined;
    } else if (isWordSpace(c)) {
      if (raw !== '') words.push(word);
      word = '';
      raw = '';
    } else {
      word += c;
      raw += c;
    }
  }
  // Completing inside quotes would need the candidates quoted too: not worth it for these words.
  if (quote || raw !== word) return undefined;
  return { words, fragment: word };
};

const verbNames = (): string[] => COMMANDS.map((c) => c.name);

/** Which argument the next word fills: the declared one at that position, or the trailing rest one. */
export const argAt = (args: readonly ArgSpec[], position: number): { arg: ArgSpec; index: number } | undefined => {
  if (position < args.length) return { arg: args[position], index: position };
  const last = args[args.length - 1];
  return last?.rest ? { arg: last, index: args.length - 1 } : undefined;
};

/** Live virqs that free-irq can free: MSIs taken with alloc-irq. */
export const userVirqs = (session: Session): number[] =>
  session.system.msi
    .all()
    .filter((r) => r.requestedBy === 'alloc-irq')
    .map((r) => r.virq);

/** Virqs set-affinity accepts: all but INTA events (their VINT's parent carries them). */
/** Virqs set-affinity can move: a direct INTR client's (an INTA event follows its VINT; a chained parent has no /proc/irq entry). */
export const steerableVirqs = (session: Session): number[] => virqsFor(session, 'set-affinity').map((d) => d.virq);

/** The MSIs whose ring has an INTA event to raise: what fire-ring delivers rather than drops. */
const liveMsis = (session: Session) => session.system.msi.all().filter((r) => r.event !== undefined);

/** Rings with an MSI to fire at, by virq: a DMA channel's ring by the channel's name, others as device:index. */
export const liveRings = (session: Session): string[] => {
  const channelOf = new Map(session.system.channels().map((c) => [c.msi.virq, c.name]));
  return liveMsis(session).map((r) => channelOf.get(r.virq) ?? `${r.device.id}:${r.index}`);
};

/**
 * fire-ring's words for what is typed. Nothing yet: the live rings as liveRings names them, the
 * short list. A digit: live rings of the ring device a bare number means, by number (`304`). A
 * device and a colon: that device's live rings by index, a channel's included (`ringacc:304`),
 * after the channels' names.
 */
const ringCandidates = (session: Session, fragment: string): string[] => {
  const live = liveMsis(session);
  if (live.length === 0) return [];
  if (/^\d/.test(fragment)) {
    const dev = session.system.defaultRingDevice();
    return live.filter((r) => r.device === dev).map((r) => `${r.index}`);
  }
  const named = liveRings(session);
  const colon = fragment.indexOf(':');
  if (colon <= 0) return named;
  const device = fragment.slice(0, colon);
  const channels = named.filter((n) => !/:\d+$/.test(n));
  return [...channels, ...live.filter((r) => r.device.id === device).map((r) => `${device}:${r.index}`)];
};

/**
 * The indices `alloc-irq <device>` would take: free GP rings of the host's share for a device
 * with a ring pool, else the share's indices nobody requested (with an MSI from probe, in designs
 * that allocate there). None while the driver is not bound.
 */
export const freeIndices = (session: Session, deviceId: string | undefined): number[] => {
  const sys = session.system;
  const dev = deviceId === undefined ? undefined : sys.msiDevices.get(deviceId);
  if (!dev?.bound) return [];
  const pool = dev.indexPool;
  const probe = sys.settings.mode === 'probe';
  const free = (i: number): boolean => {
    if (pool) return !pool.isUsed(i);
    const rec = sys.msi.find(dev, i);
    return probe ? rec !== undefined && rec.requestedBy === undefined : rec?.requestedBy === undefined;
  };
  return [...dev.shareIndices()].filter(free);
};

/**
 * What `irq` takes, most useful first: requested channels, then every requested irq as
 * device:index, then every virq (MSIs allocated at probe and not requested included).
 */
export const irqNames = (session: Session): string[] => {
  const sys = session.system;
  const requested = sys.msi
    .all()
    .filter((r) => r.requestedBy !== undefined)
    .map((r) => `${r.device.id}:${r.index}`);
  const lines = [...sys.clients.values()].flatMap((c) => c.virqs.map((_, i) => `${c.id}:${i}`));
  return [...sys.channels().map((c) => c.name), ...requested, ...lines, ...sys.descs.all().map((d) => `${d.virq}`)];
};

/** Every word `routes <device>` filters on: MSI source devices, direct clients, DMA controllers, alloc-irq. */
export const deviceIds = (session: Session): string[] => unique([...routeDevices(session.system), 'alloc-irq']);

/**
 * The virqs a verb would act on rather than refuse: mask-irq and unmask-irq need an action or a
 * chained handler (an MSI that is not requested has neither: ENOENT); set-affinity only moves a
 * direct INTR client's requested virq, as an INTA event follows its VINT and a chained line has
 * no /proc/irq entry.
 */
export const virqsFor = (session: Session, verb: string) =>
  session.system.descs.all().filter((d) =>
    verb === 'set-affinity' ? d.kind === 'direct' && d.chained === undefined : d.requested === true || d.chained !== undefined,
  );

const unique = (xs: string[]): string[] => [...new Set(xs)];

const EXPECTATIONS = ['used=', 'free=', 'total=', 'peak='];

/** Candidates for one argument, before filtering by the fragment. */
const candidatesFor = (session: Session, arg: ArgSpec, before: string[], fragment: string, opts: CompleteOptions): string[] => {
  const sys = session.system;
  // Nothing after a mode given in the count's place (`request-channel main_udmap tx tr`).
  if (arg.kind === 'chmode' && /^(pkt|tr)$/.test(before[3] ?? '')) return [];
  const fixed = fixedChoices(session, arg.kind);
  if (fixed) return fixed;
  switch (arg.kind) {
    case 'channel':
      return [...sys.channels().map((c) => c.name), 'all'];
    case 'index': {
      // free-irq <device> <index>: the indices of that device that alloc-irq took.
      if (before[0] === 'free-irq') {
        return sys.msi
          .all()
          .filter((r) => r.requestedBy === 'alloc-irq' && r.device.id === before[1])
          .map((r) => `${r.index}`);
      }
      // alloc-irq <device> <index>: any, then what it would take.
      return ['any', ...freeIndices(session, before[1]).map(String)];
    }
    case 'virq':
      return virqsFor(session, before[0]).map((d) => `${d.virq}`);
    case 'steerable-virq':
      return steerableVirqs(session).map(String);
    case 'user-virq':
      return [...userVirqs(session).map(String), ...sys.msiDevices.keys()];
    case 'irq':
      return irqNames(session);
    case 'ring':
      return ringCandidates(session, fragment);
    case 'count':
      // request-channel <dma> <dir> [count] [pkt|tr]: the count may be left out before the mode.
      return before[0] === 'request-channel' ? (fixedChoices(session, 'chmode') ?? []) : [];
    case 'expectation': {
      const given = new Set(before.map((w) => w.replace(/=.*$/, '=')));
      return EXPECTATIONS.filter((e) => !given.has(e));
    }
    case 'cpus': {
      const n = sys.topology.cpus;
      return [...Array.from({ length: n }, (_, i) => `${i}`), ...(n > 1 ? [`0-${n - 1}`] : [])];
    }
    case 'verb':
      return verbNames();
    case 'device':
      // routes' filter: a device, alloc-irq, or a requested channel (virqs are too many to list).
      return [...deviceIds(session), ...sys.channels().map((c) => c.name)];
    case 'file':
      return fileCandidates(fragment, opts.files);
    case 'compare-arg':
    case 'capacity-arg':
      return compareCandidates(session, arg.kind, before, fragment, opts);
    case 'op':
      return interleaveCandidates(before[before.length - 1]);
    default:
      return [];
  }
};

/** interleave: its options, and the values of the one just typed (the quoted operations are typed whole). */
const interleaveCandidates = (previous: string | undefined): string[] => {
  if (previous === '--lock') return [...LOCK_MODES];
  if (previous === '--explore') return ['all', 'random'];
  if (previous === '--expect') return ['ok', 'race'];
  if (previous !== undefined && (INTERLEAVE_OPTIONS as readonly string[]).includes(previous)) return [];
  return [...INTERLEAVE_OPTIONS];
};

const fileCandidates = (fragment: string, files: FileLister | undefined): string[] => {
  if (!files) return [];
  const slash = fragment.lastIndexOf('/');
  const dir = slash < 0 ? '' : fragment.slice(0, slash + 1);
  let names: string[];
  try {
    names = files(dir === '' ? '.' : dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('/') || n.endsWith('.msi')).map((n) => `${dir}${n}`);
};

/**
 * compare and capacity: after --designs the design names (a comma list grows one name at a
 * time), after --pool the pools, else the options and what the verb takes next.
 */
const compareCandidates = (session: Session, kind: ArgSpec['kind'], before: string[], fragment: string, opts: CompleteOptions): string[] => {
  const flag = before[before.length - 1];
  if (flag === '--designs') {
    const comma = fragment.lastIndexOf(',');
    const head = fragment.slice(0, comma + 1);
    const taken = new Set(head.split(',').filter((n) => n !== ''));
    const names = NAMED_DESIGNS.map((d) => d.name).filter((n) => !taken.has(n));
    return [...(comma < 0 ? ['all'] : []), ...names.map((n) => `${head}${n}`)];
  }
  if (flag === '--pool') return session.system.allPools().map((p) => p.id);
  const given = new Set(before.filter((w) => w.startsWith('--')));
  const flags = (kind === 'compare-arg' ? ['--designs', '--pool'] : ['--designs']).filter((f) => !given.has(f));
  if (kind === 'capacity-arg') return [...(before.length === 3 ? CHANNEL_MODES : []), ...flags];
  return [...flags, ...fileCandidates(fragment, opts.files)];
};

/** Candidates for the word after `words` (all complete), unfiltered. */
const candidates = (session: Session, words: string[], fragment: string, opts: CompleteOptions): string[] => {
  if (words.length === 0) return verbNames();
  const spec = findCommand(words[0]);
  if (!spec) return [];
  const at = argAt(spec.args, words.length - 1);
  if (!at) return [];
  // expect-error <CODE> <command ...>: the rest is a command line of its own.
  if (at.arg.kind === 'command') return candidates(session, words.slice(1 + at.index), fragment, opts);
  return candidatesFor(session, at.arg, words, fragment, opts);
};

/**
 * node:readline completer shape: `[matching candidates, the fragment they replace]`, for the text
 * before the cursor.
 */
export const complete = (session: Session, line: string, opts: CompleteOptions = {}): [string[], string] => {
  const split = splitLine(line);
  if (!split) return [[], ''];
  const { words, fragment } = split;
  const all = unique(candidates(session, words, fragment, opts));
  return [all.filter((c) => c.startsWith(fragment)), fragment];
};
