/**
 * A snapshot of an object graph that puts every object back in place: the same objects, with the
 * fields, elements and entries they had. It knows nothing of the classes it walks (plain objects,
 * class instances, arrays, Maps, Sets, typed arrays, cycles), so the core can change shape under
 * it. Objects created after the snapshot are simply no longer reachable once it is restored.
 *
 * Why in place rather than a clone: the explorer restores the pre-state before every schedule (tens
 * of thousands of times), and comparing then writing back only what differs costs a walk over
 * flat arrays with no allocation, where a clone would rebuild the graph each time. Fields are put
 * back by restorers generated per list of keys (`keyListOf`): for the objects whose fields
 * are `virq, kind, chip, ...` (every IRQ descriptor) one function, one property access per field
 * in its own line of code, so that each access sees the one or few object shapes of those objects
 * and stays fast, where a loop over `obj[key]` sees hundreds of shapes and goes through the slow
 * generic lookup (5x). Being one per list of keys, they are few (am65x: some 40) and small, called
 * hundreds of times a restore: the engine optimizes them within the first restores, and they are
 * kept across snapshots, warm. (Restorers generated per snapshot, 128 fields of any objects each,
 * took the engine over 2 s of compiling, some 10,000 restores at up to 8x the cost, before they
 * ran at speed: longer than most searches.) Arrays get a restorer each, a function of its own,
 * past COMPILE_AFTER restores, kept by the snapshot's shape (`arrayRestorersOf`).
 *
 * The footprint restore (`restoreFootprint`, the explorer's) puts back only what schedules have
 * been seen to change, so that its cost follows what the operations touch, not the size of the
 * model (am65x's 226 descriptors and 219 MSI records, of which a schedule changes two). JavaScript
 * has no write barrier to say what a step wrote, and the core's hundreds of writes are no place
 * for one, so the footprint is learnt and checked:
 * - the first LEARN footprint restores are full ones, and note every object, and every element of
 *   an array, they had to put back: the footprint;
 * - after them, each restore puts the footprint back, and checks one of CHECK_GROUPS slices of
 *   the whole snapshot as a full restore would (so every object is checked, and put back, every
 *   CHECK_GROUPS restores, at a cost spread evenly over them);
 * - what a check finds changed outside the footprint joins it, and counts as `missed`: the
 *   schedules since that slice's last check may have started from a wrong state. The explorer
 *   ends every search with a full check (`check`) and, when anything was missed, runs the search
 *   again with full restores: the footprint makes a search faster, never different;
 * - where the footprint and a slice are a quarter or more of the whole (a small model such as
 *   small8), every restore stays a full one: the footprint's own costs would eat the gain.
 *
 * Limits, by design: a property added to an existing object after the snapshot is not removed
 * (the core's objects are created with all their fields), and frozen objects are taken as
 * immutable (their children are still walked).
 */

type AnyTyped = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

interface ObjectCell {
  obj: Record<string, unknown>;
  keys: string[];
  values: unknown[];
  /** Its place among the snapshot's objects (its dirty flag). */
  id: number;
  hot: boolean;
  /** The restorer of its list of keys. */
  restore: FieldsRestorer;
}

/** Puts `a` back to `v`, noting in `changed` the index of every element it put back (-1: the length). */
type ArrayRestore = (a: unknown[], v: readonly unknown[], changed: number[]) => void;

interface ArrayCell {
  obj: unknown[];
  values: unknown[];
  restore: ArrayRestore;
  /** What its last check put back. */
  changed: number[];
  hot: boolean;
  /** The blocks of BLOCK elements in the footprint, by number. */
  hotBlocks: number[];
}

interface MapCell {
  obj: Map<unknown, unknown>;
  keys: unknown[];
  values: unknown[];
  hot: boolean;
}

interface SetCell {
  obj: Set<unknown>;
  values: unknown[];
  hot: boolean;
}

interface TypedCell {
  obj: AnyTyped;
  copy: AnyTyped;
  hot: boolean;
}

/**
 * The footprint of an array is blocks of this many elements, as a page is for copy-on-write: a
 * schedule that takes the virq next to the one the learning saw taken finds it in the footprint.
 */
const BLOCK = 64;

