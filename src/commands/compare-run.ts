import { DEFAULT_CHANNEL_MODE, type ChannelMode, type Direction } from '../core/dma.js';
import { CoreError, probeCode } from '../core/errors.js';
import type { Settings } from '../core/system.js';
import type { Topology } from '../core/topology.js';
import type { ErrorInfo } from '../core/types.js';
import { nearest, oneLine, shown } from './args.js';
import type { NamedDesign } from './designs-catalog.js';
import { runWords } from './registry.js';
import type { Result } from './result.js';
import { Session } from './session.js';
import type { WorkloadLine } from './workload.js';

/**
 * The runner behind `compare` and `capacity`: one workload from a fresh boot under each design,
 * on throw-away sessions of the same topology, reduced to plain data (no text, no I/O). The
 * session the user works in is never touched.
 */

/** Which layer of the hierarchy owns a pool, for "the pool and layer that ran out". */
export type Layer = 'GIC' | 'INTR' | 'INTA' | 'rings' | 'DMA' | 'virq';

export const layerOf = (topology: Topology, owner: string): Layer => {
  if (owner === topology.gic.id) return 'GIC';
  if (topology.intrs.some((r) => r.id === owner)) return 'INTR';
  if (topology.intas.some((a) => a.id === owner)) return 'INTA';
  if (topology.msiDevices.some((d) => d.id === owner)) return 'rings';
  if (topology.dmas.some((d) => d.id === owner)) return 'DMA';
  return 'virq';
};

/** A pool that ran out, by id and layer, with its usage when it refused. */
export interface PoolRef {
  id: string;
  layer: Layer;
  used: number;
  total: number;
}

export interface DesignInfo {
  name: string;
  summary: string;
  settings: Settings;
}

export interface BootFailure {
  device: string;
  /** The failed probe's error code, or EPROBE_DEFER for a probe deferred for good. */
  code: string | null;
  message: string;
  pool: PoolRef | null;
}

export interface CommandFailure {
  file: string;
  line: number;
  /** Its number among the workload's commands, from 1. */
  command: number;
  text: string;
  verb: string;
  code: string;
  message: string;
  pool: PoolRef | null;
}

/** Who was refused an interrupt because a pool ran out: a driver at probe, or a requester. */
export interface Starved {
  who: string;
  at: 'probe' | 'request';
  refused: number;
  pool: string | null;
}

export interface PoolPeak {
  id: string;
  layer: Layer;
  total: number;
  peak: number;
  exhausted: boolean;
}

/** One design's run of the workload: the row of the summary table. */
export interface DesignRow {
  design: string;
  boot: { ok: boolean; failed: BootFailure[] };
  commands: number;
  ran: number;
  succeeded: number;
  firstFailure: CommandFailure | null;
  starved: Starved[];
  busiest: PoolPeak;
  /** The first pool to refuse anyone (0: at boot), and the first to fill up. */
  firstOut: { pool: string; command: number } | null;
  firstFull: { pool: string; command: number } | null;
}

export interface PoolRow {
  id: string;
  layer: Layer;
  total: number;
  /** Peak used, by design name. */
  peak: Record<string, number>;
  /** Designs under which the pool ran out: its peak reached its total, or it refused a request. */
  exhausted: string[];
}

export interface ChartData {
  pool: string;
  total: number;
  /**
   * Why this pool: named with --pool, the first to refuse, the first to fill, the one whose growth
   * (over its use after boot, a share of its total) sets the designs furthest apart, the one the
   * workload grew most, or, when it changed none, the busiest.
   */
  why: 'chosen' | 'first to run out' | 'first to fill' | 'designs differ most' | 'grew most' | 'busiest';
  /** The design at whose boot the pool ran out or filled, when that was first: the chart, after boot, does not show it. */
  atBoot?: string;
  /** Used after boot (index 0) and after each command, by design. */
  series: { design: string; used: number[] }[];
}

export interface CompareData {
  workload: string;
  commands: number;
  designs: DesignInfo[];
  rows: DesignRow[];
  pools: PoolRow[];
  chart: ChartData;
}

const info = (d: NamedDesign): DesignInfo => ({ name: d.name, summary: d.summary, settings: d.settings });

/** The command a line runs under any number of `expect-error CODE` prefixes. */
const innerWords = (words: string[]): string[] => {
  let w = words;
  while (w[0] === 'expect-error' && w.length > 2) w = w.slice(2);
  return w;
};

/** Who asked: `main_udmap tx` for a channel, the device for alloc-irq, else the verb. */
const requester = (words: string[]): string => {
  const w = innerWords(words);
  if (w[0] === 'request-channel') return `${w[1]} ${w[2]}`;
  if (w[0] === 'alloc-irq') return w[1];
  return w[0];
};

