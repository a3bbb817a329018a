import { CoreError, type ErrCode, type PoolUsage } from './errors.js';
import type { Range } from './ranges.js';

export interface PoolStats {
  id: string;
  owner: string;
  /** The pool's own ranges, shared: they never change after the pool is made. */
  ranges: readonly Range[];
  total: number;
  used: number;
  free: number;
  peak: number;
}

/** Built apart from release, which V8 inlines only while it is small. */
const notHeld = (id: string, n: number): Error => new Error(`internal: ${id}: release of ${n}, which is not held`);

const FULL = 0xffffffff;

/**
 * A finite pool of numbers made of one or more ranges, backed by a bitmap of 32-bit words.
 * Allocation is first-fit (lowest free number), found by scanning whole words from a hint that
 * never passes a free bit, so the cost does not grow with the pool beyond the word scan.
 */
export class BitmapPool {
  readonly total: number;
  private readonly words: Uint32Array;
  /** Index of each range's first number in the bitmap. */
  private readonly offsets: number[];
  /**
   * Each range's start and count, in typed arrays: the ranges come from topology files in more
   * than one object shape, and reading them on every alloc and release would be a polymorphic load.
   */
  private readonly starts: Int32Array;
  private readonly counts: Int32Array;
  /** The first range's start and count, apart: most pools have one range, and most numbers are in it. */
  private readonly start0: number;
  private readonly count0: number;
  private usedCount = 0;
  private peakCount = 0;
  /** No word below this one has a free bit. */
  private hint = 0;

