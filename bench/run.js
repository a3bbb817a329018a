// npm run bench: one `name: value unit` line per figure. Never part of npm test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'msi-explorer.js');
const env = { ...process.env, NO_COLOR: '1' };

const seconds = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const run = (args) => {
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
  return r;
};

/** A script of mixed verbs that keeps every pool busy but never fails. */
const mixedScript = (lines) => {
  const cycle = [
    'request-channel main_udmap tx',
    'request-channel main_udmap rx 2',
    'fire-ring main_udmap:tx0 3',
    'alloc-irq ringacc any',
    'fire-ring ringacc:304',
    'expect-pool main_udmap.rx_chan used=2',
    'set-affinity 72 1',
    'mask-irq 71',
    'unmask-irq 71',
    'free-irq ringacc 304',
    'release-channel main_udmap:rx1',
    'release-channel main_udmap:rx0',
    '# a comment line',
    'release-channel main_udmap:tx0',
    'expect-pool inta_main_udmass.vint used=0',
    '',
  ];
  const out = [];
  for (let i = 0; i < lines; i++) out.push(cycle[i % cycle.length]);
  // End on a whole cycle so nothing is left held.
  while (out.length % cycle.length !== 0) out.pop();
  return `${out.join('\n')}\n`;
};

/**
 * compare and capacity (issue 10), apart from the rows above so that their edits and these merge
 * cleanly. compare.ratio: `--compare all` (the four designs, tables and chart, in one process)
 * over one `-q` run of the same 10,000-line script; the target is at most 4.5. capacity.ms: the
 * `capacity main_udmap both` command over every design, in-process after start-up (its first
 * call, so loading cli-table3 counts); the target is under 200 ms.
 */
const benchCompare = async (dir) => {
  const script = join(dir, 'compare-10k.msi');
  writeFileSync(script, mixedScript(10_000));
  run([bin, '-q', script]); // warm the file cache
  const one = median([1, 2, 3, 4, 5].map(() => seconds(() => run([bin, '-q', script]))));
  const four = median([1, 2, 3, 4, 5].map(() => seconds(() => run([bin, '--compare', 'all', script]))));
  report('compare.ratio', (four / one).toFixed(2), 'x');
  report('compare.ms', (four * 1000).toFixed(0), 'ms');
  const dist = join(root, 'dist');
  const { Session } = await import(join(dist, 'commands/session.js'));
  const { runWords } = await import(join(dist, 'commands/registry.js'));
  const { renderText } = await import(join(dist, 'render/text.js'));
  const { PLAIN } = await import(join(dist, 'render/style.js'));
  const { am65x } = await import(join(dist, 'core/topologies/am65x.js'));
  const session = new Session(am65x, { policy: 'coalesced', mode: 'demand' });
  let text = '';
  const ms = seconds(() => {
    const r = runWords(session, ['capacity', 'main_udmap', 'both']);
    if (!r.ok) throw new Error(`bench: capacity failed: ${r.error.message}`);
    text = renderText(PLAIN, r.output);
  }) * 1000;
  if (!text.includes('DESIGN')) throw new Error('bench: capacity printed no table');
  report('capacity.ms', ms.toFixed(1), 'ms');
};

const figures = [];
const report = (name, value, unit) => {
  figures.push({ name, value, unit });
  console.log(`${name}: ${value} ${unit}`);
};

try {
  const { runCoreBench } = await import('./core.mjs');
  const core = await runCoreBench();
  report('core.pairs_per_s', Math.round(core.pairsPerSecond), 'pairs/s');
  report('core.pairs_per_s_64x', Math.round(core.pairsPerSecond64x), 'pairs/s');
  report('core.pairs_per_s_64x_same_live', Math.round(core.pairsPerSecond64xSameLive), 'pairs/s');
} catch (e) {
  console.error(`bench: core benchmark unavailable: ${e.message}`);
}

const dir = mkdtempSync(join(tmpdir(), 'msi-bench-'));
try {
  const LINES = 200_000;
  const script = join(dir, 'mixed.msi');
  writeFileSync(script, mixedScript(LINES));
  const lines = readFileSync(script, 'utf8').split('\n').length - 1;
  run([bin, '--quiet', script]); // warm the file cache
  const batch = median([1, 2, 3].map(() => seconds(() => run([bin, '--quiet', script]))));
  const floorCode = `const t=require('fs').readFileSync(${JSON.stringify(script)},'utf8').split('\\n');if(t.length<2)process.exit(1)`;
  const floor = median([1, 2, 3, 4, 5].map(() => seconds(() => run(['-e', floorCode]))));
  report('batch.lines_per_s', Math.round(lines / batch), 'lines/s');
  report('batch.floor_ratio', (batch / floor).toFixed(2), 'x');

  const N = 15;
  const version = median(Array.from({ length: N }, () => seconds(() => run([bin, '--version']))));
  const bare = median(Array.from({ length: N }, () => seconds(() => run(['-e', '0']))));
  report('startup.ratio', (version / bare).toFixed(2), 'x');
  report('startup.ms', (version * 1000).toFixed(1), 'ms');
  await benchCompare(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The interleaving explorer (issue 9): schedules per second, each from a restored snapshot.
async function interleaveBench() {
  try {
    const { runInterleaveBench } = await import('./interleave.mjs');
    const r = runInterleaveBench();
    report('interleave.schedules_per_s', Math.round(r.schedulesPerSecond), 'schedules/s');
    report('interleave.all_48620_s', r.allSeconds.toFixed(2), 's');
    report('interleave.three_ops_bound2_s', r.threeSeconds.toFixed(2), 's');
    report('interleave.restore_us', r.restoreUs.toFixed(1), 'us');
    report('interleave.reboot_replay_us', Math.round(r.replayUs), 'us');
  } catch (e) {
    console.error(`bench: interleave benchmark unavailable: ${e.message}`);
  }
}
await interleaveBench();
