// npm run build, last step: bundles the compiled CLI (dist/cli/main.js) and its dependencies into
// one CommonJS file, dist/bundle/main.cjs (a function expression: Node's CommonJS wrapper, its
// body the module; only bin/msi-explorer.js runs it), and records V8's code cache for it in
// dist/bundle/main.cache. bin/msi-explorer.js compiles the bundle with that cache (vm.Script's
// cachedData) when the bundle is newer than the last tsc build.
//
// Why CommonJS: Node 20 keeps no compiled code for ES modules between runs (module.
// enableCompileCache is Node 22), and compiling our modules was a fifth of a short run's CPU.
// What only some runs need stays in node_modules, loaded when used: the REPL's prompts, the YAML
// parser (--rm-cfg), cli-table3 (the first table that needs it) and asciichart (compare charts).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');

rmSync(out, { recursive: true, force: true });

// commander requires node:child_process at load for executable subcommands, which this CLI has
// none of; loading it (with net, dgram and their kin) was 4% of every start. The bundle loads it
// on first use instead. A commander whose line differs fails the build here, not in a user's run.
const CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes(CHILD_PROCESS)) throw new Error(`bundle: ${args.path} no longer has the line ${CHILD_PROCESS}`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: src.replace(CHILD_PROCESS, lazy), loader: 'js' };
    });
  },
};

// The topology-file validator (ajv's compiled schema, a third of the bundle) is needed only for a
// topology file or --rm-cfg, never with a built-in topology: it is a bundle of its own,
// dist/bundle/validate.cjs, that the main bundle requires on first use (ucs2length, of ajv's
// runtime, tells whether the validator is in a bundle). Nothing else uses the
// modules it holds (they return plain data), so that they are in both bundles costs nothing.
const validatorApart = {
  name: 'validator-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/validate\.js$/ }, (args) => (/[\\/]topology[\\/][^\\/]+$/.test(args.importer) ? { path: './validate.cjs', external: true } : undefined));
  },
};

/** One entry of dist/ as one CommonJS file of dist/bundle/. */
const bundle = (entry, outfile, options = {}) =>
  build({ entryPoints: [join(root, 'dist', entry)], outfile: join(out, outfile), bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning', ...options });

// A build that fails any check below leaves no bundle: the bin would run a bundle newer than the
// tsc build, rejected or not, so it then runs the tsc build instead.
try {
  await bundle('cli/main.js', 'main.cjs', {
    external: ['@inquirer/prompts', '@inquirer/core', 'yaml', 'cli-table3', 'asciichart'],
    // import() of those becomes require(): code run from V8's cache has no dynamic-import callback.
    supported: { 'dynamic-import': false },
    // Modules that find files beside themselves (the schema, cli-table3) read import.meta.url, made
    // on first read: pathToFileURL at every start was a millisecond of -e pools' profile.
    define: { 'import.meta.url': '__msiImportMeta.url' },
    // The file is one function expression, the wrapper Node gives a CommonJS module, which the bin
    // compiles and calls as Node would. "use strict" first in it, where V8 reads it as the
    // directive: our modules are ES modules, strict.
    banner: { js: "(function (exports, require, module, __filename, __dirname) {'use strict';const __msiImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };" },
    footer: { js: '})' },
    plugins: [lazyChildProcess, validatorApart],
    // Not minified. Reading the bundle costs by the byte (about 10 us a KiB here), and minified it
    // is half the size: -e pools 3 ms less CPU (1.29x node -e 0 against 1.34x, both inside 1.5x).
    // But V8's optimizing compiler then spent more on our hot paths (other threads +9-10 ms on a
    // 100k-line text run, 2% of its CPU; -q and --json about 1%), with minified names or whitespace
    // alone as with both: the batch rows are the ones over their aims. (1 December; 11-21
    // alternating runs of each build.) The validator's bundle, read only for a topology file, is.
    // ASCII only (esbuild escapes the rest, its default): the bin reads the bundle as latin1.
    charset: 'ascii',
  });
  await bundle('topology/validate.js', 'validate.cjs', { minify: true, charset: 'ascii' });
  const mainCjs = readFileSync(join(out, 'main.cjs'));
  if (mainCjs.includes('ucs2length')) throw new Error('bundle: the topology validator is in dist/bundle/main.cjs again');
  if (mainCjs.some((b) => b > 0x7f)) throw new Error('bundle: dist/bundle/main.cjs is not ASCII, and the bin reads it as latin1');

  // --version alone runs a bundle of its own, CommonJS too: an ES import would start Node's ES
  // loader, a tenth of `node -e 0`, to print one line.
  await bundle('cli/print-version.js', 'version.cjs');

  // The code cache holds what V8 compiled in one run, lazily compiled functions included: a short
  // session through the common verbs and views, its output thrown away. A cache V8 rejects (another
  // Node version) only costs the compile it would have saved.
  const warmUp = [
    'pools',
    'request-channel main_udmap tx 2 tr',
    'alloc-irq ringacc any',
    'fire-ring main_udmap:tx8',
    'routes',
    'interrupts',
    'irq 71',
    'domains',
    'topology',
    'boot',
    'expect-error ENOENT release-channel main_udmap:rx9',
    'release-channel all',
    'help',
  ].join('; ');
  const bin = join(root, 'bin', 'msi-explorer.js');
  const run = spawnSync(process.execPath, [bin, '-e', warmUp], {
    env: { ...process.env, MSI_CODE_CACHE_OUT: join(out, 'main.cache'), NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`bundle: the warm-up run for the code cache failed (${run.status}): ${run.stderr}`);
  const checkEnv = { ...process.env, MSI_CODE_CACHE_CHECK: '1', NO_COLOR: '1' };
  const check = spawnSync(process.execPath, [bin, '-q', '-e', 'pools'], { env: checkEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (check.status !== 0 || check.stderr !== '') throw new Error(`bundle: the recorded code cache does not load (${check.status}): ${check.stderr}`);
  // --debug runs the tsc build (bin/msi-explorer.js): the two must print the same.
  const modules = spawnSync(process.execPath, [bin, '--debug', '-q', '-e', 'pools'], { env: checkEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (modules.status !== 0 || modules.stdout !== check.stdout) throw new Error(`bundle: the bundle and the tsc build (--debug) differ on -e pools (${modules.status}): ${modules.stderr}`);
} catch (e) {
  rmSync(out, { recursive: true, force: true });
  throw e;
}
