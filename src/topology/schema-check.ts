/**
 * The structural check: schema/topology.schema.json, compiled by ajv at build time
 * (scripts/schema-validator.js), is the one statement of what a topology file may contain.
 * ajv reports several errors for one mistake (a type error in each branch of a oneOf, then the
 * oneOf itself); this module keeps the errors of the branch that
 * fits the value (an object for `{ count, source }`, a number for a plain count), turns them into
 * one issue per path in the words the tool has always used, and orders them as the file reads.
 * The "expected ..." phrase comes from the schema: a `title` where one is given, otherwise the
 * node's type and limits ("an integer 0-65535", "an array of at least 1 entry").
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { describe, isPlainObject, MAX_ISSUES, pathOf, unknownKey, type TopologyIssue } from './issues.js';
import { schema as topologySchema, splits, validators } from './schema-validator.js';

/* A JSON Schema node, tagged with its JSON pointer (`x-at`) by the generator. */
interface Node {
  [keyword: string]: unknown;
  'x-at': string;
  $ref?: string;
  title?: string;
  type?: string;
  allOf?: Node[];
  oneOf?: Node[];
  anyOf?: Node[];
  properties?: Record<string, Node>;
  items?: Node;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
}

type Segment = string | number;

const schema = topologySchema as Node;

