/**
 * What a topology must satisfy beyond its shape, which a JSON Schema cannot say: unique ids and
 * sciIds, references to elements of the right kind, INTR parents that lead to the GIC, number
 * ranges that stay 16-bit and inside what they index (the hardware's counts, where the file gives
 * them), no two users of one number (a DMA's tx and rx TR events included), Linux's shares inside
 * what the hardware wires, and the boot
 * list. Runs on a topology that passed the schema
 * check, with defaults filled in (build.ts). An entry refused here is left out of the later
 * checks, and a share is checked against its ranges only when they are all sound, so one mistake
 * is one issue.
 */
import { formatRange } from '../core/ranges.js';
import type { Topology } from '../core/topology.js';
import { quote } from './json-syntax.js';
import { have, type Issues } from './issues.js';
import type { Where } from './build.js';

const U16 = 65535;
const SPI_FIRST = 32;
const SPI_LAST = 1019;

type Kind = 'gic' | 'intr' | 'inta' | 'msiDevice' | 'dma' | 'directClient';

const KIND_NAME: Record<Kind, string> = {
  gic: 'the GIC',
  intr: 'an INTR',
  inta: 'an INTA',
  msiDevice: 'an MSI device',
  dma: 'a DMA controller',
  directClient: 'a direct client',
};

/** A span of numbers that must not overlap others of its kind, with where it came from. */
interface Span {
  start: number;
  end: number;
  /** Where to report it. */
  path: string;
  /** "outputs 0-63", "input 391 (of direct client cpts)" */
  what: string;
  /** One number: `what` is singular, and so is the verb after it. */
  one: boolean;
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

/** A kind of number, as a message names one and many of them. */
interface Noun {
  one: string;
  many: string;
}
const OUTPUTS: Noun = { one: 'output', many: 'outputs' };
const INPUTS: Noun = { one: 'input', many: 'inputs' };
const VINTS: Noun = { one: 'VINT', many: 'VINTs' };
const EVENTS: Noun = { one: 'global event', many: 'global events' };
const INDICES: Noun = { one: 'index', many: 'indices' };
const CHANNELS: Noun = { one: 'channel', many: 'channels' };
const TR_EVENTS: Noun = { one: 'TR event index', many: 'TR event indices' };

/** `count` numbers from `first`, named as one or many: `channel 7`, `channels 0-7`. */
const named = (noun: Noun, first: number, count: number): string => `${count === 1 ? noun.one : noun.many} ${formatRange(first, count)}`;

interface IdRange {
  start: number;
  count: number;
}

/** Why a DMA's tx and rx TR events may not meet (topology files and --rm-cfg say it alike). */
export const TR_EVENT_SPACE = "k3-udma numbers a tchan's TR event by its id and an rchan's from rxEventOffset up (oes.udma_rchan, 0x200 on AM65x), in one MSI index space";

/**
 * A DMA controller's TR events are one MSI index space: k3-udma's udma_setup_resources gives the
 * MSI layer the tchan ranges at their ids and the rchan ranges from oes.udma_rchan (0x200 on
 * AM65x; here rxEventOffset) up, so a tx channel id that is also rxEventOffset + an rx channel id
 * would be allocated twice and the probe fail (EEXIST). The first rx range each tx range meets,
 * with the indices they share (`first`, `count`).
 */
export const trEventCollisions = <T extends IdRange, R extends IdRange>(offset: number, tx: T[], rx: R[]): Array<{ tx: T; rx: R; first: number; count: number }> => {
  const found: Array<{ tx: T; rx: R; first: number; count: number }> = [];
  for (const t of tx) {
    const end = t.start + t.count - 1;
    for (const r of rx) {
      const first = Math.max(t.start, offset + r.start);
      const count = Math.min(end, offset + r.start + r.count - 1) - first + 1;
      if (count > 0) {
        found.push({ tx: t, rx: r, first, count });
        break;
      }
    }
  }
  return found;
};

/** The verb for `count` TR events meeting others: `collides`, `collide`. */
export const collide = (count: number): string => (count === 1 ? 'collides' : 'collide');

/** `TR event indices 4-7 (tx channels 4-7)`, or for rx `(rx channels 0-3 + rxEventOffset 4)`: `offsetWords` names the offset. */
export const trEventsOf = (dir: 'tx' | 'rx', c: { first: number; count: number }, offset: number, offsetWords: string): string =>
  `${named(TR_EVENTS, c.first, c.count)} (${dir === 'tx' ? `tx ${named(CHANNELS, c.first, c.count)}` : `rx ${named(CHANNELS, c.first - offset, c.count)} + ${offsetWords}`})`;
const GIC_HWIRQS: Noun = { one: 'GIC hwirq', many: 'GIC hwirqs' };

/** A list entry with its path. */
interface At<T> {
  path: string;
  value: T;
}
const located = <T>(list: T[], at: string): At<T>[] => list.map((value, k) => ({ path: `${at}[${k}]`, value }));

interface Registered {
  kind: Kind;
  path: string;
  index: number;
}

class Checker {
  private readonly ids = new Map<string, Registered>();
  private readonly sciIds = new Map<number, string>();
  private seq = 0;

