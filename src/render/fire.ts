import { hex64 } from '../core/bits64.js';
import type { DemuxedEvent, FireTrace } from '../core/types.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { wrap } from './wrap.js';

/**
 * What the flow handler of one demultiplexed event does to the VINT's registers. A ring irq is
 * level (IRQF_TRIGGER_HIGH: ti_sci_inta_set_type installs handle_level_irq): mask_ack_irq writes
 * VINT_ENABLE_CLR and no STATUS (ti_sci_inta_ack_irq leaves it to the ring's down event), the
 * handler runs, cond_unmask_irq writes VINT_ENABLE_SET. A UDMA TR event is edge
 * (handle_edge_irq): the ack writes the bit to STATUS to clear it, then the handler runs.
 */
const flowLines = (t: FireTrace, e: DemuxedEvent): string[] => {
  const bit = `BIT(${e.bit})`;
  if (e.trigger === 'level') {
    return [
      `mask: ${bit} -> VINT_ENABLE_CLR @${hex(t.enableClearAddress!)}`,
      'ack: no STATUS write (IRQF_TRIGGER_HIGH)',
      `handler; the ring's down event clears STATUS bit ${e.bit}`,
      `unmask: ${bit} -> VINT_ENABLE_SET @${hex(t.enableSetAddress!)}`,
    ];
  }
  return [`ack: ${bit} -> VINT_STATUS @${hex(t.statusAddress!)} (write 1 to clear)`, 'handler'];
};

/** The hop-by-hop story of one raised event. */
export const renderFire = (style: Style, t: FireTrace): string => {
  const times = t.times === 1 ? '' : ` x${t.times}`;
  const outcome = t.outcome === 'delivered' ? style.c.green(t.outcome) : style.c.yellow(t.outcome);
  const lines = [`${style.c.bold(`fire-ring ${t.device} ${t.index}${times}`)}: ${outcome}`];
  let step = 0;
  const say = (s: string) => lines.push(wrap(`  ${++step}. ${s}`, style.width, 6));
  const then = (s: string) => lines.push(wrap(`       ${s}`, style.width, 9));
  say(`${t.device} ${t.index} raises its event: hwirq ${hex(t.hwirq)} (sci dev ${t.hwirq >>> 16}, index ${t.hwirq & 0xffff})`);
  if (t.outcome === 'unmapped') {
    say(`${t.inta}: no event map for ${hex(t.hwirq)}: dropped, counted in ERR`);
    return lines.join('\n');
  }
  say(`${t.inta}: global event ${t.globalEvent} -> VINT ${t.vint} bit ${t.bit}`);
  say(`VINT ${t.vint} STATUS @${hex(t.statusAddress!)}: ${hex64(t.statusBefore!)} -> ${hex64(t.status!)}`);
  say(`ENABLE ${hex64(t.enable!)}, STATUS_MASKED @${hex(t.statusMaskedAddress!)} = ${hex64(t.statusMasked!)}`);
  if (t.outcome === 'masked') {
    say(`bit ${t.bit} is masked: it stays pending in STATUS until unmask-irq ${t.childVirq}`);
    return lines.join('\n');
  }
  for (const hop of t.hops!) say(`${hop.router}: input ${hop.input} -> output ${hop.output}`);
  say(`GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi}) -> parent virq ${t.parentVirq}`);
  if (t.outcome === 'parent-masked') {
    say(`parent virq ${t.parentVirq} is masked: the line stays pending at the GIC`);
    return lines.join('\n');
  }
  const bits = t.handled!.map((h) => h.bit);
  say(`CPU${t.cpu}: virq ${t.parentVirq}'s chained handler reads STATUS_MASKED: bit${bits.length === 1 ? '' : 's'} ${bits.join(', ')}`);
  for (const h of t.handled!) {
    const each = h.virq === t.childVirq && t.times > 1 ? ` x${t.times}` : '';
    const flow = h.trigger === 'level' ? 'handle_level_irq' : 'handle_edge_irq';
    say(`bit ${h.bit} -> virq ${h.virq} (${h.device} ${h.index})${each}: ${flow}`);
    for (const l of flowLines(t, h)) then(l);
  }
  say(`chained_irq_exit: EOI of GIC hwirq ${t.gicHwirq} (SPI ${t.gicSpi})`);
  const siblings = t.handled!.filter((h) => h.virq !== t.childVirq).map((h) => h.virq);
  const also = siblings.length === 0 ? '' : `, pending virq ${siblings.join(', ')} once`;
  say(`virq ${t.childVirq}: count now ${t.count} (${times === '' ? '+1' : `+${t.times}`} on CPU${t.cpu}${also}); chained parent virq ${t.parentVirq}: not counted`);
  return lines.join('\n');
};
