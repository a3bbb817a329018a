import { CHANNEL_MODES } from '../../core/dma.js';
import { CoreError } from '../../core/errors.js';
import { oneOf, shown } from '../args.js';
import { runCapacity, runCompare, type CapacityDir } from '../compare-run.js';
import { NAMED_DESIGNS, parseDesignList, type NamedDesign } from '../designs-catalog.js';
import type { CommandSpec } from '../spec.js';
import { loadWorkload, workloadOf } from '../workload.js';

export const CAPACITY_DIRS = ['tx', 'rx', 'both'] as const satisfies readonly CapacityDir[];

type Flag = '--designs' | '--pool';

/**
 * Splits `--designs a,b` / `--designs=a,b` (and `--pool P`) from the other words, which keep
 * their order. A flag given twice, without its value, or not known to the verb is refused.
 */
export const splitFlags = (words: string[], known: readonly Flag[]): { flags: Partial<Record<Flag, string>>; rest: string[] } => {
  const flags: Partial<Record<Flag, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!w.startsWith('--')) {
      rest.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    const name = (eq < 0 ? w : w.slice(0, eq)) as Flag;
    if (!known.includes(name)) throw new CoreError('EUSAGE', `unknown option ${shown(name)} (options: ${known.join(', ')})`);
    const value = eq < 0 ? words[++i] : w.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('--')) throw new CoreError('EUSAGE', `${name} needs a value`);
    if (flags[name] !== undefined) throw new CoreError('EUSAGE', `${name} given twice`);
    flags[name] = value;
  }
  return { flags, rest };
};

const designsOf = (word: string | undefined): NamedDesign[] => (word === undefined ? [...NAMED_DESIGNS] : parseDesignList(word));

export const compare: CommandSpec = {
  name: 'compare',
  summary: 'run one workload from a fresh boot under each design and show them side by side: who fails, what runs out, who starves',
  usage: 'compare [--designs a,b,...] [--pool P] <script.msi | "cmd; cmd; ...">',
  example: 'compare --designs merged,rfc-v4 fixtures/tour.msi',
  details:
    `Designs: ${NAMED_DESIGNS.map((d) => d.name).join(', ')} (default: all). Each runs on a throw-away session; this one is unchanged. ` +
    'Lines run as in a script (errors do not stop it; expect-* lines run too); a relative path is relative to the current folder. ' +
    'The chart follows the pool named by --pool; by default the first to run out, else the first to fill, else the pool whose growth (over its use after boot, a share of the pool) sets the designs furthest apart, else the one the workload grew most (the busiest of all when it changed none); its title says which.',
  view: true,
  args: [{ name: 'workload', kind: 'compare-arg', rest: true }],
  run({ session }, words) {
    const { flags, rest } = splitFlags(words, ['--designs', '--pool']);
    const designs = designsOf(flags['--designs']);
    const workload = loadWorkload(workloadOf(rest));
    return { kind: 'compare', compare: runCompare(session.topology, designs, workload, { pool: flags['--pool'] }) };
  },
};

export const capacity: CommandSpec = {
  name: 'capacity',
  summary: 'for each design, the most channels a fresh system holds at once, the pool that stops the next, and what is left',
  usage: 'capacity <dma> <tx|rx|both> [pkt|tr] [--designs a,b,...]',
  example: 'capacity main_udmap both',
  details: `Channels are requested one at a time from a fresh boot until one fails; both alternates tx and rx. Packet mode (pkt, the default, as for request-channel) or TR mode (tr). Designs: ${NAMED_DESIGNS.map((d) => d.name).join(', ')} (default: all).`,
  view: true,
  args: [
    { name: 'dma', kind: 'dma' },
    { name: 'direction', kind: 'capacity-dir' },
    { name: 'options', kind: 'capacity-arg', optional: true, rest: true },
  ],
  run({ session }, words) {
    const { flags, rest } = splitFlags(words, ['--designs']);
    const [dma, dir, type, ...extra] = rest;
    if (dma === undefined || dir === undefined) throw new CoreError('EUSAGE', `missing ${dma === undefined ? '<dma> ' : ''}<tx|rx|both>; usage: ${capacity.usage}`);
    if (extra.length > 0) throw new CoreError('EUSAGE', `too many arguments (${shown(extra[0])}); usage: ${capacity.usage}`);
    const d = oneOf(dir, 'direction', CAPACITY_DIRS);
    const t = type === undefined ? null : oneOf(type, 'channel type', CHANNEL_MODES);
    const designs = designsOf(flags['--designs']);
    session.system.dma(dma);
    return { kind: 'capacity', capacity: runCapacity(session.topology, designs, dma, d, t) };
  },
};