  constructor(
    private readonly t: Topology,
    private readonly w: Where,
    private readonly issues: Issues,
  ) {}

  private add(path: string, message: string): void {
    this.issues.add(path, message);
  }

  /** Numbers `start`.. of one kind, named as one or many (`output 7`, `outputs 0-7`), then `after`. */
  private span(start: number, count: number, path: string, noun: Noun, after = ''): Span {
    const one = count === 1;
    return { start, end: start + count - 1, path, what: `${one ? noun.one : noun.many} ${formatRange(start, count)}${after}`, one, seq: this.seq++ };
  }

  /** Overlaps inside one list or one number space, reported at the later entry. */
  private noOverlap(spans: Span[]): void {
    sweep(spans, (at, other) => this.add(at.path, `${at.what} ${at.one ? 'overlaps' : 'overlap'} ${other.what} at ${other.path}`));
  }

  private id(id: string, path: string, kind: Kind, index: number): void {
    const prev = this.ids.get(id);
    if (prev !== undefined) this.add(`${path}.id`, `duplicate id ${quote(id)}: already used by ${KIND_NAME[prev.kind]} at ${prev.path}`);
    else this.ids.set(id, { kind, path: `${path}.id`, index });
  }

  private sciId(sciId: number, path: string): void {
    const p = `${path}.sciId`;
    const prev = this.sciIds.get(sciId);
    if (prev !== undefined) this.add(p, `sciId ${sciId} is already used by ${prev}; TISCI device ids are unique`);
    else this.sciIds.set(sciId, p);
  }

  /** `start` + count - 1 must stay within `last`; reports at `.count` and names the field. */
  private endWithin(path: string, startKey: string, start: number, count: number, last: number, what: string): boolean {
    const end = start + count - 1;
    if (end <= last) return true;
    this.add(`${path}.count`, `${startKey} ${start} + count ${count} - 1 = ${end} passes ${last}: ${what}`);
    return false;
  }

  /**
   * Numbers `start`..`start + count - 1` of `owner` must exist in the hardware, which has `total`
   * of them (given at `totalPath`; no check when the file gives no count); says so at the range's
   * path in the words `--rm-cfg` uses for the same mistake in a board config.
   */
  private inHardware(path: string, start: number, count: number, total: number | undefined, noun: Noun, owner: string, totalPath: string): boolean {
    if (total === undefined || start + count <= total) return true;
    // A range that starts inside and ends past the last number is not "outside": it runs past.
    const what = count === 1 ? `${noun.one} ${start} is outside` : `${noun.many} ${formatRange(start, count)} ${start < total ? 'run past' : 'are outside'}`;
    this.add(path, `${what} the hardware: ${owner} has ${noun.many} 0-${total - 1} (${totalPath})`);
    return false;
  }

