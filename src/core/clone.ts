/**
 * A deep copy of an object graph, knowing nothing of the classes in it: objects keep their
 * prototypes (so their methods), arrays, Maps, Sets, typed arrays and Dates are copied, and a
 * value reached twice (shared references, cycles) is copied once. Functions, frozen objects and
 * whatever `keep` holds are shared, not copied: they do not change.
 *
 * Used to take a snapshot of a System that can be put back (a failed `expect-error`), without
 * depending on fields that change as the model grows. An object's own properties are copied as
 * the data fields that class fields and object literals make (its enumerable string keys, read
 * and assigned): reading every property's descriptor instead made a copy of am65x 1.3 ms, not
 * 0.5. Errors are the exception, copied property by property with their descriptors: their
 * `message` and `stack` are not enumerable (a DMA whose probe was deferred keeps the CoreError
 * that says why). Not for other objects holding private (#) fields, non-enumerable or
 * symbol-keyed own properties, own accessors, closures over their own state, or native handles:
 * the model holds none, which a test checks of every object the booted Systems reach.
 */
export const clone = <T>(root: T, keep: ReadonlySet<object> = new Set()): T => {
  const copies = new Map<object, unknown>();

  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (keep.has(value) || Object.isFrozen(value)) return value;
    const done = copies.get(value);
    if (done !== undefined) return done;

    if (Array.isArray(value)) {
      const out: unknown[] = new Array(value.length);
      copies.set(value, out);
      for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
      return out;
    }
    if (value instanceof Map) {
      const out = new Map();
      copies.set(value, out);
      for (const [k, v] of value) out.set(copy(k), copy(v));
      return out;
    }
    if (value instanceof Set) {
      const out = new Set();
      copies.set(value, out);
      for (const v of value) out.add(copy(v));
      return out;
    }
    if (ArrayBuffer.isView(value)) {
      const out = value instanceof DataView ? new DataView(value.buffer.slice(0)) : (value as unknown as { slice(): ArrayBufferView }).slice();
      copies.set(value, out);
      return out;
    }
    if (value instanceof ArrayBuffer) {
      const out = value.slice(0);
      copies.set(value, out);
      return out;
    }
    if (value instanceof Date) {
      const out = new Date(value.getTime());
      copies.set(value, out);
      return out;
    }

    const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<PropertyKey, unknown>;
    copies.set(value, out);
    if (value instanceof Error) {
      for (const key of Reflect.ownKeys(value)) {
        const desc = Object.getOwnPropertyDescriptor(value, key)!;
        if ('value' in desc) desc.value = copy(desc.value);
        Object.defineProperty(out, key, desc);
      }
      return out;
    }
    const fields = value as Record<string, unknown>;
    const keys = Object.keys(fields);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = copy(fields[keys[i]]);
    return out;
  };

  return copy(root) as T;
};