/** Full restores before the arrays' own restorers take over. */
const COMPILE_AFTER = 64;
/** Footprint restores that are full ones, to learn the footprint, before it is trusted. */
const LEARN = 500;
/** After LEARN, every footprint restore checks one slice in this many of the snapshot. */
export const CHECK_GROUPS = 32;

const ARRAY_BODY = 'if (a.length !== v.length) { a.length = v.length; ch.push(-1); }\nfor (let i = 0; i < v.length; i++) if (a[i] !== v[i]) { a[i] = v[i]; ch.push(i); }';
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const restoreArray = new Function('a', 'v', 'ch', ARRAY_BODY) as ArrayRestore;

/**
 * One array's restorer, a function of its own: its element loads then see one kind of array
 * (holey or packed, numbers or objects) rather than every kind in the graph.
 */
let arrayRestorers = 0;
const arrayRestorer = (): ArrayRestore =>
  // The numbered comment makes each source unique: the engine caches compiled code, and feedback, by source.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('a', 'v', 'ch', `// array ${arrayRestorers++}\n${ARRAY_BODY}`) as ArrayRestore;

/** Where a footprint restore notes the elements of an array it put back whole (its length changed): nobody reads it. */
const scratch: number[] = [];

/** Puts the fields of some objects back; sets `dirty[id]` of each object whose fields it changed. */
type FieldRestorer = (dirty: Uint8Array) => void;

/** Puts back the fields of one object, of one list of keys, from `v` (in the keys' order); 1 when it changed any. */
type FieldsRestorer = (x: Record<string, unknown>, v: readonly unknown[]) => number;

/** A list of keys objects have: its restorer, and a number that names it in a shape's signature. */
interface KeyList {
  readonly keys: readonly string[];
  readonly id: number;
  readonly restore: FieldsRestorer;
}

/**
 * The key lists seen, by the prototype of the objects that have them: found again by comparing
 * keys one by one (property names the engine interns, so equal ones are one string), not by
 * making and hashing a string of them, which was most of the time a snapshot took. The core has
 * some tens; objects used as dictionaries each have their own, so a prototype keeps only the
 * latest MAX_KEY_LISTS.
 */
