import { designOf } from '../../core/designs.js';
import { CoreError, quote } from '../../core/errors.js';
import type { System } from '../../core/system.js';
import { schemaRef, topologyFile } from '../../topology/export.js';
import type { CommandSpec } from '../spec.js';

/** What `routes` may be filtered by: a source device, a DMA controller, or alloc-irq. */
export const routeFilters = (sys: System): string[] => [...sys.msiDevices.keys(), ...sys.clients.keys(), ...sys.dmas.keys(), 'alloc-irq'];

export const routes: CommandSpec = {
  name: 'routes',
  summary: 'route table: virq, source, hwirq, global event, VINT and bit, INTR in/out, GIC SPI, parent virq, count',
  usage: 'routes [device]',
  example: 'routes ringacc',
  details: 'The filter names a source device (ringacc, cpts), a DMA controller, or alloc-irq.',
  args: [{ name: 'device', kind: 'device', optional: true }],
  view: true,
  run({ session }, [device]) {
    const known = routeFilters(session.system);
    if (device !== undefined && !known.includes(device)) {
      throw new CoreError('ENOENT', `unknown device ${quote(device)} (have: ${known.join(', ')})`);
    }
    return { kind: 'routes', routes: session.system.routes(device), filter: device };
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
  summary: 'per-virq, per-CPU counts in the style of /proc/interrupts',
  usage: 'interrupts',
  example: 'interrupts',
  args: [],
  view: true,
  run({ session }) {
    const sys = session.system;
    return { kind: 'interrupts', cpus: sys.topology.cpus, irqs: sys.interrupts(), unmapped: sys.unmapped };
  },
};

export const domains: CommandSpec = {
  name: 'domains',
  summary: 'the irq domain hierarchy as a tree, with what each domain has allocated',
  usage: 'domains',
  example: 'domains',
  args: [],
  view: true,
  run({ session }) {
    return { kind: 'domains', tree: session.system.domains() };
  },
};

export const topology: CommandSpec = {
  name: 'topology',
  summary: 'the SoC: controllers, ranges, pools, and which numbers come from the device tree',
  usage: 'topology [--export]',
  example: 'topology',
  details: '--export prints the topology as a file that --topology loads back, naming schema/topology.schema.json in "$schema": a start for your own SoC (topology --export > my-soc.json).',
  args: [{ name: '--export', kind: 'topology-flag', optional: true }],
  view: true,
  run({ session }, [flag]) {
    if (flag !== undefined) {
      if (flag !== '--export') throw new CoreError('EUSAGE', `expected --export or nothing, got ${quote(flag)}`);
      return { kind: 'topology-file', file: topologyFile(session.topology, schemaRef(process.cwd())) };
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
