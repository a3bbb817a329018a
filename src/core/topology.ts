import type { Range, Translation } from './ranges.js';

/** Where a number in a topology comes from: the upstream device tree, or chosen for illustration. */
export type Source = 'dt' | 'illustrative';

export interface SourcedTranslation extends Translation {
  source: Source;
}
export interface SourcedRange extends Range {
  source: Source;
}

export interface GicSpec {
  id: string;
  name: string;
}

/** An interrupt router: inputs are routed to outputs; `ranges` maps outputs to parent hwirqs. */
export interface IntrSpec {
  id: string;
  sciId: number;
  /** The GIC or another INTR. */
  parent: string;
  inputs: number;
  inputsSource: Source;
  ranges: SourcedTranslation[];
}

/** An interrupt aggregator: `vints` maps VINTs to parent INTR inputs. */
export interface IntaSpec {
  id: string;
  sciId: number;
  parent: string;
  /** MMIO base of the VINT register blocks (one 0x1000 page per VINT). */
  base: number;
  vints: SourcedTranslation[];
  globalEvents: SourcedRange[];
}

/** A device that raises MSIs (global events) through an INTA. */
export interface MsiDeviceSpec {
  id: string;
  sciId: number;
  name: string;
  msiParent: string;
  /** Number of event sources (rings) the device has. */
  indices: number;
  /** Indices this host may allocate with `alloc-irq` (general-purpose rings). */
  free: SourcedRange[];
}

export interface ChannelSpec {
  count: number;
  /** Channel n completes on ring ringBase + n of the ring device. */
  ringBase: number;
  source: Source;
}

export interface DmaSpec {
  id: string;
  sciId: number;
  name: string;
  ringDevice: string;
  tx: ChannelSpec;
  rx: ChannelSpec;
}

/** A peripheral wired straight to INTR inputs, with no INTA in between. */
export interface DirectClientSpec {
  id: string;
  name: string;
  parent: string;
  inputs: number[];
  source: Source;
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
  /** Probe order of the drivers at boot: DMA controllers and direct clients by id. */
  boot: string[];
}
