import type { IrqView } from '../core/types.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { tableOrRecords, type Column } from './table.js';
import { cpuList } from './wrap.js';


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
    { head: 'CHIP', drop: 2 },
    { head: 'HWIRQ', align: 'right', drop: 1 },
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
