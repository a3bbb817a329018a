import type { InterleaveReport, ShownSchedule, ShownStep } from '../core/interleave/explore.js';
import type { Style } from './style.js';
import { table } from './table.js';
import { wrap } from './wrap.js';
import { plural } from '../core/words.js';

/**
 * `interleave` as text: what ran and how it was explored, a jcstress-style outcome table, then
 * the first FORBIDDEN schedule with the fewest preemptions (or the replayed one) as a trace, one
 * column per CPU as lockdep and Lincheck draw them, with the state each step changed under it,
 * `<` on the failing operation's conflicting steps and `!` on the other's write, and the
 * schedule string that replays it.
 */

/** How it was explored; a search the --max-schedules cap cut short says so, never "exhaustive". */
const exploreText = (r: InterleaveReport): string => {
  const e = r.explore;
  const cut = r.truncated ? ', truncated' : '';
  if (e.mode === 'all') {
    if (e.bound !== null) return `explore all (at most ${plural(e.bound, 'preemption')}${cut})`;
    return r.truncated ? 'explore all (no preemption bound, truncated)' : 'explore all (exhaustive, no preemption bound)';
  }
  if (e.mode === 'random') return `explore random ${e.count}, seed ${e.seed}${r.truncated ? ' (truncated)' : ''}`;
  return `replay --schedule ${e.schedule}`;
};

/**
 * `count` of `total` as a percentage with one decimal, which never rounds a share to what it is
 * not: some is never `0.0%` (`<0.1%`), and all but some never `100.0%` (`>99.9%`).
 */
const percent = (count: number, total: number): string => {
  if (count === 0 || count >= total) return `${count === 0 ? '0.0' : '100.0'}%`;
  const p = (100 * count) / total;
  if (p < 0.1) return '<0.1%';
  if (p > 99.9) return '>99.9%';
  return `${p.toFixed(1)}%`;
};

const header = (style: Style, r: InterleaveReport): string[] => {
  const lines = [wrap(`interleave: ${plural(r.ops.length, 'op')}, lock ${r.lock}, ${exploreText(r)}`, style.width)];
  for (const o of r.ops) lines.push(wrap(`  ${o.letter}  ${o.cpu}  ${o.label}`, style.width, 12));
  const forbidden = r.outcomes.filter((o) => o.grade === 'FORBIDDEN').reduce((n, o) => n + o.count, 0);
  const time = r.seconds === undefined ? '' : ` in ${r.seconds.toFixed(2)} s`;
  const share = forbidden === 0 ? `none FORBIDDEN${r.truncated ? ' among them' : ''}` : `${percent(forbidden, r.explored)} FORBIDDEN`;
  const trunc = r.truncated ? ' (truncated at the --max-schedules cap; more remain)' : '';
  lines.push(wrap(`explored ${plural(r.explored, 'schedule')}${time}${trunc}; ${plural(r.outcomes.length, 'distinct outcome')}; ${share}`, style.width));
  // Fewest preemptions first (iterative bounding): a capped search says how far it got.
  const done = r.preemptionsComplete;
  if (r.truncated && done !== undefined) {
    const upTo = done === 0 ? 'no preemption' : `at most ${plural(done, 'preemption')}`;
    const then = r.preemptionsPartial ? `, then some with ${done + 1}` : '';
    const got = done < 0 ? 'some of the schedules with no preemption' : `every schedule with ${upTo}${then}`;
    lines.push(wrap(`  (fewest preemptions first: ${got})`, style.width, 2));
  }
  return lines;
};

const gradeText = (style: Style, grade: string): string =>
  grade === 'FORBIDDEN' ? style.c.red.bold(grade) : grade === 'interesting' ? style.c.yellow(grade) : grade;

const outcomeTable = (style: Style, r: InterleaveReport): string => {
  const rows = r.outcomes.map((o) => [
    o.result,
    `${o.count}`,
    percent(o.count, r.explored),
    gradeText(style, o.grade),
    o.description,
  ]);
  const cols = [{ head: 'RESULT' }, { head: 'SCHEDULES', align: 'right' as const }, { head: 'FREQ', align: 'right' as const }, { head: 'EXPECT' }, { head: 'DESCRIPTION' }];
  const t = table(style, cols, rows, style.width - 2);
  if (t !== undefined) return t.split('\n').map((l) => `  ${l}`).join('\n');
  // Too narrow for columns: one record per outcome.
  return r.outcomes
    .map((o, i) => wrap(`  ${o.result}: ${o.count} (${rows[i][2]}) ${rows[i][3]}: ${o.description}`, style.width, 4))
    .join('\n');
};

