/**
 * Install anywhere: `npm pack` packs a tarball that installs globally and runs. The tarball is
 * packed from a copy of the package's files holding the dist/ that `npm test` built before jest
 * started (the same tsc, schema-validator and bundle steps as `npm run build`), with
 * --ignore-scripts: the prepack build from clean costs a second full tsc, and what it does is
 * checked below by its definition (it empties dist/, then runs `npm run build`); a fresh clone
 * (.ci/run) builds from nothing with those steps on every run.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { VERSION } from '../../src/cli/version.js';
import { childEnv, ROOT } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, encoding: 'utf8', env: childEnv({ npm_config_loglevel: 'error' }), timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
};

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('npm pack builds a tarball that npm install -g installs, and the command runs', () => {
  // What is published is built from clean: prepack empties dist/ and runs the build, whose steps
  // are the ones `npm test` ran before this suite.
  expect(pkg.scripts.prepack).toBe(`node -e "require('node:fs').rmSync('dist', { recursive: true, force: true })" && npm run build --silent`);
  expect(pkg.scripts.build).toBe('tsc -p tsconfig.json && node scripts/schema-validator.js && node scripts/bundle.js');
  expect(pkg.scripts.test.startsWith('tsc -b tsconfig.test.json && node scripts/schema-validator.js && node scripts/bundle.js && ')).toBe(true);

  const src = join(tmp, 'src');
  // The package's files and the build's output; the test type-check's own build info is not
  // something `npm run build` writes. No node_modules: packing needs none.
  for (const p of ['package.json', 'package-lock.json', 'README.md', 'bin', 'fixtures', 'schema']) cpSync(join(ROOT, p), join(src, p), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(src, 'dist'), { recursive: true, filter: (from) => basename(from) !== 'tsconfig.test.tsbuildinfo' });

  npm(['pack', '--ignore-scripts', '--pack-destination', tmp], src);
  const tarball = readdirSync(tmp).find((f) => /^msi-explorer-.*\.tgz$/.test(f));
  expect(tarball).toBe(`msi-explorer-${VERSION}.tgz`);

  const prefix = join(tmp, 'prefix');
  npm(['install', '-g', '--prefix', prefix, join(tmp, tarball!)], tmp);
  const bin = join(prefix, 'bin', 'msi-explorer');
  // The build the tarball carries includes the bundles that start-up runs, and the code cache.
  for (const f of ['main.cjs', 'main.cache', 'version.cjs']) expect(existsSync(join(prefix, 'lib', 'node_modules', 'msi-explorer', 'dist', 'bundle', f))).toBe(true);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env: childEnv() });
  expect({ status: version.status, stdout: version.stdout, stderr: version.stderr }).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  // The schema ships beside the topologies that name it; the validator compiled from it needs no ajv.
  const installed = join(prefix, 'lib', 'node_modules', 'msi-explorer');
  expect(existsSync(join(installed, 'schema', 'topology.schema.json'))).toBe(true);
  expect(existsSync(join(installed, 'node_modules', 'ajv'))).toBe(false);
  // The installed copy runs commands, and finds the topology files it ships.
  const topology = join(prefix, 'lib', 'node_modules', 'msi-explorer', 'fixtures', 'topologies', 'small8.json');
  const run = spawnSync(bin, ['-q', '-t', topology, '-e', 'request-channel udma tx; expect-pool udma.tx_chan used=1'], { encoding: 'utf8', env: childEnv(), cwd: tmp });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  // It runs them from the bundle, also where the files keep the tarball's dates (npm packs every
  // file with one date; `tar x` keeps it): the bin must not take an equal date for a tsc build
  // newer than the bundle. Without the compiled modules it still runs.
  const packed = new Date('1985-10-26T08:15:00Z');
  for (const f of ['.tsbuildinfo', 'bundle/main.cjs']) utimesSync(join(installed, 'dist', f), packed, packed);
  rmSync(join(installed, 'dist', 'cli'), { recursive: true, force: true });
  const bundled = spawnSync(bin, ['-q', '-e', 'request-channel main_udmap tx; expect-pool main_udmap.tx_chan used=1'], { encoding: 'utf8', env: childEnv(), cwd: tmp });
  expect({ status: bundled.status, stderr: bundled.stderr }).toEqual({ status: 0, stderr: '' });
}, 300_000);