  /** Translation entries whose two sides stay 16-bit; the others are reported and left out. */
  private translations(list: At<{ from: number; to: number; count: number }>[], fromWhat: string, toWhat: string) {
    return list.filter(({ path, value: t }) => this.endWithin(path, 'from', t.from, t.count, U16, `${fromWhat} are 16-bit numbers`) && this.endWithin(path, 'to', t.to, t.count, U16, toWhat));
  }

  private ranges(list: At<{ start: number; count: number }>[], what: string) {
    return list.filter(({ path, value: r }) => this.endWithin(path, 'start', r.start, r.count, U16, `${what} are 16-bit numbers`));
  }

  private spans(list: At<{ start: number; count: number }>[], noun: Noun): Span[] {
    return list.map((r) => this.span(r.value.start, r.value.count, r.path, noun));
  }

  /**
   * Linux's share of a number space that a translation table wires (`share`, `vintShare`): its
   * ranges must not overlap and must lie inside the table, which is checked only when every
   * entry of the table is sound (a refused entry would make the share look unrouted too).
   */
  private share(
    list: At<{ start: number; count: number }>[],
    given: boolean,
    what: string,
    noun: Noun,
    table: At<{ from: number; count: number }>[],
    tableSound: boolean,
    tablePath: string,
  ): void {
    if (!given) return;
    const sound = this.ranges(list, what);
    this.noOverlap(this.spans(sound, noun));
    if (!tableSound) return;
    for (const r of sound) {
      for (let n = r.value.start; n < r.value.start + r.value.count; n++) {
        if (!table.some((t) => n >= t.value.from && n < t.value.from + t.value.count)) {
          this.add(r.path, `${noun.one} ${n} is in Linux's share but routes nowhere: not in ${tablePath}`);
          break;
        }
      }
    }
  }

  /** A DMA's tx ranges against rxEventOffset + its rx ranges (trEventCollisions), reported at the tx range. */
  private trEvents(offset: number, offsetWords: string, tx: At<IdRange>[], rx: At<IdRange>[]): void {
    const flat = (list: At<IdRange>[]) => list.map(({ path, value }) => ({ path, start: value.start, count: value.count }));
    for (const c of trEventCollisions(offset, flat(tx), flat(rx))) {
      this.add(c.tx.path, `${trEventsOf('tx', c, offset, offsetWords)} ${collide(c.count)} with ${trEventsOf('rx', c, offset, offsetWords)} at ${c.rx.path}; ${TR_EVENT_SPACE}`);
    }
  }

  /** Resolves a reference to an element of one of `kinds`, or reports why it does not. */
  private resolve(refId: string, path: string, kinds: Kind[], expected: string): Registered | undefined {
    const target = this.ids.get(refId);
    if (target === undefined) {
      const candidates = [...this.ids].filter(([, r]) => kinds.includes(r.kind)).map(([id]) => id);
      this.add(path, `expected the id of ${expected}, got ${quote(refId)}, which no element has (${have(candidates)})`);
      return undefined;
    }
    if (!kinds.includes(target.kind)) {
      this.add(path, `expected the id of ${expected}, got ${quote(refId)}, which is ${KIND_NAME[target.kind]} (${target.path})`);
      return undefined;
    }
    return target;
  }

