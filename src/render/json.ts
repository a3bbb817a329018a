import { hex64 } from '../core/bits64.js';
import type { Route } from '../core/types.js';
import type { InterleaveReport } from '../core/interleave/explore.js';
import type { Output, Result } from '../commands/result.js';

/** The route fields of the JSON contract (the JSON contract in the README), plus who owns it. */
export const jsonRoute = (r: Route) => ({
  virq: r.virq,
  device: r.device,
  index: r.index,
  hwirq: r.hwirq,
  globalEvent: r.globalEvent,
  vint: r.vint,
  vintBit: r.vintBit,
  intrInput: r.intrInput,
  intrOutput: r.intrOutput,
  gicSpi: r.gicSpi,
  parentVirq: r.parentVirq,
  count: r.count,
  owner: r.owner,
});

const data = (o: Output): unknown => {
  switch (o.kind) {
    case 'channels':
      return { channels: o.channels, routes: o.routes.map(jsonRoute) };
    case 'released':
      return { channels: o.channels, freed: o.freed };
    case 'allocated':
      return { virq: o.virq, route: jsonRoute(o.route) };
    case 'freed':
      return { virq: o.virq, device: o.device, index: o.index };
    case 'fire': {
      const t = o.trace;
      const bits = (b?: [number, number]) => (b === undefined ? undefined : hex64(b));
      return { ...t, statusBefore: bits(t.statusBefore), status: bits(t.status), enable: bits(t.enable), statusMasked: bits(t.statusMasked) };
    }
    case 'affinity':
    case 'mask':
      return o.result;
    case 'routes':
      return { routes: o.routes.map(jsonRoute) };
    case 'pools':
      return { pools: o.pools.map(({ id, owner, total, used, free, peak }) => ({ id, owner, total, used, free, peak })) };
    case 'interrupts':
      return { cpus: o.cpus, irqs: o.irqs, unmapped: o.unmapped };
    case 'domains':
      return { tree: o.tree };
    case 'topology':
      return { topology: o.topology, pools: o.pools };
    case 'topology-file':
      return { file: o.file };
    case 'settings':
      return { design: o.design, ...o.settings, changed: o.changed, boot: o.boot };
    case 'designs':
      return { current: o.current, settings: o.settings, designs: o.designs };
    case 'boot':
      return { design: o.design, ...o.settings, boot: o.boot };
    case 'expected':
      return o.error
        ? { message: o.message, expected: o.error.code, error: o.error.pool ? { ...o.error, pool: o.error.pool.id } : o.error }
        : { message: o.message, pool: o.pool && { id: o.pool.id, owner: o.pool.owner, total: o.pool.total, used: o.pool.used, free: o.pool.free, peak: o.pool.peak } };
    case 'help':
      return { entries: o.entries };
    case 'source':
      return { path: o.path };
    case 'exit':
      return {};
    case 'compare':
      return o.compare;
    case 'capacity':
      return o.capacity;
    case 'interleave':
      return interleaveJson(o.report, o.expect);
  }
};

/** interleave as one object (reference/interleaving.md 5.5): the violation, or the replayed schedule. */
const interleaveJson = (r: InterleaveReport, expect: 'ok' | 'race') => {
  const { shown, ...rest } = r;
  const key = r.explore.mode === 'schedule' ? 'replay' : 'violation';
  return {
    ...rest,
    expect,
    outcomes: r.outcomes.map(({ result, count, grade, description, witness, preemptions }) => ({ result, count, expect: grade, description, witness, preemptions })),
    ...(shown ? { [key]: shown } : {}),
  };
};

/** One line of --json output for one command. */
export const renderJson = (where: { file: string; line: number }, command: string, result: Result): string => {
  const head = { file: where.file, line: where.line, command };
  if (result.ok) return JSON.stringify({ ...head, ok: true, data: data(result.output) });
  const { code, message, pool } = result.error;
  const failed = { ...head, ok: false, error: pool ? { code, message, pool: pool.id } : { code, message } };
  return JSON.stringify(result.output ? { ...failed, data: data(result.output) } : failed);
};
