import type { Bits64 } from './bits64.js';
import type { RouterHop } from './domains/domain.js';
import type { ErrCode, PoolUsage } from './errors.js';

/** One live interrupt from its source to the GIC; fields that do not apply are null. */
export interface Route {
  virq: number;
  /** The interrupt's source: the MSI device (ringacc) or a direct INTR client. */
  device: string;
  index: number;
  hwirq: number;
  globalEvent: number | null;
  vint: number | null;
  vintBit: number | null;
  intrInput: number | null;
  intrOutput: number | null;
  gicSpi: number;
  parentVirq: number | null;
  count: number;
  /** Who holds it: a channel ("main_udmap:tx3"), a driver, or "alloc-irq". */
  owner: string;
  inta: string | null;
  hops: RouterHop[];
  gicHwirq: number;
}

export interface ErrorInfo {
  code: ErrCode;
  message: string;
  pool?: PoolUsage;
}

export interface BootEntry {
  device: string;
  ok: boolean;
  /** The probe returned -EPROBE_DEFER: not bound, waiting for its supplier; not a failure (no error). */
  deferred?: true;
  message: string;
  error?: ErrorInfo;
}

export type FireOutcome = 'delivered' | 'masked' | 'unmapped' | 'parent-masked';

export interface DemuxedEvent {
  bit: number;
  virq: number;
  device: string;
  index: number;
  hwirq: number;
  /** level: mask, handler, unmask, no STATUS write; edge: STATUS write-1 ack, handler. */
  trigger: 'level' | 'edge';
}

/** Everything one raised ring event did, hop by hop. */
export interface FireTrace {
  device: string;
  index: number;
  hwirq: number;
  times: number;
  outcome: FireOutcome;
  inta?: string;
  globalEvent?: number;
  vint?: number;
  bit?: number;
  statusBefore?: Bits64;
  status?: Bits64;
  enable?: Bits64;
  statusMasked?: Bits64;
  statusAddress?: number;
  statusMaskedAddress?: number;
  /** VINT_ENABLE_SET / VINT_ENABLE_CLR: where a level irq's unmask and mask write BIT(bit). */
  enableSetAddress?: number;
  enableClearAddress?: number;
  hops?: RouterHop[];
  gicHwirq?: number;
  gicSpi?: number;
  parentVirq?: number;
  cpu?: number;
  handled?: DemuxedEvent[];
  childVirq?: number;
  /** The fired virq's total count afterwards. */
  count?: number;
}

export interface AffinityResult {
  virq: number;
  cpus: number[];
  /** Child virqs that moved with a parent. */
  moved: number[];
}

export interface MaskResult {
  virq: number;
  masked: boolean;
  /** Unmasking a pending event delivers it at once. */
  delivered: DemuxedEvent[];
}

export interface DomainNode {
  id: string;
  kind: 'gic' | 'intr' | 'inta' | 'msi-device' | 'client';
  name: string;
  /** One line a resource: "hwirq 64 (SPI 32)", "input 391 -> output 0", "VINT 0: 64 events" */
  allocated: string[];
  /**
   * How many this domain has allocated. An MSI device counts its MSIs (virqs), while `allocated`
   * lists only those holding hardware: in the merged design most are allocated at probe and
   * get an event only at request_irq.
   */
  count: number;
  /** An MSI device: how many of its MSIs are requested (request_irq); null for other domains. */
  requested: number | null;
  children: DomainNode[];
}

export interface IrqView {
  virq: number;
  kind: 'msi' | 'vint-parent' | 'direct';
  chip: string;
  hwirq: number;
  name: string;
  owner: string;
  counts: number[];
  total: number;
  cpus: number[];
  /** Its effective affinity, as irq's `effective`: null for an INTA event (the INTA sets none). */
  effectiveCpu: number | null;
  masked: boolean;
  parentVirq: number | null;
  /** How the flow handler treats it: INTR routes and ring irqs are level, UDMA TR events edge. */
  trigger: 'level' | 'edge' | null;
}