  run(): void {
    const { t, w } = this;
    this.ids.set(t.gic.id, { kind: 'gic', path: '$.gic.id', index: 0 });
    // The schema bounds `first` by 65535 and `count` by 65536; the space they make ends by 65535 too.
    this.endWithin('$.virq', 'first', t.virq.first, t.virq.count, U16, `virqs are numbered 1-${U16} here`);

    // Each element on its own, in file order.
    const intrRanges = t.intrs.map((r, i) => {
      const { path } = w.intrs[i];
      this.id(r.id, path, 'intr', i);
      this.sciId(r.sciId, path);
      const all = located(r.ranges, `${path}.ranges`);
      const ranges = this.translations(all, 'INTR outputs', 'parent hwirqs are 16-bit numbers').filter((x) =>
        this.inHardware(x.path, x.value.from, x.value.count, r.outputs?.count, OUTPUTS, r.id, `${path}.outputs`),
      );
      this.noOverlap(ranges.map((x) => this.span(x.value.from, x.value.count, x.path, OUTPUTS)));
      this.share(located(r.share, w.intrs[i].share), w.intrs[i].shareGiven, 'INTR outputs', OUTPUTS, ranges, ranges.length === all.length, `${path}.ranges`);
      return ranges;
    });
    const vints = t.intas.map((a, i) => {
      const { path } = w.intas[i];
      this.id(a.id, path, 'inta', i);
      this.sciId(a.sciId, path);
      const all = located(a.vints, `${path}.vints`);
      const sound = this.translations(all, 'VINTs', 'INTR inputs are 16-bit numbers').filter((x) =>
        this.inHardware(x.path, x.value.from, x.value.count, a.hardware?.vints.count, VINTS, a.id, `${path}.hardware.vints`),
      );
      const events = this.ranges(located(a.globalEvents, `${path}.globalEvents`), 'global events').filter((x) =>
        this.inHardware(x.path, x.value.start, x.value.count, a.hardware?.globalEvents.count, EVENTS, a.id, `${path}.hardware.globalEvents`),
      );
      this.share(located(a.vintShare, w.intas[i].vintShare), w.intas[i].vintShareGiven, 'VINTs', VINTS, sound, sound.length === all.length, `${path}.vints`);
      return { sound, events };
    });
    t.msiDevices.forEach((d, i) => {
      const { path, share } = w.msiDevices[i];
      this.id(d.id, path, 'msiDevice', i);
      this.sciId(d.sciId, path);
      const sound = this.ranges(located(d.share, share), 'device indices').filter((r) =>
        this.inHardware(r.path, r.value.start, r.value.count, d.indices, INDICES, d.id, `${path}.indices`),
      );
      this.noOverlap(this.spans(sound, INDICES));
    });
    t.dmas.forEach((m, i) => {
      const { path, rxEventOffsetGiven } = w.dmas[i];
      this.id(m.id, path, 'dma', i);
      this.sciId(m.sciId, path);
      const [tx, rx] = (['tx', 'rx'] as const).map((dir) => {
        const list = w.dmas[i][dir];
        // The older form, channels 0..count-1, is one range that a count of at most 65536 keeps 16-bit.
        if (list === undefined) return [{ path: `${path}.${dir}.count`, value: m[dir].share[0] }];
        const sound = this.ranges(located(m[dir].share, list), 'channel ids');
        this.noOverlap(this.spans(sound, CHANNELS));
        return sound;
      });
      // rxEventOffset + every rx channel stays 16-bit: said at the range's count (the older form's
      // `rx.count`), naming the keys the file has, with their values.
      const offsetWords = `${rxEventOffsetGiven ? '' : 'the default '}rxEventOffset ${m.rxEventOffset}`;
      const listed = w.dmas[i].rx !== undefined;
      const rxEvents = rx.filter(({ path: at, value: r }) => {
        const end = m.rxEventOffset + r.start + r.count - 1;
        if (end <= U16) return true;
        const terms = listed ? `start ${r.start} + count ${r.count}` : `count ${r.count}`;
        this.add(listed ? `${at}.count` : at, `${offsetWords} + ${terms} - 1 = ${end} passes ${U16}: TR event indices (rxEventOffset + rchan) are 16-bit numbers`);
        return false;
      });
      this.trEvents(m.rxEventOffset, offsetWords, tx, rxEvents);
    });
    t.directClients.forEach((c, i) => this.id(c.id, w.directClients[i].path, 'directClient', i));

    // Across elements.
    const parents = this.checkRouters(intrRanges);
    this.checkRouterInputs(intrRanges, parents, vints.map((v) => v.sound));
    t.intas.forEach((_, i) => {
      this.noOverlap(vints[i].sound.map((x) => this.span(x.value.from, x.value.count, x.path, VINTS)));
      this.noOverlap(this.spans(vints[i].events, EVENTS));
    });
    this.checkRingDevices();
    this.checkBoot();
  }

