import type { PoolStats } from '../core/bitmap-pool.js';
import type { Design, DesignName, Settings } from '../core/designs.js';
import type { ChannelMode } from '../core/dma.js';
import { CoreError, type ErrCode } from '../core/errors.js';
import type { InterleaveReport } from '../core/interleave/explore.js';
import type { Topology } from '../core/topology.js';
import type { CapacityData, CompareData } from './compare-run.js';
import type { IrqDetail } from '../core/irq-detail.js';
import type { AffinityResult, BootEntry, DomainNode, ErrorInfo, FireTrace, IrqView, MaskResult, Route } from '../core/types.js';

/** How `domains` draws the hierarchy: the text tree, or a Graphviz / Mermaid picture. */
export const DOMAIN_FORMATS = ['text', 'dot', 'mermaid'] as const;
export type DomainFormat = (typeof DOMAIN_FORMATS)[number];

/** A channel as shown to the user. */
export interface ChannelView {
  name: string;
  mode: ChannelMode;
  ring: number;
  virq: number;
  /** TR mode: the channel's UDMA event virq. */
  eventVirq: number | null;
}

export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
  example: string;
  details?: string;
}

/** What a command produced: plain data a renderer turns into text or JSON. */
export type Output =
  | { kind: 'channels'; channels: ChannelView[]; routes: Route[] }
  | { kind: 'released'; channels: ChannelView[]; freed: boolean }
  | { kind: 'allocated'; virq: number; route: Route }
  /** What free_irq leaves: an MSI allocated at probe stays, and so does hardware taken with it. */
  | { kind: 'freed'; virq: number; device: string; index: number; msiKept: boolean; hardwareKept: boolean }
  | { kind: 'fire'; trace: FireTrace }
  | { kind: 'affinity'; result: AffinityResult }
  | { kind: 'mask'; result: MaskResult }
  /** `reason`: why a virq that exists (`routes <virq>`) has no route, as `irq` words its state. */
  | { kind: 'routes'; routes: Route[]; filter?: string; reason?: string }
  | { kind: 'pools'; pools: PoolStats[] }
  | { kind: 'interrupts'; cpus: number; irqs: IrqView[]; unmapped: number }
  | { kind: 'irq'; detail: IrqDetail }
  | { kind: 'domains'; tree: DomainNode; format: DomainFormat; routes: Route[] }
  | { kind: 'topology'; topology: Topology; pools: PoolStats[] }
  /** `topology --export`: a topology file, `$schema` first. */
  | { kind: 'topology-file'; file: Record<string, unknown> }
  | {
      kind: 'settings';
      settings: Settings;
      design: DesignName | 'custom';
      changed: boolean;
      boot: BootEntry[];
      /** Set when the command asked for what was already in force, so nothing re-booted: `policy coalesced`. */
      already?: { setting: string; value: string };
    }
  | { kind: 'designs'; designs: Design[]; current: DesignName | 'custom'; settings: Settings }
  | { kind: 'boot'; settings: Settings; design: DesignName | 'custom'; boot: BootEntry[] }
  | { kind: 'expected'; message: string; error?: ErrorInfo; pool?: PoolStats }
  | { kind: 'help'; entries: HelpEntry[]; verb?: string }
  | { kind: 'source'; path: string }
  | { kind: 'exit'; status?: number }
  | { kind: 'compare'; compare: CompareData }
  | { kind: 'capacity'; capacity: CapacityData }
  | { kind: 'interleave'; report: InterleaveReport; expect: 'ok' | 'race' };

/** A failed command may still have output to show (interleave's outcome table and trace). */
export type Result = { ok: true; output: Output } | { ok: false; error: ErrorInfo; output?: Output };

/** A command's failure that comes with output: shown, then the error line. */
export class Failed extends CoreError {
  constructor(
    code: ErrCode,
    message: string,
    readonly output: Output,
  ) {
    super(code, message);
  }
}
