/**
 * `--rm-cfg rm-cfg.yaml --host N`: Linux's resource share read from a board's SYSFW
 * resource-management config (the U-Boot / TI SDK YAML of board/ti/<soc>/rm-cfg.yaml), in place
 * of the share the topology carries.
 *
 * Each `resasg_entries` item grants host `host_id` the numbers `start_resource` ..
 * `start_resource + num_resource - 1` of one resource `type` = (TISCI device id << 6) | subtype.
 * Two entries for one (type, host) are the primary and secondary ranges
 * (ti_sci_resource_desc start/num and start_sec/num_sec); an entry of 0 numbers grants nothing.
 * SYSFW reads no third range (rm_core.c core_resasg_get_range), so one that grants numbers is refused.
 *
 * Only this module imports `yaml`, and only the CLI's --rm-cfg path imports this module, so
 * runs without --rm-cfg never load the YAML parser.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { formatRange, type Translation } from '../core/ranges.js';
import type { DmaSpec, IntaSpec, IntrSpec, MsiDeviceSpec, SourcedRange, Topology } from '../core/topology.js';
import { validateTopology } from './validate.js';
import { collide, TR_EVENT_SPACE, trEventCollisions, trEventsOf } from './semantics.js';
import { unknownKey } from './issues.js';
import { quote } from './json-syntax.js';
import { readTextFile } from '../io/text-file.js';

/** `line`: the file's line, where `error` names it without opening with it (invalid UTF-8 at 3:5). */
export type RmCfgResult = { ok: true; topology: Topology } | { ok: false; code: 'ENOENT' | 'EINVAL'; error: string; line?: number };

/** TISCI resource subtypes (include/linux/soc/ti/ti_sci_protocol.h, k3-am65 DT ti,sci-rm-range-*). */
const SUBTYPE = {
  IR_OUTPUT: 0x0,
  GP_RINGS: 0x1,
  IA_VINT: 0xa,
  GLOBAL_EVENT_SEVT: 0xd,
  RX_CHAN: 0xa,
  RX_HCHAN: 0xb,
  TX_CHAN: 0xd,
  TX_HCHAN: 0xf,
} as const;

/** Highest TISCI host id (a u8 in the TISCI message header). */
export const MAX_HOST = 255;
const U16 = 0xffff;

/** One item of `resasg_entries`, with the line it starts on. */
interface Entry {
  start: number;
  num: number;
  type: number;
  host: number;
  line: number;
}

/** A pool of the topology that a resource type fills, and how to check a range against the hardware. */
interface Target {
  /** "inta_main_udmass IA_VINT" */
  what: string;
  /** The pool's entries for the host, in file order, each with its type's `what`. */
  ranges: Array<{ range: SourcedRange; line: number; what: string }>;
  /** Why `start..end` is not in the hardware, or undefined when it is. */
  outside(start: number, end: number): string | undefined;
}

class RmError extends Error {}

/** The fields of struct tisci_boardcfg_rm_resasg_entry, as U-Boot's rm-cfg.yaml names them; no others. */
const ENTRY_KEYS = ['start_resource', 'num_resource', 'type', 'host_id', 'reserved'];

/** A value as the "got ..." half of a message: YAML's null (`~`, or no value), a list, a mapping. */
const shown = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : String(v);
};

/** Where the entries are: U-Boot puts `resasg_entries` beside `rm_boardcfg`; accept it inside `resasg` too. */
const ENTRY_PATHS: Array<Array<string>> = [
  ['rm-cfg', 'resasg_entries'],
  ['rm-cfg', 'resasg', 'resasg_entries'],
  ['rm-cfg', 'rm_boardcfg', 'resasg', 'resasg_entries'],
];

/**
 * The topology with Linux's share replaced by what `text` (the YAML of `name`) grants `host`.
 * Errors are one line: `name:line: message`, or `name: message` when no line applies.
 */
export const applyRmCfg = (text: string, name: string, host: number, topology: Topology): RmCfgResult => {
  try {
    return { ok: true, topology: apply(readEntries(text, name), name, host, topology) };
  } catch (e) {
    if (e instanceof RmError) return { ok: false, code: 'EINVAL', error: e.message };
    throw e;
  }
};