  /** Parents, GIC SPIs and cycles; returns each INTR's parent (an index, or 'gic') where it is sound. */
  private checkRouters(ranges: At<{ from: number; to: number; count: number }>[][]): Map<number, number | 'gic'> {
    const { t, w } = this;
    const parents = new Map<number, number | 'gic'>();
    const gicSpans: Span[] = [];
    t.intrs.forEach((r, i) => {
      const target = this.resolve(r.parent, `${w.intrs[i].path}.parent`, ['gic', 'intr'], 'the GIC or an INTR');
      if (target === undefined) return;
      if (target.kind === 'intr') {
        parents.set(i, target.index);
        return;
      }
      parents.set(i, 'gic');
      for (const x of ranges[i]) {
        const { to, count } = x.value;
        if (to < SPI_FIRST || to > SPI_LAST) {
          this.add(`${x.path}.to`, `expected a GIC SPI hwirq ${SPI_FIRST}-${SPI_LAST} (the parent is the GIC), got ${to}`);
        } else if (this.endWithin(x.path, 'to', to, count, SPI_LAST, `GIC hwirqs must be SPIs ${SPI_FIRST}-${SPI_LAST}`)) {
          gicSpans.push(this.span(to, count, x.path, GIC_HWIRQS, ` of ${r.id}`));
        }
      }
    });
    sweep(gicSpans, (at, other) => this.add(at.path, `${at.what} ${at.one ? 'is' : 'are'} also mapped by ${other.path} (${other.what}); two router outputs may not share a GIC line`));
    this.checkCycles(parents);
    return parents;
  }

  /** Each INTR has one parent, so the INTRs form a functional graph: one walk finds every cycle. */
  private checkCycles(parents: Map<number, number | 'gic'>): void {
    const state = new Map<number, 1 | 2>();
    for (let start = 0; start < this.t.intrs.length; start++) {
      if (state.has(start)) continue;
      const walk: number[] = [];
      let cur: number | 'gic' | undefined = start;
      while (typeof cur === 'number' && !state.has(cur)) {
        state.set(cur, 1);
        walk.push(cur);
        cur = parents.get(cur);
      }
      if (typeof cur === 'number' && state.get(cur) === 1) {
        const cycle = walk.slice(walk.indexOf(cur));
        const k = cycle.indexOf(Math.min(...cycle));
        const names = [...cycle.slice(k), ...cycle.slice(0, k), cycle[k]].map((x) => this.t.intrs[x].id);
        this.add(`${this.w.intrs[cycle[k]].path}.parent`, `parent cycle: ${names.join(' -> ')}; every INTR must lead to the GIC`);
        for (const x of cycle) parents.delete(x);
      }
      for (const x of walk) state.set(x, 2);
    }
  }

