import { testBit64 } from './bits64.js';
import type { RouterHop } from './domains/domain.js';
import { SPI_BASE } from './domains/domain.js';
import type { IrqDesc, IrqKind } from './irq-descs.js';
import { cpusOf } from './lists.js';
import type { MsiRecord } from './msi.js';
import type { System } from './system.js';

/**
 * One virq in detail, as GENERIC_IRQ_DEBUGFS shows /sys/kernel/debug/irq/irqs/<n>
 * (kernel/irq/debugfs.c irq_debug_show): flow handler, device, state, affinity, then the
 * irq_data of each domain level with its hwirq and chip. Plain data; src/render prints it.
 */

/** The irq_chip names the drivers register (irq-ti-sci-inta.c, irq-ti-sci-intr.c, irq-gic-v3.c). */
export const CHIPS = { msi: 'MSI-INTA', inta: 'INTA', intr: 'INTR', gic: 'GICv3' } as const;

/** The chip /proc/interrupts names for a virq of this kind: the top level of its hierarchy. */
export const chipName = (kind: IrqKind): string => (kind === 'msi' ? CHIPS.msi : CHIPS.intr);

/** One irq_data of a hierarchy: a domain, the hwirq there, the chip, and what the hwirq stands for. */
export interface IrqLevel {
  domain: string;
  hwirq: number;
  chip: string;
  /** "ringacc 304: sci dev 187 << 16 | 304", "global event 16 -> VINT 16 bit 0", "input 16 -> output 17", "SPI 49" */
  meaning: string;
}

export interface IrqDetail {
  virq: number;
  kind: IrqKind;
  name: string;
  /** desc->dev_name: the device the irq belongs to. */
  device: string;
  /** The action's name (who requested it), or who allocated it when nobody did. */
  owner: string;
  /** desc->handle_irq */
  handler: string;
  trigger: 'level' | 'edge' | null;
  /** Its flow handler was chained on it (a VINT's parent, a GPIO bank line): no action, never counted. */
  isChained: boolean;
  /** Where an INTR client's trigger comes from: the router's DT ti,intr-trigger-type; null for an MSI. */
  intrTriggerType: number | null;
  /** "allocated", "requested", "masked", ... in that order. */
  state: string[];
  affinity: number[];
  /**
   * The effective affinity debugfs prints: none for an MSI, since nothing in the INTA's domain
   * sets one (ti_sci_inta_set_affinity is -EINVAL); its events run where `runsOn` says.
   */
  effective: number | null;
  /** The CPU its handler runs on: an INTA event's is its chained parent's. */
  runsOn: number;
  counts: number[];
  total: number;
  /** This virq's hierarchy, top (MSI or INTR) first. */
  levels: IrqLevel[];
  /**
   * An INTA event's hierarchy ends at the INTA (irq_domain_add_linear, no parent): the rest of
   * the way is another virq, the VINT's parent, whose chained handler demultiplexes this one.
   */
  chained: { virq: number; vint: number; levels: IrqLevel[] } | null;
  /** A VINT's parent: the child virqs its chained handler demultiplexes, by bit. */
  children: Array<{ bit: number; virq: number }>;
  /** The DMA channel this irq belongs to, with its other irq if it has one. */
  channel: { name: string; mode: 'pkt' | 'tr'; ringVirq: number; eventVirq: number | null } | null;
}

/** The INTR and GIC levels of a route: one level per router hop, then the GIC line. */
const routerLevels = (sys: System, hops: RouterHop[], gicHwirq: number): IrqLevel[] => [
  ...hops.map((h) => ({ domain: h.router, hwirq: h.input, chip: CHIPS.intr, meaning: `input ${h.input} -> output ${h.output}` })),
  { domain: sys.gic.id, hwirq: gicHwirq, chip: CHIPS.gic, meaning: `SPI ${gicHwirq - SPI_BASE}` },
];

/** An MSI's two levels: the MSI domain and the INTA domain below it, both named after the INTA. */
const msiLevels = (rec: MsiRecord): IrqLevel[] => {
  const inta = rec.device.inta.id;
  const source = `${rec.device.id} ${rec.index}: sci dev ${rec.hwirq >>> 16} << 16 | ${rec.index}`;
  const ev = rec.event;
  const event = ev ? `global event ${ev.globalEvent} -> VINT ${ev.vint.vint} bit ${ev.bit}` : 'no event until request_irq';
  return [
    { domain: inta, hwirq: rec.hwirq, chip: CHIPS.msi, meaning: source },
    { domain: inta, hwirq: rec.hwirq, chip: CHIPS.inta, meaning: event },
  ];
};

