import type { IrqView } from '../core/types.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { tableOrRecords, type Column } from './table.js';

const cpuList = (cpus: number[]): string => {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; i++) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(i === j ? `${cpus[i]}` : `${cpus[i]}-${cpus[j]}`);
    i = j;
  }
  return parts.join(',');
};

const describe = (irq: IrqView): string => {
  if (irq.kind === 'msi') return `${irq.name} [${irq.owner}]`;
  if (irq.kind === 'vint-parent') return `${irq.name} (chained)`;
  return irq.name;
};

/** /proc/interrupts: one row per virq, a count column per CPU, then chip, hwirq and name. */
export const renderInterrupts = (style: Style, cpus: number, irqs: IrqView[], unmapped: number): string => {
  const columns: Column[] = [
    { head: 'IRQ', align: 'right' },
    ...Array.from({ length: cpus }, (_, i) => ({ head: `CPU${i}`, align: 'right' as const })),
    { head: 'AFF' },
    { head: 'CHIP', optional: true },
    { head: 'HWIRQ', align: 'right', optional: true },
    { head: 'NAME' },
  ];
  const rows = irqs.map((irq) => [
    `${irq.virq}:`,
    ...irq.counts.map((n) => `${n}`),
    cpuList(irq.cpus),
    irq.chip,
    hex(irq.hwirq),
    `${describe(irq)}${irq.masked ? style.c.yellow(' MASKED') : ''}`,
  ]);
  rows.push(['ERR:', `${unmapped}`, ...Array.from({ length: cpus - 1 }, () => ''), '', '', '', 'events raised with no event map']);
  return tableOrRecords(style, columns, rows);
};
