/**
 * `topology --export`: the current topology as a file `--topology` loads back, naming the
 * published schema so that an editor completes and checks it.
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelSpec, Topology } from '../core/topology.js';

/** The schema shipped with the package (src/topology and dist/topology are two folders down). */
const SCHEMA_FILE = fileURLToPath(new URL('../../schema/topology.schema.json', import.meta.url));

/**
 * The schema's path relative to `dir`, with forward slashes as `$schema` wants: an editor finds
 * it when the export is saved in `dir` (`topology --export > my-soc.json`).
 */
export const schemaRef = (dir: string): string => {
  const path = relative(dir, SCHEMA_FILE).split(sep).join('/');
  return path.startsWith('.') || path.startsWith('/') ? path : `./${path}`;
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
