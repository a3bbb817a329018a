import { hex } from './domains/inta.js';
import { SPI_BASE } from './domains/domain.js';
import type { DirectClient } from './direct-client.js';
import { holderOf, type MsiRecord } from './msi.js';
import type { EventDesc } from './domains/inta.js';
import type { System } from './system.js';
import type { DomainNode, IrqView, Route } from './types.js';
import type { IrqDesc } from './irq-descs.js';
import { cpusOf } from './lists.js';
import { plural } from './words.js';

/** Read-only views of a System: routes, /proc/interrupts, the domain tree. Plain data out. */

export const routesOf = (sys: System, device?: string): Route[] => {
  // An MSI has a route only while its hardware is taken; one allocated at probe and not requested has none.
  const out: Route[] = [];
  for (const rec of sys.msi.all()) if (rec.event) out.push(msiRoute(sys, rec, rec.event));
  for (const client of sys.clients.values()) client.virqs.forEach((_, index) => out.push(clientRoute(sys, client, index)));
  const filtered =
    device === undefined
      ? out
      : out.filter((r) => r.device === device || r.owner === device || r.owner.startsWith(`${device}:`) || r.owner.startsWith(`${device} `));
  return filtered.sort((a, b) => a.virq - b.virq);
};

/** The route of one live virq (an MSI or a direct client's), without building the table. */
export const routeOfVirq = (sys: System, virq: number): Route | undefined => {
  const rec = sys.msi.byVirqNumber(virq);
  if (rec) return rec.event ? msiRoute(sys, rec, rec.event) : undefined;
  const desc = sys.descs.get(virq);
  const client = desc?.kind === 'direct' ? sys.clients.get(desc.owner) : undefined;
  return client ? clientRoute(sys, client, client.virqs.indexOf(virq)) : undefined;
};

const msiRoute = (sys: System, rec: MsiRecord, event: EventDesc): Route => {
  const v = event.vint;
  return {
    virq: rec.virq,
    device: rec.device.id,
    index: rec.index,
    hwirq: event.hwirq,
    globalEvent: event.globalEvent,
    vint: v.vint,
    vintBit: event.bit,
    intrInput: v.path.hops[0]?.input ?? null,
    intrOutput: v.path.hops[0]?.output ?? null,
    gicSpi: v.path.gicHwirq - SPI_BASE,
    parentVirq: v.parentVirq,
    count: sys.descs.total(rec.virq),
    owner: holderOf(rec),
    inta: rec.device.inta.id,
    hops: v.path.hops,
    gicHwirq: v.path.gicHwirq,
  };
};

const clientRoute = (sys: System, client: DirectClient, index: number): Route => {
  const virq = client.virqs[index];
  const input = client.inputs[index];
  const path = client.intr.path(input)!;
  return {
    virq,
    device: client.id,
    index,
    hwirq: input,
    globalEvent: null,
    vint: null,
    vintBit: null,
    intrInput: input,
    intrOutput: path.hops[0].output,
    gicSpi: path.gicHwirq - SPI_BASE,
    parentVirq: null,
    count: sys.descs.total(virq),
    owner: client.id,
    inta: null,
    hops: path.hops,
    gicHwirq: path.gicHwirq,
  };
};

/**
 * /proc/interrupts: show_interrupts skips an irq with no action (an MSI allocated at probe and
 * never requested) or a chained one (a VINT's parent: its count is never incremented) unless it
 * has counted something.
 */
export const interruptsOf = (sys: System): IrqView[] => {
  const shown = sys.descs.all().filter((d) => (d.requested && d.kind !== 'vint-parent') || sys.descs.total(d.virq) > 0);
  return shown.map((d: IrqDesc) => {
    const parent = d.parentVirq === undefined ? undefined : sys.descs.get(d.parentVirq);
    return {
      virq: d.virq,
      kind: d.kind,
      chip: d.chip,
      hwirq: d.hwirq,
      name: d.name,
      owner: d.owner,
      counts: [...d.counts],
      total: sys.descs.total(d.virq),
      cpus: cpusOf(parent ? parent.affinity : d.affinity),
      effectiveCpu: d.kind === 'msi' ? null : sys.descs.effectiveCpu(d),
      masked: d.masked,
      parentVirq: d.parentVirq ?? null,
      trigger: d.trigger ?? (d.kind === 'msi' ? null : 'level'),
    };
  });
};

/** A domain whose lines are all it has allocated: one line a resource, no requests to count. */
const counted = (allocated: string[]) => ({ allocated, count: allocated.length, requested: null });

export const domainTree = (sys: System): DomainNode => {
  const byParent = (parentId: string): DomainNode[] => [
    ...[...sys.intrs.values()]
      .filter((r) => r.parent.id === parentId)
      .map((r) => ({
        id: r.id,
        kind: 'intr' as const,
        name: `INTR, sci id ${r.sciId}`,
        ...counted(r.routedInputs().map((x) => `input ${x.input} -> output ${x.output}`)),
        children: byParent(r.id),
      })),
    ...[...sys.intas.values()]
      .filter((a) => a.parent.id === parentId)
      .map((a) => ({
        id: a.id,
        kind: 'inta' as const,
        name: `INTA, sci id ${a.sciId}, policy ${a.policy}`,
        ...counted(
          a.vints.map((v) => {
            const n = v.events.filter((e) => e !== undefined).length;
            return `VINT ${v.vint}: ${plural(n, 'event')} -> input ${v.intrInput}, parent virq ${v.parentVirq}`;
          }),
        ),
        children: [...sys.msiDevices.values()]
          .filter((d) => d.inta === a)
          .map((d) => {
            // Every MSI counts, with hardware or not (merged: a virq at probe, an event at request_irq).
            const msis = sys.msi.all().filter((r) => r.device === d);
            return {
              id: d.id,
              kind: 'msi-device' as const,
              name: `${d.name}, sci id ${d.sciId}`,
              allocated: msis.filter((r) => r.event !== undefined).map((r) => `index ${r.index} (hwirq ${hex(r.hwirq)}) -> virq ${r.virq}, ${holderOf(r)}`),
              count: msis.length,
              requested: msis.filter((r) => r.requestedBy !== undefined).length,
              children: [],
            };
          }),
      })),
    ...[...sys.clients.values()]
      .filter((c) => c.intr.id === parentId)
      .map((c) => ({
        id: c.id,
        kind: 'client' as const,
        name: c.name,
        ...counted(c.virqs.map((virq, i) => `input ${c.inputs[i]} -> virq ${virq}`)),
        children: [],
      })),
  ];
  return {
    id: sys.gic.id,
    kind: 'gic',
    name: sys.gic.name,
    ...counted(sys.gic.pool.usedNumbers().map((h) => `hwirq ${h} (SPI ${h - SPI_BASE})`)),
    children: byParent(sys.gic.id),
  };
};

