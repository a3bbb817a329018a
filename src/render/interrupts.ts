import type { IrqView } from '../core/types.js';
import { chipName } from '../core/irq-detail.js';
import type { Style } from './style.js';
import { tableOrRecords, type Column } from './table.js';
import { cpuList, wrap } from './wrap.js';
import { plural } from '../core/words.js';

const describe = (irq: IrqView): string => {
  if (irq.kind === 'msi') return `${irq.name} [${irq.owner}]`;
  if (irq.kind === 'vint-parent') return `${irq.name} (chained)`;
  return irq.name;
};

/** show_interrupts prints irqd_is_level_type() as "Level", anything else as "Edge". */
const triggerWord = (irq: IrqView): string => (irq.trigger === null ? '-' : irq.trigger === 'level' ? 'Level' : 'Edge');

/**
 * /proc/interrupts: one row per virq, a count column per CPU, then, as show_interrupts prints
 * them, the chip name, the hwirq, the trigger and the name. At 80 columns the hwirq goes first
 * (the name says the device and index), then the affinity (which `irq <virq>` shows), then the chip.
 */
export const renderInterrupts = (style: Style, cpus: number, irqs: IrqView[], unmapped: number): string => {
  const columns: Column[] = [
    { head: 'IRQ', align: 'right' },
    // One blank apart when that keeps a column (a TR event's name beside its owner's is long).
    ...Array.from({ length: cpus }, (_, i) => ({ head: `CPU${i}`, align: 'right' as const, tight: true })),
    { head: 'AFF', drop: 2 },
    { head: 'CHIP', drop: 3 },
    { head: 'HWIRQ', align: 'right', drop: 1 },
    { head: 'TYPE' },
    { head: 'NAME' },
  ];
  const rows = irqs.map((irq) => [
    `${irq.virq}:`,
    ...irq.counts.map((n) => `${n}`),
    cpuList(irq.cpus),
    chipName(irq.kind),
    // show_interrupts prints the hwirq in decimal (" %*lu"); irq and routes give it in hex.
    `${irq.hwirq}`,
    triggerWord(irq),
    `${describe(irq)}${irq.masked ? style.c.yellow(' MASKED') : ''}`,
  ]);
  const table = tableOrRecords(style, columns, rows);
  // Not a line of /proc/interrupts: its Err counts spurious irqs that reach a CPU (irq_err_count),
  // and an event with no event map never leaves the INTA.
  if (unmapped === 0) return table;
  const what = `${plural(unmapped, 'event')} raised with no event map, dropped by the INTA: Linux never sees ${unmapped === 1 ? 'it' : 'them'}`;
  return `${table}\n${style.c.dim(wrap(what, style.width))}`;
};
