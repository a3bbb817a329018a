/**
 * Validation of user-supplied SoC descriptions (`--topology file.json`, and the topology an
 * --rm-cfg file yields). Pure apart from reading the schema once: a value either yields a fresh,
 * fully typed Topology that System.boot can build without tripping an internal error, or a list
 * of issues, each with the JSON path of the problem and what was expected.
 *
 * Four passes, each stopping the next when it finds something, so a structural mistake does not
 * reappear as consequential issues: plain-tree.ts (only plain JSON data, within the size limits),
 * schema-check.ts (the shape, from schema/topology.schema.json), build.ts (defaults) and
 * semantics.ts (what a schema cannot say: references, overlaps, shares that route nowhere).
 */
import { checkJsonSyntax, lineColumn, quote, utf8Length } from './json-syntax.js';
import type { Topology } from '../core/topology.js';
import { describe, Issues, MAX_ISSUES, TooManyIssues, type TopologyIssue } from './issues.js';
import { MAX_DEPTH, toPlainTree } from './plain-tree.js';
import { checkSchema } from './schema-check.js';
import { buildTopology, type TopologyFile } from './build.js';
import { checkSemantics } from './semantics.js';

export type { TopologyIssue } from './issues.js';
export { MAX_ISSUES } from './issues.js';
export { MAX_DEPTH, MAX_LIST, MAX_VALUES } from './plain-tree.js';

/** `line`: the file's line of a syntax error, the one issue that has one (the check stops at it). */
export type TopologyResult = { ok: true; topology: Topology } | { ok: false; issues: TopologyIssue[]; line?: number };

/** Largest accepted file, in UTF-8 bytes. */
export const MAX_TOPOLOGY_BYTES = 4 * 1024 * 1024;

const fail = (path: string, message: string, line?: number): TopologyResult => ({ ok: false, issues: [{ path, message }], ...(line === undefined ? {} : { line }) });

const printable = (s: string, max: number): string => quote(s, max).slice(1, -1);

/** Parses and validates the text of a topology file. */
export const parseTopology = (text: string): TopologyResult => {
  if (typeof text !== 'string') return fail('$', `expected the text of a JSON file, got ${describe(text)}`);
  // A UTF-16 unit is at most 3 UTF-8 bytes: a text of at most a third of the limit is not counted.
  if (text.length > MAX_TOPOLOGY_BYTES || (text.length * 3 > MAX_TOPOLOGY_BYTES && utf8Length(text, MAX_TOPOLOGY_BYTES + 1) > MAX_TOPOLOGY_BYTES)) {
    return fail('$', `input too large: expected at most 4 MiB (${MAX_TOPOLOGY_BYTES} bytes) of JSON, got more`);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const syntax = checkJsonSyntax(body, MAX_DEPTH);
  if (syntax) {
    const at = (pos: number) => {
      const { line, column } = lineColumn(body, pos);
      return `${line}:${column}`;
    };
    const { line } = lineColumn(body, syntax.pos);
    if (syntax.first !== undefined) return fail('$', `${syntax.message} at ${at(syntax.pos)} (first at ${at(syntax.first)})`, line);
    return fail('$', `invalid JSON at ${at(syntax.pos)}: ${syntax.message}`, line);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    // The syntax check above accepts what JSON.parse accepts (less keys given twice); a safety net.
    return fail('$', `invalid JSON: ${e instanceof Error ? printable(e.message, 120) : 'unknown error'}`);
  }
  return validate(json, true);
};

/**
 * Validates a parsed JSON value (or a JavaScript value) as a topology. Returns a new Topology
 * built only from validated fields, or every issue found (at most MAX_ISSUES). Never throws.
 */
export const validateTopology = (json: unknown): TopologyResult => validate(json, false);

/** `parsed`: `json` is what JSON.parse just returned (see toPlainTree). */
const validate = (json: unknown, parsed: boolean): TopologyResult => {
  const issues = new Issues();
  try {
    const plain = toPlainTree(json, issues, parsed);
    if (plain === undefined) return { ok: false, issues: issues.list };
    for (const i of checkSchema(plain.tree)) issues.add(i.path, i.message);
    if (issues.list.length > 0) return { ok: false, issues: issues.list };
    const { topology, where } = buildTopology(plain.tree as TopologyFile);
    checkSemantics(topology, where, issues);
    return issues.list.length === 0 ? { ok: true, topology } : { ok: false, issues: issues.list };
  } catch (e) {
    if (e instanceof TooManyIssues) return { ok: false, issues: issues.list };
    // Only a hostile non-JSON value (a Proxy, a throwing trap) can get here.
    const list = issues.list.slice(0, MAX_ISSUES - 1);
    list.push({ path: '$', message: `could not read the value: ${e instanceof Error ? printable(e.message, 120) : 'unknown error'}` });
    return { ok: false, issues: list };
  }
};
