/**
 * Validation of user-supplied SoC descriptions (`--topology file.json`).
 *
 * Pure: no I/O. A file either yields a fresh, fully typed Topology that System.boot can build
 * without tripping an internal error, or a list of issues, each with the JSON path of the problem
 * and what was expected. Nothing of the input object is returned or trusted: every value is read as
 * an own data property (never through the prototype chain) and copied into new objects.
 */
import { checkJsonSyntax, lineColumn, quote, utf8Length } from './json-syntax.js';
import type {
  ChannelSpec,
  DirectClientSpec,
  DmaSpec,
  GicSpec,
  IntaSpec,
  IntrSpec,
  MsiDeviceSpec,
  Source,
  SourcedCount,
  SourcedRange,
  SourcedTranslation,
  Topology,
} from '../core/topology.js';
import { SOURCES } from '../core/topology.js';

export interface TopologyIssue {
  /** JSON path of the offending value, e.g. `$.intrs[0].ranges[1].count`. */
  path: string;
  /** What was found and what was expected. */
  message: string;
}

export type TopologyResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[] };

/** Largest accepted file, in UTF-8 bytes. */
export const MAX_TOPOLOGY_BYTES = 4 * 1024 * 1024;
/** At most this many issues are reported (the last one says when more were cut off). */
export const MAX_ISSUES = 50;
/** Longest accepted array anywhere in the schema. */
export const MAX_LIST = 4096;
/** Deepest accepted nesting of arrays and objects. */
export const MAX_DEPTH = 64;
/** Most array elements and object properties, in all, that a value may contain. */
export const MAX_VALUES = 4_000_000;

const U16 = 65535;
const SPI_FIRST = 32;
const SPI_LAST = 1019;
const MAX_ADDRESS = 0xffff_ffff_ffff;
const ID_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// ---- parseTopology -------------------------------------------------------------------------