/**
 * One step as the trace shows it: the step, what it found, and how the operation went on. A
 * lock is shown by what its try did: `lock X: blocked (held by cpu0)` where the operation found
 * it held and waits (one row, however long: a waiting CPU takes no steps), then `lock X (was
 * held by cpu0)` where its retry took it, or `blocked again` where another CPU took it first.
 * The retry is the wait-lock step the operation announced while it waited (its name in the
 * report), but no row says it waits when it took the lock.
 */
export const stepText = (s: ShownStep): string => {
  let t: string;
  if (s.wasHeldBy !== undefined) t = `lock ${s.lock} (was held by ${s.wasHeldBy})`;
  // Only a lock's try or retry is ever blocked: a lock is waited for (steps.ts waitFor) right
  // after acquire()'s `lock` step, or at an operation's start (ops.ts underDmaList), whose row is
  // that lock's try (scheduler.ts lockTry); no other step runs on into a wait.
  else if (s.blockedBy !== undefined && (s.name === 'lock' || s.name === 'wait-lock'))
    t = `lock ${s.lock}: blocked${s.name === 'wait-lock' ? ' again' : ''} (held by ${s.blockedBy})`;
  else {
    t = s.name;
    if (s.result !== undefined) t += `: ${s.result}`;
    else if (s.detail !== undefined) t += ` ${s.detail}`;
  }
  if (s.end === 'failed' || s.end === 'crashed') t += ` -> ${s.end === 'failed' ? s.error!.split(':')[0] : 'THROWS'}`;
  return t;
};

/**
 * Splits text into lines of at most `width` (`next` for the lines after the first, which a
 * column indents), at spaces when it can, and not inside a parenthesis that would fit on the next
 * line: `lock X: blocked` over `(held by cpu0)`, not `lock X: blocked (held` over `by cpu0)`. A
 * word longer than a line breaks after a `.` or `_` of its name where it has one
 * (`inta_main_udmass.` over `vint_mutex`), else at the width.
 */
