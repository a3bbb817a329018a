// npm run build, second step: bundles the compiled CLI (dist/cli/main.js) and its dependencies into
// dist/bundle/, so that start-up opens a few files instead of about seventy. Parts only some runs
// need (the REPL and its prompts, the topology validator) stay in chunks loaded when used;
// cli-table3 is still required from node_modules on the first table that needs it.
// bin/msi-explorer.js runs the bundle only when it is newer than the last tsc build.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Chunk names carry content hashes: clear out the last build's, or stale chunks pile up.
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outdir: join(root, 'dist', 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // Only --rm-cfg reads YAML: the parser stays in node_modules, imported when that flag is given.
  external: ['yaml'],
  // commander is CommonJS: its require() calls of Node built-ins need a real require in ESM.
  banner: { js: "import { createRequire as __msiRequire } from 'node:module'; const require = __msiRequire(import.meta.url);" },
});