/** Parses and validates the text of a topology file. */
export const parseTopology = (text: string): TopologyResult => {
  if (typeof text !== 'string') return fail('$', `expected the text of a JSON file, got ${describe(text)}`);
  if (text.length > MAX_TOPOLOGY_BYTES || utf8Length(text, MAX_TOPOLOGY_BYTES + 1) > MAX_TOPOLOGY_BYTES) {
    return fail('$', `input too large: expected at most 4 MiB (${MAX_TOPOLOGY_BYTES} bytes) of JSON, got more`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const syntax = checkJsonSyntax(body, MAX_DEPTH);
  if (syntax) {
    const { line, column } = lineColumn(body, syntax.pos);
    return fail('$', `invalid JSON at ${line}:${column}: ${syntax.message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    // The syntax check above accepts exactly what JSON.parse accepts; this is a safety net.
    return fail('$', `invalid JSON: ${e instanceof Error ? printable(e.message, 120) : 'unknown error'}`);
  }
  return validate(json, true);
};

const fail = (path: string, message: string): TopologyResult => ({ ok: false, issues: [{ path, message }] });

// ---- describing values safely --------------------------------------------------------------

const printable = (s: string, max: number): string => quote(s, max).slice(1, -1);

const describe = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `${String(v)} (not a finite number)`;
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return isPlainObject(v) ? 'an object' : 'a non-plain object';
  return `a ${typeof v}`;
};

const span = (start: number, end: number): string => (start === end ? `${start}` : `${start}-${end}`);

/** "have: a, b, c" for error messages, shortened. */
const have = (ids: string[]): string => {
  if (ids.length === 0) return 'there are none';
  const shown = ids.slice(0, 8).join(', ');
  return `have: ${shown}${ids.length > 8 ? `, ... (${ids.length} in all)` : ''}`;
};

const keyPath = (base: string, key: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`);

// ---- issue collection ----------------------------------------------------------------------

class TooManyIssues extends Error {}

/** What `field` returns for a getter or setter, after reporting it. */
const ACCESSOR: unique symbol = Symbol('accessor');

class Issues {
  readonly list: TopologyIssue[] = [];

  add(path: string, message: string): void {
    if (this.list.length === MAX_ISSUES - 1) {
      this.list.push({ path: '$', message: `too many issues; stopped after the first ${MAX_ISSUES - 1}` });
      throw new TooManyIssues();
    }
    this.list.push({ path, message });
  }
}

// ---- reading values ------------------------------------------------------------------------

type Obj = object;

const isPlainObject = (v: unknown): v is Obj => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** Result of reading one own property: its value, or a note that it is an accessor. */
const own = (o: Obj, key: string | number): { present: boolean; value: unknown; accessor: boolean } => {
  const d = Object.getOwnPropertyDescriptor(o, key);
  if (d === undefined) return { present: false, value: undefined, accessor: false };
  if (!('value' in d)) return { present: true, value: undefined, accessor: true };
  return { present: true, value: d.value, accessor: false };
};

type Kind = 'gic' | 'intr' | 'inta' | 'msiDevice' | 'dma' | 'directClient';

const KIND_NAME: Record<Kind, string> = {
  gic: 'the GIC',
  intr: 'an INTR',
  inta: 'an INTA',
  msiDevice: 'an MSI device',
  dma: 'a DMA controller',
  directClient: 'a direct client',
};

interface Registered {
  kind: Kind;
  path: string;
  index: number;
}

/** A span of numbers that must not overlap others of its kind, with where it came from. */
interface Span {
  start: number;
  end: number;
  /** Where to report it. */
  path: string;
  /** "outputs 0-63", "input 391 of direct client cpts" */
  what: string;
  seq: number;
}

/**
 * Reports every span that overlaps an earlier one (in sort order), at whichever of the two comes
 * later in the file, naming the other. O(n log n).
 */
const sweep = (spans: Span[], report: (at: Span, other: Span) => void): void => {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end || a.seq - b.seq);
  let widest: Span | undefined;
  for (const s of sorted) {
    if (widest !== undefined && s.start <= widest.end) {
      if (s.seq > widest.seq) report(s, widest);
      else report(widest, s);
    }
    if (widest === undefined || s.end > widest.end) widest = s;
  }
};

/** A parsed list entry with the path it came from. */
interface At<T> {
  path: string;
  value: T;
}

interface IntrDraft {
  path: string;
  index: number;
  id?: string;
  sciId?: number;
  parent?: string;
  inputs?: number;
  inputsSource?: Source;
  outputs?: SourcedCount;
  ranges?: At<SourcedTranslation>[];
  share?: At<SourcedRange>[];
}

interface IntaDraft {
  path: string;
  id?: string;
  sciId?: number;
  parent?: string;
  base?: number;
  vints?: At<SourcedTranslation>[];
  vintShare?: At<SourcedRange>[];
  globalEvents?: At<SourcedRange>[];
  hardware?: IntaSpec['hardware'];
}

interface MsiDeviceDraft {
  path: string;
  id?: string;
  sciId?: number;
  name?: string;
  msiParent?: string;
  indices?: number;
  indicesSource?: Source;
  share?: At<SourcedRange>[];
}

interface DmaDraft {
  path: string;
  id?: string;
  sciId?: number;
  name?: string;
  ringDevice?: string;
  tx?: ChannelSpec;
  rx?: ChannelSpec;
  rxEventOffset?: number;
}

interface ClientDraft {
  path: string;
  id?: string;
  name?: string;
  parent?: string;
  inputs?: At<number>[];
  source?: Source;
}

class Validator {
  readonly issues = new Issues();

  /** `fromJsonParse`: the value is a fresh JSON.parse result (a tree of plain data). */
  constructor(private readonly fromJsonParse: boolean) {}

  private readonly ids = new Map<string, Registered>();
  private readonly sciIds = new Map<number, string>();
  /** Kinds whose list could not be read at all: references to them are not checked. */
  private readonly unreadable = new Set<Kind>();
  private seq = 0;

  // ---- primitive readers -------------------------------------------------------------------

  /** An own data property's value; ACCESSOR (already reported) for a getter or setter. */
  private field(o: Obj, key: string, path: string): unknown {
    const p = own(o, key);
    if (p.accessor) {
      this.issues.add(keyPath(path, key), 'expected a plain JSON value, got a property with a getter or setter');
      return ACCESSOR;
    }
    return p.value;
  }

  private missingOr(path: string, v: unknown, expected: string): undefined {
    if (v === ACCESSOR) return undefined;
    this.issues.add(path, v === undefined ? `required field is missing: expected ${expected}` : `expected ${expected}, got ${describe(v)}`);
    return undefined;
  }

  int(o: Obj, key: string, path: string, min: number, max: number): number | undefined {
    const p = keyPath(path, key);
    const v = this.field(o, key, path);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    return this.missingOr(p, v, `an integer ${min}-${max}`);
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (isPlainObject(v)) return v;
    return this.missingOr(path, v, 'an object');
  }

  objField(o: Obj, key: string, path: string): Obj | undefined {
    return this.obj(this.field(o, key, path), keyPath(path, key));
  }

  list(o: Obj, key: string, path: string, min: number, optional = false): unknown[] | undefined {
    const p = keyPath(path, key);
    const v = this.field(o, key, path);
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) return this.missingOr(p, v, min > 0 ? `an array of at least ${min} entr${min === 1 ? 'y' : 'ies'}` : 'an array');
    if (v.length > MAX_LIST) {
      this.issues.add(p, `expected at most ${MAX_LIST} entries, got ${v.length}`);
      return undefined;
    }
    if (v.length < min) {
      this.issues.add(p, `expected at least ${min} entr${min === 1 ? 'y' : 'ies'}, got an empty array`);
      return undefined;
    }
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const e = own(v, i);
      if (e.accessor) {
        this.issues.add(`${p}[${i}]`, 'expected a plain JSON value, got an element with a getter or setter');
        out.push(undefined);
      } else out.push(e.value);
    }
    return out;
  }

  text(o: Obj, key: string, path: string, minLen: number, maxLen: number): string | undefined {
    const p = keyPath(path, key);
    const v = this.field(o, key, path);
    const expected = minLen > 0 ? `a string of ${minLen}-${maxLen} characters` : `a string of at most ${maxLen} characters`;
    if (typeof v !== 'string') return this.missingOr(p, v, expected);
    if (v.length < minLen || v.length > maxLen) {
      this.issues.add(p, `expected ${expected}, got ${v.length === 0 ? 'an empty string' : `${v.length} characters`}`);
      return undefined;
    }
    const bad = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(v);
    if (bad) {
      const code = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      this.issues.add(p, `expected printable text, got the control or direction character ${code} at offset ${bad.index}`);
      return undefined;
    }
    return v;
  }

  id(o: Obj, key: string, path: string, kind: Kind, index: number): string | undefined {
    const p = keyPath(path, key);
    const v = this.field(o, key, path);
    if (typeof v !== 'string' || !ID_RE.test(v)) {
      return this.missingOr(p, v, 'an id: 1-64 characters from A-Z a-z 0-9 _ . -');
    }
    const prev = this.ids.get(v);
    if (prev !== undefined) {
      this.issues.add(p, `duplicate id ${quote(v)}: already used by ${KIND_NAME[prev.kind]} at ${prev.path}`);
      return undefined;
    }
    this.ids.set(v, { kind, path: p, index });
    return v;
  }

  /** A reference, checked for syntax now and for its target in the cross-checks. */
  ref(o: Obj, key: string, path: string, expected: string): string | undefined {
    const v = this.field(o, key, path);
    if (typeof v === 'string' && ID_RE.test(v)) return v;
    return this.missingOr(keyPath(path, key), v, `the id of ${expected}`);
  }

  sciId(o: Obj, path: string): number | undefined {
    const v = this.int(o, 'sciId', path, 0, U16);
    if (v === undefined) return undefined;
    const p = keyPath(path, 'sciId');
    const prev = this.sciIds.get(v);
    if (prev !== undefined) {
      this.issues.add(p, `sciId ${v} is already used by ${prev}; TISCI device ids are unique`);
      return undefined;
    }
    this.sciIds.set(v, p);
    return v;
  }

  source(o: Obj, key: string, path: string): Source | undefined {
    const v = this.field(o, key, path);
    if (v === undefined) return 'illustrative';
    if (typeof v === 'string' && (SOURCES as readonly string[]).includes(v)) return v as Source;
    if (v === ACCESSOR) return undefined;
    this.issues.add(keyPath(path, key), `expected one of ${SOURCES.map((x) => `"${x}"`).join(', ')}, got ${describe(v)}`);
    return undefined;
  }

  address(o: Obj, key: string, path: string): number | undefined {
    const p = keyPath(path, key);
    const v = this.field(o, key, path);
    const expected = 'an address 0-0xffffffffffff: an integer or a hex string like "0x33d00000"';
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ADDRESS) return v;
    if (typeof v === 'string' && /^0[xX][0-9a-fA-F]{1,12}$/.test(v)) return parseInt(v.slice(2), 16);
    return this.missingOr(p, v, expected);
  }

  /** `start` + count - 1 must stay within `last`; reports at `.count` and names the field. */
  endWithin(path: string, startKey: string, start: number, count: number, last: number, what: string): boolean {
    const end = start + count - 1;
    if (end <= last) return true;
    this.issues.add(`${path}.count`, `${startKey} ${start} + count ${count} - 1 = ${end} passes ${last}: ${what}`);
    return false;
  }

  /** A hardware count: an integer, or `{ count, source }` as the built-in topologies write it. */
  count(o: Obj, key: string, path: string, source: Source | undefined): SourcedCount | undefined {
    const v = this.field(o, key, path);
    if (isPlainObject(v)) {
      const p = keyPath(path, key);
      const count = this.int(v, 'count', p, 1, U16 + 1);
      const src = this.source(v, 'source', p);
      return count !== undefined && src !== undefined ? { count, source: src } : undefined;
    }
    const count = this.int(o, key, path, 1, U16 + 1);
    return count !== undefined && source !== undefined ? { count, source } : undefined;
  }

  /** A span start..start+count-1 must lie below `limit` (a count of inputs or indices). */
  fitsBelow(path: string, startKey: string, start: number, count: number, limit: number, noun: string, has: string): boolean {
    if (start >= limit) {
      this.issues.add(`${path}.${startKey}`, `${noun} ${start} does not exist: ${has}`);
      return false;
    }
    return this.endWithin(path, startKey, start, count, limit - 1, has);
  }

  translation(v: unknown, path: string, fromWhat: string, toLast: number, toWhat: string): SourcedTranslation | undefined {
    const o = this.obj(v, path);
    if (o === undefined) return undefined;
    const from = this.int(o, 'from', path, 0, U16);
    const to = this.int(o, 'to', path, 0, toLast);
    const count = this.int(o, 'count', path, 1, U16 + 1);
    const source = this.source(o, 'source', path);
    if (from === undefined || to === undefined || count === undefined || source === undefined) return undefined;
    const a = this.endWithin(path, 'from', from, count, U16, `${fromWhat} are 16-bit numbers`);
    const b = a && this.endWithin(path, 'to', to, count, toLast, toWhat);
    return a && b ? { from, to, count, source } : undefined;
  }

  range(v: unknown, path: string, what: string): SourcedRange | undefined {
    const o = this.obj(v, path);
    if (o === undefined) return undefined;
    const start = this.int(o, 'start', path, 0, U16);
    const count = this.int(o, 'count', path, 1, U16 + 1);
    const source = this.source(o, 'source', path);
    if (start === undefined || count === undefined || source === undefined) return undefined;
    return this.endWithin(path, 'start', start, count, U16, `${what} are 16-bit numbers`) ? { start, count, source } : undefined;
  }

  entries<T>(items: unknown[] | undefined, path: string, read: (v: unknown, path: string) => T | undefined): At<T>[] | undefined {
    if (items === undefined) return undefined;
    const out: At<T>[] = [];
    items.forEach((v, i) => {
      const p = `${path}[${i}]`;
      const value = read(v, p);
      if (value !== undefined) out.push({ path: p, value });
    });
    return out;
  }

  span(start: number, count: number, path: string, what: string): Span {
    return { start, end: start + count - 1, path, what, seq: this.seq++ };
  }

  /** Overlaps inside one list or one number space, reported at the later entry. */
  noOverlap(spans: Span[]): void {
    sweep(spans, (at, other) => this.issues.add(at.path, `${at.what} overlap ${other.what} at ${other.path}`));
  }

  // ---- the schema --------------------------------------------------------------------------

  run(json: unknown): Topology | undefined {
    this.scanKeys(json);
    const root = this.obj(json, '$');
    if (root === undefined) return undefined;

    const name = this.text(root, 'name', '$', 1, 64);
    const description = this.text(root, 'description', '$', 0, 1024);
    const cpus = this.int(root, 'cpus', '$', 1, 32);
    let virq: Topology['virq'] | undefined;
    const vo = this.objField(root, 'virq', '$');
    if (vo !== undefined) {
      const first = this.int(vo, 'first', '$.virq', 1, U16);
      const count = this.int(vo, 'count', '$.virq', 1, U16 + 1);
      if (first !== undefined && count !== undefined) virq = { first, count };
    }
    let gic: GicSpec | undefined;
    const go = this.objField(root, 'gic', '$');
    if (go === undefined) this.unreadable.add('gic');
    else {
      const id = this.id(go, 'id', '$.gic', 'gic', 0);
      const gname = this.text(go, 'name', '$.gic', 1, 128);
      if (id !== undefined && gname !== undefined) gic = { id, name: gname };
    }

    const intrs = this.elements(root, 'intrs', 'intr', (o, p, i) => this.intr(o, p, i));
    const intas = this.elements(root, 'intas', 'inta', (o, p, i) => this.inta(o, p, i));
    const msiDevices = this.elements(root, 'msiDevices', 'msiDevice', (o, p, i) => this.msiDevice(o, p, i));
    const dmas = this.elements(root, 'dmas', 'dma', (o, p, i) => this.dma(o, p, i));
    const clients = this.elements(root, 'directClients', 'directClient', (o, p, i) => this.client(o, p, i));

    this.checkRouters(intrs ?? []);
    this.checkRouterInputs(intrs ?? [], intas ?? [], clients ?? []);
    this.checkIntas(intas ?? []);
    this.checkRingDevices(msiDevices ?? [], dmas ?? []);
    const boot = this.boot(root, msiDevices ?? [], dmas ?? [], clients ?? []);

    const sources = this.sources(root);
    if (this.issues.list.length > 0) return undefined;
    // Every field below was validated; an issue would have been recorded for any that was not.
    return {
      name: name!,
      description: description!,
      cpus: cpus!,
      virq: virq!,
      gic: gic!,
      intrs: intrs!.map(
        (d): IntrSpec => ({
          id: d.id!,
          sciId: d.sciId!,
          parent: d.parent!,
          inputs: d.inputs!,
          inputsSource: d.inputsSource!,
          ...(d.outputs ? { outputs: d.outputs } : {}),
          ranges: d.ranges!.map((r) => ({ ...r.value })),
          share: d.share!.map((r) => ({ ...r.value })),
        }),
      ),
      intas: intas!.map(
        (d): IntaSpec => ({
          id: d.id!,
          sciId: d.sciId!,
          parent: d.parent!,
          base: d.base!,
          vints: d.vints!.map((r) => ({ ...r.value })),
          vintShare: d.vintShare!.map((r) => ({ ...r.value })),
          globalEvents: d.globalEvents!.map((r) => ({ ...r.value })),
          ...(d.hardware ? { hardware: d.hardware } : {}),
        }),
      ),
      msiDevices: msiDevices!.map(
        (d): MsiDeviceSpec => ({
          id: d.id!,
          sciId: d.sciId!,
          name: d.name!,
          msiParent: d.msiParent!,
          indices: d.indices!,
          indicesSource: d.indicesSource!,
          share: d.share!.map((r) => ({ ...r.value })),
        }),
      ),
      dmas: dmas!.map(
        (d): DmaSpec => ({
          id: d.id!,
          sciId: d.sciId!,
          name: d.name!,
          ringDevice: d.ringDevice!,
          tx: { ...d.tx!, share: d.tx!.share.map((r) => ({ ...r })) },
          rx: { ...d.rx!, share: d.rx!.share.map((r) => ({ ...r })) },
          rxEventOffset: d.rxEventOffset!,
        }),
      ),
      directClients: clients!.map(
        (d): DirectClientSpec => ({ id: d.id!, name: d.name!, parent: d.parent!, inputs: d.inputs!.map((x) => x.value), source: d.source! }),
      ),
      boot: boot!,
      ...(sources ? { sources } : {}),
    };
  }

  /** `sources`: what each source label means for this SoC (optional), e.g. `{ "dt": "k3-am65-main.dtsi" }`. */
  private sources(root: Obj): Topology['sources'] | undefined {
    if (!own(root, 'sources').present) return undefined;
    const o = this.objField(root, 'sources', '$');
    if (o === undefined) return undefined;
    const out: Partial<Record<Source, string>> = {};
    for (const key of Object.keys(o)) {
      if (!(SOURCES as readonly string[]).includes(key)) {
        this.issues.add(keyPath('$.sources', key), `expected one of ${SOURCES.join(', ')} as a key, got ${quote(key)}`);
        continue;
      }
      const text = this.text(o, key, '$.sources', 1, 512);
      if (text !== undefined) out[key as Source] = text;
    }
    return out;
  }

  /** Refuses `__proto__`, `constructor` and `prototype` keys anywhere, without recursion. */
  private scanKeys(json: unknown): void {
    interface Frame {
      v: object;
      up: Frame | undefined;
      key: string | number;
      depth: number;
    }
    const pathOf = (f: Frame, key?: string): string => {
      const parts: Array<string | number> = key === undefined ? [] : [key];
      for (let x: Frame | undefined = f; x !== undefined && x.up !== undefined; x = x.up) parts.push(x.key);
      let out = '$';
      for (let i = parts.length - 1; i >= 0; i--) {
        const k = parts[i];
        out = typeof k === 'number' ? `${out}[${k}]` : keyPath(out, k);
      }
      return out;
    };
    const stack: Frame[] = [];
    const seen = new WeakSet<object>();
    let values = 0;
    const tooMany = () => this.issues.add('$', `expected at most ${MAX_VALUES} values in all, got more`);
    const child = (up: Frame, key: string | number, d: PropertyDescriptor | undefined): Frame | undefined =>
      d !== undefined && typeof d.value === 'object' && d.value !== null ? { v: d.value as object, up, key, depth: up.depth + 1 } : undefined;
    if (typeof json === 'object' && json !== null) stack.push({ v: json, up: undefined, key: '$', depth: 1 });
    while (stack.length > 0) {
      const f = stack.pop()!;
      const v = f.v;
      if (f.depth > MAX_DEPTH) {
        this.issues.add(pathOf(f), `nesting deeper than ${MAX_DEPTH} levels`);
        return;
      }
      if (!this.fromJsonParse) {
        // Only a value built in JavaScript can share or cycle; a JSON.parse tree cannot.
        if (seen.has(v)) continue;
        seen.add(v);
      }
      const mark = stack.length;
      if (Array.isArray(v)) {
        if ((values += v.length) > MAX_VALUES) return tooMany();
        for (let i = 0; i < v.length; i++) {
          // A JSON.parse array has only plain elements; elsewhere, read descriptors so no getter runs.
          const c = this.fromJsonParse ? child(f, i, { value: v[i] }) : child(f, i, Object.getOwnPropertyDescriptor(v, i));
          if (c) stack.push(c);
        }
      } else {
        const keys = Object.keys(v);
        if ((values += keys.length) > MAX_VALUES) return tooMany();
        for (const key of keys) {
          if (FORBIDDEN_KEYS.has(key)) {
            this.issues.add(pathOf(f, key), `forbidden key ${quote(key)}: the keys __proto__, constructor and prototype are refused anywhere in a topology`);
            continue;
          }
          const c = child(f, key, Object.getOwnPropertyDescriptor(v, key));
          if (c) stack.push(c);
        }
      }
      // Depth first, in document order.
      for (let i = mark, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j], stack[i]];
    }
  }

  private elements<T>(root: Obj, key: string, kind: Kind, read: (o: Obj, path: string, index: number) => T): T[] | undefined {
    const items = this.list(root, key, '$', 0);
    if (items === undefined) {
      this.unreadable.add(kind);
      return undefined;
    }
    const out: T[] = [];
    items.forEach((v, i) => {
      const p = `$.${key}[${i}]`;
      const o = this.obj(v, p);
      if (o !== undefined) out.push(read(o, p, i));
    });
    return out;
  }

  private intr(o: Obj, path: string, index: number): IntrDraft {
    const d: IntrDraft = { path, index };
    d.id = this.id(o, 'id', path, 'intr', index);
    d.sciId = this.sciId(o, path);
    d.parent = this.ref(o, 'parent', path, 'the GIC or an INTR');
    d.inputs = this.int(o, 'inputs', path, 1, U16 + 1);
    d.inputsSource = this.source(o, 'inputsSource', path);
    // `to` is a GIC hwirq or a parent INTR input; its finer limits are checked with the parent.
    d.ranges = this.entries(this.list(o, 'ranges', path, 1), `${path}.ranges`, (v, p) =>
      this.translation(v, p, 'INTR outputs', U16, 'parent hwirqs are 16-bit numbers'),
    );
    if (d.ranges) this.noOverlap(d.ranges.map((r) => this.span(r.value.from, r.value.count, r.path, `outputs ${span(r.value.from, r.value.from + r.value.count - 1)}`)));
    if (own(o, 'outputs').present) d.outputs = this.count(o, 'outputs', path, this.source(o, 'outputsSource', path));
    // Linux's share of the outputs: by default every output the ranges wire up.
    d.share = this.share(o, 'share', path, 'INTR outputs', d.ranges, (t) => ({ start: t.from, count: t.count, source: t.source }), 'outputs', 'ranges');
    return d;
  }

  private inta(o: Obj, path: string, index: number): IntaDraft {
    const d: IntaDraft = { path };
    d.id = this.id(o, 'id', path, 'inta', index);
    d.sciId = this.sciId(o, path);
    d.parent = this.ref(o, 'parent', path, 'an INTR');
    d.base = this.address(o, 'base', path);
    d.vints = this.entries(this.list(o, 'vints', path, 1), `${path}.vints`, (v, p) => this.translation(v, p, 'VINTs', U16, 'INTR inputs are 16-bit numbers'));
    d.globalEvents = this.entries(this.list(o, 'globalEvents', path, 1), `${path}.globalEvents`, (v, p) => this.range(v, p, 'global events'));
    d.vintShare = this.share(o, 'vintShare', path, 'VINTs', d.vints, (t) => ({ start: t.from, count: t.count, source: t.source }), 'VINTs', 'vints');
    if (own(o, 'hardware').present) {
      const h = this.objField(o, 'hardware', path);
      if (h !== undefined) {
        const hp = keyPath(path, 'hardware');
        const source = this.source(h, 'source', hp);
        const vints = this.count(h, 'vints', hp, source);
        const globalEvents = this.count(h, 'globalEvents', hp, source);
        if (vints !== undefined && globalEvents !== undefined) d.hardware = { vints, globalEvents };
      }
    }
    return d;
  }

  private msiDevice(o: Obj, path: string, index: number): MsiDeviceDraft {
    const d: MsiDeviceDraft = { path };
    d.id = this.id(o, 'id', path, 'msiDevice', index);
    d.sciId = this.sciId(o, path);
    d.name = this.text(o, 'name', path, 1, 128);
    d.msiParent = this.ref(o, 'msiParent', path, 'an INTA');
    d.indices = this.int(o, 'indices', path, 1, U16 + 1);
    d.indicesSource = this.source(o, 'indicesSource', path);
    // `free` is the name this list had before Linux's share was called a share.
    const key = own(o, 'share').present || !own(o, 'free').present ? 'share' : 'free';
    d.share = this.entries(this.list(o, key, path, 0, true), `${path}.${key}`, (v, p) => this.range(v, p, 'device indices'));
    if (d.share && d.indices !== undefined) {
      const has = `${d.id ?? 'this device'} has indices 0-${d.indices - 1}`;
      d.share = d.share.filter((r) => this.fitsBelow(r.path, 'start', r.value.start, r.value.count, d.indices!, 'index', has));
      this.noOverlap(d.share.map((r) => this.span(r.value.start, r.value.count, r.path, `indices ${span(r.value.start, r.value.start + r.value.count - 1)}`)));
    }
    return d;
  }

  /**
   * A channel direction: `channels` (Linux's channel ranges) and optionally `firstNormal`, or
   * the older `count` (channels 0..count-1).
   */
  private channel(o: Obj, key: 'tx' | 'rx', path: string): ChannelSpec | undefined {
    const p = keyPath(path, key);
    const c = this.objField(o, key, path);
    if (c === undefined) return undefined;
    let share: SourcedRange[] | undefined;
    if (own(c, 'channels').present || own(c, 'share').present || !own(c, 'count').present) {
      // `share` is the name in the built-in topologies' form (JSON.stringify of one is a file).
      const key = own(c, 'share').present && !own(c, 'channels').present ? 'share' : 'channels';
      const list = this.entries(this.list(c, key, p, 1), `${p}.${key}`, (v, q) => this.range(v, q, 'channel ids'));
      if (list) {
        this.noOverlap(list.map((r) => this.span(r.value.start, r.value.count, r.path, `channels ${span(r.value.start, r.value.start + r.value.count - 1)}`)));
        share = list.map((r) => r.value);
      }
    } else {
      const count = this.int(c, 'count', p, 1, U16 + 1);
      const source = this.source(c, 'source', p);
      if (count !== undefined && source !== undefined) share = [{ start: 0, count, source }];
    }
    const firstNormal = own(c, 'firstNormal').present ? this.int(c, 'firstNormal', p, 0, U16) : 0;
    const firstNormalSource = this.source(c, 'firstNormalSource', p);
    if (share === undefined || firstNormal === undefined || firstNormalSource === undefined) return undefined;
    return { share, firstNormal, firstNormalSource };
  }

  private dma(o: Obj, path: string, index: number): DmaDraft {
    const d: DmaDraft = { path };
    d.id = this.id(o, 'id', path, 'dma', index);
    d.sciId = this.sciId(o, path);
    d.name = this.text(o, 'name', path, 1, 128);
    d.ringDevice = this.ref(o, 'ringDevice', path, 'an MSI device');
    d.tx = this.channel(o, 'tx', path);
    d.rx = this.channel(o, 'rx', path);
    d.rxEventOffset = own(o, 'rxEventOffset').present ? this.int(o, 'rxEventOffset', path, 0, U16) : 0x200;
    if (d.rx && d.rxEventOffset !== undefined) {
      for (const r of d.rx.share) this.endWithin(`${path}.rx`, 'rxEventOffset + start', d.rxEventOffset + r.start, r.count, U16, 'TR event indices (rxEventOffset + rchan) are 16-bit numbers');
    }
    return d;
  }

  private client(o: Obj, path: string, index: number): ClientDraft {
    const d: ClientDraft = { path };
    d.id = this.id(o, 'id', path, 'directClient', index);
    d.name = this.text(o, 'name', path, 1, 128);
    d.parent = this.ref(o, 'parent', path, 'an INTR');
    d.source = this.source(o, 'source', path);
    d.inputs = this.entries(this.list(o, 'inputs', path, 1), `${path}.inputs`, (v, p) => {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U16) return v;
      return this.missingOr(p, v, `an integer 0-${U16}`);
    });
    return d;
  }

  // ---- cross-checks ------------------------------------------------------------------------

  /** Resolves a reference to an element of one of `kinds`, or reports why it does not. */
  private resolve(refId: string | undefined, path: string, kinds: Kind[], expected: string): Registered | undefined {
    if (refId === undefined) return undefined;
    const target = this.ids.get(refId);
    if (target === undefined) {
      if (kinds.some((k) => this.unreadable.has(k))) return undefined;
      const candidates = [...this.ids].filter(([, r]) => kinds.includes(r.kind)).map(([id]) => id);
      this.issues.add(path, `expected the id of ${expected}, got ${quote(refId)}, which no element has (${have(candidates)})`);
      return undefined;
    }
    if (!kinds.includes(target.kind)) {
      this.issues.add(path, `expected the id of ${expected}, got ${quote(refId)}, which is ${KIND_NAME[target.kind]} (${target.path})`);
      return undefined;
    }
    return target;
  }

  private readonly intrParents = new Map<IntrDraft, IntrDraft | 'gic'>();

  private checkRouters(intrs: IntrDraft[]): void {
    const byId = new Map(intrs.filter((r) => r.id !== undefined).map((r) => [r.id!, r]));
    const gicSpans: Span[] = [];
    for (const r of intrs) {
      const target = this.resolve(r.parent, `${r.path}.parent`, ['gic', 'intr'], 'the GIC or an INTR');
      if (target === undefined) continue;
      if (target.kind === 'gic') {
        this.intrParents.set(r, 'gic');
        for (const t of r.ranges ?? []) {
          const { to, count } = t.value;
          if (to < SPI_FIRST || to > SPI_LAST) {
            this.issues.add(`${t.path}.to`, `expected a GIC SPI hwirq ${SPI_FIRST}-${SPI_LAST} (the parent is the GIC), got ${to}`);
          } else if (this.endWithin(t.path, 'to', to, count, SPI_LAST, `GIC hwirqs must be SPIs ${SPI_FIRST}-${SPI_LAST}`)) {
            gicSpans.push(this.span(to, count, t.path, `GIC hwirqs ${span(to, to + count - 1)} of ${r.id ?? 'this INTR'}`));
          }
        }
      } else {
        const parent = byId.get(r.parent!);
        if (parent !== undefined) this.intrParents.set(r, parent);
      }
    }
    sweep(gicSpans, (at, other) => this.issues.add(at.path, `${at.what} are also mapped by ${other.path} (${other.what}); two router outputs may not share a GIC line`));
    this.checkCycles(intrs);
  }

  /** Each INTR has one parent, so the INTRs form a functional graph: one walk finds every cycle. */
  private checkCycles(intrs: IntrDraft[]): void {
    const state = new Map<IntrDraft, 1 | 2>();
    for (const start of intrs) {
      if (state.has(start)) continue;
      const walk: IntrDraft[] = [];
      let cur: IntrDraft | 'gic' | undefined = start;
      while (cur !== undefined && cur !== 'gic' && !state.has(cur)) {
        state.set(cur, 1);
        walk.push(cur);
        cur = this.intrParents.get(cur);
      }
      if (cur !== undefined && cur !== 'gic' && state.get(cur) === 1) {
        const cycle = walk.slice(walk.indexOf(cur));
        let k = 0;
        for (let j = 1; j < cycle.length; j++) if (cycle[j].index < cycle[k].index) k = j;
        const names = [...cycle.slice(k), ...cycle.slice(0, k), cycle[k]].map((x) => x.id);
        this.issues.add(`${cycle[k].path}.parent`, `parent cycle: ${names.join(' -> ')}; every INTR must lead to the GIC`);
        for (const x of cycle) this.intrParents.delete(x);
      }
      for (const x of walk) state.set(x, 2);
    }
  }

  /** Everything wired to an INTR's inputs: child INTR outputs, INTA VINTs, direct clients. */
  private checkRouterInputs(intrs: IntrDraft[], intas: IntaDraft[], clients: ClientDraft[]): void {
    const byId = new Map(intrs.filter((r) => r.id !== undefined).map((r) => [r.id!, r]));
    const users = new Map<IntrDraft, Span[]>();
    const use = (intr: IntrDraft, s: Span) => {
      const list = users.get(intr);
      if (list) list.push(s);
      else users.set(intr, [s]);
    };
    /** A translation entry whose `to` side lands on `intr`'s inputs. */
    const useRange = (intr: IntrDraft, t: At<SourcedTranslation>, what: string) => {
      const { to, count } = t.value;
      if (intr.inputs === undefined) return;
      if (!this.fitsBelow(t.path, 'to', to, count, intr.inputs, `${intr.id} input`, `${intr.id} has inputs 0-${intr.inputs - 1}`)) return;
      use(intr, this.span(to, count, t.path, `inputs ${span(to, to + count - 1)} (${what})`));
    };
    for (const r of intrs) {
      const parent = this.intrParents.get(r);
      if (parent === undefined || parent === 'gic') continue;
      for (const t of r.ranges ?? []) useRange(parent, t, `outputs of INTR ${r.id}`);
    }
    for (const a of intas) {
      const target = this.resolve(a.parent, `${a.path}.parent`, ['intr'], 'an INTR');
      const parent = target ? byId.get(a.parent!) : undefined;
      if (parent === undefined) continue;
      for (const t of a.vints ?? []) useRange(parent, t, `VINTs of INTA ${a.id}`);
    }
    for (const c of clients) {
      const target = this.resolve(c.parent, `${c.path}.parent`, ['intr'], 'an INTR');
      const parent = target ? byId.get(c.parent!) : undefined;
      if (parent === undefined || parent.inputs === undefined) continue;
      for (const x of c.inputs ?? []) {
        if (x.value >= parent.inputs) {
          this.issues.add(x.path, `${parent.id} input ${x.value} does not exist: ${parent.id} has inputs 0-${parent.inputs - 1}`);
        } else use(parent, this.span(x.value, 1, x.path, `input ${x.value} (of direct client ${c.id})`));
      }
    }
    for (const [intr, spans] of users) {
      sweep(spans, (at, other) =>
        this.issues.add(at.path, `${intr.id} ${at.what} collide${at.what.startsWith('input ') ? 's' : ''} with ${other.what} at ${other.path}`),
      );
    }
  }

  private checkIntas(intas: IntaDraft[]): void {
    for (const a of intas) {
      if (a.vints) this.noOverlap(a.vints.map((t) => this.span(t.value.from, t.value.count, t.path, `VINTs ${span(t.value.from, t.value.from + t.value.count - 1)}`)));
      if (a.globalEvents) {
        this.noOverlap(a.globalEvents.map((g) => this.span(g.value.start, g.value.count, g.path, `global events ${span(g.value.start, g.value.start + g.value.count - 1)}`)));
      }
    }
  }

  private checkRingDevices(devices: MsiDeviceDraft[], dmas: DmaDraft[]): void {
    for (const d of devices) this.resolve(d.msiParent, `${d.path}.msiParent`, ['inta'], 'an INTA');
    const byId = new Map(devices.filter((d) => d.id !== undefined).map((d) => [d.id!, d]));
    for (const m of dmas) {
      const target = this.resolve(m.ringDevice, `${m.path}.ringDevice`, ['msiDevice'], 'an MSI device');
      const dev = target ? byId.get(m.ringDevice!) : undefined;
      // Channels complete on GP rings handed out from the ring device's share.
      if (dev?.share && dev.share.length === 0) {
        this.issues.add(`${m.path}.ringDevice`, `${dev.id} has no GP rings in its share (${dev.path}.share): ${m.id}'s channels would have no completion ring`);
      }
    }
  }

  /**
   * Linux's share of a hardware number space (`share`, `vintShare`): ranges that must lie
   * inside what the hardware wires (`within`, a translation table), or by default all of it.
   */
  private share(
    o: Obj,
    key: string,
    path: string,
    what: string,
    within: At<SourcedTranslation>[] | undefined,
    whole: (t: SourcedTranslation) => SourcedRange,
    noun: string,
    withinKey: string,
  ): At<SourcedRange>[] | undefined {
    if (!own(o, key).present) return within?.map((t) => ({ path: t.path, value: whole(t.value) }));
    const list = this.entries(this.list(o, key, path, 1), `${path}.${key}`, (v, p) => this.range(v, p, what));
    if (list === undefined || within === undefined) return list;
    this.noOverlap(list.map((r) => this.span(r.value.start, r.value.count, r.path, `${noun} ${span(r.value.start, r.value.start + r.value.count - 1)}`)));
    return list.filter((r) => {
      for (let n = r.value.start; n < r.value.start + r.value.count; n++) {
        if (!within.some((t) => n >= t.value.from && n < t.value.from + t.value.count)) {
          this.issues.add(r.path, `${noun.replace(/s$/, '')} ${n} is in Linux's share but routes nowhere: not in ${keyPath(path, withinKey)}`);
          return false;
        }
      }
      return true;
    });
  }

  private boot(root: Obj, devices: MsiDeviceDraft[], dmas: DmaDraft[], clients: ClientDraft[]): string[] | undefined {
    if (!own(root, 'boot').present) {
      return [...devices.map((d) => d.id), ...dmas.map((d) => d.id), ...clients.map((c) => c.id)].filter((x): x is string => x !== undefined);
    }
    const items = this.list(root, 'boot', '$', 0);
    if (items === undefined) return undefined;
    const seen = new Map<string, string>();
    const out: string[] = [];
    const probes = (k: Kind) => k === 'dma' || k === 'directClient' || k === 'msiDevice';
    const candidates = [...this.ids].filter(([, r]) => probes(r.kind)).map(([id]) => id);
    items.forEach((v, i) => {
      const p = `$.boot[${i}]`;
      if (typeof v !== 'string' || !ID_RE.test(v)) {
        this.missingOr(p, v, 'the id of an MSI device, a DMA controller or a direct client');
        return;
      }
      const target = this.ids.get(v);
      if (target === undefined) {
        if (this.unreadable.has('dma') || this.unreadable.has('directClient') || this.unreadable.has('msiDevice')) return;
        this.issues.add(p, `expected the id of an MSI device, a DMA controller or a direct client, got ${quote(v)}, which no element has (${have(candidates)})`);
        return;
      }
      if (!probes(target.kind)) {
        this.issues.add(p, `expected the id of an MSI device, a DMA controller or a direct client, got ${quote(v)}, which is ${KIND_NAME[target.kind]} (${target.path})`);
        return;
      }
      const prev = seen.get(v);
      if (prev !== undefined) {
        this.issues.add(p, `${quote(v)} is already listed at ${prev}; each driver probes once`);
        return;
      }
      seen.set(v, p);
      out.push(v);
    });
    return out;
  }
}

/**
 * Validates a parsed JSON value as a topology. Returns a new Topology built only from validated
 * fields, or every issue found (at most MAX_ISSUES). Never throws.
 */
export const validateTopology = (json: unknown): TopologyResult => validate(json, false);

const validate = (json: unknown, fromJsonParse: boolean): TopologyResult => {
  const v = new Validator(fromJsonParse);
  try {
    const topology = v.run(json);
    if (topology !== undefined && v.issues.list.length === 0) return { ok: true, topology };
  } catch (e) {
    if (!(e instanceof TooManyIssues)) {
      // Only a hostile non-JSON value (a Proxy, a throwing getter) can get here.
      const list = v.issues.list.slice(0, MAX_ISSUES - 1);
      list.push({ path: '$', message: `could not read the value: ${e instanceof Error ? printable(e.message, 120) : 'unknown error'}` });
      return { ok: false, issues: list };
    }
  }
  return { ok: false, issues: v.issues.list };
};
