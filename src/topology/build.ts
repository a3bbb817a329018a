/**
 * A fresh Topology from a file that passed the schema check: defaults filled in, the older
 * spellings read, nothing of the input shared. Also where each list of the result came from in
 * the file, so the semantic checks can name the place.
 */
import type { ChannelSpec, IntrTriggerType, Source, SourcedCount, SourcedRange, SourcedTranslation, Topology } from '../core/topology.js';

// The file's shape, as schema/topology.schema.json allows it.
interface FileRange {
  start: number;
  count: number;
  source?: Source;
}
interface FileTranslation {
  from: number;
  to: number;
  count: number;
  source?: Source;
}
type FileCount = number | { count: number; source?: Source };
interface FileChannels {
  channels?: FileRange[];
  share?: FileRange[];
  count?: number;
  source?: Source;
  firstNormal?: number;
  firstNormalSource?: Source;
}
export interface TopologyFile {
  name: string;
  description: string;
  cpus: number;
  virq: { first: number; count: number };
  gic: { id: string; name: string };
  intrs: Array<{
    id: string;
    sciId: number;
    parent: string;
    inputs: number;
    inputsSource?: Source;
    outputs?: FileCount;
    outputsSource?: Source;
    ranges: FileTranslation[];
    share?: FileRange[];
    triggerType?: IntrTriggerType;
    triggerTypeSource?: Source;
  }>;
  intas: Array<{
    id: string;
    sciId: number;
    parent: string;
    base: number | string;
    vints: FileTranslation[];
    vintShare?: FileRange[];
    globalEvents: FileRange[];
    hardware?: { vints: FileCount; globalEvents: FileCount; source?: Source };
  }>;
  msiDevices: Array<{ id: string; sciId: number; name: string; msiParent: string; indices: number; indicesSource?: Source; share?: FileRange[]; free?: FileRange[] }>;
  dmas: Array<{ id: string; sciId: number; name: string; ringDevice: string; tx: FileChannels; rx: FileChannels; rxEventOffset?: number }>;
  directClients: Array<{ id: string; name: string; parent: string; inputs: number[]; source?: Source; chained?: string; chainedSource?: Source }>;
  boot?: string[];
  sources?: Partial<Record<Source, string>>;
}

/** JSON paths of the result's lists: an entry `k` of one is at `${list}[k]`. */
export interface Where {
  intrs: Array<{ path: string; share: string; shareGiven: boolean }>;
  intas: Array<{ path: string; vintShare: string; vintShareGiven: boolean }>;
  msiDevices: Array<{ path: string; share: string }>;
  /** A direction's channel list, or undefined for the older `count` form; whether the file gives rxEventOffset. */
  dmas: Array<{ path: string; tx: string | undefined; rx: string | undefined; rxEventOffsetGiven: boolean }>;
  directClients: Array<{ path: string }>;
  /** Whether the file gives `boot` (else the default order is derived from the ids). */
  bootGiven: boolean;
}

const src = (s: Source | undefined): Source => s ?? 'illustrative';
const range = (r: FileRange): SourcedRange => ({ start: r.start, count: r.count, source: src(r.source) });
const translation = (t: FileTranslation): SourcedTranslation => ({ from: t.from, to: t.to, count: t.count, source: src(t.source) });
/** Linux's share of what a translation table wires: by default, all of it. */
const whole = (t: SourcedTranslation): SourcedRange => ({ start: t.from, count: t.count, source: t.source });
/** A hardware count: an integer (with the source given beside it), or `{ count, source }`. */
const count = (c: FileCount, source: Source | undefined): SourcedCount =>
  typeof c === 'number' ? { count: c, source: src(source) } : { count: c.count, source: src(c.source) };

/** `channels`, the built-in topologies' `share`, or the older `count` (channels 0..count-1). */
const channels = (c: FileChannels, path: string): { spec: ChannelSpec; list: string | undefined } => {
  const key = c.channels !== undefined ? 'channels' : c.share !== undefined ? 'share' : undefined;
  const share = key !== undefined ? c[key]!.map(range) : [{ start: 0, count: c.count!, source: src(c.source) }];
  return { spec: { share, firstNormal: c.firstNormal ?? 0, firstNormalSource: src(c.firstNormalSource) }, list: key && `${path}.${key}` };
};