const keyLists = new WeakMap<object, KeyList[]>();
const NO_PROTOTYPE = {};
const MAX_KEY_LISTS = 64;
let keyListsMade = 0;

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** The key list of `obj`, whose keys are `keys`: its restorer is `if (x.k !== v[i]) { x.k = v[i]; c = 1; }` for each key. */
const keyListOf = (obj: object, keys: string[]): KeyList => {
  const prototype = (Object.getPrototypeOf(obj) as object | null) ?? NO_PROTOTYPE;
  let lists = keyLists.get(prototype);
  if (lists === undefined) keyLists.set(prototype, (lists = []));
  for (const list of lists) if (sameKeys(list.keys, keys)) return list;
  const lines = keys.map((k, i) => {
    const field = `x[${JSON.stringify(k)}]`;
    return `if (${field} !== v[${i}]) { ${field} = v[${i}]; c = 1; }`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const restore = new Function('x', 'v', `let c = 0;\n${lines.join('\n')}\nreturn c;`) as FieldsRestorer;
  const list = { keys, id: keyListsMade++, restore };
  if (lists.length >= MAX_KEY_LISTS) lists.shift();
  lists.push(list);
  return list;
};

/** The restorer of `cells`' fields: each object's by its list of keys. */
const fieldsOf = (cells: readonly ObjectCell[]): FieldRestorer => {
  const objects = cells.map((c) => c.obj);
  const values = cells.map((c) => c.values);
  const restorers = cells.map((c) => c.restore);
  const ids = Int32Array.from(cells, (c) => c.id);
  return (d) => {
    for (let i = 0; i < objects.length; i++) if (restorers[i](objects[i], values[i]) !== 0) d[ids[i]] = 1;
  };
};

/**
 * The arrays' restorers of the latest snapshots' shapes (the same objects' key lists, in the same
 * order, and as many arrays: the signature a Snapshot builds), by signature, the least recently
 * taken first, each array's by its place in Snapshot.arrays. They take the array and values as
 * parameters, so a later snapshot of the shape runs them as they are: compiled, and warm.
 * Bounded: a shape of am65x keeps some 40.
 */
const shapes = new Map<string, ArrayRestore[]>();
const MAX_SHAPES = 8;

const arrayRestorersOf = (signature: string): ArrayRestore[] => {
  let restorers = shapes.get(signature);
  if (restorers === undefined) {
    restorers = [];
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
  } else shapes.delete(signature);
  shapes.set(signature, restorers);
  return restorers;
};

/** A slice of the snapshot, checked as a whole. */
interface Group {
  objects: ObjectCell[];
  fields: FieldRestorer;
  arrays: ArrayCell[];
  maps: MapCell[];
  sets: SetCell[];
  typed: TypedCell[];
}

export class Snapshot {
  private readonly objects: ObjectCell[] = [];
  private readonly arrays: ArrayCell[] = [];
  private readonly maps: MapCell[] = [];
  private readonly sets: SetCell[] = [];
  private readonly typed: TypedCell[] = [];
  /** All of it, for a full restore; and in CHECK_GROUPS slices, for the footprint's checks. */
  private readonly whole: Group;
  private readonly groups: Group[] = [];
  /** Whether the footprint is worth it: false where it is most of the snapshot (a small model). */
  private footprintPays = true;
  /** Which objects' fields the last restore of their group changed. */
  private readonly dirty: Uint8Array;
  private fullRestores = 0;
  /** Its shape's arrays' restorers: a later snapshot of the same shape runs them from its first restore. */
  private readonly arrayRestorers: ArrayRestore[];
  private readonly compileAt: number;
  private footprintRestores = 0;
  /** The footprint's restorer of object fields, and its other cells. */
  private hotFields: FieldRestorer | undefined;
  private hotArrays: ArrayCell[] = [];
  private hotMaps: MapCell[] = [];
  private hotSets: SetCell[] = [];
  private hotTyped: TypedCell[] = [];
  private hotDirty: Uint8Array;
  private missedCells = 0;

  private constructor(roots: readonly object[], skip: readonly object[], footprint: ReadonlySet<object>) {
    const seen = new Set<object>(skip);
    // Its shape (the arrays' restorers are run on the snapshot's arrays by position): every
    // object's key list, and the arrays, in order.
    const signature: Array<string | number> = [];
    const stack: unknown[] = [...roots];
    while (stack.length > 0) {
      const x = stack.pop();
      if (x === null || typeof x !== 'object' || seen.has(x)) continue;
      seen.add(x);
      if (ArrayBuffer.isView(x)) {
        if (!(x instanceof DataView)) this.typed.push({ obj: x as AnyTyped, copy: (x as AnyTyped).slice(), hot: false });
      } else if (Array.isArray(x)) {
        const values = x.slice();
        if (!Object.isFrozen(x)) {
          this.arrays.push({ obj: x, values, restore: restoreArray, changed: [], hot: false, hotBlocks: [] });
          signature.push('a');
        }
        stack.push(...values);
      } else if (x instanceof Map) {
        const keys = [...x.keys()];
        const values = [...x.values()];
        this.maps.push({ obj: x, keys, values, hot: false });
        stack.push(...keys, ...values);
      } else if (x instanceof Set) {
        const values = [...x];
        this.sets.push({ obj: x, values, hot: false });
        stack.push(...values);
      } else {
        const obj = x as Record<string, unknown>;
        const keys = Object.keys(obj);
        const values = keys.map((k) => obj[k]);
        if (!Object.isFrozen(obj)) {
          const list = keyListOf(obj, keys);
          this.objects.push({ obj, keys, values, id: this.objects.length, hot: footprint.has(obj), restore: list.restore });
          signature.push(list.id);
        }
        stack.push(...values);
      }
    }
    this.arrayRestorers = arrayRestorersOf(signature.join());
    // A shape seen before: its arrays' restorers are made, and warm, already.
    this.compileAt = this.arrayRestorers.length === 0 ? COMPILE_AFTER : 1;
    this.dirty = new Uint8Array(this.objects.length);
    this.hotDirty = this.dirty;
    this.whole = { objects: this.objects, fields: fieldsOf(this.objects), arrays: this.arrays, maps: this.maps, sets: this.sets, typed: this.typed };
    /** The cells in slices: the i-th in slice i % CHECK_GROUPS. */
    const sliced = <T>(cells: readonly T[]): T[][] => {
      const slices = Array.from({ length: CHECK_GROUPS }, (): T[] => []);
      for (let i = 0; i < cells.length; i++) slices[i % CHECK_GROUPS].push(cells[i]);
      return slices;
    };
    const [objects, arrays, maps, sets, typed] = [sliced(this.objects), sliced(this.arrays), sliced(this.maps), sliced(this.sets), sliced(this.typed)];
    for (let g = 0; g < CHECK_GROUPS; g++) {
      this.groups.push({ objects: objects[g], fields: fieldsOf(objects[g]), arrays: arrays[g], maps: maps[g], sets: sets[g], typed: typed[g] });
    }
  }

  /**
   * Records the graph reachable from `roots` as it is now, except what is reachable only through
   * `skip` (data known never to change, such as the SoC's description). The fields of the objects
   * in `footprint` are in the footprint from the start: objects every finished schedule leaves as
   * it found them, which the learning would not see change, but one stopped part-way may not (a
   * lock still held), so that its restore is no miss.
   */
  static take(roots: readonly object[], skip: readonly object[] = [], footprint: readonly object[] = []): Snapshot {
    return new Snapshot(roots, skip, new Set(footprint));
  }

  /** How many objects it restores (for the benchmark and tests). */
  get size(): number {
    return this.objects.length + this.arrays.length + this.maps.length + this.sets.length + this.typed.length;
  }

  /** How many objects the footprint restore puts back (it grows as checks find more). */
  get footprintSize(): number {
    return [this.objects, this.arrays, this.maps, this.sets, this.typed].reduce((n, cells: ReadonlyArray<{ hot: boolean }>) => n + cells.filter((c) => c.hot).length, 0);
  }

  /** How many objects, or elements of arrays, checks have found changed outside the footprint after the learning. */
  get missed(): number {
    return this.missedCells;
  }

  /**
   * Puts every recorded object back as it was when the snapshot was taken; returns how many
   * objects it changed.
   */
  restore(): number {
    return this.full(false);
  }

  /**
   * A full restore that adds what it had to put back to the footprint; past the learning, what
   * it adds counts as missed. The explorer ends every search with one.
   */
  check(): void {
    this.full(true);
  }

  /**
   * Puts back what schedules have been seen to change, and checks one slice of the rest (all of
   * it, as `restore`, for the first LEARN restores): see the class comment.
   */
  restoreFootprint(): void {
    const n = ++this.footprintRestores;
    if (n <= LEARN) {
      this.full(true);
      return;
    }
    if (this.hotFields === undefined) this.compileFootprint();
    if (!this.footprintPays) {
      this.full(false);
      return;
    }
    this.hotFields!(this.hotDirty);
    for (const c of this.hotArrays) {
      const { obj, values, hotBlocks } = c;
      if (obj.length !== values.length) {
        c.restore(obj, values, scratch);
        scratch.length = 0;
      } else {
        for (const b of hotBlocks) {
          const end = Math.min(values.length, b + BLOCK);
          for (let i = b; i < end; i++) if (obj[i] !== values[i]) obj[i] = values[i];
        }
      }
    }
    for (const c of this.hotMaps) restoreMap(c);
    for (const c of this.hotSets) restoreSet(c);
    for (const c of this.hotTyped) restoreTyped(c);
    if (this.restoreGroup(this.groups[n % CHECK_GROUPS], true) > 0) this.compileFootprint();
  }

  /** Restores it all; returns how many objects it changed (learning: how many it added to the footprint). */
  private full(learn: boolean): number {
    if (++this.fullRestores === this.compileAt) {
      const restorers = this.arrayRestorers;
      this.arrays.forEach((c, n) => (c.restore = restorers[n] ??= arrayRestorer()));
    }
    const n = this.restoreGroup(this.whole, learn);
    if (learn && n > 0 && this.hotFields !== undefined) this.compileFootprint();
    return n;
  }

  /**
   * Restores one slice; with `learn`, adds what it put back to the footprint, and returns how
   * many objects and elements it added (missed, once the footprint is in use); without, how many
   * objects it changed.
   */
  private restoreGroup(g: Group, learn: boolean): number {
    const d = this.dirty;
    g.fields(d);
    let added = 0;
    let changed = 0;
    for (const c of g.objects) {
      if (d[c.id] === 0) continue;
      d[c.id] = 0;
      changed++;
      if (learn && !c.hot) {
        c.hot = true;
        added++;
      }
    }
    for (const c of g.arrays) {
      c.restore(c.obj, c.values, c.changed);
      if (c.changed.length === 0) continue;
      changed++;
      if (learn) {
        if (!c.hot) {
          c.hot = true;
          added++;
        }
        for (const i of c.changed) {
          const b = i - (i % BLOCK);
          if (i >= 0 && !c.hotBlocks.includes(b)) {
            c.hotBlocks.push(b);
            added++;
          }
        }
      }
      c.changed.length = 0;
    }
    for (const c of g.maps) {
      if (!restoreMap(c)) continue;
      changed++;
      added += joins(c, learn);
    }
    for (const c of g.sets) {
      if (!restoreSet(c)) continue;
      changed++;
      added += joins(c, learn);
    }
    for (const c of g.typed) {
      if (!restoreTyped(c)) continue;
      changed++;
      added += joins(c, learn);
    }
    if (!learn) return changed;
    if (this.hotFields !== undefined) this.missedCells += added;
    return added;
  }


  private compileFootprint(): void {
    const hot = this.objects.filter((c) => c.hot);
    this.hotFields = fieldsOf(hot);
    // Its dirty flags are not read: the footprint is put back every time.
    this.hotDirty = new Uint8Array(this.objects.length);
    this.hotArrays = this.arrays.filter((c) => c.hot);
    this.hotMaps = this.maps.filter((c) => c.hot);
    this.hotSets = this.sets.filter((c) => c.hot);
    this.hotTyped = this.typed.filter((c) => c.hot);
    // What a footprint restore reads (the footprint, and a slice of the whole), against a full
    // restore: where it is a quarter or more (small8: 31%; am65x: 7%), its own costs eat the gain.
    const all = cost(this.objects, this.arrays.reduce((n, c) => n + c.values.length, 0), this.maps, this.typed);
    const footprint = cost(hot, this.hotArrays.reduce((n, c) => n + Math.min(c.values.length, c.hotBlocks.length * BLOCK), 0), this.hotMaps, this.hotTyped);
    this.footprintPays = footprint + all / CHECK_GROUPS < all / 4;
  }
}

/** How many fields, elements and entries a restore of these reads. */
const cost = (objects: readonly ObjectCell[], elements: number, maps: readonly MapCell[], typed: readonly TypedCell[]): number =>
  objects.reduce((n, c) => n + c.keys.length, 0) + elements + maps.reduce((n, c) => n + c.keys.length + 1, 0) + typed.reduce((n, c) => n + c.copy.length, 0);

/** A Map, Set or typed array a learning restore changed: 1 when it joins the footprint. */
const joins = (c: { hot: boolean }, learn: boolean): number => {
  if (!learn || c.hot) return 0;
  c.hot = true;
  return 1;
};

/** Puts a typed array back; true when it changed it. */
const restoreTyped = ({ obj, copy }: TypedCell): boolean => {
  for (let i = 0; i < copy.length; i++) {
    if (obj[i] !== copy[i]) {
      obj.set(copy);
      return true;
    }
  }
  return false;
};

/** Puts a Map back; true when it changed it. */
const restoreMap = ({ obj, keys, values }: MapCell): boolean => {
  if (obj.size === keys.length) {
    // Keys in insertion order, values by lookup: no [key, value] pair allocated per entry.
    let i = 0;
    let same = true;
    for (const k of obj.keys()) {
      if (k !== keys[i] || obj.get(k) !== values[i]) {
        same = false;
        break;
      }
      i++;
    }
    if (same) return false;
  }
  obj.clear();
  for (let i = 0; i < keys.length; i++) obj.set(keys[i], values[i]);
  return true;
};

/** Puts a Set back; true when it changed it. */
const restoreSet = ({ obj, values }: SetCell): boolean => {
  if (obj.size === values.length) {
    let i = 0;
    let same = true;
    for (const v of obj) {
      if (v !== values[i++]) {
        same = false;
        break;
      }
    }
    if (same) return false;
  }
  obj.clear();
  for (const v of values) obj.add(v);
  return true;
};
