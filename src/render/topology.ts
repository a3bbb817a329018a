import type { PoolStats } from '../core/bitmap-pool.js';
import { formatRange, formatRanges, translate, type Range } from '../core/ranges.js';
import { SPI_BASE } from '../core/domains/domain.js';
import { SOURCES, type Source, type SourcedRange, type Topology } from '../core/topology.js';
import { hex } from './routes.js';
import type { Style } from './style.js';
import { wrapAll } from './wrap.js';


const LABEL: Record<Source, string> = { dt: 'DT', rm: 'RM', sysfw: 'SYSFW', driver: 'driver', illustrative: 'illustrative' };

/** "16-79 (64)" */
const shareOf = (ranges: readonly Range[]): string => `${formatRanges(ranges)} (${ranges.reduce((n, r) => n + r.count, 0)})`;

/** The sources of a list of ranges, once each. */
const sourcesOf = (ranges: readonly SourcedRange[]): Source[] => [...new Set(ranges.map((r) => r.source))];

/** GIC SPIs of a set of router outputs, merged into spans: "48-95, 416-431". */
const spisOf = (t: Topology, routerId: string, outputs: readonly Range[]): string => {
  const r = t.intrs.find((x) => x.id === routerId)!;
  const spis: number[] = [];
  for (const o of outputs) for (let n = o.start; n < o.start + o.count; n++) {
    const h = translate(r.ranges, n);
    if (h !== undefined) spis.push(h - SPI_BASE);
  }
  return formatNumbers(spis);
};

/**
 * The GIC's pool in SPI numbers, as the rest of the screen counts them; the pool itself holds GIC
 * hwirqs (SPI + 32), given after as the boot log gives them: "SPIs 48-95, 360-379 (84; hwirq 80-127, 392-411)".
 */
const spiPool = (p: PoolStats): string => {
  const hwirqs = [...p.ranges].sort((a, b) => a.start - b.start);
  const spis = hwirqs.map((r) => ({ start: r.start - SPI_BASE, count: r.count }));
  return `${p.id} SPIs ${formatRanges(spis)} (${p.total}; hwirq ${formatRanges(hwirqs)})`;
};

/**
 * The SoC description: for each pool, what the hardware has and what the resource manager grants
 * Linux, side by side, each number labelled with where it comes from; a legend names the sources.
 */
