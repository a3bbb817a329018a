/** Small formatters of number lists shared by the model's messages and views. */

export const cpusOf = (mask: number): number[] => {
  const out: number[] = [];
  for (let c = 0; c < 31; c++) if (mask & (1 << c)) out.push(c);
  return out;
};

/** "64-69" for consecutive numbers, "64, 66, 70" otherwise. */
export const spanList = (ns: number[]): string => {
  if (ns.length === 0) return 'none';
  const parts: string[] = [];
  let start = ns[0];
  let prev = ns[0];
  for (const n of [...ns.slice(1), NaN]) {
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = n;
  }
  return parts.join(', ');
};
