import { hex64 } from '../core/bits64.js';
import type { DemuxedEvent, FireTrace } from '../core/types.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { wrap } from './wrap.js';

/** "\n  3. text", numbered steps of a trace, wrapped under their text. */
const step = (width: number, n: number, s: string): string => `\n${wrap(`  ${n}. ${s}`, width, 6)}`;
/** A line under a step, indented to its text. */
const under = (width: number, s: string): string => `\n${wrap(`       ${s}`, width, 9)}`;

/**
 * What the flow handler of one demultiplexed event does to the VINT's registers. A ring irq is
 * level (IRQF_TRIGGER_HIGH: ti_sci_inta_set_type installs handle_level_irq): mask_ack_irq writes
 * VINT_ENABLE_CLR and no STATUS (ti_sci_inta_ack_irq leaves it to the ring's down event), the
 * handler runs, cond_unmask_irq writes VINT_ENABLE_SET. A UDMA TR event is edge
 * (handle_edge_irq): the ack writes the bit to STATUS to clear it, then the handler runs.
 */
const flowLines = (width: number, t: FireTrace, e: DemuxedEvent): string => {
  const bit = `BIT(${e.bit})`;
  if (e.trigger === 'level') {
    return (
      under(width, `mask: ${bit} -> VINT_ENABLE_CLR @${hex(t.enableClearAddress!)}`) +
      under(width, 'ack: no STATUS write (IRQF_TRIGGER_HIGH)') +
      under(width, `handler; the ring's down event clears STATUS bit ${e.bit}`) +
      under(width, `unmask: ${bit} -> VINT_ENABLE_SET @${hex(t.enableSetAddress!)}`)
    );
  }
  return under(width, `ack: ${bit} -> VINT_STATUS @${hex(t.statusAddress!)} (write 1 to clear)`) + under(width, 'handler');
};

/**
 * The hop-by-hop story of one raised event. Built by appending to one string, line by line: a
 * long run prints thousands of these, and an array of lines joined was a copy of each more.
 */
export const renderFire = (style: Style, t: FireTrace): string => {
  const w = style.width;
  const times = t.times === 1 ? '' : ` x${t.times}`;
  const outcome = t.outcome === 'delivered' ? style.c.green(t.outcome) : style.c.yellow(t.outcome);
  let n = 1;
  let text = `${style.c.bold(`fire-ring ${t.device} ${t.index}${times}`)}: ${outcome}`;
  text += step(w, n++, `${t.device} ${t.index} raises its event: hwirq ${hex(t.hwirq)} (sci dev ${t.hwirq >>> 16}, index ${t.hwirq & 0xffff})`);
  if (t.outcome === 'unmapped') return text + step(w, n, `${t.inta}: no event map for ${hex(t.hwirq)}: dropped, counted in ERR`);
  text += step(w, n++, `${t.inta}: global event ${t.globalEvent} -> VINT ${t.vint} bit ${t.bit}`);
  text += step(w, n++, `VINT ${t.vint} STATUS @${hex(t.statusAddress!)}: ${hex64(t.statusBefore!)} -> ${hex64(t.status!)}`);
  text += step(w, n++, `ENABLE ${hex64(t.enable!)}, STATUS_MASKED @${hex(t.statusMaskedAddress!)} = ${hex64(t.statusMasked!)}`);
  if (t.outcome === 'masked') return text + step(w, n, `bit ${t.bit} is masked: it stays pending in STATUS until unmask-irq ${t.childVirq}`);
  // Indexed loops, not for-of: for-of is a try-block (to close its iterator), which made every
  // call inlined in it costlier to compile.
  const hops = t.hops!;
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i];
    text += step(w, n++, `${h.router}: input ${h.input} -> output ${h.output}`);
  }
  text += step(w, n++, `GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi}) -> parent virq ${t.parentVirq}`);
  if (t.outcome === 'parent-masked') return text + step(w, n, `parent virq ${t.parentVirq} is masked: the line stays pending at the GIC`);
  const handled = t.handled!;
  let bits = '';
  for (let i = 0; i < handled.length; i++) bits += i === 0 ? `${handled[i].bit}` : `, ${handled[i].bit}`;
  text += step(w, n++, `CPU${t.cpu}: virq ${t.parentVirq}'s chained handler reads STATUS_MASKED: bit${handled.length === 1 ? '' : 's'} ${bits}`);
  let siblings = '';
  for (let i = 0; i < handled.length; i++) {
    const h = handled[i];
    const each = h.virq === t.childVirq && t.times > 1 ? ` x${t.times}` : '';
    const flow = h.trigger === 'level' ? 'handle_level_irq' : 'handle_edge_irq';
    text += step(w, n++, `bit ${h.bit} -> virq ${h.virq} (${h.device} ${h.index})${each}: ${flow}`) + flowLines(w, t, h);
    if (h.virq !== t.childVirq) siblings += siblings === '' ? `${h.virq}` : `, ${h.virq}`;
  }
  text += step(w, n++, `chained_irq_exit: EOI of GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi})`);
  const also = siblings === '' ? '' : `, pending virq ${siblings} once`;
  return text + step(w, n, `virq ${t.childVirq}: count now ${t.count} (${times === '' ? '+1' : `+${t.times}`} on CPU${t.cpu}${also}); chained parent virq ${t.parentVirq}: not counted`);
};