const address = (a: number | string): number => (typeof a === 'number' ? a : parseInt(a.slice(2), 16));

export const buildTopology = (f: TopologyFile): { topology: Topology; where: Where } => {
  const where: Where = { intrs: [], intas: [], msiDevices: [], dmas: [], directClients: [], bootGiven: f.boot !== undefined };
  const intrs = f.intrs.map((r, i) => {
    const path = `$.intrs[${i}]`;
    const ranges = r.ranges.map(translation);
    where.intrs.push({ path, share: `${path}.${r.share ? 'share' : 'ranges'}`, shareGiven: r.share !== undefined });
    return {
      id: r.id,
      sciId: r.sciId,
      parent: r.parent,
      inputs: r.inputs,
      inputsSource: src(r.inputsSource),
      ...(r.outputs !== undefined ? { outputs: count(r.outputs, r.outputsSource) } : {}),
      ranges,
      share: r.share ? r.share.map(range) : ranges.map(whole),
      ...(r.triggerType !== undefined ? { triggerType: r.triggerType, triggerTypeSource: src(r.triggerTypeSource) } : {}),
    };
  });
  const intas = f.intas.map((a, i) => {
    const path = `$.intas[${i}]`;
    const vints = a.vints.map(translation);
    where.intas.push({ path, vintShare: `${path}.${a.vintShare ? 'vintShare' : 'vints'}`, vintShareGiven: a.vintShare !== undefined });
    return {
      id: a.id,
      sciId: a.sciId,
      parent: a.parent,
      base: address(a.base),
      vints,
      vintShare: a.vintShare ? a.vintShare.map(range) : vints.map(whole),
      globalEvents: a.globalEvents.map(range),
      ...(a.hardware ? { hardware: { vints: count(a.hardware.vints, a.hardware.source), globalEvents: count(a.hardware.globalEvents, a.hardware.source) } } : {}),
    };
  });
  const msiDevices = f.msiDevices.map((d, i) => {
    const path = `$.msiDevices[${i}]`;
    // `free` is the name this list had before Linux's share was called a share; `share` wins.
    const key = d.share !== undefined || d.free === undefined ? 'share' : 'free';
    where.msiDevices.push({ path, share: `${path}.${key}` });
    return { id: d.id, sciId: d.sciId, name: d.name, msiParent: d.msiParent, indices: d.indices, indicesSource: src(d.indicesSource), share: (d[key] ?? []).map(range) };
  });
  const dmas = f.dmas.map((m, i) => {
    const path = `$.dmas[${i}]`;
    const tx = channels(m.tx, `${path}.tx`);
    const rx = channels(m.rx, `${path}.rx`);
    where.dmas.push({ path, tx: tx.list, rx: rx.list, rxEventOffsetGiven: m.rxEventOffset !== undefined });
    return { id: m.id, sciId: m.sciId, name: m.name, ringDevice: m.ringDevice, tx: tx.spec, rx: rx.spec, rxEventOffset: m.rxEventOffset ?? 0x200 };
  });
  const directClients = f.directClients.map((c, i) => {
    where.directClients.push({ path: `$.directClients[${i}]` });
    return {
      id: c.id,
      name: c.name,
      parent: c.parent,
      inputs: [...c.inputs],
      source: src(c.source),
      ...(c.chained !== undefined ? { chained: c.chained, chainedSource: src(c.chainedSource) } : {}),
    };
  });
  // Default probe order: every MSI device, then every DMA, then every direct client, in file order.
  const boot = f.boot ? [...f.boot] : [...msiDevices, ...dmas, ...directClients].map((x) => x.id);
  const topology: Topology = {
    name: f.name,
    description: f.description,
    cpus: f.cpus,
    virq: { first: f.virq.first, count: f.virq.count },
    gic: { id: f.gic.id, name: f.gic.name },
    intrs,
    intas,
    msiDevices,
    dmas,
    directClients,
    boot,
    ...(f.sources ? { sources: { ...f.sources } } : {}),
  };
  return { topology, where };
};
