// Render benchmark: the CPU time to print large tables whose last column wraps, the first in the
// process (cold: what a one-off command pays, its code not yet compiled) and warm. Needs the
// compiled code (`npm run build`).
//
//   outcomes: `interleave` of four ops on am65x (a free and three allocs, lock none, at most 2
//     preemptions: some 17,000 schedules, 318 outcomes), its whole text at 80 columns: the outcome
//     table's DESCRIPTION column wraps. The search itself is not timed.
//   interrupts: `interrupts` with 80 channels' MSIs at 60 columns: NAME wraps, MASKED in yellow
//     (colour level 1) on a few. Rendered after the outcomes, so its cold figure is not one.
//
//   node bench/render.mjs [DIST]   prints the figures as JSON; DIST is another build's dist/
//                                  folder (an older checkout, for before/after figures)
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url)));
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { Session } = await load('commands/session.js');
const { runWords } = await load('commands/registry.js');
const { renderText } = await load('render/text.js');
const { makeStyle } = await load('render/style.js');
const { am65x } = await load('core/topologies/am65x.js');
const { DEFAULT_SETTINGS } = await load('core/designs.js');
const { Chalk } = await import('chalk');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU ms (user + system) of `f`. */
const cpu = (f) => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};

/** CPU ms of the first render of `output`, then the median of 15 more; and the lines printed. */
const timed = (style, output) => {
  let text = '';
  const cold = cpu(() => (text = renderText(style, output)));
  const warm = median(Array.from({ length: 15 }, () => cpu(() => renderText(style, output))));
  return { cold, warm, lines: text.split('\n').length };
};

const run = (session, line) => {
  const r = runWords(session, line);
  if (r.output === undefined) throw new Error(`bench: ${line.join(' ')}: ${r.error?.message}`);
  return r.output;
};

const session = new Session(am65x, DEFAULT_SETTINGS);
run(session, ['alloc-irq', 'ringacc', '304']);
const ilv = run(session, ['interleave', 'free-irq ringacc 304', 'alloc-irq ringacc 305', 'alloc-irq ringacc 306', 'alloc-irq ringacc 307', '--lock', 'none']);
const outcomes = { rows: ilv.report.outcomes.length, ...timed(makeStyle(0, 80), ilv) };

const irqs = new Session(am65x, DEFAULT_SETTINGS);
for (const line of ['request-channel main_udmap tx 40', 'request-channel main_udmap rx 40', 'mask-irq 71', 'mask-irq 72', 'mask-irq 90']) run(irqs, line.split(' '));
const interrupts = timed(makeStyle(1, 60, false, Chalk), run(irqs, ['interrupts']));

console.log(JSON.stringify({ outcomes, interrupts }));
