import { hex64 } from '../core/bits64.js';
import type { FireTrace } from '../core/types.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { wrap } from './wrap.js';

/** The hop-by-hop story of one raised ring event. */
export const renderFire = (style: Style, t: FireTrace): string => {
  const times = t.times === 1 ? '' : ` x${t.times}`;
  const outcome = t.outcome === 'delivered' ? style.c.green(t.outcome) : style.c.yellow(t.outcome);
  const lines = [`${style.c.bold(`fire-ring ${t.device} ${t.index}${times}`)}: ${outcome}`];
  let step = 0;
  const say = (s: string) => lines.push(wrap(`  ${++step}. ${s}`, style.width, 6));
  say(`${t.device} ring ${t.index} raises its event: hwirq ${hex(t.hwirq)} (sci dev ${t.hwirq >>> 16}, index ${t.hwirq & 0xffff})`);
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
  say(`CPU${t.cpu} runs the chained handler of virq ${t.parentVirq}: STATUS_MASKED bits ${t.handled!.map((h) => h.bit).join(', ')}`);
  for (const h of t.handled!) say(`bit ${h.bit} -> child virq ${h.virq} (${h.device} ${h.index}), acked in STATUS`);
  say(`virq ${t.childVirq} handled${times}; count now ${t.count}`);
  return lines.join('\n');
};