const resolved = new Map<string, Node>();
const resolve = (schema: Node, ref: string): Node => {
  let n = resolved.get(ref);
  if (n === undefined) {
    let at: unknown = schema;
    for (const part of ref.replace(/^#\//, '').split('/')) at = (at as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    resolved.set(ref, (n = at as Node));
  }
  return n;
};

const fitsType = (type: string | undefined, v: unknown): boolean => {
  switch (type) {
    case undefined:
      return true;
    case 'integer':
    case 'number':
      return typeof v === 'number';
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'null':
      return v === null;
    default:
      return typeof v === type;
  }
};

class Walker {
  constructor(private readonly schema: Node) {}

  /** Every schema node that applies to `data`: refs, allOf parts, and the oneOf/anyOf branch that fits it. */
  nodesAt(node: Node, data: unknown, out: Node[] = []): Node[] {
    out.push(node);
    if (node.$ref !== undefined) this.nodesAt(resolve(this.schema, node.$ref), data, out);
    for (const part of node.allOf ?? []) this.nodesAt(part, data, out);
    const branches = node.oneOf ?? node.anyOf;
    if (branches) this.nodesAt(this.branch(branches, data), data, out);
    return out;
  }

  /**
   * The branch a value was meant for: one whose type fits it, preferring one whose required keys
   * it has (`channels`, `share` or `count` for a DMA direction); the first when none fits.
   */
  private branch(branches: Node[], data: unknown): Node {
    const fitting = branches.filter((b) => fitsType(this.nodesAt(b, undefined).find((n) => n.type !== undefined)?.type, data));
    const keyed = isPlainObject(data)
      ? fitting.find((b) => {
          const required = this.nodesAt(b, undefined).flatMap((n) => n.required ?? []);
          return required.length > 0 && required.every((k) => Object.hasOwn(data, k));
        })
      : undefined;
    return keyed ?? fitting[0] ?? branches[0];
  }

  child(nodes: Node[], key: Segment): Node | undefined {
    for (const n of nodes) {
      if (typeof key === 'number' && n.items) return n.items;
      if (typeof key === 'string' && n.properties && Object.hasOwn(n.properties, key)) return n.properties[key];
    }
    return undefined;
  }

  private readonly memo = new Map<string, { nodes: Node[]; data: unknown } | undefined>();

  /** The nodes applying at `path` in `root` (the same root at every call), or undefined where the schema has nothing to say. */
  at(root: unknown, path: Segment[]): { nodes: Node[]; data: unknown } | undefined {
    const key = pathOf(path);
    if (this.memo.has(key)) return this.memo.get(key);
    let found: { nodes: Node[]; data: unknown } | undefined;
    if (path.length === 0) found = { nodes: this.nodesAt(this.schema, root), data: root };
    else {
      const up = this.at(root, path.slice(0, -1));
      const last = path[path.length - 1];
      const next = up && this.child(up.nodes, last);
      if (up && next) {
        const data = up.data !== null && typeof up.data === 'object' ? (up.data as Record<Segment, unknown>)[last] : undefined;
        found = { nodes: this.nodesAt(next, data), data };
      }
    }
    this.memo.set(key, found);
    return found;
  }
}

const entries = (n: number): string => `${n} entr${n === 1 ? 'y' : 'ies'}`;

/** The "expected ..." phrase for a place: the outermost title, or what the first typed node says. */
const expected = (nodes: Node[]): string => {
  const titled = nodes.find((n) => n.title !== undefined);
  if (titled) return titled.title!;
  const n = nodes.find((x) => x.type !== undefined || x.enum !== undefined);
  if (n === undefined) return 'a value';
  if (n.type === undefined) return `one of ${n.enum!.map((e) => JSON.stringify(e)).join(', ')}`;
  switch (n.type) {
    case 'integer':
      return `an integer ${n.minimum}-${n.maximum}`;
    case 'string':
      if (n.maxLength === undefined) return 'a string';
      return n.minLength ? `a string of ${n.minLength}-${n.maxLength} characters` : `a string of at most ${n.maxLength} characters`;
    case 'array':
      return n.minItems ? `an array of at least ${entries(n.minItems)}` : 'an array';
    case 'object':
      return 'an object';
    default:
      return `a ${n.type}`;
  }
};

/** Printable text, and the characters its pattern refuses as a class that finds the first of them. */
const text = resolve(schema, '#/definitions/text');
const refusedChars = (text: Node): RegExp => new RegExp(`[${text.pattern!.replace(/^\^\[\^/, '').replace(/\]\*\$$/, '')}]`, 'u');

/** Rank of a keyword when several fail at one place: the type first, then limits, then patterns. */
const RANK: Record<string, number> = { type: 0, pattern: 2, enum: 2 };

/** Keywords whose errors are left out: oneOf/anyOf repeat their branches; duplicates are the semantic checks' (they name both places). */
const SKIPPED = new Set(['oneOf', 'anyOf', 'uniqueItems']);

interface Found {
  path: Segment[];
  rank: number;
  message: string;
}

/** What went wrong with `data` for one failing keyword, in the tool's words. */
const message = (e: ErrorObject, nodes: Node[], data: unknown): string => {
  const want = expected(nodes);
  switch (e.keyword) {
    case 'minItems': {
      const n = (data as unknown[]).length;
      return `expected at least ${entries(e.params.limit as number)}, got ${n === 0 ? 'an empty array' : entries(n)}`;
    }
    case 'maxItems':
      return `expected at most ${entries(e.params.limit as number)}, got ${(data as unknown[]).length}`;
    case 'minLength':
    case 'maxLength': {
      const n = [...(data as string)].length;
      return `expected ${want}, got ${n === 0 ? 'an empty string' : `${n} characters`}`;
    }
    case 'pattern':
      if ((e.parentSchema as Node)['x-at'] === text['x-at']) {
        const bad = refusedChars(text).exec(data as string)!;
        const code = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
        return `expected printable text, got the control or direction character ${code} at offset ${bad.index}`;
      }
      return `expected ${want}, got ${describe(data)}`;
    default:
      return `expected ${want}, got ${describe(data)}`;
  }
};

const segmentsOf = (root: unknown, pointer: string): Segment[] => {
  const out: Segment[] = [];
  let data = root;
  for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: Segment = Array.isArray(data) ? Number(key) : key;
    out.push(seg);
    data = (data as Record<Segment, unknown>)[seg];
  }
  return out;
};

/**
 * Document order: keys in the order the file gives them, then missing keys in the schema's
 * order; array entries by index.
 */
const orderKeys = (root: unknown, walker: Walker) => {
  const cache = new Map<object, Map<string, number>>();
  const rank = (obj: Record<string, unknown>, nodes: Node[], key: string): number => {
    let m = cache.get(obj);
    if (!m) {
      m = new Map();
      const keys = Object.keys(obj);
      keys.forEach((k, i) => m!.set(k, i));
      const schemaKeys = nodes.flatMap((n) => Object.keys(n.properties ?? {}));
      schemaKeys.forEach((k, i) => (m!.has(k) ? undefined : m!.set(k, keys.length + i)));
      cache.set(obj, m);
    }
    return m.get(key) ?? Number.MAX_SAFE_INTEGER;
  };
  return (path: Segment[]): number[] =>
    path.map((key, i) => {
      if (typeof key === 'number') return key;
      const up = walker.at(root, path.slice(0, i));
      return up && isPlainObject(up.data) ? rank(up.data, up.nodes, key) : 0;
    });
};

const compareKeys = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};

