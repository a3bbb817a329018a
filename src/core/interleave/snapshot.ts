/**
 * A snapshot of an object graph that puts every object back in place: the same objects, with the
 * fields, elements and entries they had. It knows nothing of the classes it walks (plain objects,
 * class instances, arrays, Maps, Sets, typed arrays, cycles), so the core can change shape under
 * it. Objects created after the snapshot are simply no longer reachable once it is restored.
 *
 * Why in place rather than a clone: the explorer restores the pre-state before every schedule (tens
 * of thousands of times), and comparing then writing back only what differs costs a walk over
 * flat arrays with no allocation, where a clone would rebuild the graph each time. A long run
 * (past COMPILE_AFTER restores) switches to restorers generated for this snapshot, one property
 * access per field in its own line of code: each access then sees one object shape and stays
 * fast, where a loop over `obj[key]` sees hundreds of shapes and goes through the slow generic
 * lookup (5x); a short run does not pay for the engine to warm the generated code up.
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
}

interface ArrayCell {
  obj: unknown[];
  values: unknown[];
  restore: (a: unknown[], v: readonly unknown[]) => void;
}

/** Restores before the generated restorers take over. */
const COMPILE_AFTER = 2000;

const restoreArray: ArrayCell['restore'] = (a, v) => {
  if (a.length !== v.length) a.length = v.length;
  for (let i = 0; i < v.length; i++) if (a[i] !== v[i]) a[i] = v[i];
};

/**
 * One array's restorer, a function of its own: its element loads then see one kind of array
 * (holey or packed, numbers or objects) rather than every kind in the graph.
 */
let arrayRestorers = 0;
const arrayRestorer = (): ArrayCell['restore'] =>
  // The numbered comment makes each source unique: the engine caches compiled code, and feedback, by source.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('a', 'v', `// array ${arrayRestorers++}\nif (a.length !== v.length) a.length = v.length;\nfor (let i = 0; i < v.length; i++) if (a[i] !== v[i]) a[i] = v[i];`) as ArrayCell['restore'];

interface MapCell {
  obj: Map<unknown, unknown>;
  keys: unknown[];
  values: unknown[];
}

interface SetCell {
  obj: Set<unknown>;
  values: unknown[];
}

interface TypedCell {
  obj: AnyTyped;
  copy: AnyTyped;
}

type FieldRestorer = (objects: readonly object[], values: readonly unknown[]) => void;

/** Fields per generated function: small enough for the optimizing compiler to take it. */
const CHUNK = 128;

/** Builds the restorer of `cells`: `if (o.k !== v[i]) o.k = v[i]` for every field, in chunks. */
const compileFields = (cells: readonly ObjectCell[]): FieldRestorer => {
  const parts: FieldRestorer[] = [];
  let lines: string[] = [];
  let fields = 0;
  let i = 0;
  const flush = () => {
    if (lines.length === 0) return;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    parts.push(new Function('o', 'v', `let x;\n${lines.join('\n')}`) as FieldRestorer);
    lines = [];
    fields = 0;
  };
  cells.forEach((c, n) => {
    if (fields >= CHUNK) flush();
    lines.push(`x = o[${n}];`);
    for (const k of c.keys) {
      const key = `[${JSON.stringify(k)}]`;
      lines.push(`if (x${key} !== v[${i}]) x${key} = v[${i}];`);
      i++;
      fields++;
    }
  });
  flush();
  return (o, v) => {
    for (const part of parts) part(o, v);
  };
};

export class Snapshot {
  private readonly objects: ObjectCell[] = [];
  private restoreFields: FieldRestorer | undefined;
  private readonly fieldObjects: object[];
  private readonly fieldValues: unknown[];
  private restores = 0;
  private readonly arrays: ArrayCell[] = [];
  private readonly maps: MapCell[] = [];
  private readonly sets: SetCell[] = [];
  private readonly typed: TypedCell[] = [];

  private constructor(roots: readonly object[], skip: readonly object[]) {
    const seen = new Set<object>(skip);
    const stack: unknown[] = [...roots];
    while (stack.length > 0) {
      const x = stack.pop();
      if (x === null || typeof x !== 'object' || seen.has(x)) continue;
      seen.add(x);
      if (ArrayBuffer.isView(x)) {
        if (!(x instanceof DataView)) this.typed.push({ obj: x as AnyTyped, copy: (x as AnyTyped).slice() });
      } else if (Array.isArray(x)) {
        const values = x.slice();
        if (!Object.isFrozen(x)) this.arrays.push({ obj: x, values, restore: restoreArray });
        stack.push(...values);
      } else if (x instanceof Map) {
        const keys = [...x.keys()];
        const values = [...x.values()];
        this.maps.push({ obj: x, keys, values });
        stack.push(...keys, ...values);
      } else if (x instanceof Set) {
        const values = [...x];
        this.sets.push({ obj: x, values });
        stack.push(...values);
      } else {
        const obj = x as Record<string, unknown>;
        const keys = Object.keys(obj);
        const values = keys.map((k) => obj[k]);
        if (!Object.isFrozen(obj)) this.objects.push({ obj, keys, values });
        stack.push(...values);
      }
    }
    this.fieldObjects = this.objects.map((c) => c.obj);
    this.fieldValues = this.objects.flatMap((c) => c.values);
  }

  /**
   * Records the graph reachable from `roots` as it is now, except what is reachable only through
   * `skip` (data known never to change, such as the SoC's description).
   */
  static take(roots: readonly object[], skip: readonly object[] = []): Snapshot {
    return new Snapshot(roots, skip);
  }

  /** How many objects it restores (for the benchmark and tests). */
  get size(): number {
    return this.objects.length + this.arrays.length + this.maps.length + this.sets.length + this.typed.length;
  }

  /** Puts every recorded object back as it was when the snapshot was taken. */
  restore(): void {
    if (++this.restores === COMPILE_AFTER) {
      this.restoreFields = compileFields(this.objects);
      for (const c of this.arrays) c.restore = arrayRestorer();
    }
    if (this.restoreFields) this.restoreFields(this.fieldObjects, this.fieldValues);
    else {
      for (const c of this.objects) {
        const { obj, keys, values } = c;
        for (let i = 0; i < keys.length; i++) if (obj[keys[i]] !== values[i]) obj[keys[i]] = values[i];
      }
    }
    for (const c of this.arrays) c.restore(c.obj, c.values);
    for (const c of this.maps) restoreMap(c);
    for (const c of this.sets) restoreSet(c);
    for (const c of this.typed) {
      const { obj, copy } = c;
      for (let i = 0; i < copy.length; i++) {
        if (obj[i] !== copy[i]) {
          obj.set(copy);
          break;
        }
      }
    }
  }
}

const restoreMap = ({ obj, keys, values }: MapCell): void => {
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
    if (same) return;
  }
  obj.clear();
  for (let i = 0; i < keys.length; i++) obj.set(keys[i], values[i]);
};

const restoreSet = ({ obj, values }: SetCell): void => {
  if (obj.size === values.length) {
    let i = 0;
    let same = true;
    for (const v of obj) {
      if (v !== values[i++]) {
        same = false;
        break;
      }
    }
    if (same) return;
  }
  obj.clear();
  for (const v of values) obj.add(v);
};