  constructor(
    readonly id: string,
    readonly owner: string,
    readonly ranges: readonly Range[],
  ) {
    // One loop, not Int32Array.from with a function (its generic path was most of a boot's pools).
    const n = ranges.length;
    this.offsets = [];
    this.starts = new Int32Array(n);
    this.counts = new Int32Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const r = ranges[k];
      this.starts[k] = r.start;
      this.counts[k] = r.count;
      this.offsets.push(total);
      total += r.count;
    }
    this.start0 = n > 0 ? ranges[0].start : 0;
    this.count0 = n > 0 ? ranges[0].count : 0;
    this.total = total;
    this.words = new Uint32Array(((total + 31) >>> 5) || 1);
    // Bits past the end are permanently set so a scan never returns them.
    const tail = total % 32;
    if (tail !== 0) this.words[this.words.length - 1] = (FULL << tail) >>> 0;
    else if (total === 0) this.words[0] = FULL;
  }

  get used(): number {
    return this.usedCount;
  }
  get free(): number {
    return this.total - this.usedCount;
  }
  get peak(): number {
    return this.peakCount;
  }
  usage(): PoolUsage {
    return { id: this.id, used: this.usedCount, total: this.total };
  }

  /** The error of an allocation that found no free number; upstream's code varies by layer. */
  exhausted(code: ErrCode = 'ENOSPC'): CoreError {
    return new CoreError(code, `${this.id} exhausted (${this.usedCount}/${this.total} used)`, this.usage());
  }

  contains(n: number): boolean {
    return this.indexOf(n) >= 0;
  }

  isUsed(n: number): boolean {
    const i = this.indexOf(n);
    return i >= 0 && (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Takes the lowest free number, or returns undefined when the pool is exhausted. */
  alloc(): number | undefined {
    const words = this.words;
    let w = this.hint;
    // The hint's word has a free bit unless the pool is full or that word just filled up.
    if (w >= words.length || words[w] === FULL) w = this.nextFreeWord(w);
    if (w < 0) return undefined;
    const word = words[w];
    const lowestZero = ~word & (word + 1);
    words[w] = (word | lowestZero) >>> 0;
    this.hint = w;
    this.bump();
    return this.numberAt(w * 32 + 31 - Math.clz32(lowestZero));
  }

  /**
   * The first word at or after `from` with a free bit, or -1 (the hint then rests past the end).
   * Apart from alloc, which V8 inlines only while it is small: most allocations find their bit
   * in the hint's word.
   */
  private nextFreeWord(from: number): number {
    const words = this.words;
    for (let w = from; w < words.length; w++) if (words[w] !== FULL) return w;
    this.hint = words.length;
    return -1;
  }

  /**
   * Takes the first free number at or after `min` in pool order (find_next_zero_bit from a start,
   * as k3-udma does from a throughput level's first channel), or undefined.
   */
  allocFrom(min: number): number | undefined {
    let start = -1;
    for (let k = 0; k < this.ranges.length && start < 0; k++) {
      const r = this.ranges[k];
      if (r.start + r.count > min) start = this.offsets[k] + Math.max(0, min - r.start);
    }
    if (start < 0) return undefined;
    const words = this.words;
    for (let w = start >>> 5; w < words.length; w++) {
      // Bits below `start` in its first word count as taken.
      const word = w === start >>> 5 ? (words[w] | ((1 << (start & 31)) - 1)) >>> 0 : words[w];
      if (word === FULL) continue;
      const lowestZero = ~word & (word + 1);
      words[w] = (words[w] | lowestZero) >>> 0;
      this.bump();
      return this.numberAt(w * 32 + 31 - Math.clz32(lowestZero));
    }
    return undefined;
  }

  /** Takes a specific number; false if it is not in the pool or already taken. */
  take(n: number): boolean {
    const i = this.indexOf(n);
    if (i < 0) return false;
    const mask = 1 << (i & 31);
    const w = i >>> 5;
    if ((this.words[w] & mask) !== 0) return false;
    this.words[w] = (this.words[w] | mask) >>> 0;
    this.bump();
    return true;
  }

  release(n: number): void {
    const i = this.indexOf(n);
    const w = i >>> 5;
    const mask = 1 << (i & 31);
    // A release of something not held is a bug in a caller, never a user error.
    if (i < 0 || (this.words[w] & mask) === 0) throw notHeld(this.id, n);
    this.words[w] = (this.words[w] & ~mask) >>> 0;
    this.usedCount--;
    if (w < this.hint) this.hint = w;
  }

  /**
   * Every number currently taken, lowest first. An array, not a generator: its callers want them
   * all. Each word's bits are read by shifting (a loop of at most 32 steps on values in registers).
   */
  usedNumbers(): number[] {
    const out: number[] = [];
    const words = this.words;
    const total = this.total;
    for (let w = 0; w < words.length; w++) {
      let word = words[w];
      for (let i = w * 32; word !== 0 && i < total; i++, word >>>= 1) if ((word & 1) !== 0) out.push(this.numberAt(i));
    }
    return out;
  }

  stats(): PoolStats {
    return {
      id: this.id,
      owner: this.owner,
      ranges: this.ranges,
      total: this.total,
      used: this.usedCount,
      free: this.total - this.usedCount,
      peak: this.peakCount,
    };
  }

  /**
   * A canonical picture of the bitmap, for "left exactly as before" comparisons. The peak is
   * history, not state: it counts the highest use ever reached, even inside an undone operation.
   */
  fingerprint(): string {
    const words = this.words;
    let s = `${this.id}:${this.usedCount}:`;
    // Words are mostly empty or full: those two spelled without toString(16).
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      s += `${w === 0 ? '' : '.'}${word === 0 ? '0' : word === FULL ? 'ffffffff' : word.toString(16)}`;
    }
    return s;
  }

  /**
   * Raises the peak to `peak` if that is higher: for a snapshot put back in place of a model that
   * went on from it (an undone operation), whose high-water marks still happened.
   */
  raisePeak(peak: number): void {
    if (peak > this.peakCount) this.peakCount = peak;
  }

  private bump(): void {
    const used = ++this.usedCount;
    if (used > this.peakCount) this.peakCount = used;
  }

  // indexOf and numberAt: the first range inline, the others apart (most numbers are in the first).

  private indexOf(n: number): number {
    const d0 = n - this.start0;
    return d0 >= 0 && d0 < this.count0 ? d0 : this.indexInOtherRanges(n);
  }

  private indexInOtherRanges(n: number): number {
    const starts = this.starts;
    const counts = this.counts;
    for (let k = 1; k < starts.length; k++) {
      const d = n - starts[k];
      if (d >= 0 && d < counts[k]) return this.offsets[k] + d;
    }
    return -1;
  }

  private numberAt(i: number): number {
    return i < this.count0 ? this.start0 + i : this.numberInOtherRanges(i);
  }

  private numberInOtherRanges(i: number): number {
    const offsets = this.offsets;
    for (let k = offsets.length - 1; k >= 0; k--) if (i >= offsets[k]) return this.starts[k] + (i - offsets[k]);
    throw new Error(`internal: ${this.id}: index ${i} outside the pool`);
  }
}