/** A VINT's parent (ti_sci_inta_irq_handler), or a line whose driver chained its own handler. */
const isChained = (desc: IrqDesc): boolean => desc.kind === 'vint-parent' || desc.chained !== undefined;

const handlerOf = (desc: IrqDesc): string => {
  if (desc.kind === 'vint-parent') return 'ti_sci_inta_irq_handler';
  if (desc.chained !== undefined) return desc.chained;
  // A line straight from an INTR gets the GIC's flow handler (gic_irq_domain_map).
  if (desc.kind === 'direct') return 'handle_fasteoi_irq';
  // ti_sci_inta_irq_domain_alloc sets handle_edge_irq; IRQF_TRIGGER_HIGH switches it (ti_sci_inta_set_type).
  return desc.trigger === 'level' ? 'handle_level_irq' : 'handle_edge_irq';
};

const stateOf = (sys: System, desc: IrqDesc, rec: MsiRecord | undefined): string[] => {
  const state = ['allocated'];
  if (isChained(desc)) state.push('chained (IRQ_NOREQUEST: no /proc/irq entry, never counted)');
  else if (rec && !desc.requested) state.push(rec.event ? 'not requested; hardware taken with the MSI' : 'not requested: no hardware');
  else state.push('requested');
  if (desc.masked) state.push(rec?.event ? `masked (VINT ${rec.event.vint.vint} ENABLE bit ${rec.event.bit} clear)` : 'masked');
  if (rec?.event && testBit64(rec.event.vint.status, rec.event.bit)) state.push(`pending in VINT ${rec.event.vint.vint} STATUS`);
  return state;
};

/** The detail of one allocated virq; undefined when `virq` is not allocated. */
export const irqDetailOf = (sys: System, virq: number): IrqDetail | undefined => {
  const desc = sys.descs.get(virq);
  if (!desc) return undefined;
  const rec = desc.kind === 'msi' ? sys.msi.byVirqNumber(virq) : undefined;
  const parent = desc.parentVirq === undefined ? undefined : sys.descs.get(desc.parentVirq);
  let levels: IrqLevel[] = [];
  let chained: IrqDetail['chained'] = null;
  let children: IrqDetail['children'] = [];
  let device = desc.owner;
  let intrTriggerType: number | null = null;
  if (rec) {
    device = rec.device.id;
    levels = msiLevels(rec);
    const v = rec.event?.vint;
    if (v) chained = { virq: v.parentVirq, vint: v.vint, levels: routerLevels(sys, v.path.hops, v.path.gicHwirq) };
  } else if (desc.kind === 'vint-parent') {
    const found = [...sys.intas.values()].flatMap((a) => a.vints.filter((x) => x.parentVirq === virq).map((v) => ({ a, v })))[0];
    if (found) {
      device = found.a.id;
      intrTriggerType = found.a.parent.triggerType ?? null;
      levels = routerLevels(sys, found.v.path.hops, found.v.path.gicHwirq);
      children = found.v.events.flatMap((e) => (e ? [{ bit: e.bit, virq: e.virq }] : []));
    }
  } else {
    const client = sys.clients.get(desc.owner);
    const path = client?.intr.path(desc.hwirq);
    intrTriggerType = client?.intr.triggerType ?? null;
    if (path) levels = routerLevels(sys, path.hops, path.gicHwirq);
  }
  const ch = sys.channels().find((c) => c.msi.virq === virq || c.event?.virq === virq);
  return {
    virq,
    kind: desc.kind,
    name: desc.name,
    device,
    owner: desc.owner,
    handler: handlerOf(desc),
    isChained: isChained(desc),
    trigger: desc.trigger ?? (desc.kind === 'msi' ? null : 'level'),
    intrTriggerType,
    state: stateOf(sys, desc, rec),
    affinity: cpusOf(parent ? parent.affinity : desc.affinity),
    effective: desc.kind === 'msi' ? null : sys.descs.effectiveCpu(desc),
    runsOn: sys.descs.effectiveCpu(desc),
    counts: [...desc.counts],
    total: sys.descs.total(virq),
    levels,
    chained,
    children,
    channel: ch ? { name: ch.name, mode: ch.mode, ringVirq: ch.msi.virq, eventVirq: ch.event?.virq ?? null } : null,
  };
};
