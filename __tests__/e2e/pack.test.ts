/**
 * Install anywhere: `npm pack` builds (prepack) and packs a tarball that installs globally and
 * runs. The pack runs in a copy of the sources, so the build it does never touches the dist/
 * that the other suites are running at the same time.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../../src/cli/version.js';
import { childEnv, ROOT } from './harness.js';

const tmp = mkdtempSync(join(tmpdir(), 'msi-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) => {
  const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, encoding: 'utf8', env: childEnv({ npm_config_loglevel: 'error' }), timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
};

test('npm pack builds a tarball that npm install -g installs, and the command runs', () => {
  const src = join(tmp, 'src');
  // What `npm run build` reads: tsc's sources and config, the topology schema (compiled by
  // scripts/schema-validator.js), and scripts/bundle.js (esbuild).
  for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'scripts', 'src', 'fixtures', 'schema']) cpSync(join(ROOT, p), join(src, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  expect(existsSync(join(src, 'dist'))).toBe(false);

  npm(['pack', '--pack-destination', tmp], src);
  const tarball = readdirSync(tmp).find((f) => /^msi-explorer-.*\.tgz$/.test(f));
  expect(tarball).toBe(`msi-explorer-${VERSION}.tgz`);

  const prefix = join(tmp, 'prefix');
  npm(['install', '-g', '--prefix', prefix, join(tmp, tarball!)], tmp);
  const bin = join(prefix, 'bin', 'msi-explorer');
  // The build the tarball carries includes the bundle that start-up runs, and its code cache.
  for (const f of ['main.cjs', 'main.cache']) expect(existsSync(join(prefix, 'lib', 'node_modules', 'msi-explorer', 'dist', 'bundle', f))).toBe(true);
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
}, 300_000);
