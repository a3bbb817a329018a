import { visibleLength } from './style.js';

/**
 * Word-wraps one line to `width`, continuing with `indent` spaces. A word longer than the room
 * stays whole on its own line: breaking an id or a number helps nobody.
 */
export const wrap = (line: string, width: number, indent = 4): string =>
  // A line no longer than the width in characters fits, whatever colour it has: the common case
  // is decided without reading the (often just concatenated) text.
  line.length <= width ? line : wrapLong(line, width, indent);

// Apart from wrap, so that the many call sites that inline wrap's check do not also inline this.
const wrapLong = (line: string, width: number, indent: number): string => {
  if (visibleLength(line) <= width) return line;
  const pad = ' '.repeat(indent);
  const lead = /^ */.exec(line)![0];
  const words = line.slice(lead.length).split(' ');
  const out: string[] = [];
  let cur = lead;
  let curLen = lead.length;
  let fresh = true;
  for (const w of words) {
    const len = visibleLength(w);
    if (!fresh && curLen + 1 + len > width) {
      out.push(cur);
      cur = pad + w;
      curLen = indent + len;
    } else {
      cur += fresh ? w : ` ${w}`;
      curLen += fresh ? len : 1 + len;
    }
    fresh = false;
  }
  out.push(cur);
  return out.join('\n');
};

/**
 * Joins `parts` with `sep`, breaking lines only between parts (a route wraps between hops).
 * `plain`: the parts hold no colour, so their length is what shows (measuring each part for
 * colour sequences searched it, and flattened it first).
 */
export const wrapParts = (head: string, parts: string[], sep: string, width: number, indent = 4, plain = false): string => {
  let text = '';
  let cur = head;
  // The current line's visible length, kept as it grows: measuring the growing line itself would
  // copy it once a part.
  let curLen = visibleLength(head);
  const sepLen = visibleLength(sep);
  const end = sep.trimEnd();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const len = plain ? part.length : visibleLength(part);
    // A line that goes on ends with the separator, so it needs room for that too.
    const need = (i === 0 ? len : sepLen + len) + (i < parts.length - 1 ? end.length : 0);
    if (i > 0 && curLen + need > width) {
      text += `${cur}${end}\n`;
      cur = ' '.repeat(indent) + part;
      curLen = indent + len;
    } else {
      cur += i === 0 ? part : sep + part;
      curLen += i === 0 ? len : sepLen + len;
    }
  }
  return text + cur;
};

export const wrapAll = (text: string, width: number, indent = 4): string =>
  text
    .split('\n')
    .map((l) => wrap(l, width, indent))
    .join('\n');

/** "0-1,3" from [0, 1, 3], as /proc and taskset write CPU lists. */
export const cpuList = (cpus: number[]): string => {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; i++) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j;
  }
  return parts.join(',');
};