const cut = (text: string, first: number, next = first): string[] => {
  const out: string[] = [];
  let rest = text;
  for (let width = first; rest.length > width; width = next) {
    let at = rest.lastIndexOf(' ', width);
    if (at <= 0) {
      // After the name's last `.` (the pool or lock after its owner), else its last `_`.
      let soft = rest.lastIndexOf('.', width - 1);
      if (soft <= 0) soft = rest.lastIndexOf('_', width - 1);
      at = soft > 0 ? soft + 1 : width;
    }
    const open = rest.lastIndexOf('(', at);
    const close = open < 0 ? -1 : rest.indexOf(')', open);
    if (open > 1 && rest[open - 1] === ' ' && close > at && close - open < width) at = open - 1;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
};

const NUM = 4;

/**
 * What one column of the trace would fill uncut, one more for the gap after it: the widest of its
 * head and every line drawn in it (starts, steps with their marks, changed lines).
 */
const columnNeed = (head: string, steps: ShownStep[]): number => {
  let need = head.length;
  for (const s of steps) {
    if (s.startChanged !== undefined) need = Math.max(need, `start (in step ${s.n}):`.length, ...s.startChanged.map((c) => c.length + 2));
    need = Math.max(need, stepText(s).length + (s.marker === undefined ? 0 : 2), ...s.changed.map((c) => c.length + 2));
  }
  return need + 1;
};

const traceLines = (style: Style, r: InterleaveReport, shown: ShownSchedule): string[] => {
  const n = r.ops.length;
  // Each CPU's share of the width, at most: a column narrower than 24 cannot hold a step.
  const colWidth = Math.floor((style.width - NUM) / n);
  const lines: string[] = [];
  const mark = (m: ShownStep['marker']) => (m === '<' ? ` ${style.c.red.bold('<')}` : m === '!' ? ` ${style.c.yellow.bold('!')}` : '');
  const markLen = (m: ShownStep['marker']) => (m === undefined ? 0 : 2);
  /**
   * What an operation's start did before its first step (see ShownStep.startChanged): a line
   * of its own above that step, as the changed lines are drawn under a step, in `width`.
   */
  const startLines = (s: ShownStep, width: number): string[] =>
    s.startChanged === undefined ? [] : [`start (in step ${s.n}):`, ...s.startChanged.flatMap((c) => cut(c, width - 2).map((l) => `  ${l}`))];
  if (colWidth < 24) {
    // Too many CPUs for columns at this width: one line per step, the operation's letter first.
    for (const s of shown.steps) {
      startLines(s, style.width - NUM - 2).forEach((l, i) => lines.push(`${''.padStart(NUM - 1)} ${i === 0 ? s.op : ' '} ${style.c.dim(l)}`));
      const body = cut(stepText(s), style.width - NUM - 2 - markLen(s.marker));
      body.forEach((b, i) => lines.push(`${i === 0 ? `${s.n}`.padStart(NUM - 1) : ''.padStart(NUM - 1)} ${i === 0 ? s.op : ' '} ${b}${i === body.length - 1 ? mark(s.marker) : ''}`));
      for (const c of s.changed) for (const l of cut(c, style.width - NUM - 4)) lines.push(`${''.padStart(NUM + 4)}${style.c.dim(l)}`);
    }
    return lines;
  }
  const at = (op: string) => op.charCodeAt(0) - 65;
  // Each column is headed by its operation; when one does not fit its column, a legend names
  // them above, and the columns are headed by letter and CPU alone.
  const heads = r.ops.map((o) => `${o.letter} ${o.cpu} ${o.label}`);
  // A column is as wide as its share of the width or what it holds uncut, whichever is less: a
  // wide terminal does not spread the trace, and a column whose lines all fit takes no more.
  const widths = heads.map((h, i) => Math.min(colWidth, columnNeed(h, shown.steps.filter((s) => at(s.op) === i))));
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const put = (col: number, first: string, text: string) => `${first.padStart(NUM - 1)} ${''.padEnd(starts[col])}${text}`.trimEnd();
  if (heads.some((h, i) => h.length > widths[i] - 1)) {
    for (const o of r.ops) lines.push(wrap(`${''.padStart(NUM)}${o.letter} = ${o.label}`, style.width, NUM + 4));
    for (let i = 0; i < n; i++) heads[i] = `${r.ops[i].letter} ${r.ops[i].cpu}`;
  }
  lines.push(style.c.bold(` ${'#'.padStart(NUM - 2)} ${heads.map((h, i) => h.padEnd(i === n - 1 ? 0 : widths[i])).join('')}`.trimEnd()));
  let prev: string | undefined;
  for (const s of shown.steps) {
    if (prev !== undefined && prev !== s.op) lines.push(style.c.dim(`${''.padStart(NUM)}-- switch --`));
    prev = s.op;
    const col = at(s.op);
    const w = widths[col];
    for (const l of startLines(s, w - 1)) lines.push(put(col, '', style.c.dim(l)));
    // A step's lines after its first are indented by two.
    const body = cut(stepText(s), w - 1 - markLen(s.marker), w - 3 - markLen(s.marker));
    body.forEach((b, i) => lines.push(put(col, i === 0 ? `${s.n}` : '', `${i === 0 ? '' : '  '}${b}${i === body.length - 1 ? mark(s.marker) : ''}`)));
    for (const c of s.changed) for (const l of cut(c, w - 3)) lines.push(put(col, '', `  ${style.c.dim(l)}`));
    if (s.end !== undefined) {
      lines.push(style.c.dim(`${''.padStart(NUM)}-- ${s.op} ${s.end === 'done' ? 'finished' : s.end} --`));
      prev = undefined;
    }
  }
  return lines;
};

const shownBlock = (style: Style, r: InterleaveReport, shown: ShownSchedule): string[] => {
  const pre = plural(shown.preemptions, 'preemption');
  // The same block for a found schedule and for its replay, so the two compare line for line.
  const lines = r.explore.mode === 'schedule' ? [] : ['first FORBIDDEN schedule with the fewest preemptions:'];
  lines.push(wrap(`${gradeText(style, shown.grade)} (${pre}): ${shown.verdict}`, style.width, 2), ...traceLines(style, r, shown));
  if (shown.conflict) {
    const steps = shown.steps;
    const find = (n: number) => steps.find((s) => s.n === n)!;
    const read = find(shown.conflict.step);
    const wrote = find(shown.conflict.with);
    const bad = steps.find((s) => s.marker === '<' && s.n !== read.n) ?? read;
    const obj = shown.conflict.object;
    const text =
      bad !== read
        ? `*** ${read.op} read ${obj} at ${read.n}; ${wrote.op} wrote it at ${wrote.n}; ${bad.op} acted on what it read at ${bad.n}.`
        : `*** ${wrote.op} wrote ${obj} at ${wrote.n}; ${bad.op} acted on it at ${bad.n}.`;
    lines.push(wrap(text, style.width, 4));
  }
  lines.push(`replay: --schedule ${shown.schedule}`);
  return lines;
};

export const renderInterleave = (style: Style, r: InterleaveReport): string => {
  const lines = header(style, r);
  if (r.divergence !== undefined) return lines.join('\n');
  lines.push('', outcomeTable(style, r));
  if (r.shown) lines.push('', ...shownBlock(style, r, r.shown));
  return lines.join('\n');
};
