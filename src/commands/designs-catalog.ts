import { CoreError } from '../core/errors.js';
import type { Settings } from '../core/system.js';
import { nearest, shown } from './args.js';

/** One of the thread's designs, by name, as `compare` and `capacity` put them side by side. */
export interface NamedDesign {
  name: string;
  settings: Settings;
  summary: string;
}

/**
 * The named designs of DESIGN.md section 2, in the order they are compared.
 *
 * TODO(lead): replace this list with the core's presets (src/core/designs.ts DESIGNS) when they
 * land; this is the one place `compare` and `capacity` read designs from. Until then each name
 * stands for the closest policy x mode combination this branch has.
 */
export const NAMED_DESIGNS: readonly NamedDesign[] = [
  {
    name: 'merged',
    settings: { policy: 'coalesced', mode: 'probe' },
    summary: 'upstream since 2019: events coalesced 64 per VINT, MSIs allocated at probe',
  },
  {
    name: 'rfc-v4',
    settings: { policy: 'dedicated', mode: 'demand' },
    summary: 'the seed patch: one VINT per MSI, single MSIs on demand',
  },
  {
    name: 'probe-all',
    settings: { policy: 'dedicated', mode: 'probe' },
    summary: 'what the thread warned against: one VINT per MSI, every MSI at probe',
  },
  {
    name: 'dynamic',
    settings: { policy: 'coalesced', mode: 'demand' },
    summary: 'Linux 6.2+ msi_domain_alloc_irq_at applied to the INTA, a what-if: coalesced, on demand',
  },
];

/**
 * `a,b,c` (or `all`) as designs, in the order given. An unknown or repeated name is refused,
 * never guessed at.
 */
export const parseDesignList = (word: string): NamedDesign[] => {
  if (word === 'all') return [...NAMED_DESIGNS];
  const names = NAMED_DESIGNS.map((d) => d.name);
  const picked: NamedDesign[] = [];
  for (const name of word.split(',')) {
    if (name === '') throw new CoreError('EUSAGE', `designs: empty name in ${shown(word)} (expected a,b,... from ${names.join(', ')}, or all)`);
    const design = NAMED_DESIGNS.find((d) => d.name === name);
    if (!design) {
      const near = nearest(name, names);
      throw new CoreError('ENOENT', `unknown design ${shown(name)}${near ? ` (did you mean ${near}?)` : ''}; designs: ${names.join(', ')}`);
    }
    if (picked.includes(design)) throw new CoreError('EUSAGE', `designs: ${name} named twice`);
    picked.push(design);
  }
  return picked;
};
