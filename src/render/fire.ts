import type { DemuxedEvent, FireTrace } from '../core/types.js';
import { hex64 } from '../core/bits64.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { wrap } from './wrap.js';

/**
 * A trace's text as it grows. Its lines are laid out unwrapped, and wrapped afterwards only from
 * the first line too long for the width on (rare): a wrap call on every line, inlined into
 * renderFire, made it the costliest function of a run to compile, and the first line that needed
 * wrapping threw that compiled code away.
 */
interface Lines {
  text: string;
  width: number;
  /** The longest line so far, but the first (the title, never wrapped). */
  widest: number;
  /** Where the first line longer than the width starts (at its newline), once there is one. */
  from: number;
}

// "\n  3. ", the start of each numbered step, made once: building each line's number and indent
// anew was a third of the strings a trace allocated. A trace has 10 steps and one more for each
// router and each sibling event; rarer numbers are made when met.
const STEP_HEADS = Array.from({ length: 32 }, (_, n) => `\n  ${n}. `);
const stepHead = (n: number): string => (n < STEP_HEADS.length ? STEP_HEADS[n] : `\n  ${n}. `);
/** Under a step, indented to its text. */
const UNDER = '\n       ';

const add = (l: Lines, head: string, s: string): void => {
  // Without the newline the head starts with.
  const len = head.length - 1 + s.length;
  // Every comparison here runs on each trace's first line, so that the compiled code has seen
  // them all: a test first met on a rare line would throw that code away.
  if (len > l.widest) {
    if (l.widest <= l.width) l.from = l.text.length;
    l.widest = len;
  }
  l.text += head + s;
};
/** "\n  3. text", a numbered step of a trace. */
const step = (l: Lines, n: number, s: string): void => add(l, stepHead(n), s);
/** A line under a step. */
const under = (l: Lines, s: string): void => add(l, UNDER, s);

/** The trace wrapped to its width: steps under their text, the lines under a step under theirs. */
const wrapTrace = (l: Lines): string => {
  const lines = l.text.slice(l.from + 1).split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = wrap(lines[i], l.width, lines[i].startsWith(UNDER.slice(1)) ? 9 : 6);
  return `${l.text.slice(0, l.from + 1)}${lines.join('\n')}`;
};

/**
 * What the flow handler of one demultiplexed event does to the VINT's registers. A ring irq is
 * level (IRQF_TRIGGER_HIGH: ti_sci_inta_set_type installs handle_level_irq): mask_ack_irq writes
 * VINT_ENABLE_CLR and no STATUS (ti_sci_inta_ack_irq leaves it to the ring's down event), the
 * handler runs, cond_unmask_irq writes VINT_ENABLE_SET. A UDMA TR event is edge
 * (handle_edge_irq): the ack writes the bit to STATUS to clear it, then the handler runs.
 */
const flowLines = (l: Lines, t: FireTrace, e: DemuxedEvent): void => {
  const bit = `BIT(${e.bit})`;
  if (e.trigger === 'level') {
    under(l, `mask: ${bit} -> VINT_ENABLE_CLR @${hex(t.enableClearAddress!)}`);
    under(l, 'ack: no STATUS write (IRQF_TRIGGER_HIGH)');
    under(l, `handler; the ring's down event clears STATUS bit ${e.bit}`);
    under(l, `unmask: ${bit} -> VINT_ENABLE_SET @${hex(t.enableSetAddress!)}`);
  } else {
    under(l, `ack: ${bit} -> VINT_STATUS @${hex(t.statusAddress!)} (write 1 to clear)`);
    under(l, 'handler');
  }
};

/**
 * The hop-by-hop story of one raised event, wrapped to the width. Built by appending to one
 * string, line by line: a long run prints thousands of these, and an array of lines joined was a
 * copy of each more.
 */
export const renderFire = (style: Style, t: FireTrace): string => {
  const l: Lines = { text: '', width: style.width, widest: 0, from: 0 };
  fireLines(style, t, l);
  return l.widest <= l.width ? l.text : wrapTrace(l);
};

/** The trace's lines, unwrapped. */
const fireLines = (style: Style, t: FireTrace, l: Lines): void => {
  const times = t.times === 1 ? '' : ` x${t.times}`;
  const outcome = t.outcome === 'delivered' ? style.c.green(t.outcome) : style.c.yellow(t.outcome);
  let n = 1;
  l.text = `${style.c.bold(`fire-ring ${t.device} ${t.index}${times}`)}: ${outcome}`;
  step(l, n++, `${t.device} ${t.index} raises its event: hwirq ${hex(t.hwirq)} (sci dev ${t.hwirq >>> 16}, index ${t.hwirq & 0xffff})`);
  if (t.outcome === 'unmapped') return step(l, n, `${t.inta}: no event map for ${hex(t.hwirq)}: the event is dropped, and Linux never sees it`);
  step(l, n++, `${t.inta}: global event ${t.globalEvent} -> VINT ${t.vint} bit ${t.bit}`);
  step(l, n++, `VINT ${t.vint} STATUS @${hex(t.statusAddress!)}: ${hex64(t.statusBefore!)} -> ${hex64(t.status!)}`);
  step(l, n++, `ENABLE ${hex64(t.enable!)}, STATUS_MASKED @${hex(t.statusMaskedAddress!)} = ${hex64(t.statusMasked!)}`);
  if (t.outcome === 'masked') return step(l, n, `bit ${t.bit} is masked: it stays pending in STATUS until virq ${t.childVirq} is unmasked (unmask-irq ${t.childVirq}; or request_irq, if nobody has requested it)`);
  // Indexed loops, not for-of: for-of is a try-block (to close its iterator), which made every
  // call inlined in it costlier to compile.
  const hops = t.hops!;
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i];
    step(l, n++, `${h.router}: input ${h.input} -> output ${h.output}`);
  }
  step(l, n++, `GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi}) -> parent virq ${t.parentVirq}`);
  if (t.outcome === 'parent-masked') return step(l, n, `parent virq ${t.parentVirq} is masked: the line stays pending at the GIC`);
  const handled = t.handled!;
  let bits = '';
  for (let i = 0; i < handled.length; i++) bits += i === 0 ? `${handled[i].bit}` : `, ${handled[i].bit}`;
  step(l, n++, `CPU${t.cpu}: virq ${t.parentVirq}'s chained handler reads STATUS_MASKED: bit${handled.length === 1 ? '' : 's'} ${bits}`);
  let siblings = '';
  for (let i = 0; i < handled.length; i++) {
    const h = handled[i];
    const each = h.virq === t.childVirq && t.times > 1 ? ` x${t.times}` : '';
    const flow = h.trigger === 'level' ? 'handle_level_irq' : 'handle_edge_irq';
    step(l, n++, `bit ${h.bit} -> virq ${h.virq} (${h.device} ${h.index})${each}: ${flow}`);
    flowLines(l, t, h);
    if (h.virq !== t.childVirq) siblings += siblings === '' ? `${h.virq}` : `, ${h.virq}`;
  }
  step(l, n++, `chained_irq_exit: EOI of GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi})`);
  const also = siblings === '' ? '' : `, pending virq ${siblings} once`;
  step(l, n, `virq ${t.childVirq}: count now ${t.count} (${times === '' ? '+1' : `+${t.times}`} on CPU${t.cpu}${also}); chained parent virq ${t.parentVirq}: not counted`);
};
