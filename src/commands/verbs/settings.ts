import type { Mode } from '../../core/dma.js';
import type { Policy } from '../../core/domains/inta.js';
import { oneOf } from '../args.js';
import type { CommandSpec } from '../spec.js';

export const POLICIES = ['coalesced', 'dedicated'] as const satisfies readonly Policy[];
export const MODES = ['demand', 'probe'] as const satisfies readonly Mode[];

export const policy: CommandSpec = {
  name: 'policy',
  summary: 'show or set the INTA allocation policy (re-boots): coalesced shares VINTs, dedicated gives each MSI its own',
  usage: 'policy [coalesced|dedicated]',
  example: 'policy dedicated',
  args: [{ name: 'policy', kind: 'policy', optional: true }],
  reboots: true,
  run({ session }, [word]) {
    if (word === undefined) return { kind: 'settings', settings: session.settings, changed: false, boot: [] };
    session.reboot({ ...session.settings, policy: oneOf(word, 'policy', POLICIES) });
    return { kind: 'settings', settings: session.settings, changed: true, boot: session.system.bootLog };
  },
};

export const mode: CommandSpec = {
  name: 'mode',
  summary: "show or set when DMA ring MSIs are allocated (re-boots): demand, at channel request; probe, all at boot",
  usage: 'mode [demand|probe]',
  example: 'mode probe',
  args: [{ name: 'mode', kind: 'mode', optional: true }],
  reboots: true,
  run({ session }, [word]) {
    if (word === undefined) return { kind: 'settings', settings: session.settings, changed: false, boot: [] };
    session.reboot({ ...session.settings, mode: oneOf(word, 'mode', MODES) });
    return { kind: 'settings', settings: session.settings, changed: true, boot: session.system.bootLog };
  },
};

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
