import type { Mode } from '../../core/dma.js';
import type { Policy } from '../../core/domains/inta.js';
import type { Settings } from '../../core/system.js';
import { oneOf } from '../args.js';
import type { CommandSpec } from '../spec.js';

export const POLICIES = ['coalesced', 'dedicated'] as const satisfies readonly Policy[];
export const MODES = ['demand', 'probe'] as const satisfies readonly Mode[];

/** `policy` and `mode`: show the setting, or change it and re-boot. */
const settingVerb = <K extends 'policy' | 'mode'>(key: K, values: readonly Settings[K][], summary: string, example: string): CommandSpec => ({
  name: key,
  summary,
  usage: `${key} [${values.join('|')}]`,
  example,
  args: [{ name: key, kind: key, optional: true }],
  reboots: true,
  // The bare form shows the setting: printed under --quiet like any other view.
  view: (o) => o.kind === 'settings' && !o.changed,
  run({ session }, [word]) {
    if (word === undefined) return { kind: 'settings', settings: session.settings, changed: false, boot: [] };
    session.reboot({ ...session.settings, [key]: oneOf(word, key, values) });
    return { kind: 'settings', settings: session.settings, changed: true, boot: session.system.bootLog };
  },
});

export const policy = settingVerb(
  'policy',
  POLICIES,
  'show or set the INTA allocation policy (re-boots): coalesced shares VINTs, dedicated gives each MSI its own',
  'policy dedicated',
);

export const mode = settingVerb(
  'mode',
  MODES,
  'show or set when DMA ring MSIs are allocated (re-boots): demand, at channel request; probe, all at boot',
  'mode probe',
);

export const reset: CommandSpec = {
  name: 'reset',
  summary: 're-boot to the initial state with the current policy and mode',
  usage: 'reset',
  example: 'reset',
  args: [],
  reboots: true,
  run({ session }) {
    session.reboot();
    return { kind: 'settings', settings: session.settings, changed: true, boot: session.system.bootLog };
  },
};
