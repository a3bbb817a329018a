/**
 * What the operations of one schedule did to the MSI layer's and dmaengine's records. The
 * operations leave msi.ts's and dma.ts's records alone (they are the session's, and an interleave
 * is a query whose final state nobody keeps), so without this an operation would check the
 * pre-state only: a second free of one virq would not see the first's, and an `any` allocation
 * would not see the index another operation took. Each operation consults it where upstream
 * looks (a free when it starts, as __free_irq finds the action gone; an index when it is chosen)
 * and records what it did. Cleared before every schedule, with the rest of the state.
 */
export class Ledger {
  /** By hwirq: the CPU of the operation that took this MSI in this schedule, and for whom. */
  private readonly taken = new Map<number, { cpu: string; owner: string; any: boolean; requested: boolean }>();
  /** By hwirq: pre-state MSIs an operation has begun to free, or has given back. */
  private readonly freed = new Map<number, 'freeing' | 'freed'>();
  /** Channels an operation has begun to release. */
  private readonly released = new Set<string>();
  /** Two operations took one index (an MSI layer with no lock): who, and which. */
  lost: { what: string; cpus: [string, string] } | undefined = undefined;

  clear(): void {
    // Most schedules record nothing: skip the work then.
    if (this.taken.size > 0) this.taken.clear();
    if (this.freed.size > 0) this.freed.clear();
    if (this.released.size > 0) this.released.clear();
    this.lost = undefined;
  }

  /** Whether an MSI is free to take: not taken in this schedule, and freed in it or not requested before it. */
  isFree(hwirq: number, requestedBefore: boolean): boolean {
    if (this.taken.has(hwirq)) return false;
    return this.freed.get(hwirq) === 'freed' || (!requestedBefore && !this.freed.has(hwirq));
  }

  /** Who took this MSI in this schedule, if anyone. */
  holder(hwirq: number): string | undefined {
    return this.taken.get(hwirq)?.owner;
  }

  /**
   * Records that `cpu` took the MSI. Returns the CPU that already held it, if another did (then
   * the first keeps it): the caller decides whether that is a refusal or a lost descriptor.
   */
  take(hwirq: number, cpu: string, owner: string, any: boolean): string | undefined {
    const had = this.taken.get(hwirq);
    if (had !== undefined && had.cpu !== cpu) return had.cpu;
    this.taken.set(hwirq, { cpu, owner, any, requested: false });
    return undefined;
  }

  /** An alloc-irq of this schedule has finished: its MSI is requested now, another operation may free it. */
  requested(hwirq: number): void {
    const t = this.taken.get(hwirq);
    if (t) t.requested = true;
  }

  /** Whether an alloc-irq of this schedule has finished requesting this MSI. */
  isRequested(hwirq: number): boolean {
    return this.taken.get(hwirq)?.requested === true;
  }

  /** Whether an operation of this schedule holds this MSI now (took it, and nobody freed it since). */
  holds(hwirq: number): boolean {
    return this.taken.has(hwirq);
  }

  /** An operation that failed gives back what it took. */
  untake(hwirq: number, cpu: string): void {
    if (this.taken.get(hwirq)?.cpu === cpu) this.taken.delete(hwirq);
  }

  /** The CPU whose `any` took this MSI, for the final state's fingerprint; undefined for a given index. */
  anyTaker(hwirq: number): string | undefined {
    const t = this.taken.get(hwirq);
    return t?.any ? t.cpu : undefined;
  }

  /**
   * A free starts: false when another operation of this schedule has already begun to free it
   * (unless it was freed and requested again since).
   */
  beginFree(hwirq: number): boolean {
    if (this.freed.get(hwirq) === 'freeing' || (this.freed.get(hwirq) === 'freed' && !this.taken.has(hwirq))) return false;
    this.freed.set(hwirq, 'freeing');
    return true;
  }

  /** The free has given the MSI back: another operation may now take its index. */
  endFree(hwirq: number): void {
    this.freed.set(hwirq, 'freed');
    this.taken.delete(hwirq);
  }

  /** A channel release starts: false when another operation has already begun to release it. */
  beginRelease(channel: string): boolean {
    if (this.released.has(channel)) return false;
    this.released.add(channel);
    return true;
  }
}
