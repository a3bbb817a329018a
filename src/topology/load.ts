import { am65x } from '../core/topologies/am65x.js';
import type { Topology } from '../core/topology.js';
import { readTextFile } from '../cli/script-file.js';

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
  if (!read.ok) return { ok: false, code: read.code, file: nameOrPath, errors: [read.message], ...(read.line === undefined ? {} : { line: read.line }) };
  const { parseTopology } = await import('./validate.js');
  const parsed = parseTopology(read.text);
  if (parsed.ok) return { ok: true, topology: parsed.topology };
  const line = parsed.line;
  return { ok: false, code: 'EINVAL', file: nameOrPath, errors: parsed.issues.map((i) => `${nameOrPath}: ${i.path}: ${i.message}`), ...(line === undefined ? {} : { line }) };
};
