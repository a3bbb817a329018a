#!/usr/bin/env node
// `npm run bless [-- NAME ...]`: rewrites the goldens of fixtures/scripts/*.msi from the built binary.
// `npm run bless` builds first; this file builds nothing. It runs every script exactly as the golden
// test does (scripts/run-fixture.js), writes NN-name.stdout / .stderr / .status, and lists what
// changed, so the new goldens are read (`git diff fixtures/`) before they are committed.
// Names narrow the run to scripts whose name contains one of them: `npm run bless -- 03 small8`.
// It refuses to run under CI: CI checks goldens, it never writes them.

import { existsSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import {
  BUILT_ENTRY,
  GOLDEN_KINDS,
  ROOT,
  commandLine,
  listFixtures,
  orphanGoldens,
  readGoldens,
  runFixture,
  sameGolden,
} from './run-fixture.js';

const die = (message, code) => {
  process.stderr.write(`bless: ${message}\n`);
  process.exit(code);
};

if (process.env.CI) die(`refusing to rewrite goldens under CI (CI=${process.env.CI}); goldens are blessed on a workstation and reviewed`, 2);
if (!existsSync(BUILT_ENTRY)) die(`${relative(ROOT, BUILT_ENTRY)} is missing: build first, or run \`npm run bless\`, which builds`, 2);

const filters = process.argv.slice(2);
const fixtures = listFixtures().filter((f) => filters.length === 0 || filters.some((w) => f.name.includes(w)));
if (fixtures.length === 0) die(filters.length ? `no script in fixtures/scripts matches ${filters.join(', ')}` : 'no scripts in fixtures/scripts', 2);

const changed = [];
const created = [];
for (const fixture of fixtures) {
  const output = runFixture(fixture);
  const goldens = readGoldens(fixture);
  const status = output.status.trim();
  const note = [];
  for (const kind of GOLDEN_KINDS) {
    if (sameGolden(kind, output[kind], goldens[kind])) continue;
    writeFileSync(fixture.golden[kind], output[kind]);
    const file = relative(ROOT, fixture.golden[kind]);
    (goldens[kind] === undefined ? created : changed).push(file);
    note.push(`${goldens[kind] === undefined ? 'new' : 'changed'} .${kind}`);
  }
  process.stdout.write(`${note.length ? '*' : ' '} ${fixture.name}  exit ${status}${note.length ? `  (${note.join(', ')})` : ''}\n`);
}

const orphans = orphanGoldens();
process.stdout.write(`\nblessed ${fixtures.length} script${fixtures.length === 1 ? '' : 's'}: ${changed.length} golden${changed.length === 1 ? '' : 's'} changed, ${created.length} new\n`);
for (const file of [...changed, ...created]) process.stdout.write(`  ${file}\n`);
if (changed.length + created.length > 0) process.stdout.write('Read them before committing: git diff fixtures/ (new files: git status fixtures/)\n');
if (orphans.length > 0) {
  process.stdout.write(`\nThese files have no script beside them (remove them, or restore the script):\n`);
  for (const file of orphans) process.stdout.write(`  fixtures/scripts/${file}\n`);
}
