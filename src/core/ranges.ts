/** A TISCI-style resource range: `count` consecutive numbers from `start`. */
export interface Range {
  start: number;
  count: number;
}

/** "64-127", or "64" for one number. */
export const formatRange = (start: number, count: number): string => (count === 1 ? `${start}` : `${start}-${start + count - 1}`);

/** "64-127, 448-511" */
export const formatRanges = (ranges: readonly Range[]): string => ranges.map((r) => formatRange(r.start, r.count)).join(', ');

/**
 * A piecewise-linear translation table, as in a `ti,interrupt-ranges` property:
 * each entry maps `count` numbers from `from` onto `to`.
 */
export interface Translation {
  from: number;
  to: number;
  count: number;
}

export const translate = (table: readonly Translation[], n: number): number | undefined => {
  for (const t of table) if (n >= t.from && n < t.from + t.count) return t.to + (n - t.from);
  return undefined;
};