const readEntries = (text: string, name: string): Entry[] => {
  const fail = (message: string, line?: number): never => {
    throw new RmError(`${name}${line === undefined ? '' : `:${line}`}: ${message}`);
  };
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    fail(`YAML syntax error: ${e.message}`, lines.linePos(e.pos[0]).line);
  }
  const lineOf = (n: unknown): number | undefined => {
    const range = (n as Node | null)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
  const path = ENTRY_PATHS.find((p) => doc.hasIn(p));
  if (path === undefined) fail('expected a board config with rm-cfg: resasg_entries: (the U-Boot / TI SDK rm-cfg.yaml format), found none');
  const seq = doc.getIn(path!, true);
  if (!isSeq(seq)) fail(`expected ${path!.join('.')} to be a list of entries`, lineOf(seq));
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    fail(`cannot read the YAML: ${e instanceof Error ? e.message : 'unknown error'}`);
  }
  let items: unknown = js;
  for (const key of path!) items = (items as Record<string, unknown>)[key];
  const nodes = (seq as { items: unknown[] }).items;
  return (items as unknown[]).map((item, i) => {
    const line = lineOf(nodes[i]) ?? lineOf(seq);
    if (!isMap(nodes[i]) || typeof item !== 'object' || item === null) {
      return fail('expected a resasg entry { start_resource, num_resource, type, host_id }', line);
    }
    const o = item as Record<string, unknown>;
    const node = nodes[i] as YAMLMap;
    // A misspelt key would otherwise be said as the key it stands for, missing ("got nothing").
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!ENTRY_KEYS.includes(key)) fail(unknownKey(key, ENTRY_KEYS), lineOf(pair.key) ?? line);
    }
    const int = (key: string, max: number): number => {
      const v = o[key];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v;
      return fail(`${key}: expected an integer 0-${max}, got ${shown(v)}`, lineOf(node.get(key, true)) ?? line);
    };
    const entry = { start: int('start_resource', U16), num: int('num_resource', U16 + 1), type: int('type', U16), host: int('host_id', MAX_HOST), line: line ?? 0 };
    if (entry.num > 0 && entry.start + entry.num - 1 > U16) {
      fail(`start_resource ${entry.start} + num_resource ${entry.num} - 1 passes 65535: resource numbers are 16-bit`, line);
    }
    return entry;
  });
};

/**
 * For numbers the hardware wires through a translation table (VINTs, INTR outputs): the check
 * that start..end stays inside, saying which number leaves it and what the table holds.
 */
const wiredBy = (table: Translation[], say: (n: number, wired: string) => string): Target['outside'] => (start, end) => {
  for (let n = start; n <= end; n++) {
    if (!table.some((w) => n >= w.from && n < w.from + w.count)) return say(n, table.map((w) => formatRange(w.from, w.count)).join(', '));
  }
  return undefined;
};