export const renderTopology = (style: Style, t: Topology, pools: PoolStats[]): string => {
  const used = new Set<Source>();
  const src = (...ss: Source[]): string => {
    for (const s of ss) used.add(s);
    return ss.map((s) => (s === 'illustrative' ? style.c.yellow(`[${LABEL[s]}]`) : style.c.green(`[${LABEL[s]}]`))).join('');
  };
  // irq-ti-sci-intr.c refuses to probe a router without the property; a topology file may leave
  // it out, and the model then takes 4, as the NAVSS router has it.
  const triggerOf = (r: Topology['intrs'][number]): string =>
    r.triggerType === undefined ? 'level high (no ti,intr-trigger-type: assumed 4)' : `${r.triggerType === 1 ? 'edge rising' : 'level high'} (ti,intr-trigger-type ${r.triggerType}) ${src(r.triggerTypeSource ?? 'illustrative')}`;
  const out: string[] = [];
  const h = (s: string) => out.push('', style.c.bold(s));
  const pool = (id: string, hardware: string, linux: string): void => {
    out.push(`  ${style.c.bold(id)}`, `      hardware  ${hardware}`, `      Linux     ${linux}`);
  };
  out.push(`${style.c.bold(t.name)}: ${t.description}`);
  out.push(`${t.cpus} CPUs; virqs ${formatRange(t.virq.first, t.virq.count)}; GIC ${t.gic.id} (${t.gic.name})`);

  h("Pools: the hardware, and Linux's share");
  for (const r of t.intrs) {
    const wired = r.ranges
      .map((x) => `${formatRange(x.from, x.count)} -> ${r.parent === t.gic.id ? `SPI ${formatRange(x.to - SPI_BASE, x.count)}` : `${r.parent} inputs ${formatRange(x.to, x.count)}`}`)
      .join(', ');
    const total = r.outputs ? `${r.outputs.count} outputs ${src(r.outputs.source)}; ` : '';
    const linuxSpis = r.parent === t.gic.id ? ` -> SPI ${spisOf(t, r.id, r.share)}` : '';
    pool(`${r.id}.out`, `${total}${wired} ${src(...new Set(r.ranges.map((x) => x.source)))}`, `outputs ${shareOf(r.share)}${linuxSpis} ${src(...sourcesOf(r.share))}`);
  }
  for (const a of t.intas) {
    const routes = a.vints.map((v) => `VINT ${formatRange(v.from, v.count)} -> ${a.parent} input ${formatRange(v.to, v.count)}`).join(', ');
    const hv = a.hardware ? `${a.hardware.vints.count} VINTs ${src(a.hardware.vints.source)}; ` : '';
    pool(`${a.id}.vint`, `${hv}${routes} ${src(...new Set(a.vints.map((v) => v.source)))}`, `VINTs ${shareOf(a.vintShare)} ${src(...sourcesOf(a.vintShare))}`);
    const he = a.hardware ? `${a.hardware.globalEvents.count} global events ${src(a.hardware.globalEvents.source)}` : 'not given';
    pool(`${a.id}.global_event`, he, `events ${shareOf(a.globalEvents)} ${src(...sourcesOf(a.globalEvents))}`);
  }
  for (const d of t.msiDevices) {
    pool(`${d.id}.gp_ring`, `${d.indices} rings ${src(d.indicesSource)}`, `GP rings ${shareOf(d.share)}, one MSI each ${src(...sourcesOf(d.share))}`);
  }
  for (const d of t.dmas) {
    for (const dir of ['tx', 'rx'] as const) {
      const c = d[dir];
      const ch = dir === 'tx' ? 'tchan' : 'rchan';
      pool(
        `${d.id}.${dir}_chan`,
        `normal-capacity requests from ${ch} ${c.firstNormal} ${src(c.firstNormalSource)}`,
        `${ch} ${shareOf(c.share)} ${src(...sourcesOf(c.share))}`,
      );
    }
  }

  h('Devices');
  for (const a of t.intas) out.push(`  ${a.id}  INTA, sci id ${a.sciId}, parent ${a.parent}, VINT registers at 0x${a.base.toString(16)} + vint * 0x1000`);
  for (const r of t.intrs) out.push(`  ${r.id}  INTR, sci id ${r.sciId}, parent ${r.parent}, ${r.inputs} inputs ${src(r.inputsSource)}, ${triggerOf(r)}`);
  for (const d of t.msiDevices) out.push(`  ${d.id}  ${d.name}, sci id ${d.sciId}, msi-parent ${d.msiParent}: MSI hwirq ${hex(d.sciId << 16)} | ring`);
  for (const d of t.dmas) {
    out.push(
      `  ${d.id}  ${d.name}, sci id ${d.sciId}, completion rings from ${d.ringDevice}.gp_ring; TR events: MSI index tchan, or ${hex(d.rxEventOffset)} + rchan ${src('driver')}`,
    );
  }
  for (const c of t.directClients) {
    const chained = c.chained === undefined ? '' : `, chained (${c.chained}) ${src(c.chainedSource ?? 'illustrative')}`;
    out.push(`  ${c.id}  ${c.name}: ${c.parent} input${c.inputs.length === 1 ? '' : 's'} ${formatNumbers(c.inputs)} ${src(c.source)}${chained}`);
  }
  out.push('', `${style.c.bold('Boot order')}: ${t.boot.join(', ')}`);
  const totals = pools.filter((p) => p.id === 'virq' || p.id === `${t.gic.id}.spi`).map((p) => (p.id === 'virq' ? `${p.id} ${shareOf(p.ranges)}` : spiPool(p)));
  if (totals.length > 0) out.push(`${style.c.bold('Derived')}: ${totals.join('; ')}`);

  h('Sources');
  for (const s of SOURCES) if (used.has(s)) out.push(`  [${LABEL[s]}] ${t.sources?.[s] ?? DEFAULT_SOURCE[s]}`);
  return wrapAll(out.join('\n'), style.width, 8);
};

const DEFAULT_SOURCE: Record<Source, string> = {
  dt: 'the device tree',
  rm: "the resource manager's board config",
  sysfw: "the system firmware's SoC data",
  driver: 'a constant in the Linux driver',
  illustrative: 'chosen for illustration, not read from a source',
};

/** "48-95, 416-431" for a list of numbers in order. */
function formatNumbers(ns: readonly number[]): string {
  const runs: Range[] = [];
  for (const n of ns) {
    const last = runs[runs.length - 1];
    if (last && last.start + last.count === n) last.count++;
    else runs.push({ start: n, count: 1 });
  }
  return formatRanges(runs);
}
