/** `1 channel`, `2 channels`: a count with its noun, which agrees with it. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The most edits a "did you mean" suggestion may be from a word of `length` characters: one up
 * to 5 characters, two from 6, as rustc's len/3 (capped at two). Two edits turn most short words
 * into some verb, device or key (`foo` into `boot`), and a guess that far off misleads more than
 * none. Commands' names and topology files' keys both go by it.
 */
export const maxEdits = (length: number): number => (length < 6 ? 1 : 2);

/**
 * Edit distance with adjacent transpositions (optimal string alignment), for "did you mean"
 * (commands' names, topology files' keys): `mdoe` is one slip from `mode`, as a typist makes
 * it, not two. 99 for lengths more than 3 apart, which no suggestion is. Three rows of the
 * table, and no Math.min: it runs for every candidate of every unknown word.
 */
export const distance = (a: string, b: string): number => {
  const n = b.length;
  if (a.length - n > 3 || n - a.length > 3) return 99;
  let twoUp: number[] = [];
  let up: number[] = [];
  for (let j = 0; j <= n; j++) up.push(j);
  for (let i = 1; i <= a.length; i++) {
    const c = a.charCodeAt(i - 1);
    const row = [i];
    for (let j = 1; j <= n; j++) {
      let d = up[j - 1] + (c === b.charCodeAt(j - 1) ? 0 : 1);
      if (up[j] + 1 < d) d = up[j] + 1;
      if (row[j - 1] + 1 < d) d = row[j - 1] + 1;
      if (i > 1 && j > 1 && c === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1) && twoUp[j - 2] + 1 < d) d = twoUp[j - 2] + 1;
      row.push(d);
    }
    twoUp = up;
    up = row;
  }
  return up[n];
};
