// Types of dist/topology/schema-validator.js, which scripts/schema-validator.js generates at build
// time from schema/topology.schema.json (ajv standalone code; allErrors, verbose).
import type { ValidateFunction } from 'ajv';

/**
 * `root` checks a whole topology and each definition one element, except the entries of lists of
 * objects, which are checked one at a time by `validators[splits[list's x-at]]`.
 */
export declare const validators: Record<string, ValidateFunction>;
export declare const splits: Record<string, string>;
/** The schema, each node tagged with its JSON pointer as `x-at`. */
export declare const schema: Record<string, unknown>;
