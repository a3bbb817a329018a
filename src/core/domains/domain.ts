/** One hop an interrupt takes through a router on its way to the GIC. */
export interface RouterHop {
  router: string;
  input: number;
  output: number;
}

/** What a parent domain allocated for one hwirq: the router hops, then the GIC line. */
export interface ParentPath {
  hops: RouterHop[];
  gicHwirq: number;
}

/**
 * A layer below an MSI source: the GIC or an INTR. Each layer owns its pool, allocates its own
 * resource, asks its parent for the rest, and unwinds its own part if the parent fails.
 */
export interface ParentDomain {
  readonly id: string;
  /** An INTR's DT `ti,intr-trigger-type`, which the irqs mapped through it take; the GIC has none. */
  readonly triggerType?: number;
  /** Allocates whatever routes `hwirq` (this domain's input number) on to the GIC. */
  alloc(hwirq: number): ParentPath;
  free(hwirq: number): void;
  /** The path an allocated hwirq takes, or undefined when it is not allocated. */
  path(hwirq: number): ParentPath | undefined;
  fingerprint(): string;
}

export const SPI_BASE = 32;
