import { hex64, type Bits64 } from '../core/bits64.js';
import type { BootEntry, ErrorInfo, FireTrace, Route } from '../core/types.js';
import type { InterleaveReport } from '../core/interleave/explore.js';
import type { Output, Result } from '../commands/result.js';
import { renderGraph } from './graph.js';
import { unescapeBytes } from '../io/utf8.js';

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
      return { virq: o.virq, device: o.device, index: o.index, msiKept: o.msiKept, hardwareKept: o.hardwareKept };
    case 'fire': {
      const t = o.trace;
      return { ...t, statusBefore: bits(t.statusBefore), status: bits(t.status), enable: bits(t.enable), statusMasked: bits(t.statusMasked) };
    }
    case 'affinity':
    case 'mask':
      return o.result;
    case 'routes':
      return o.reason === undefined ? { routes: o.routes.map(jsonRoute) } : { routes: o.routes.map(jsonRoute), reason: o.reason };
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
 * One line of --json output for one command: renderJsonReference's text (the tests hold the two
 * equal), made by one JSON.stringify of an object built from known fields, without spreads. A
 * line is a flat string from V8's native serializer: cheaper than a rope of template pieces (which
 * the output then has to walk and copy) and than writing bytes in JavaScript (which costs ten
 * times as much until the optimizing compiler has caught up, most of a 100,000-line run).
 * Failures (at most MAX_ERRORS a run) take the reference path.
 */
export const renderJson = (where: { file: string; line: number }, echoed: string, result: Result): string => {
  // (The reference unescapes the command itself.)
  if (!result.ok) return renderJsonReference(where, echoed, result);
  const o = result.output;
  return JSON.stringify({ file: where.file, line: where.line, command: unescapeBytes(echoed), ok: true, data: o.kind === 'fire' ? fireJson(o.trace) : data(o) });
};

/** The definition of a --json line: what renderJson must equal, byte for byte. */
export const renderJsonReference = (where: { file: string; line: number | null }, command: string | null, result: Result): string => {
  // A script's byte that is not UTF-8 is echoed as U+FFFD (io/utf8.ts), as a decoder would show it.
  const head = { file: where.file, line: where.line, command: command === null ? null : unescapeBytes(command) };
  if (result.ok) return JSON.stringify({ ...head, ok: true, data: data(result.output) });
  const { code, message, pool } = result.error;
  const failed = { ...head, ok: false, error: pool ? { code, message, pool: pool.id } : { code, message } };
  return JSON.stringify(result.output ? { ...failed, data: data(result.output) } : failed);
};

/**
 * What stopped a run (a NUL byte, too many errors) or kept it from starting (a file that cannot
 * be used: line null when the error has none): a failure at its place that no command made.
 */
export const renderJsonStop = (where: { file: string; line: number | null }, error: ErrorInfo): string => renderJsonReference(where, null, { ok: false, error });

type RegisterField = 'statusBefore' | 'status' | 'enable' | 'statusMasked';

/** Every field of a FireTrace, required: a field the core adds to the trace fails to compile here until it is written. */
type FireJson = { [K in keyof Required<FireTrace>]: K extends RegisterField ? string | undefined : FireTrace[K] };

const bits = (b: Bits64 | undefined): string | undefined => (b === undefined ? undefined : hex64(b));

/**
 * data() of a fire output, as one literal: spreading a trace this size is V8's slow path. The
 * fields in the order of the core's literal (System.fireRing), undefined ones left out by
 * JSON.stringify as it leaves out the ones an unmapped ring's trace lacks.
 */
const fireJson = (t: FireTrace): FireJson => ({
  device: t.device,
  index: t.index,
  hwirq: t.hwirq,
  times: t.times,
  outcome: t.outcome,
  inta: t.inta,
  globalEvent: t.globalEvent,
  vint: t.vint,
  bit: t.bit,
  statusBefore: bits(t.statusBefore),
  status: bits(t.status),
  enable: bits(t.enable),
  statusMasked: bits(t.statusMasked),
  statusAddress: t.statusAddress,
  statusMaskedAddress: t.statusMaskedAddress,
  enableSetAddress: t.enableSetAddress,
  enableClearAddress: t.enableClearAddress,
  hops: t.hops,
  gicHwirq: t.gicHwirq,
  gicSpi: t.gicSpi,
  parentVirq: t.parentVirq,
  cpu: t.cpu,
  handled: t.handled,
  childVirq: t.childVirq,
  count: t.count,
});