const apply = (entries: Entry[], name: string, host: number, topology: Topology): Topology => {
  // A topology is JSON data (topology --export writes it so): a deep copy the checks accept as such.
  const t: Topology = JSON.parse(JSON.stringify(topology));
  const targets = new Map<number, Target>();
  const add = (sciId: number, subtype: number, target: Omit<Target, 'ranges'>, ranges: Target['ranges']) =>
    targets.set((sciId << 6) | subtype, { ...target, ranges });

  const intaPools = new Map<IntaSpec, { vints: Target['ranges']; events: Target['ranges'] }>();
  for (const a of t.intas) {
    const pools = { vints: [], events: [] };
    intaPools.set(a, pools);
    add(a.sciId, SUBTYPE.IA_VINT, {
      what: `${a.id} IA_VINT`,
      outside: wiredBy(a.vints, (n, wired) => `VINT ${n} is not wired (${a.id} has VINT ${wired})`),
    }, pools.vints);
    const total = a.hardware?.globalEvents.count;
    add(a.sciId, SUBTYPE.GLOBAL_EVENT_SEVT, {
      what: `${a.id} GLOBAL_EVENT_SEVT`,
      outside: (_s, e) => (total !== undefined && e >= total ? `${a.id} has global events 0-${total - 1}` : undefined),
    }, pools.events);
  }
  const intrPools = new Map<IntrSpec, Target['ranges']>();
  for (const r of t.intrs) {
    const pool: Target['ranges'] = [];
    intrPools.set(r, pool);
    add(r.sciId, SUBTYPE.IR_OUTPUT, {
      what: `${r.id} IR_OUTPUT`,
      outside: wiredBy(r.ranges, (n, wired) => `output ${n} routes nowhere (${r.id} wires outputs ${wired})`),
    }, pool);
  }
  const devicePools = new Map<MsiDeviceSpec, Target['ranges']>();
  for (const d of t.msiDevices) {
    const pool: Target['ranges'] = [];
    devicePools.set(d, pool);
    add(d.sciId, SUBTYPE.GP_RINGS, {
      what: `${d.id} GP rings`,
      outside: (_s, e) => (e >= d.indices ? `${d.id} has rings 0-${d.indices - 1}` : undefined),
    }, pool);
  }
  const dmaPools = new Map<string, { tx: Target['ranges']; rx: Target['ranges'] }>();
  for (const m of t.dmas) {
    const pools = { tx: [], rx: [] };
    dmaPools.set(m.id, pools);
    const inside = () => undefined;
    add(m.sciId, SUBTYPE.TX_HCHAN, { what: `${m.id} TX_HCHAN`, outside: inside }, pools.tx);
    add(m.sciId, SUBTYPE.TX_CHAN, { what: `${m.id} TX_CHAN`, outside: inside }, pools.tx);
    add(m.sciId, SUBTYPE.RX_HCHAN, { what: `${m.id} RX_HCHAN`, outside: inside }, pools.rx);
    add(m.sciId, SUBTYPE.RX_CHAN, { what: `${m.id} RX_CHAN`, outside: inside }, pools.rx);
  }

  // Devices the topology does not model (a real board config names every device on the SoC) and
  // subtypes it does not use (rflows, other ring kinds) are left alone.
  const sciIds = new Set([...t.intas, ...t.intrs, ...t.msiDevices, ...t.dmas].map((x) => x.sciId));
  const known = entries.filter((e) => sciIds.has(e.type >> 6));
  if (known.length === 0) {
    throw new RmError(`${name}: no entry names a device of topology ${t.name} (TISCI device ids ${[...sciIds].sort((a, b) => a - b).join(', ')}): is it this SoC's board config?`);
  }
  if (!entries.some((e) => e.host === host)) {
    const hosts = [...new Set(entries.map((e) => e.host))].sort((a, b) => a - b);
    throw new RmError(`${name}: host ${host} has no entries (hosts in the file: ${hosts.join(', ')})`);
  }
  const mentioned = new Set<Target>();
  /** Each type's first entry for the host that grants 0 numbers: its line. */
  const grantsNothing = new Map<Target, number>();
  /** Each type's primary and secondary range for the host, as SYSFW fills them (see below). */
  const slots = new Map<Target, { primary?: Entry; secondary?: Entry }>();
  for (const e of entries) {
    const target = targets.get(e.type);
    if (target === undefined) continue;
    mentioned.add(target);
    if (e.host !== host) continue;
    // SYSFW answers TISCI_MSG_GET_RESOURCE_RANGE with two ranges at most (rm_core.c
    // core_resasg_get_range): the type's entries for the host in file order, the first that grants
    // numbers as the primary (one of 0 before it takes no place), the next one, whatever it
    // grants, as the secondary; it reads no further. Linux keeps those two in ti_sci_resource_desc
    // (start/num, start_sec/num_sec), so a later entry that grants numbers would never reach it.
    const slot = slots.get(target) ?? {};
    slots.set(target, slot);
    if (slot.secondary !== undefined) {
      if (e.num === 0) continue;
      const { primary, secondary } = slot;
      throw new RmError(
        `${name}:${e.line}: ${target.what} ${formatRange(e.start, e.num)} for host ${host} is a third range of its type: SYSFW gives a host two at most ` +
          `(primary and secondary: the entries at lines ${primary!.line} and ${secondary.line}${secondary.num === 0 ? ', the second granting 0' : ''}), ` +
          'which Linux reads into ti_sci_resource_desc start/num and start_sec/num_sec, and ignores the rest',
      );
    }
    if (slot.primary !== undefined) slot.secondary = e;
    else if (e.num > 0) slot.primary = e;
    if (e.num === 0) {
      if (!grantsNothing.has(target)) grantsNothing.set(target, e.line);
      continue;
    }
    const end = e.start + e.num - 1;
    const why = target.outside(e.start, end);
    if (why !== undefined) throw new RmError(`${name}:${e.line}: ${target.what} ${formatRange(e.start, end - e.start + 1)} for host ${host} is outside the hardware: ${why}`);
    // A pool's entries (both channel types of a direction are one pool) may not overlap: the
    // topology's check would say so of the sorted share, at a JSON path neither file has.
    const clash = target.ranges.find(({ range: r }) => e.start < r.start + r.count && r.start <= end);
    if (clash !== undefined) {
      throw new RmError(`${name}:${e.line}: ${target.what} ${formatRange(e.start, e.num)} for host ${host} overlaps the entry at line ${clash.line} (${clash.what} ${formatRange(clash.range.start, clash.range.count)})`);
    }
    target.ranges.push({ range: { start: e.start, count: e.num, source: 'rm' }, line: e.line, what: target.what });
  }

  /** The pool's new share, or the topology's when the file says nothing of its types. */
  const share = (pool: Target['ranges'], types: Target[], old: SourcedRange[], poolName: string): SourcedRange[] => {
    if (!types.some((x) => mentioned.has(x))) return old;
    if (pool.length === 0) {
      // An entry of 0 numbers is there but grants nothing (Linux's ti_sci_get_resource_range: -ENODEV).
      const zero = types.filter((x) => grantsNothing.has(x)).sort((a, b) => grantsNothing.get(a)! - grantsNothing.get(b)!)[0];
      if (zero !== undefined) throw new RmError(`${name}:${grantsNothing.get(zero)}: the ${zero.what} entry for host ${host} grants nothing (num_resource: 0): ${poolName} would be empty`);
      throw new RmError(`${name}: host ${host} has no ${types.map((x) => x.what).join(' or ')} entry: ${poolName} would be empty`);
    }
    return pool.map((p) => p.range).sort((a, b) => a.start - b.start);
  };
  const targetOf = (sciId: number, subtype: number) => targets.get((sciId << 6) | subtype)!;
  for (const a of t.intas) {
    const p = intaPools.get(a)!;
    a.vintShare = share(p.vints, [targetOf(a.sciId, SUBTYPE.IA_VINT)], a.vintShare, `${a.id}.vint`);
    a.globalEvents = share(p.events, [targetOf(a.sciId, SUBTYPE.GLOBAL_EVENT_SEVT)], a.globalEvents, `${a.id}.global_event`);
  }
  for (const r of t.intrs) r.share = share(intrPools.get(r)!, [targetOf(r.sciId, SUBTYPE.IR_OUTPUT)], r.share, `${r.id}.out`);
  for (const d of t.msiDevices) d.share = share(devicePools.get(d)!, [targetOf(d.sciId, SUBTYPE.GP_RINGS)], d.share, `${d.id}.gp_ring`);
  for (const m of t.dmas) {
    const p = dmaPools.get(m.id)!;
    m.tx.share = share(p.tx, [targetOf(m.sciId, SUBTYPE.TX_HCHAN), targetOf(m.sciId, SUBTYPE.TX_CHAN)], m.tx.share, `${m.id}.tx_chan`);
    m.rx.share = share(p.rx, [targetOf(m.sciId, SUBTYPE.RX_HCHAN), targetOf(m.sciId, SUBTYPE.RX_CHAN)], m.rx.share, `${m.id}.rx_chan`);
  }
  for (const m of t.dmas) checkTrEvents(m, dmaPools.get(m.id)!, name, host);
  t.sources = { ...t.sources, rm: `${name}, host_id ${host}` };
  // The description may name the host whose share the topology carried ("Linux's resource share
  // (TISCI host 12)"): it now carries this host's, so it names this one (topology, --export).
  t.description = t.description.replace(/\bTISCI host \d+\b/g, `TISCI host ${host}`);

  // What the file grants is checked above, at its lines; the topology's own checks, whose paths
  // name the topology made (not the file), are a safety net.
  const checked = validateTopology(t);
  if (!checked.ok) {
    const first = checked.issues[0];
    throw new RmError(`${name}: host ${host}: the share does not fit topology ${t.name}: ${first.path}: ${first.message}`);
  }
  return checked.topology;
};

