import { am65x } from '../core/topologies/am65x.js';
import type { Topology } from '../core/topology.js';
import { readTextFile } from '../io/text-file.js';

export const BUILT_IN: Record<string, Topology> = { am65x };

/**
 * A bare word (`am65x`, `soc`) may mean either a built-in or a file in this folder; one with a
 * folder or an extension (`./soc`, `SOC.JSON`, `bad.yaml`) can only mean a file, so its errors
 * are the file's alone.
 */
const namesOnlyAFile = (nameOrPath: string): boolean => /[/.]/.test(nameOrPath);

/**
 * A built-in name first (so `-t am65x` is the built-in even beside a file `am65x`; `./am65x` is
 * the file), else a file of topology JSON, whatever its name; errors name the file and the JSON
 * path at fault. The validator is loaded only for a file: most runs use a built-in topology.
 */
export const loadTopology = async (
  nameOrPath: string,
): Promise<{ ok: true; topology: Topology } | { ok: false; code: 'ENOENT' | 'EINVAL'; file?: string; errors: string[]; line?: number }> => {
  const builtIn = Object.hasOwn(BUILT_IN, nameOrPath) ? BUILT_IN[nameOrPath] : undefined;
  if (builtIn) return { ok: true, topology: builtIn };
  const read = readTextFile(nameOrPath, 'topology file', 'strict');
  if (!read.ok && read.code === 'ENOENT' && !namesOnlyAFile(nameOrPath)) {
    return { ok: false, code: 'ENOENT', errors: [`unknown topology '${nameOrPath}': not built in (${Object.keys(BUILT_IN).join(', ')}) and no such file`] };
  }
  // Any fault of a data file's content is EINVAL, a NUL byte too (a script's is EUSAGE).
  if (!read.ok) return { ok: false, code: read.code === 'ENOENT' ? 'ENOENT' : 'EINVAL', file: nameOrPath, errors: [read.message], ...(read.line === undefined ? {} : { line: read.line }) };
  const { parseTopology } = await import('./validate.js');
  const parsed = parseTopology(read.text);
  if (parsed.ok) return { ok: true, topology: parsed.topology };
  const line = parsed.line;
  const hint = parsed.issues.length === 1 && parsed.issues[0].message.startsWith('invalid JSON') && isYamlLike(nameOrPath, read.text) ? YAML_HINT : '';
  return { ok: false, code: 'EINVAL', file: nameOrPath, errors: parsed.issues.map((i) => `${nameOrPath}: ${i.path}: ${i.message}${hint}`), ...(line === undefined ? {} : { line }) };
};

/**
 * Said after the JSON error of a topology file that is YAML: most often a board's rm-cfg.yaml
 * given to -t, where --rm-cfg (with --host) is what reads it.
 */
const YAML_HINT = "; topology files are JSON: a board's SYSFW resource config (U-Boot/TI SDK YAML) goes to --rm-cfg <file> --host <id>";

/**
 * Whether a file that is not JSON is YAML: named .yaml or .yml, or its first line that is not
 * blank is a comment, a document marker or directive, a `key:` or a `- ` item (none of which
 * JSON can start with). Asked only of a file that failed to parse.
 */
const isYamlLike = (path: string, text: string): boolean => {
  if (/\.ya?ml$/i.test(path)) return true;
  const first = text.replace(/^\ufeff/, '').split('\n').find((l) => l.trim() !== '');
  return first !== undefined && /^\s*(#|---|%YAML|- |[A-Za-z_][\w.-]*\s*:(\s|$))/.test(first);
};
