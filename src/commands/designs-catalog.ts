import { CoreError } from '../core/errors.js';
import { DESIGNS, type Settings } from '../core/designs.js';
import { nearest, shown } from './args.js';

/** One of the thread's designs, by name, as `compare` and `capacity` put them side by side. */
export interface NamedDesign {
  name: string;
  settings: Settings;
  summary: string;
}

/** The named designs of the core (src/core/designs.ts), in the order they are compared. */
export const NAMED_DESIGNS: readonly NamedDesign[] = DESIGNS.map((d) => ({ name: d.name, settings: d.settings, summary: `${d.title}: ${d.summary}` }));

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
