import { designOf } from '../../core/designs.js';
import { CoreError, quote } from '../../core/errors.js';
import { channelName } from '../../core/dma.js';
import type { MsiRecord } from '../../core/msi.js';
import type { System } from '../../core/system.js';
import { nearest, oneOf, parseChannel, parseUint } from '../args.js';
import { DOMAIN_FORMATS, type DomainFormat, type Output } from '../result.js';
import { schemaRef, stdoutFolder, topologyFile } from '../../topology/export.js';
import type { CommandSpec } from '../spec.js';

/** The devices `routes` may be filtered by: source devices and DMA controllers. */
export const routeDevices = (sys: System): string[] => [...new Set([...sys.msiDevices.keys(), ...sys.clients.keys(), ...sys.dmas.keys()])];

/** What would request an MSI that is allocated but not requested: its channel, and alloc-irq. */
const requesterOf = (sys: System, rec: MsiRecord): string => {
  const alloc = `alloc-irq ${rec.device.id} ${rec.index}`;
  if (rec.device.indexPool) return `a channel completing on ring ${rec.index}, or ${alloc}, requests it`;
  const dma = [...sys.dmas.values()].find((d) => d.events === rec.device);
  if (!dma) return `${alloc} requests it`;
  const { dir, n } = dma.eventChannel(rec.index);
  const first = dma.spec[dir].firstNormal;
  // __udma_reserve_tchan/rchan search from the normal-capacity start: the channels below it are never handed out.
  if (n < first) return `it is ${channelName(dma.id, dir, n)}'s TR event, but request-channel takes ${dir}${first} up (normal capacity), so only ${alloc} requests it`;
  return `${channelName(dma.id, dir, n)} in TR mode, or ${alloc}, requests it`;
};

/** Why an allocated virq has no route, in the words `irq <virq>` uses for its state. */
const noRoute = (sys: System, virq: number): string => {
  const desc = sys.descs.get(virq)!;
  const rec = sys.msi.byVirqNumber(virq);
  if (rec && !rec.event) {
    return `virq ${virq} (${rec.device.id} ${rec.index}) has no route: allocated by ${rec.allocatedBy}, not requested: no hardware until request_irq; ${requesterOf(sys, rec)}`;
  }
  const vint = desc.kind === 'vint-parent' ? [...sys.intas.values()].flatMap((a) => a.vints.filter((v) => v.parentVirq === virq).map((v) => `${a.id} VINT ${v.vint}`))[0] : undefined;
  if (vint) return `virq ${virq} has no route: it is the chained parent of ${vint}, which holds no events`;
  return `virq ${virq} has no route`;
};

/**
 * `routes <virq>`: that virq's route, or for a VINT's parent virq the routes of its events. A virq
 * that is allocated but has none (an MSI not requested, a parent whose VINT holds no events) is
 * an empty answer with the reason, as `routes <device>` with none is; only one not allocated is
 * ENOENT.
 */
const routesOfVirq = (sys: System, word: string): Output => {
  const virq = parseUint(word, 'virq');
  const filter = `virq ${word}`;
  const found = sys.routes().filter((r) => r.virq === virq || r.parentVirq === virq);
  if (found.length > 0) return { kind: 'routes', routes: found, filter };
  if (sys.descs.get(virq) === undefined) throw new CoreError('ENOENT', `virq ${virq} has no route: not allocated`);
  return { kind: 'routes', routes: found, filter, reason: noRoute(sys, virq) };
};

/**
 * `routes <dma>:<tx|rx><n>`: the routes of a requested channel's ring MSI and, in TR mode, its
 * UDMA event. A channel of the host's share that is not requested is an empty answer with the
 * reason, as a virq allocated without a route is: a view answers for what exists. Only one
 * that is not the host's (or of no DMA controller) is an error.
 */
const routesOfChannel = (sys: System, word: string): Output => {
  const { dma, dir, n } = parseChannel(word);
  const filter = channelName(dma, dir, n);
  const channel = sys.channels().find((c) => c.dma === dma && c.dir === dir && c.n === n);
  if (channel) return { kind: 'routes', routes: [channel.msi, ...(channel.event ? [channel.event] : [])].map((r) => sys.routeOf(r.virq)!), filter };
  const controller = sys.dma(dma);
  controller.checkChannel(dir, n);
  // A driver that is not bound hands out no channel at all (dma_request_chan: -EPROBE_DEFER).
  if (!controller.bound) return { kind: 'routes', routes: [], filter, reason: `channel ${filter} has no route: not requested, and request-channel cannot take it (EPROBE_DEFER): ${controller.notBound().message}` };
  const first = controller.spec[dir].firstNormal;
  // __udma_reserve_tchan/rchan search from the normal-capacity start: the channels below it are never handed out.
  const why =
    n < first
      ? `request-channel takes ${dir}${first} up (normal capacity), so it never takes ${dir}${n}`
      : `no ring and no irq until request-channel ${dma} ${dir} takes it (the lowest free from ${dir}${first} up)`;
  return { kind: 'routes', routes: [], filter, reason: `channel ${filter} has no route: not requested; ${why}` };
};

