/**
 * The allocation designs of the mailing-list thread, as data. Each layer consults the column it
 * owns at its own decision point: the INTA the VINT sharing and the failure unwinding, the MSI
 * layer when hardware is taken, the drivers when MSIs are allocated; the interleaving explorer
 * the locks.
 */

/** VINT sharing: up to 64 events per VINT, or one VINT (and INTR output and SPI) per event. */
export type Policy = 'coalesced' | 'dedicated';
/** When drivers allocate their MSIs (descriptor + virq): all at probe, or one at a time on demand. */
export type Mode = 'probe' | 'demand';
/** When the hardware (event, VINT bit, VINT, INTR output, SPI) is taken: at request_irq, or with the MSI. */
export type Hardware = 'request' | 'alloc';
/**
 * Locking of the INTA and MSI state. none: the RFC as posted; list: v7 (list walk and bitmap
 * under locks, the rest not); inta: vint_mutex over the whole alloc and free (upstream since v8);
 * device: only the per-device MSI descriptor mutex (Linux 6.2 msi_domain_alloc_irq_at).
 */
export type LockSetting = 'none' | 'list' | 'inta' | 'device';
/** When the event allocation fails after a new VINT was opened: unwind it, or keep it as upstream does. */
export type Failure = 'unwind' | 'upstream';

export interface Settings {
  policy: Policy;
  mode: Mode;
  hardware: Hardware;
  lock: LockSetting;
  failure: Failure;
}

/** The columns of a design, in the order `design` shows them. */
export const SETTING_COLUMNS = ['policy', 'mode', 'hardware', 'lock', 'failure'] as const satisfies readonly (keyof Settings)[];

export const POLICIES: readonly Policy[] = ['coalesced', 'dedicated'];
export const MODES: readonly Mode[] = ['probe', 'demand'];
export const HARDWARE: readonly Hardware[] = ['request', 'alloc'];
export const LOCKS: readonly LockSetting[] = ['none', 'list', 'inta', 'device'];
export const FAILURES: readonly Failure[] = ['unwind', 'upstream'];

export type DesignName = 'merged' | 'rfc-v4' | 'probe-all' | 'dynamic';

export interface Design {
  name: DesignName;
  title: string;
  /** What it stands for in the thread, with its source. */
  summary: string;
  settings: Settings;
}

/** The presets, in the order `design` lists them; the first is the default. */
export const DESIGNS: readonly Design[] = [
  {
    name: 'merged',
    title: 'upstream since 2019',
    summary:
      'events coalesced 64 per VINT by the INTA; MSIs allocated at probe (ti_sci_inta_msi_domain_alloc_irqs); hardware taken at request_irq (ti_sci_inta_request_resources) under vint_mutex',
    settings: { policy: 'coalesced', mode: 'probe', hardware: 'request', lock: 'inta', failure: 'unwind' },
  },
  {
    name: 'rfc-v4',
    title: 'the seed patch, Feb 2019',
    summary:
      '"[RFC PATCH v4 08/13] genirq/msi: Add support for allocating single MSI for a device": single MSIs on demand, hardware with the allocation, one VINT per MSI, no INTA lock',
    settings: { policy: 'dedicated', mode: 'demand', hardware: 'alloc', lock: 'none', failure: 'unwind' },
  },
  {
    name: 'probe-all',
    title: 'what the thread warned against',
    summary:
      'every MSI and its hardware at probe, one VINT per MSI: "will overrun the gic IRQs available to this INTA and the IPs that are connected to INTR directly will not get any interrupts" (Lokesh Vutla)',
    settings: { policy: 'dedicated', mode: 'probe', hardware: 'alloc', lock: 'inta', failure: 'unwind' },
  },
  {
    name: 'dynamic',
    title: 'Linux 6.2+ API, a what-if',
    summary:
      'msi_domain_alloc_irq_at (index or MSI_ANY_INDEX, per-device descriptor mutex) applied to the INTA: coalesced, MSIs on demand, hardware at request_irq; TI drivers still allocate at probe',
    settings: { policy: 'coalesced', mode: 'demand', hardware: 'request', lock: 'inta', failure: 'unwind' },
  },
];

export const DEFAULT_SETTINGS: Settings = DESIGNS[0].settings;

export const designNamed = (name: string): Design | undefined => DESIGNS.find((d) => d.name === name);

/** The mark a what-if design carries beside its name. */
export const WHAT_IF = 'what-if';

/**
 * The presets no kernel ships: the generic API applied where TI's drivers never used it. Each is
 * labelled so wherever it is shown (its title says it in `design`'s list and JSON).
 */
const WHAT_IFS: ReadonlySet<string> = new Set<DesignName>(['dynamic']);

/** Also a design changed by hand from one (`dynamic+dedicated`, as designShown names it): still no kernel's. */
export const isWhatIf = (name: string): boolean => WHAT_IFS.has(name.split('+', 1)[0]);

/** A design's name as tables and headings show it: `dynamic (what-if)` (`between` may be a line break). */
export const designLabel = (name: string, between = ' '): string => (isWhatIf(name) ? `${name}${between}(${WHAT_IF})` : name);

const same = (a: Settings, b: Settings): boolean => SETTING_COLUMNS.every((k) => a[k] === b[k]);

/** The preset these settings are, if any ('custom' once a column was changed by hand). */
export const designOf = (s: Settings): DesignName | 'custom' => DESIGNS.find((d) => same(d.settings, s))?.name ?? 'custom';

/**
 * `merged+lock none`: the preset that differs from `s` in the fewest columns (ties to the earlier
 * in `design`'s list), then those columns. Short enough for a prompt at 60 columns, where all
 * five (`coalesced,probe,request,lock none`) left a third of the line.
 */
const nearestDesign = (s: Settings): string => {
  const differ = (d: Settings) => SETTING_COLUMNS.filter((k) => d[k] !== s[k]);
  const near = DESIGNS.reduce((best, d) => (differ(d.settings).length < differ(best.settings).length ? d : best));
  // policy and mode values name themselves (dedicated, demand); the others say their column.
  return `${near.name}+${differ(near.settings).map((k) => (k === 'policy' || k === 'mode' ? s[k] : `${k} ${s[k]}`)).join(',')}`;
};

/**
 * The design as a person reads it (the prompt, the banner, the re-boot line, `design`): a preset's
 * name, or for one changed by hand the preset nearest it and what differs. One name everywhere;
 * JSON keeps `custom` (designOf), which a script compares against.
 */
export const designShown = (s: Settings): string => {
  const name = designOf(s);
  return name === 'custom' ? nearestDesign(s) : name;
};
