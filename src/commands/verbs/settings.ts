import { DESIGNS, designNamed, designOf, FAILURES, HARDWARE, LOCKS, MODES, POLICIES, type Settings } from '../../core/designs.js';
import { oneOf } from '../args.js';
import type { Output } from '../result.js';
import type { CommandSpec } from '../spec.js';

export { MODES, POLICIES };

type Column = keyof Settings;

/** One column of the design (`policy`, `mode`, `hardware`, `lock`, `failure`): show it, or change it and re-boot. */
const settingVerb = <K extends Column>(key: K, values: readonly Settings[K][], summary: string, example: string, details?: string): CommandSpec => ({
  name: key,
  summary,
  usage: `${key} [${values.join('|')}]`,
  example,
  details,
  args: [{ name: key, kind: key, optional: true }],
  reboots: true,
  // The bare form shows the setting: printed under --quiet like any other view.
  view: (o) => o.kind === 'settings' && !o.changed && o.already === undefined,
  run({ session }, [word]) {
    if (word === undefined) return unchanged(session.settings);
    const value = oneOf(word, null, values);
    // Asking for what is in force changes nothing, so it keeps what was done since boot.
    if (value === session.settings[key]) return unchanged(session.settings, { setting: key, value });
    session.reboot({ ...session.settings, [key]: value });
    return { kind: 'settings', settings: session.settings, design: designOf(session.settings), changed: true, boot: session.system.bootLog };
  },
});

/** The settings as they are: shown (`policy`), or asked for again (`policy coalesced` under coalesced). */
const unchanged = (settings: Settings, already?: { setting: string; value: string }): Output => ({
  kind: 'settings',
  settings,
  design: designOf(settings),
  changed: false,
  boot: [],
  ...(already && { already }),
});

export const policy = settingVerb(
  'policy',
  POLICIES,
  'show or set VINT sharing (re-boots): coalesced puts up to 64 events on a VINT, dedicated gives each its own VINT, INTR output and SPI',
  'policy dedicated',
);

export const mode = settingVerb(
  'mode',
  MODES,
  'show or set when drivers allocate their MSIs (re-boots): probe, all at boot; demand, one at a time as needed',
  'mode demand',
);

export const hardware = settingVerb(
  'hardware',
  HARDWARE,
  'show or set when the hardware is taken (re-boots): request, at request_irq (upstream); alloc, with the MSI',
  'hardware alloc',
);

export const lock = settingVerb(
  'lock',
  LOCKS,
  "show or set the locking the interleave explorer models (re-boots): none, list (v7), inta (vint_mutex, upstream), device (6.2's per-device mutex)",
  'lock list',
);

export const failure = settingVerb(
  'failure',
  FAILURES,
  'show or set what a failed event allocation leaves (re-boots): unwind, nothing; upstream, the VINT it just opened, as ti_sci_inta_alloc_irq does',
  'failure upstream',
);

export const design: CommandSpec = {
  name: 'design',
  summary: "list the thread's designs, or pick one (re-boots): merged, rfc-v4, probe-all, dynamic",
  usage: `design [${DESIGNS.map((d) => d.name).join('|')}]`,
  example: 'design rfc-v4',
  details: 'A design is a named combination of the settings policy, mode, hardware, lock and failure; each stays settable on its own.',
  args: [{ name: 'design', kind: 'design', optional: true }],
  reboots: true,
  // The bare form lists the designs: printed under --quiet, as the bare forms of the settings are.
  view: (o) => o.kind === 'designs',
  run({ session }, [word]) {
    if (word === undefined) return { kind: 'designs', designs: [...DESIGNS], current: designOf(session.settings), settings: session.settings };
    const name = oneOf(word, null, DESIGNS.map((d) => d.name));
    if (designOf(session.settings) === name) return unchanged(session.settings, { setting: 'design', value: name });
    session.reboot({ ...designNamed(name)!.settings });
    return { kind: 'settings', settings: session.settings, design: name, changed: true, boot: session.system.bootLog };
  },
};

export const reset: CommandSpec = {
  name: 'reset',
  summary: 're-boot to the initial state with the current design',
  usage: 'reset',
  example: 'reset',
  args: [],
  reboots: true,
  run({ session }) {
    session.reboot();
    return { kind: 'settings', settings: session.settings, design: designOf(session.settings), changed: true, boot: session.system.bootLog };
  },
};
