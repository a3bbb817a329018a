import type { PoolStats } from '../core/bitmap-pool.js';
import type { Settings } from '../core/system.js';
import type { Topology } from '../core/topology.js';
import type { AffinityResult, BootEntry, DomainNode, ErrorInfo, FireTrace, IrqView, MaskResult, Route } from '../core/types.js';

/** How `domains` draws the hierarchy: the text tree, or a Graphviz / Mermaid picture. */
export const DOMAIN_FORMATS = ['text', 'dot', 'mermaid'] as const;
export type DomainFormat = (typeof DOMAIN_FORMATS)[number];

/** A channel as shown to the user. */
export interface ChannelView {
  name: string;
  ring: number;
  virq: number;
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
  | { kind: 'freed'; virq: number; device: string; index: number }
  | { kind: 'fire'; trace: FireTrace }
  | { kind: 'affinity'; result: AffinityResult }
  | { kind: 'mask'; result: MaskResult }
  | { kind: 'routes'; routes: Route[]; filter?: string }
  | { kind: 'pools'; pools: PoolStats[] }
  | { kind: 'interrupts'; cpus: number; irqs: IrqView[]; unmapped: number }
  | { kind: 'domains'; tree: DomainNode; format: DomainFormat; routes: Route[] }
  | { kind: 'topology'; topology: Topology; pools: PoolStats[] }
  | { kind: 'settings'; settings: Settings; changed: boolean; boot: BootEntry[] }
  | { kind: 'boot'; settings: Settings; boot: BootEntry[] }
  | { kind: 'expected'; message: string; error?: ErrorInfo; pool?: PoolStats }
  | { kind: 'help'; entries: HelpEntry[]; verb?: string }
  | { kind: 'source'; path: string }
  | { kind: 'exit'; status?: number };

export type Result = { ok: true; output: Output } | { ok: false; error: ErrorInfo };
