/**
 * `topology --export`: the current topology as a file `--topology` loads back, naming the
 * published schema so that an editor completes and checks it.
 */
import { fstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChannelSpec, Topology } from '../core/topology.js';

/**
 * The schema shipped with the package (src/topology and dist/topology are two folders down), asked
 * only on use: in the bundle, import.meta.url is made on first read (scripts/bundle.js).
 */
const schemaFile = (): string => fileURLToPath(new URL('../../schema/topology.schema.json', import.meta.url));

/**
 * `$schema` for a file saved in `dir`: the schema's path relative to it, with forward slashes, as
 * an editor resolves it (against the file's own folder, whatever the current one); without a
 * folder, the schema's absolute file: URL, which resolves from anywhere.
 */
export const schemaRef = (dir: string | undefined): string => (dir === undefined ? pathToFileURL(schemaFile()).href : relativeRef(dir, schemaFile()));

/**
 * `file` as a relative URI reference from `dir`: each segment escaped, as a file: URL is (a space,
 * or a '#' an editor would read as the start of a fragment).
 */
export const relativeRef = (dir: string, file: string): string => {
  const path = relative(dir, file)
    .split(sep)
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

/**
 * The folder of the file stdout is written to (`topology --export > out/my-soc.json`: out), read
 * from /proc/self/fd/1 and checked to be that very file; undefined for a terminal or a pipe, where
 * the export's final place cannot be known, and where /proc is not there to ask.
 */
export const stdoutFolder = (): string | undefined => {
  try {
    const out = fstatSync(1);
    if (!out.isFile()) return undefined;
    const path = readlinkSync('/proc/self/fd/1');
    const named = statSync(path);
    return named.ino === out.ino && named.dev === out.dev ? dirname(path) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A topology file: `$schema` first, then the topology as JSON.stringify writes it, but in the
 * spellings fixtures/topologies/README.md documents: INTA bases in hex, channel lists as `channels`.
 */
export const topologyFile = (topology: Topology, schema: string): Record<string, unknown> => ({
  $schema: schema,
  ...topology,
  intas: topology.intas.map((a) => ({ ...a, base: `0x${a.base.toString(16)}` })),
  dmas: topology.dmas.map(({ tx, rx, rxEventOffset, ...d }) => ({ ...d, tx: channels(tx), rx: channels(rx), rxEventOffset })),
});

const channels = ({ share, ...rest }: ChannelSpec) => ({ channels: share, ...rest });