  /** Everything wired to an INTR's inputs: child INTR outputs, INTA VINTs, direct clients. */
  private checkRouterInputs(ranges: At<{ to: number; count: number }>[][], parents: Map<number, number | 'gic'>, vints: At<{ to: number; count: number }>[][]): void {
    const { t, w } = this;
    const users = new Map<number, Span[]>();
    const use = (intr: number, s: Span) => users.set(intr, [...(users.get(intr) ?? []), s]);
    /** A translation entry whose `to` side lands on INTR `p`'s inputs. */
    const useRange = (p: number, x: At<{ to: number; count: number }>, what: string) => {
      const { id, inputs } = t.intrs[p];
      const { to, count } = x.value;
      if (this.inHardware(x.path, to, count, inputs, INPUTS, id, `${w.intrs[p].path}.inputs`)) use(p, this.span(to, count, x.path, INPUTS, ` (${what})`));
    };
    t.intrs.forEach((r, i) => {
      const p = parents.get(i);
      if (typeof p === 'number') for (const x of ranges[i]) useRange(p, x, `outputs of INTR ${r.id}`);
    });
    t.intas.forEach((a, i) => {
      const target = this.resolve(a.parent, `${w.intas[i].path}.parent`, ['intr'], 'an INTR');
      if (target) for (const x of vints[i]) useRange(target.index, x, `VINTs of INTA ${a.id}`);
    });
    t.directClients.forEach((c, i) => {
      const { path } = w.directClients[i];
      const target = this.resolve(c.parent, `${path}.parent`, ['intr'], 'an INTR');
      if (target === undefined) return;
      const { id, inputs } = t.intrs[target.index];
      c.inputs.forEach((n, k) => {
        const at = `${path}.inputs[${k}]`;
        if (this.inHardware(at, n, 1, inputs, INPUTS, id, `${w.intrs[target.index].path}.inputs`)) use(target.index, this.span(n, 1, at, INPUTS, ` (of direct client ${c.id})`));
      });
    });
    for (const [intr, spans] of users) {
      const id = t.intrs[intr].id;
      sweep(spans, (at, other) => this.add(at.path, `${id} ${at.what} ${at.one ? 'collides' : 'collide'} with ${other.what} at ${other.path}`));
    }
  }

  private checkRingDevices(): void {
    const { t, w } = this;
    t.msiDevices.forEach((d, i) => this.resolve(d.msiParent, `${w.msiDevices[i].path}.msiParent`, ['inta'], 'an INTA'));
    t.dmas.forEach((m, i) => {
      const at = `${w.dmas[i].path}.ringDevice`;
      const target = this.resolve(m.ringDevice, at, ['msiDevice'], 'an MSI device');
      if (target === undefined) return;
      // Channels complete on GP rings handed out from the ring device's share, as written.
      const dev = t.msiDevices[target.index];
      if (dev.share.length === 0) {
        this.add(at, `${dev.id} has no GP rings in its share (${w.msiDevices[target.index].path}.share): ${m.id}'s channels would have no completion ring`);
      }
    });
  }

  /**
   * The file's boot list. The default one (no `boot` key) is every probing element's id once, so
   * it can only repeat an id that is itself a duplicate, which is said where the id stands.
   */
  private checkBoot(): void {
    if (!this.w.bootGiven) return;
    const seen = new Map<string, string>();
    const probes = (k: Kind) => k === 'dma' || k === 'directClient' || k === 'msiDevice';
    const expected = 'the id of an MSI device, a DMA controller or a direct client';
    const candidates = [...this.ids].filter(([, r]) => probes(r.kind)).map(([id]) => id);
    this.t.boot.forEach((v, i) => {
      const p = `$.boot[${i}]`;
      const target = this.ids.get(v);
      if (target === undefined) this.add(p, `expected ${expected}, got ${quote(v)}, which no element has (${have(candidates)})`);
      else if (!probes(target.kind)) this.add(p, `expected ${expected}, got ${quote(v)}, which is ${KIND_NAME[target.kind]} (${target.path})`);
      else if (seen.has(v)) this.add(p, `${quote(v)} is already listed at ${seen.get(v)}; each driver probes once`);
      else seen.set(v, p);
    });
  }
}

/** Adds an issue for everything about `t` (built from the file by build.ts) that its schema cannot express. */
export const checkSemantics = (t: Topology, where: Where, issues: Issues): void => new Checker(t, where, issues).run();
