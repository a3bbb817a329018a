/**
 * A map from the numbers of one dense space (virqs, global events) to values, held in an array
 * slot per number: a Map of thousands of entries costs several times an array slot per lookup.
 * Iteration is in number order.
 */
export class DenseMap<T> {
  private readonly slots: Array<T | undefined>;
  private count = 0;

  constructor(
    private readonly lo: number,
    size: number,
  ) {
    this.slots = new Array<T | undefined>(size).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  get(n: number): T | undefined {
    const i = n - this.lo;
    return i >= 0 && i < this.slots.length ? this.slots[i] : undefined;
  }

  has(n: number): boolean {
    return this.get(n) !== undefined;
  }

  set(n: number, value: T): void {
    const i = n - this.lo;
    if (!(i >= 0 && i < this.slots.length)) throw new Error(`internal: ${n} outside ${this.lo}-${this.lo + this.slots.length - 1}`);
    if (this.slots[i] === undefined) this.count++;
    this.slots[i] = value;
  }

  delete(n: number): void {
    const i = n - this.lo;
    if (i >= 0 && i < this.slots.length && this.slots[i] !== undefined) {
      this.slots[i] = undefined;
      this.count--;
    }
  }

  /** Values in number order. */
  values(): T[] {
    const out: T[] = [];
    for (const v of this.slots) if (v !== undefined) out.push(v);
    return out;
  }
}

/** The smallest DenseMap that covers every range. */
export const denseOver = <T>(ranges: ReadonlyArray<{ start: number; count: number }>): DenseMap<T> => {
  if (ranges.length === 0) return new DenseMap<T>(0, 0);
  const lo = Math.min(...ranges.map((r) => r.start));
  const hi = Math.max(...ranges.map((r) => r.start + r.count));
  return new DenseMap<T>(lo, hi - lo);
};
