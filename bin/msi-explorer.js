#!/usr/bin/env node
// Runs the bundle that `npm run build` makes (dist/bundle/main.cjs) unless a tsc build is newer
// than it; then the compiled modules, so that a bare `tsc` (while iterating) never runs a stale
// bundle. Not older rather than newer: npm gives every file of a package the same date. The
// bundle is compiled with the V8 code cache the build recorded beside it (scripts/bundle.js says
// why). A bare --version runs a bundle of its own, dist/bundle/version.cjs, and nothing else.
// --debug runs the compiled modules too: the stack traces --debug shows should name our files
// and lines, not the bundle's.
//
// CommonJS (bin/package.json): an ES module entry starts Node's ES loader, and an ES import of
// node:fs builds its facade, which reads every export, fs.ReadStream's lazy node:stream too; a
// twentieth of a short run's start.
'use strict';
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist');

const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

/** Runs dist/bundle/main.cjs as Node runs a CommonJS module, with V8's cached code for it. */
const runBundle = () => {
  const file = join(dist, 'bundle', 'main.cjs');
  let cachedData;
  try {
    cachedData = readFileSync(join(dist, 'bundle', 'main.cache'));
  } catch {
    // no cache: V8 compiles as it would anyway
  }
  // The file is the function Node would wrap a CommonJS module in (scripts/bundle.js), so that its
  // text is the script's as read, not copied once more into a wrapped string; latin1: it is ASCII
  // (the build checks), and a one-byte copy is all V8 needs.
  const script = new vm.Script(readFileSync(file, 'latin1'), {
    filename: file,
    cachedData,
  });
  // The build's warm-up run records the cache once it has run (scripts/bundle.js).
  const record = process.env.MSI_CODE_CACHE_OUT;
  if (record) process.once('exit', () => writeFileSync(record, script.createCachedData()));
  // ...and checks that V8 takes it: it does only under the V8 flags it was recorded with.
  if (process.env.MSI_CODE_CACHE_CHECK && script.cachedDataRejected !== false) process.stderr.write('msi-explorer: V8 rejected the code cache\n');
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, join(dist, 'bundle'));
};

/** A module of the tsc build that cannot load (a broken build): one line, as for any failure. */
const failed = (e) => {
  process.stderr.write(`msi-explorer: cannot load ${dist}: ${String(e && e.message).split('\n')[0]} (run npm run build)\n`);
  process.exitCode = 70;
};

const built = mtime(join(dist, '.tsbuildinfo'));
// Both bundles, the validator's too (loaded on first use): one without the other is a build that stopped.
const bundled = mtime(join(dist, 'bundle', 'main.cjs')) >= built && mtime(join(dist, 'bundle', 'validate.cjs')) >= built;
if (process.argv.length === 3 && process.argv[2] === '--version') {
  // As scripts and package managers ask it: the same line, under the same output rules, as commander's.
  if (bundled) require(join(dist, 'bundle', 'version.cjs'));
  else import('../dist/cli/print-version.js').catch(failed);
} else if (bundled && !process.argv.includes('--debug')) runBundle();
else import('../dist/cli/main.js').catch(failed);
