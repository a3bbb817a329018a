import type { IrqDetail, IrqLevel } from '../core/irq-detail.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { cpuList, wrap } from './wrap.js';

/** Why the flow handler treats it so (ti_sci_inta_set_type; the INTR's ti,intr-trigger-type). */
const triggerText = (d: IrqDetail): string => {
  if (d.trigger === null) return 'none yet (set by request_irq)';
  if (d.kind !== 'msi') {
    const type = d.trigger === 'edge' ? 'edge rising' : 'level high';
    return d.intrTriggerType === null ? type : `${type} (ti,intr-trigger-type = ${d.intrTriggerType})`;
  }
  return d.trigger === 'level' ? 'level high (IRQF_TRIGGER_HIGH)' : 'none set (requested with flags 0): edge, by the handle_edge_irq the INTA gave it';
};

const actionText = (d: IrqDetail): string => {
  if (d.isChained) return 'none: chained handler';
  if (d.kind === 'msi' && !d.state.includes('requested')) return `none (allocated by ${d.owner})`;
  return d.owner;
};

/**
 * One irq as kernel/irq/debugfs.c prints irqs/<n> (handler, device, state, affinity, effectiv,
 * then domain / hwirq / chip per level with each parent indented four more), plus what the
 * debugfs file leaves to other places: the action, the counts, and the chained parent an INTA
 * event goes through.
 */
export const renderIrq = (style: Style, d: IrqDetail): string => {
  const out: string[] = [];
  const put = (line: string, indent: number) => out.push(wrap(line, style.width, indent));
  const field = (name: string, value: string) => put(`${`${name}:`.padEnd(10)}${value}`, 10);
  const requested = d.kind !== 'msi' || d.state.includes('requested');
  const name = d.isChained ? `${d.name} (chained)` : d.kind === 'direct' ? d.name : requested ? `${d.name} [${d.owner}]` : `${d.name} (not requested)`;
  out.push(wrap(`${style.c.bold(`irq ${d.virq}`)}: ${name}`, style.width));
  field('handler', d.handler);
  field('device', d.device);
  field('action', actionText(d));
  field('state', d.state.join(', '));
  field('trigger', triggerText(d));
  field('affinity', cpuList(d.affinity));
  field('effectiv', d.effective !== null ? `${d.effective}` : d.chained ? `(empty: the INTA sets none; runs on CPU${d.runsOn} with parent virq ${d.chained.virq})` : '(empty)');
  field('counts', `${d.counts.map((n, cpu) => `CPU${cpu} ${n}`).join(', ')} (total ${d.total})`);
  const level = (l: IrqLevel, ind: number) => {
    const pad = ' '.repeat(ind);
    put(`${pad}domain:  ${l.domain}`, ind + 10);
    put(`${pad} hwirq:   ${hex(l.hwirq)} (${l.meaning})`, ind + 11);
    put(`${pad} chip:    ${l.chip}`, ind + 11);
  };
  const chain = (levels: IrqLevel[], ind: number) =>
    levels.forEach((l, i) => {
      if (i > 0) put(`${' '.repeat(ind + 4 * i - 3)}parent:`, 0);
      level(l, ind + 4 * i);
    });
  chain(d.levels, 0);
  if (d.chained) {
    const ind = 4 * d.levels.length - 3;
    put(`${' '.repeat(ind)}chained: VINT ${d.chained.vint}'s parent virq ${d.chained.virq} (ti_sci_inta_irq_handler)`, ind + 9);
    chain(d.chained.levels, ind + 3);
  }
  if (d.kind === 'vint-parent') {
    const kids = d.children.map((c) => `bit ${c.bit} -> virq ${c.virq}`).join(', ');
    field('demuxes', kids === '' ? 'nothing' : kids);
  }
  if (d.channel) {
    const c = d.channel;
    const tr = c.eventVirq === null ? '' : `, TR event irq ${c.eventVirq}`;
    field('channel', `${c.name} (${c.mode === 'tr' ? 'TR' : 'packet'} mode): completion ring irq ${c.ringVirq}${tr}`);
  }
  return out.join('\n');
};