const bootOf = (session: Session, poolRef: (e: ErrorInfo | undefined) => PoolRef | null) => {
  const failed = session.system.bootLog
    .filter((e) => !e.ok)
    .map((e): BootFailure => ({ device: e.device, code: probeCode(e) ?? null, message: e.message, pool: poolRef(e.error) }));
  return { ok: failed.length === 0, failed };
};

/**
 * The pool an error says ran out, with its layer; null when none did. Upstream's code depends on
 * the layer (EINVAL from the INTA and INTR, EBUSY for GP rings, ENOENT for channels, ENOSPC for
 * virqs), so any error naming a pool counts, except a failed expect-pool.
 */
const ranOutOf =
  (layerById: Map<string, Layer>) =>
  (e: ErrorInfo | undefined): PoolRef | null =>
    e?.pool && e.code !== 'EXPECT' ? { id: e.pool.id, layer: layerById.get(e.pool.id) ?? 'virq', used: e.pool.used, total: e.pool.total } : null;

/** Pool ids and layers, the same under every design of one topology. */
const poolLayers = (topology: Topology, session: Session) =>
  session.system.allPools().map((p) => ({ id: p.id, total: p.total, layer: layerOf(topology, p.owner) }));

const busiestOf = (peaks: PoolPeak[]): PoolPeak =>
  peaks.reduce((best, p) => (p.peak * best.total > best.peak * p.total ? p : best), peaks[0]);

export interface CompareOptions {
  /** The pool to chart; default the first to run out. */
  pool?: string;
}

const unknownPool = (id: string, ids: string[]): CoreError => {
  const near = nearest(id, ids);
  return new CoreError('ENOENT', `unknown pool ${shown(id)}${near ? ` (did you mean ${near}?)` : ''}`);
};

/**
 * The pool to chart: the one asked for; else the first to refuse anyone (boot counts as command
 * 0; ties go to the earlier design); else, of the pools the workload grew over their use after
 * boot (the most a design added to the pool after some command, `samples` being each design's
 * use after boot and after each command, a share of the pool counted), the
 * one whose growth sets the designs furthest apart (a comparison's point: rfc-v4's INTR outputs
 * against merged's); else, one design or none apart, the one it grew most. What the workload did,
 * not what boot left busy: merged boots with 22% of its virqs used, and a few more hardly move
 * that line. Else, when it changed none, the busiest of all.
 */
const chooseChart = (asked: string | undefined, rows: DesignRow[], pools: PoolRow[], samples: Int32Array[]): Pick<ChartData, 'pool' | 'why' | 'atBoot'> => {
  if (asked !== undefined) return { pool: asked, why: 'chosen' };
  type First = { pool: string; command: number; design: string };
  const earliest = (pick: (r: DesignRow) => { pool: string; command: number } | null) =>
    rows
      .map((r): First | null => {
        const x = pick(r);
        return x && { ...x, design: r.design };
      })
      .reduce<First | null>((best, x) => (x && (!best || x.command < best.command) ? x : best), null);
  // At boot (command 0) the chart, which starts after boot, does not show it: said as such.
  const first = (x: First, why: 'first to run out' | 'first to fill') => (x.command === 0 ? { pool: x.pool, why, atBoot: x.design } : { pool: x.pool, why });
  const out = earliest((r) => r.firstOut);
  if (out) return first(out, 'first to run out');
  const full = earliest((r) => r.firstFull);
  if (full) return first(full, 'first to fill');
  const ratio = (p: PoolRow) => Math.max(...Object.values(p.peak)) / Math.max(1, p.total);
  const P = pools.length;
  // By pool, the most each design's use rose over its use after boot.
  const grew = pools.map((_, p) =>
    samples.map((used) => {
      let most = 0;
      for (let k = P + p; k < used.length; k += P) most = Math.max(most, used[k] - used[p]);
      return most;
    }),
  );
  // The pool of the highest positive `score` (none grown scores one), ties to the busier, then to the earlier (the hierarchy's order).
  const best = (score: (p: number) => number): number => {
    let pick = -1;
    for (let p = 0; p < P; p++) {
      if (score(p) <= 0) continue;
      if (pick < 0 || score(p) > score(pick) || (score(p) === score(pick) && ratio(pools[p]) > ratio(pools[pick]))) pick = p;
    }
    return pick;
  };
  const share = (p: number) => 1 / Math.max(1, pools[p].total);
  const apart = best((p) => (Math.max(...grew[p]) - Math.min(...grew[p])) * share(p));
  if (apart >= 0) return { pool: pools[apart].id, why: 'designs differ most' };
  const most = best((p) => Math.max(...grew[p]) * share(p));
  if (most >= 0) return { pool: pools[most].id, why: 'grew most' };
  return { pool: pools.reduce((b, p) => (ratio(p) > ratio(b) ? p : b), pools[0]).id, why: 'busiest' };
};

