import { hex64 } from '../core/bits64.js';
import type { PoolStats } from '../core/bitmap-pool.js';
import type { BootEntry, ErrorInfo, Route } from '../core/types.js';
import type { InterleaveReport } from '../core/interleave/explore.js';
import type { ChannelView, Output, Result } from '../commands/result.js';
import { renderGraph } from './graph.js';

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

/** An error as every --json line carries it: the pool that ran out by its id. */
const errorJson = (e: ErrorInfo) => (e.pool ? { ...e, pool: e.pool.id } : e);

const bootJson = (boot: BootEntry[]) => boot.map((e) => (e.error ? { ...e, error: errorJson(e.error) } : e));

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
    case 'irq':
      return o.detail;
    case 'domains':
      return o.format === 'text' ? { tree: o.tree } : { tree: o.tree, format: o.format, graph: renderGraph(o.format, o.tree, o.routes) };
    case 'topology':
      return { topology: o.topology, pools: o.pools };
    case 'topology-file':
      return { file: o.file };
    case 'settings':
      return { design: o.design, ...o.settings, changed: o.changed, boot: bootJson(o.boot) };
    case 'designs':
      return { current: o.current, settings: o.settings, designs: o.designs };
    case 'boot':
      return { design: o.design, ...o.settings, boot: bootJson(o.boot) };
    case 'expected':
      return o.error
        ? { message: o.message, expected: o.error.code, error: errorJson(o.error) }
        : { message: o.message, pool: o.pool && { id: o.pool.id, owner: o.pool.owner, total: o.pool.total, used: o.pool.used, free: o.pool.free, peak: o.pool.peak } };
    case 'help':
      return { entries: o.entries };
    case 'source':
      return { path: o.path };
    case 'exit':
      return { status: o.status ?? null };
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

/**
 * One line of --json output for one command, as JSON.stringify of {file, line, command, ok, data}
 * would give it (renderJsonReference, kept as the definition and the fallback). Written from the
 * known fields for the envelope and the outputs of the busy verbs: JSON.stringify of the spread
 * objects was a third of a --json run. Objects whose fields the core owns are still stringified,
 * so a field added there appears here too.
 */
export const renderJson = (where: { file: string; line: number }, command: string, result: Result): string => {
  const head = `{"file":${str(where.file)},"line":${where.line},"command":${str(command)},"ok":`;
  if (!result.ok && result.output) return renderJsonReference(where, command, result);
  if (!result.ok) {
    const { code, message, pool } = result.error;
    return `${head}false,"error":{"code":${str(code)},"message":${str(message)}${pool ? `,"pool":${str(pool.id)}` : ''}}}`;
  }
  return `${head}true,"data":${fastData(result.output) ?? JSON.stringify(data(result.output))}}`;
};

/** The definition of a --json line: what renderJson must equal, byte for byte. */
export const renderJsonReference = (where: { file: string; line: number }, command: string, result: Result): string => {
  const head = { file: where.file, line: where.line, command };
  if (result.ok) return JSON.stringify({ ...head, ok: true, data: data(result.output) });
  const { code, message, pool } = result.error;
  const failed = { ...head, ok: false, error: pool ? { code, message, pool: pool.id } : { code, message } };
  return JSON.stringify(result.output ? { ...failed, data: data(result.output) } : failed);
};

// Strings that JSON writes as they are, between quotes: printable ASCII but " and \.
const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const str = (s: string): string => (PLAIN_STRING.test(s) ? `"${s}"` : JSON.stringify(s));
const num = (n: number | null): string => (n === null ? 'null' : Number.isFinite(n) ? `${n}` : 'null');

const routeJson = (r: Route): string =>
  `{"virq":${num(r.virq)},"device":${str(r.device)},"index":${num(r.index)},"hwirq":${num(r.hwirq)},"globalEvent":${num(r.globalEvent)},"vint":${num(r.vint)},"vintBit":${num(r.vintBit)},"intrInput":${num(r.intrInput)},"intrOutput":${num(r.intrOutput)},"gicSpi":${num(r.gicSpi)},"parentVirq":${num(r.parentVirq)},"count":${num(r.count)},"owner":${str(r.owner)}}`;

const channelJson = (c: ChannelView): string =>
  `{"name":${str(c.name)},"mode":${str(c.mode)},"ring":${num(c.ring)},"virq":${num(c.virq)},"eventVirq":${num(c.eventVirq)}}`;

const poolJson = (p: PoolStats): string =>
  `{"id":${str(p.id)},"owner":${str(p.owner)},"total":${num(p.total)},"used":${num(p.used)},"free":${num(p.free)},"peak":${num(p.peak)}}`;

const list = <T>(xs: readonly T[], one: (x: T) => string): string => {
  let out = '[';
  for (let i = 0; i < xs.length; i++) out += (i === 0 ? '' : ',') + one(xs[i]);
  return `${out}]`;
};

/** The `data` of the outputs written field by field; undefined for the rest. */
const fastData = (o: Output): string | undefined => {
  switch (o.kind) {
    case 'channels':
      return `{"channels":${list(o.channels, channelJson)},"routes":${list(o.routes, routeJson)}}`;
    case 'released':
      return `{"channels":${list(o.channels, channelJson)},"freed":${o.freed}}`;
    case 'allocated':
      return `{"virq":${num(o.virq)},"route":${routeJson(o.route)}}`;
    case 'freed':
      return `{"virq":${num(o.virq)},"device":${str(o.device)},"index":${num(o.index)}}`;
    case 'affinity':
    case 'mask':
      return JSON.stringify(o.result);
    case 'routes':
      return `{"routes":${list(o.routes, routeJson)}}`;
    case 'pools':
      return `{"pools":${list(o.pools, poolJson)}}`;
    case 'expected':
      return o.error ? undefined : `{"message":${str(o.message)}${o.pool ? `,"pool":${poolJson(o.pool)}` : ''}}`;
    default:
      return undefined;
  }
};
