import type { Range, Translation } from './ranges.js';

/**
 * Where a number in a topology comes from. `dt`: the upstream device tree; `rm`: the system
 * firmware's resource-management board config (what TISCI grants Linux's host); `sysfw`: the
 * firmware's SoC data (hardware counts); `driver`: a constant in the Linux driver;
 * `illustrative`: chosen for the example, not read from a source.
 */
export type Source = 'dt' | 'rm' | 'sysfw' | 'driver' | 'illustrative';

export const SOURCES: readonly Source[] = ['dt', 'rm', 'sysfw', 'driver', 'illustrative'];

export interface SourcedTranslation extends Translation {
  source: Source;
}
export interface SourcedRange extends Range {
  source: Source;
}
export interface SourcedCount {
  count: number;
  source: Source;
}

export interface GicSpec {
  id: string;
  name: string;
}

/**
 * An interrupt router: inputs are routed to outputs. `ranges` (DT `ti,interrupt-ranges`) is what
 * the hardware wires to the parent; `share` is the outputs the resource manager grants Linux.
 */
export interface IntrSpec {
  id: string;
  sciId: number;
  /** The GIC or another INTR. */
  parent: string;
  inputs: number;
  inputsSource: Source;
  /** Outputs in hardware, when known. */
  outputs?: SourcedCount;
  ranges: SourcedTranslation[];
  /** Linux's outputs (TISCI IR_OUTPUT for this host): the `<id>.out` pool. */
  share: SourcedRange[];
  /**
   * DT `ti,intr-trigger-type`: the type every irq mapped through this router gets, and its GIC
   * line (irq-ti-sci-intr.c): 1 edge rising, 4 level high. Absent: 4.
   */
  triggerType?: IntrTriggerType;
  triggerTypeSource?: Source;
}

export type IntrTriggerType = 1 | 4;

/** An interrupt aggregator: `vints` maps VINTs to parent INTR inputs (DT `ti,interrupt-ranges`). */
export interface IntaSpec {
  id: string;
  sciId: number;
  parent: string;
  /** MMIO base of the VINT register blocks (one 0x1000 page per VINT). */
  base: number;
  vints: SourcedTranslation[];
  /** Linux's VINTs (TISCI IA_VINT): the `<id>.vint` pool. */
  vintShare: SourcedRange[];
  /** Linux's global events (TISCI GLOBAL_EVENT_SEVT): the `<id>.global_event` pool. */
  globalEvents: SourcedRange[];
  /** Hardware totals, when known. */
  hardware?: { vints: SourcedCount; globalEvents: SourcedCount };
}

/**
 * A device that raises MSIs (global events) through an INTA and allocates one MSI per index of
 * its share at probe (k3_ringacc_probe_dt -> ti_sci_inta_msi_domain_alloc_irqs).
 */
export interface MsiDeviceSpec {
  id: string;
  sciId: number;
  name: string;
  msiParent: string;
  /** Number of event sources (rings) in hardware. */
  indices: number;
  indicesSource: Source;
  /** Linux's share of indices (GP rings): one MSI each, handed out by `<id>.gp_ring`. */
  share: SourcedRange[];
}

/** A DMA channel direction: Linux's channels, and where normal-capacity requests start. */
export interface ChannelSpec {
  share: SourcedRange[];
  /** udma_setup_resources: tchan_tpl.start_idx[0], the first normal-capacity channel. */
  firstNormal: number;
  firstNormalSource: Source;
}

/**
 * A UDMA-P controller. Its channels complete on general-purpose rings of `ringDevice`, and it
 * raises its own TR events as MSIs: index = tchan id, or rxEventOffset + rchan id.
 */
export interface DmaSpec {
  id: string;
  sciId: number;
  name: string;
  ringDevice: string;
  tx: ChannelSpec;
  rx: ChannelSpec;
  /** am654 soc data oes.udma_rchan: 0x200. */
  rxEventOffset: number;
}

/** A peripheral wired straight to INTR inputs, with no INTA in between. */
export interface DirectClientSpec {
  id: string;
  name: string;
  parent: string;
  inputs: number[];
  source: Source;
  /**
   * The flow handler the driver chains on each line (irq_set_chained_handler_and_data) instead of
   * requesting it: no action, never counted, no /proc/irq entry. Absent: the driver requests them.
   */
  chained?: string;
  chainedSource?: Source;
}

export interface Topology {
  name: string;
  description: string;
  cpus: number;
  virq: { first: number; count: number };
  gic: GicSpec;
  intrs: IntrSpec[];
  intas: IntaSpec[];
  msiDevices: MsiDeviceSpec[];
  dmas: DmaSpec[];
  directClients: DirectClientSpec[];
  /** Probe order of the drivers at boot: MSI devices, DMA controllers and direct clients by id. */
  boot: string[];
  /** What each source label means for this SoC: the file, board config or table it was read from. */
  sources?: Partial<Record<Source, string>>;
}