const holding = new Map<Node, boolean>();
/** Whether a value of `node` may hold a list that is checked entry by entry (a range does not). */
const holdsLists = (node: Node): boolean => {
  let yes = holding.get(node);
  if (yes === undefined) {
    const parts = [...(node.$ref ? [resolve(schema, node.$ref)] : []), ...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? []), ...Object.values(node.properties ?? {}), ...(node.items ? [node.items] : [])];
    yes = splits[node['x-at']] !== undefined || parts.some(holdsLists);
    holding.set(node, yes);
  }
  return yes;
};

/**
 * Runs the generated validators over `tree`: the root, then each entry of each list of objects
 * on its own, in document order, until `done()`. Hands on ajv's errors with paths from the root.
 */
const eachError = (tree: unknown, walker: Walker, done: () => boolean, report: (e: ErrorObject) => void): void => {
  const run = (validate: ValidateFunction, data: unknown, pointer: string, path: Segment[], item?: string): void => {
    if (!validate(data)) for (const e of validate.errors ?? []) report({ ...e, instancePath: pointer + e.instancePath });
    if (item === undefined || holdsLists(resolve(schema, `#/definitions/${item}`))) lists(data, pointer, path);
  };
  /** The lists of objects inside `data` that `validate` left alone. */
  const lists = (data: unknown, pointer: string, path: Segment[]): void => {
    if (data === null || typeof data !== 'object') return;
    const here = walker.at(tree, path);
    if (here === undefined) return;
    if (Array.isArray(data)) {
      const item = here.nodes.map((n) => splits[n['x-at']]).find((x) => x !== undefined);
      if (item !== undefined) for (let k = 0; k < data.length && !done(); k++) run(validators[item], data[k], `${pointer}/${k}`, [...path, k], item);
      return;
    }
    for (const key of Object.keys(data)) {
      if (walker.child(here.nodes, key) !== undefined) lists((data as Record<string, unknown>)[key], `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, [...path, key]);
    }
  };
  run(validators.root, tree, '', []);
};

/** Structural issues of a plain JSON tree, one per path, in document order; [] when it fits the schema. */
export const checkSchema = (tree: unknown): TopologyIssue[] => {
  const walker = new Walker(schema);
  const found = new Map<string, Found>();
  const keep = (f: Found) => {
    const key = pathOf(f.path);
    const prev = found.get(key);
    if (prev === undefined || f.rank < prev.rank) found.set(key, f);
  };
  eachError(tree, walker, () => found.size >= MAX_ISSUES, (e) => {
    if (SKIPPED.has(e.keyword)) return;
    const path = segmentsOf(tree, e.instancePath);
    const here = walker.at(tree, path);
    // An error of a branch the value was not meant for.
    const from = (e.parentSchema as Node)['x-at'];
    if (here === undefined || !here.nodes.some((n) => n['x-at'] === from)) return;
    if (e.keyword === 'required') {
      const key = e.params.missingProperty as string;
      const child = walker.child(here.nodes, key);
      const want = child ? expected(walker.nodesAt(child, undefined)) : 'a value';
      keep({ path: [...path, key], rank: 0, message: `required field is missing: expected ${want}` });
    } else if (e.keyword === 'additionalProperties') {
      const key = e.params.additionalProperty as string;
      const known = [...new Set(here.nodes.flatMap((n) => Object.keys(n.properties ?? {})))];
      keep({ path: [...path, key], rank: 0, message: unknownKey(key, known) });
    } else {
      keep({ path, rank: RANK[e.keyword] ?? 1, message: message(e, here.nodes, here.data) });
    }
  });
  const order = orderKeys(tree, walker);
  return [...found.values()]
    .map((f) => ({ f, key: order(f.path) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ f }) => ({ path: pathOf(f.path), message: f.message }));
};
