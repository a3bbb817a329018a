/**
 * A map from the numbers of one dense space (virqs, global events) to values, held in an array
 * slot per number: a Map of thousands of entries costs several times an array slot per lookup.
 * Iteration is in number order.
 */
export class DenseMap<T> {
  private readonly slots: Array<T | undefined>;

  constructor(
    private readonly lo: number,
    size: number,
  ) {
    this.slots = new Array<T | undefined>(size).fill(undefined);
  }

  // No count of entries kept: nobody asks for one, and get, set and delete are kept to a few
  // bytecodes so that V8 inlines them wherever they are called (see bits64.ts).

  get(n: number): T | undefined {
    const i = n - this.lo;
    return i >= 0 && i < this.slots.length ? this.slots[i] : undefined;
  }

  has(n: number): boolean {
    return this.get(n) !== undefined;
  }

  set(n: number, value: T): void {
    const i = n - this.lo;
    if (!(i >= 0 && i < this.slots.length)) throw this.outside(n);
    this.slots[i] = value;
  }

  /** Built apart from set, which V8 inlines only while it is small. */
  private outside(n: number): Error {
    return new Error(`internal: ${n} outside ${this.lo}-${this.lo + this.slots.length - 1}`);
  }

  delete(n: number): void {
    const i = n - this.lo;
    if (i >= 0 && i < this.slots.length) this.slots[i] = undefined;
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

/**
 * A map keyed by hwirq (sci dev id << 16 | index): sparse over all 32 bits, dense within one
 * device's indices. One array slot per index of each device seen, the devices (a handful) in a
 * short list: a Map set and deleted on every alloc and free costs hundreds of times a slot.
 * Iteration is in hwirq order.
 */
export class HwirqMap<T> {
  /** Device ids (hwirq >>> 16), ascending, and each one's slots by index. */
  private readonly devs: number[] = [];
  private readonly slots: Array<Array<T | undefined>> = [];

  // No count of entries, as DenseMap.

  /** The device last looked up and its slots: an MSI's alloc and free touch one device many times. */
  private lastDev = -1;
  private lastSlots: Array<T | undefined> | undefined;

  private slotsOf(dev: number): Array<T | undefined> | undefined {
    return dev === this.lastDev ? this.lastSlots : this.findSlots(dev);
  }

  /** slotsOf for another device than the last: apart, so that slotsOf stays small enough to inline. */
  private findSlots(dev: number): Array<T | undefined> | undefined {
    const devs = this.devs;
    for (let i = 0; i < devs.length; i++) {
      if (devs[i] === dev) {
        this.lastDev = dev;
        return (this.lastSlots = this.slots[i]);
      }
    }
    return undefined;
  }

  get(hwirq: number): T | undefined {
    const s = this.slotsOf(hwirq >>> 16);
    return s === undefined ? undefined : s[hwirq & 0xffff];
  }

  has(hwirq: number): boolean {
    return this.get(hwirq) !== undefined;
  }

  set(hwirq: number, value: T): void {
    const index = hwirq & 0xffff;
    const s = this.slotsOf(hwirq >>> 16);
    // A device and index seen before: a slot to fill. A new device or a larger index grows apart.
    if (s === undefined || index >= s.length) return this.setGrowing(hwirq, value);
    s[index] = value;
  }

  private setGrowing(hwirq: number, value: T): void {
    const dev = hwirq >>> 16;
    const index = hwirq & 0xffff;
    let s = this.slotsOf(dev);
    if (s === undefined) {
      let at = 0;
      while (at < this.devs.length && this.devs[at] < dev) at++;
      this.devs.splice(at, 0, dev);
      this.slots.splice(at, 0, (s = []));
    }
    // Grown to a power of two filled with undefined, so the array stays packed (never holey).
    let n = Math.max(64, s.length);
    while (n <= index) n *= 2;
    for (let i = s.length; i < n; i++) s.push(undefined);
    s[index] = value;
  }

  delete(hwirq: number): void {
    const s = this.slotsOf(hwirq >>> 16);
    const index = hwirq & 0xffff;
    if (s !== undefined && index < s.length) s[index] = undefined;
  }

  /** Values in hwirq order. */
  values(): T[] {
    const out: T[] = [];
    for (const s of this.slots) for (const v of s) if (v !== undefined) out.push(v);
    return out;
  }
}
