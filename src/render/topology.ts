import type { PoolStats } from '../core/bitmap-pool.js';
import { formatRanges } from '../core/ranges.js';
import type { Source, Topology } from '../core/topology.js';
import type { Style } from './style.js';
import { tableOrRecords } from './table.js';
import { wrapAll } from './wrap.js';

const span = (start: number, count: number): string => (count === 1 ? `${start}` : `${start}-${start + count - 1}`);

/** The SoC description, each number labelled with where it comes from. */
export const renderTopology = (style: Style, t: Topology, pools: PoolStats[]): string => {
  const src = (s: Source) => (s === 'dt' ? style.c.green('[DT]') : style.c.yellow('[illustrative]'));
  const out: string[] = [];
  const h = (s: string) => out.push('', style.c.bold(s));
  out.push(`${style.c.bold(t.name)}: ${t.description}`);
  out.push(`${t.cpus} CPUs; virqs ${span(t.virq.first, t.virq.count)}`);
  h('Interrupt controllers');
  out.push(`  ${t.gic.id}  ${t.gic.name}: SPIs reached through the routers below`);
  for (const r of t.intrs) {
    out.push(`  ${r.id}  INTR, sci id ${r.sciId}, parent ${r.parent}, ${r.inputs} inputs ${src(r.inputsSource)}`);
    for (const x of r.ranges) {
      const spi = r.parent === t.gic.id ? ` (SPI ${span(x.to - 32, x.count)})` : '';
      out.push(`      outputs ${span(x.from, x.count)} -> ${r.parent} ${r.parent === t.gic.id ? 'hwirq' : 'inputs'} ${span(x.to, x.count)}${spi} ${src(x.source)}`);
    }
  }
  for (const a of t.intas) {
    out.push(`  ${a.id}  INTA, sci id ${a.sciId}, parent ${a.parent}, VINT registers at 0x${a.base.toString(16)} + vint * 0x1000`);
    for (const v of a.vints) out.push(`      VINTs ${span(v.from, v.count)} -> ${a.parent} inputs ${span(v.to, v.count)} ${src(v.source)}`);
    for (const g of a.globalEvents) out.push(`      global events ${span(g.start, g.count)} ${src(g.source)}`);
  }
  h('MSI sources and clients');
  for (const d of t.msiDevices) {
    out.push(`  ${d.id}  ${d.name}, sci id ${d.sciId}, ${d.indices} rings, msi-parent ${d.msiParent}`);
    for (const f of d.free) out.push(`      free for alloc-irq: rings ${span(f.start, f.count)} ${src(f.source)}`);
  }
  for (const d of t.dmas) {
    out.push(`  ${d.id}  ${d.name}, sci id ${d.sciId}, rings on ${d.ringDevice}`);
    for (const dir of ['tx', 'rx'] as const) {
      const c = d[dir];
      out.push(`      ${dir} channels 0-${c.count - 1} -> rings ${span(c.ringBase, c.count)} ${src(c.source)}`);
    }
  }
  for (const c of t.directClients) out.push(`  ${c.id}  ${c.name}: ${c.parent} inputs ${c.inputs.join(', ')} ${src(c.source)}`);
  out.push('', `${style.c.bold('Boot order')}: ${t.boot.join(', ')}`);
  h('Pools');
  out.push(
    tableOrRecords(
      { ...style, width: style.width - 2 },
      [{ head: 'POOL' }, { head: 'OWNER' }, { head: 'RANGES' }, { head: 'TOTAL', align: 'right' }],
      pools.map((p) => [p.id, p.owner, formatRanges(p.ranges), `${p.total}`]),
    )
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  return wrapAll(out.join('\n'), style.width, 8);
};
