#!/usr/bin/env node
// Runs the bundle that `npm run build` makes (dist/bundle/main.cjs) unless a tsc build is newer
// than it; then the compiled modules, so that a bare `tsc` (while iterating) never runs a stale
// bundle. Not older rather than newer: npm gives every file of a package the same date. The bundle is compiled with the V8 code cache the build recorded beside it
// (scripts/bundle.js says why). A bare --version is answered before any of it loads.
import { createRequire } from 'node:module';

// Builtins through require, not import: an ES import of node:fs builds its ES facade, which reads
// every export, lazy ones too (fs.ReadStream loads all of node:stream), on every start.
const require = createRequire(import.meta.url);
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { fileURLToPath } = require('node:url');
const vm = require('node:vm');

const path = (p) => fileURLToPath(new URL(p, import.meta.url));
const mtime = (p) => {
  try {
    return statSync(path(p)).mtimeMs;
  } catch {
    return -1;
  }
};

/** Runs dist/bundle/main.cjs as Node runs a CommonJS module, with V8's cached code for it. */
const runBundle = () => {
  const file = path('../dist/bundle/main.cjs');
  let cachedData;
  try {
    cachedData = readFileSync(path('../dist/bundle/main.cache'));
  } catch {
    // no cache: V8 compiles as it would anyway
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
    filename: file,
    cachedData,
  });
  // The build's warm-up run records the cache once it has run (scripts/bundle.js).
  const record = process.env.MSI_CODE_CACHE_OUT;
  if (record) process.once('exit', () => writeFileSync(record, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
};

if (process.argv.length === 3 && process.argv[2] === '--version') {
  // As scripts and package managers ask it: the same line, under the same output rules, as commander's.
  const [{ VERSION }, { writeStdout }] = await Promise.all([import('../dist/cli/version.js'), import('../dist/cli/output.js')]);
  writeStdout(`${VERSION}\n`);
} else if (mtime('../dist/bundle/main.cjs') >= mtime('../dist/.tsbuildinfo')) runBundle();
else await import('../dist/cli/main.js');