/** Runs `lines` from a fresh boot under each design. */
export const runCompare = (topology: Topology, designs: readonly NamedDesign[], workload: { name: string; lines: WorkloadLine[] }, opts: CompareOptions = {}): CompareData => {
  if (designs.length === 0) throw new CoreError('EUSAGE', 'no design to compare');
  const lines = workload.lines;
  if (lines.length === 0) throw new CoreError('EUSAGE', `workload ${shown(workload.name)} has no commands`);
  const sessions = designs.map((d) => new Session(topology, d.settings));
  const layers = poolLayers(topology, sessions[0]);
  const ids = layers.map((p) => p.id);
  if (opts.pool !== undefined && !ids.includes(opts.pool)) throw unknownPool(opts.pool, ids);
  const layerById = new Map(layers.map((p) => [p.id, p.layer]));
  const poolRef = ranOutOf(layerById);

  const P = layers.length;
  const totals = Int32Array.from(layers, (l) => l.total);
  const n = lines.length;
  const rows: DesignRow[] = [];
  const samples: Int32Array[] = [];
  const poolPeaks: PoolPeak[][] = [];
  designs.forEach((design, di) => {
    const session = sessions[di];
    // used[k * P + p]: pool p after command k (0: after boot)
    const used = new Int32Array((n + 1) * P);
    let firstFull: DesignRow['firstFull'] = null;
    // The pools of the System in use: a failed expect-error re-boots the session to undo itself.
    let system = session.system;
    let pools = system.allPools();
    // Peaks of the Systems replaced so far: the replay after a re-boot does not repeat the
    // transient peaks of commands that failed (they are not in the journal).
    const peaksBefore = new Int32Array(P);
    const foldPeaks = () => {
      for (let p = 0; p < P; p++) peaksBefore[p] = Math.max(peaksBefore[p], pools[p].peak);
    };
    const sample = (k: number) => {
      if (session.system !== system) {
        foldPeaks();
        system = session.system;
        pools = system.allPools();
      }
      const base = k * P;
      for (let p = 0; p < P; p++) {
        const u = pools[p].used;
        used[base + p] = u;
        if (u >= totals[p] && firstFull === null) firstFull = { pool: pools[p].id, command: k };
      }
    };
    const boot = bootOf(session, poolRef);
    sample(0);
    const starved = new Map<string, Starved>();
    // Pools that refused someone: a refused all-or-nothing request leaves no peak behind.
    const refusedBy = new Set<string>();
    const starve = (who: string, at: Starved['at'], pool: string | null) => {
      if (pool !== null) refusedBy.add(pool);
      const key = `${at}:${who}`;
      const s = starved.get(key);
      if (s) s.refused++;
      else starved.set(key, { who, at, refused: 1, pool });
    };
    let firstOut: DesignRow['firstOut'] = null;
    for (const f of boot.failed) {
      starve(f.device, 'probe', f.pool?.id ?? null);
      if (f.pool && !firstOut) firstOut = { pool: f.pool.id, command: 0 };
    }
    let succeeded = 0;
    let ran = 0;
    let firstFailure: CommandFailure | null = null;
    for (let k = 1; k <= n; k++) {
      const line = lines[k - 1];
      const result: Result = runWords(session, line.words, true);
      ran = k;
      // A refusal the script expected still starved someone.
      const refused = poolRef(result.ok ? (result.output.kind === 'expected' ? result.output.error : undefined) : result.error);
      if (refused) {
        starve(requester(line.words), 'request', refused.id);
        if (!firstOut) firstOut = { pool: refused.id, command: k };
      }
      if (result.ok) succeeded++;
      else if (!firstFailure) {
        const e = result.error;
        firstFailure = { file: line.file, line: line.line, command: k, text: line.words.join(' '), verb: line.words[0], code: e.code, message: e.message, pool: poolRef(e) };
      }
      sample(k);
      if (result.ok && result.output.kind === 'exit') break;
    }
    // After `exit`, the pools stay as they were.
    for (let k = ran + 1; k <= n; k++) used.copyWithin(k * P, ran * P, ran * P + P);
    const peaks = session.system.allPools().map((p, i): PoolPeak => {
      const peak = Math.max(p.peak, peaksBefore[i]);
      return { id: p.id, layer: layers[i].layer, total: p.total, peak, exhausted: peak >= p.total || refusedBy.has(p.id) };
    });
    rows.push({
      design: design.name,
      boot,
      commands: n,
      ran,
      succeeded,
      firstFailure,
      starved: [...starved.values()],
      busiest: busiestOf(peaks),
      firstOut,
      firstFull,
    });
    samples.push(used);
    poolPeaks.push(peaks);
  });

  const pools: PoolRow[] = layers.map((l, p) => ({
    id: l.id,
    layer: l.layer,
    total: l.total,
    peak: Object.fromEntries(designs.map((d, di) => [d.name, poolPeaks[di][p].peak])),
    exhausted: designs.filter((_, di) => poolPeaks[di][p].exhausted).map((d) => d.name),
  }));
  const chart = chooseChart(opts.pool, rows, pools, samples);
  const p = ids.indexOf(chart.pool);
  const series = designs.map((d, di) => {
    const s = new Array<number>(n + 1);
    for (let k = 0; k <= n; k++) s[k] = samples[di][k * P + p];
    return { design: d.name, used: s };
  });
  return { workload: workload.name, commands: n, designs: designs.map(info), rows, pools, chart: { ...chart, total: layers[p].total, series } };
};