/**
 * A DMA's TR events as its new shares make them (topology files get the same check in
 * semantics.ts): rxEventOffset + every rx channel stays 16-bit, and no tx channel meets
 * rxEventOffset + an rx channel. Said at the line of an entry the file grants; the side the file
 * does not name is the topology's share.
 */
const checkTrEvents = (m: DmaSpec, pools: { tx: Target['ranges']; rx: Target['ranges'] }, name: string, host: number): void => {
  const offset = m.rxEventOffset;
  interface Side {
    start: number;
    count: number;
    /** The entry's line; undefined for the topology's share. */
    line: number | undefined;
    granted: string;
    of: string;
  }
  const side = (dir: 'tx' | 'rx'): Side[] =>
    pools[dir].length > 0
      ? pools[dir].map(({ range, line, what }) => {
          const granted = `${what} ${formatRange(range.start, range.count)}`;
          return { start: range.start, count: range.count, line, granted: `${granted} for host ${host}`, of: `the entry at line ${line} (${granted})` };
        })
      : m[dir].share.map((r) => ({ start: r.start, count: r.count, line: undefined, granted: '', of: `the topology's ${dir} share` }));
  const tx = side('tx');
  const rx = side('rx');
  for (const r of rx) {
    const last = offset + r.start + r.count - 1;
    if (r.line !== undefined && last > U16) {
      throw new RmError(`${name}:${r.line}: ${r.granted}: rxEventOffset ${offset} + rchan ${r.start + r.count - 1} = ${last} passes ${U16}: TR event indices (rxEventOffset + rchan) are 16-bit numbers`);
    }
  }
  const words = `rxEventOffset ${offset}`;
  const said = trEventCollisions(offset, tx, rx).map((c) =>
    c.tx.line !== undefined
      ? { line: c.tx.line, text: `${c.tx.granted}: ${trEventsOf('tx', c, offset, words)} ${collide(c.count)} with ${trEventsOf('rx', c, offset, words)} of ${c.rx.of}` }
      : { line: c.rx.line, text: `${c.rx.granted}: ${trEventsOf('rx', c, offset, words)} ${collide(c.count)} with ${trEventsOf('tx', c, offset, words)} of ${c.tx.of}` },
  );
  // The topology alone was sound, so every collision has a side from the file; the first in it is said.
  const first = said.filter((x) => x.line !== undefined).sort((a, b) => a.line! - b.line!)[0];
  if (first !== undefined) throw new RmError(`${name}:${first.line}: ${first.text}; ${TR_EVENT_SPACE}`);
};

/** `--host`: a TISCI host id, 0-255. */
export const parseHost = (word: string): number | undefined => (/^\d{1,3}$/.test(word) && Number(word) <= MAX_HOST ? Number(word) : undefined);

/** Reads `path` and applies it; an unreadable file is one error line like a bad one. */
export const loadRmCfg = (path: string, host: number, topology: Topology): RmCfgResult => {
  const read = readTextFile(path, 'rm-cfg file', 'strict');
  // As for a topology file: any fault of its content is EINVAL, a NUL byte too.
  return read.ok ? applyRmCfg(read.text, path, host, topology) : { ok: false, code: read.code === 'ENOENT' ? 'ENOENT' : 'EINVAL', error: read.message, ...(read.line === undefined ? {} : { line: read.line }) };
};
