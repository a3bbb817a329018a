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
const wrapLong = (line: string, width: number, indent: number): string => (line.indexOf('\x1b') < 0 ? wrapPlain(line, width, indent) : wrapWords(line, width, indent));

/**
 * wrapWords for a line without colour, where a word's length is what shows: each line it gives
 * is a slice of `line` (words rejoined by the one space that split them), so it is cut out once
 * rather than built a word at a time. A long text run wraps a trace's last line every time.
 */
const wrapPlain = (line: string, width: number, indent: number): string => {
  if (line.length <= width) return line;
  let pos = 0;
  while (line.charCodeAt(pos) === 0x20) pos++;
  let out = '';
  // The current output line: from `from` (the line's start, or its first word after a break) to `end`.
  let from = 0;
  let end = pos;
  let curLen = pos;
  let fresh = true;
  for (;;) {
    const space = line.indexOf(' ', pos);
    const wordEnd = space < 0 ? line.length : space;
    const len = wordEnd - pos;
    if (!fresh && curLen + 1 + len > width) {
      out += from === 0 ? line.slice(0, end) : `\n${spaces(indent)}${line.slice(from, end)}`;
      from = pos;
      curLen = indent + len;
    } else curLen += fresh ? len : 1 + len;
    fresh = false;
    end = wordEnd;
    if (space < 0) break;
    pos = space + 1;
  }
  return out + (from === 0 ? line.slice(0, end) : `\n${spaces(indent)}${line.slice(from, end)}`);
};

/** Runs of spaces, each made once: indents here, and padding, most of a table's pieces (table.ts). */
const PADS: string[] = [''];
export const spaces = (n: number): string => PADS[n] ?? (PADS[n] = ' '.repeat(n));

/** The general case: words measured without their colour. */
export const wrapWords = (line: string, width: number, indent: number): string => {
  if (visibleLength(line) <= width) return line;
  const pad = spaces(indent);
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
      cur = spaces(indent) + part;
      curLen = indent + len;
    } else {
      cur += i === 0 ? part : sep + part;
      curLen += i === 0 ? len : sepLen + len;
    }
  }
  return text + cur;
};

/**
 * A usage line (`compare [--designs a,b,...] [--pool P] <script.msi | "cmd; cmd; ...">`) in lines
 * of at most `width`, the first `lead` characters narrower (room for `usage: `): it breaks between
 * arguments, never inside a <...>, [...], (...) or "...", unless one alone is wider than the room
 * (then at its spaces, and a word still wider after its `|`s), and each continuation stands under
 * the first argument. A `|` stays with the argument after it. Plain text: no colour.
 */
export const wrapUsage = (usage: string, width: number, lead = 0): string[] => {
  if (lead + usage.length <= width) return [usage];
  const groups: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i <= usage.length; i++) {
    const c = usage[i];
    if (i === usage.length || (c === ' ' && depth === 0 && !quoted)) {
      const g = usage.slice(start, i);
      if (g !== '') groups.push(groups.length > 0 && groups[groups.length - 1] === '|' ? `${groups.pop()} ${g}` : g);
      start = i + 1;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && '<[('.includes(c)) depth++;
    else if (!quoted && '>])'.includes(c)) depth = Math.max(0, depth - 1);
  }
  const indent = lead + groups[0].length + 1;
  const room = width - indent;
  // What may start a line, each with whether a space joins it to the one before on the same line.
  const pieces: Array<{ text: string; space: boolean }> = [];
  for (const g of groups.slice(1)) {
    for (const word of g.length > room ? g.split(' ') : [g]) {
      const parts = word.length > room ? word.split(/(?<=\|)/) : [word];
      parts.forEach((text, k) => pieces.push({ text, space: k === 0 }));
    }
  }
  const lines: string[] = [];
  let cur = groups[0];
  let curLen = lead + cur.length;
  for (const { text, space } of pieces) {
    const add = (space ? 1 : 0) + text.length;
    if (curLen + add > width) {
      lines.push(cur);
      cur = ' '.repeat(indent - lead) + text;
      curLen = indent + text.length;
    } else {
      cur += space ? ` ${text}` : text;
      curLen += add;
    }
  }
  lines.push(cur);
  return lines;
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