export const routes: CommandSpec = {
  name: 'routes',
  summary: 'route table: virq, source, hwirq, global event, VINT and bit, INTR in/out, GIC SPI, parent virq, count',
  usage: 'routes [device | virq | channel | alloc-irq]',
  example: 'request-channel main_udmap tx\nalloc-irq ringacc any\nroutes ringacc',
  details:
    'The filter names a source device (ringacc, cpts) or a DMA controller; a virq (a VINT parent ' +
    'shows its events; one allocated without a route says why); a channel (main_udmap:tx8; one not requested says why); or alloc-irq, for the MSIs taken with alloc-irq.',
  args: [{ name: 'filter', kind: 'device', optional: true }],
  view: true,
  run({ session }, [filter]) {
    const sys = session.system;
    if (filter === undefined || filter === 'alloc-irq') return { kind: 'routes', routes: sys.routes(filter), filter };
    if (/^(\d+|0x[0-9a-f]+)$/i.test(filter)) return routesOfVirq(sys, filter);
    if (/^[^:]+:(tx|rx)/i.test(filter)) return routesOfChannel(sys, filter);
    const devices = routeDevices(sys);
    if (!devices.includes(filter)) {
      const near = nearest(filter, devices);
      const hint = near ? `did you mean ${near}? ` : '';
      throw new CoreError('ENOENT', `unknown device ${quote(filter)} (${hint}devices: ${devices.join(', ')}; or a virq, a channel, alloc-irq)`);
    }
    return { kind: 'routes', routes: sys.routes(filter), filter };
  },
};

export const pools: CommandSpec = {
  name: 'pools',
  summary: 'every pool: total, used, free, peak and a usage bar; exhausted pools stand out',
  usage: 'pools',
  example: 'pools',
  args: [],
  view: true,
  run({ session }) {
    return { kind: 'pools', pools: session.system.poolStats() };
  },
};

export const interrupts: CommandSpec = {
  name: 'interrupts',
  summary: 'per-virq, per-CPU counts, chip, trigger and name in the style of /proc/interrupts',
  usage: 'interrupts',
  example: 'interrupts',
  args: [],
  view: true,
  run({ session }) {
    const sys = session.system;
    return { kind: 'interrupts', cpus: sys.topology.cpus, irqs: sys.interrupts(), unmapped: sys.unmapped };
  },
};

/** `--format dot`, `--format=dot` or nothing (text). */
const parseFormat = (words: string[]): DomainFormat => {
  if (words.length === 0) return 'text';
  const [flag, value] = words[0].startsWith('--format=') ? ['--format', words[0].slice(9), ...words.slice(1)] : words;
  if (flag !== '--format') throw new CoreError('EUSAGE', `expected --format, got ${quote(flag)}; usage: ${domains.usage}`);
  if (value === undefined) throw new CoreError('EUSAGE', `missing <format> after --format; usage: ${domains.usage}`);
  return oneOf(value, 'format', DOMAIN_FORMATS);
};

export const domains: CommandSpec = {
  name: 'domains',
  summary: 'the irq domain hierarchy as a tree, with what each domain has allocated; or as a dot / Mermaid graph',
  usage: 'domains [--format text|dot|mermaid]',
  example: 'domains --format dot',
  details: 'dot and mermaid draw the domains with edges from child to parent, labelled with what live routes take on them (events, VINTs, INTR outputs); unused edges are dashed. Render with `dot -Tsvg` or in Markdown.',
  args: [
    { name: 'option', kind: 'format-option', optional: true },
    { name: 'format', kind: 'format', optional: true },
  ],
  view: true,
  run({ session }, words) {
    const format = parseFormat(words);
    return { kind: 'domains', tree: session.system.domains(), format, routes: format === 'text' ? [] : session.system.routes() };
  },
};

export const topology: CommandSpec = {
  name: 'topology',
  summary: "the SoC: each pool's hardware beside Linux's share, the source of every number, devices and boot order",
  usage: 'topology [--export]',
  example: 'topology',
  details:
    '--export prints the topology as a file that --topology loads back, naming schema/topology.schema.json in "$schema": a start for your own SoC (topology --export > my-soc.json). "$schema" is relative to the folder of the file the output is redirected to, else the absolute file: URL of the schema.',
  args: [{ name: '--export', kind: 'topology-flag', optional: true }],
  view: true,
  run({ session }, [flag]) {
    if (flag !== undefined) {
      if (flag !== '--export') throw new CoreError('EUSAGE', `expected --export or nothing, got ${quote(flag)}`);
      return { kind: 'topology-file', file: topologyFile(session.topology, schemaRef(stdoutFolder())) };
    }
    return { kind: 'topology', topology: session.topology, pools: session.system.poolStats() };
  },
};

export const boot: CommandSpec = {
  name: 'boot',
  summary: 'show the boot log: what each driver took at probe, and what failed',
  usage: 'boot',
  example: 'boot',
  args: [],
  view: true,
  run({ session }) {
    return { kind: 'boot', settings: session.settings, design: designOf(session.settings), boot: session.system.bootLog };
  },
};