// ---- capacity -------------------------------------------------------------------------------

export type CapacityDir = Direction | 'both';
/** Packet or TR mode channels (request-channel ... pkt|tr): capacity calls the mode its type. */
export type ChannelType = ChannelMode;

/**
 * The one place a capacity probe requests a channel: what `request-channel <dma> <dir>` does,
 * without building the routes it would print, in the mode `type` names (runCapacity gives the
 * default for none). Throws the CoreError of a refusal.
 */
export const requestOneChannel = (session: Session, dma: string, dir: Direction, type: ChannelType): void => {
  session.system.requestChannel(dma, dir, 1, type);
};

export interface CapacityRow {
  design: string;
  boot: { ok: boolean; failed: BootFailure[] };
  /** Channels held at once before the next request failed. */
  channels: number;
  tx: number;
  rx: number;
  /** The request that failed: its direction, code and the pool that stopped it. */
  stop: { dir: Direction; code: string; message: string; pool: PoolRef | null } | null;
}

export interface CapacityPool {
  id: string;
  layer: Layer;
  total: number;
  /** Free once the channels are held, by design. */
  free: Record<string, number>;
  /** Designs this pool stopped. */
  stopped: string[];
}

export interface CapacityData {
  dma: string;
  dir: CapacityDir;
  /** The channel type requested: the default (pkt) when none was given, so one meaning has one value. */
  type: ChannelType;
  designs: DesignInfo[];
  rows: CapacityRow[];
  pools: CapacityPool[];
}

/**
 * For each design, from a fresh boot, requests channels of `dma` one at a time (`both`: tx, rx,
 * tx, ...) until one fails, and reports how many it held and what stopped the next. No `type`
 * is packet mode, as request-channel's default.
 */
export const runCapacity = (topology: Topology, designs: readonly NamedDesign[], dma: string, dir: CapacityDir, given: ChannelType | null): CapacityData => {
  const type = given ?? DEFAULT_CHANNEL_MODE;
  if (designs.length === 0) throw new CoreError('EUSAGE', 'no design to compare');
  const spec = topology.dmas.find((d) => d.id === dma);
  if (!spec) throw new CoreError('ENOENT', `unknown DMA controller ${shown(dma)} (have: ${topology.dmas.map((d) => d.id).join(', ') || 'none'})`);
  // No design can hold more channels than the controller has: one more request must fail.
  const count = (c: typeof spec.tx) => c.share.reduce((n, r) => n + r.count, 0);
  const limit = count(spec.tx) + count(spec.rx) + 1;
  const rows: CapacityRow[] = [];
  const frees: number[][] = [];
  let layers: ReturnType<typeof poolLayers> = [];
  for (const design of designs) {
    const session = new Session(topology, design.settings);
    if (layers.length === 0) layers = poolLayers(topology, session);
    const poolRef = ranOutOf(new Map(layers.map((p) => [p.id, p.layer])));
    const held = { tx: 0, rx: 0 };
    let stop: CapacityRow['stop'] = null;
    for (let i = 0; i < limit; i++) {
      const d: Direction = dir === 'both' ? (i % 2 === 0 ? 'tx' : 'rx') : dir;
      try {
        requestOneChannel(session, dma, d, type);
      } catch (e) {
        if (!(e instanceof CoreError)) throw e;
        stop = { dir: d, code: e.code, message: oneLine(e.message), pool: poolRef({ code: e.code, message: e.message, pool: e.pool }) };
        break;
      }
      held[d]++;
    }
    rows.push({ design: design.name, boot: bootOf(session, poolRef), channels: held.tx + held.rx, tx: held.tx, rx: held.rx, stop });
    frees.push(session.system.allPools().map((p) => p.free));
  }
  const pools: CapacityPool[] = layers.map((l, p) => ({
    id: l.id,
    layer: l.layer,
    total: l.total,
    free: Object.fromEntries(designs.map((d, di) => [d.name, frees[di][p]])),
    stopped: rows.filter((r) => r.stop?.pool?.id === l.id).map((r) => r.design),
  }));
  return { dma, dir, type, designs: designs.map(info), rows, pools };
};
