// npm run bench: one `name: value unit` line per figure. Never part of npm test.
//
// Every batch and start-up figure is a ratio of CPU time (user + system, from process start, read
// by bench/usage.cjs preloaded into each run) to a floor measured in the same run, runs of the two
// alternating: on a machine shared with other work, wall time mostly measures the other work.
// A batch row's note adds the same runs' wall-time ratio and their CPU by thread: the script's
// main thread over the floor's, and what V8's other threads (its optimizing compiler, the
// garbage collector's helpers) spent beside it, which counts in CPU time but runs on another core.
//   batch.*        the binary on a generated script over bench/floor.mjs on the same file (read it,
//                  split it into lines, tokenize each line: the least any batch run must do);
//                  *_per_line_ratio: the cost of 200k more lines over the floor's, without what
//                  a run pays once (loading the bundle, compiling the hot paths);
//   startup.*      the binary over `node -e 0`;
//   render.*       bench/render.mjs: CPU ms to render large tables whose last column wraps;
//   rss.*          peak resident memory of a 1M-line run over the floor's on the same file, and of
//                  a 4M-line run over a 2M-line one (1.0 is memory flat in the script's length).
//
//   npm run bench                 core, batch, start-up and memory figures
//   npm run bench -- --suite      also the wall time of `npm test`
//   npm run bench -- --reps 9     more runs per median (default 5)
//   npm run bench -- --bin PATH   measure another build's bin/msi-explorer.js against the same floors
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// --bin <path>: measure another build (an older checkout, for before/after figures).
const bin = argv.includes('--bin') ? argv[argv.indexOf('--bin') + 1] : join(root, 'bin', 'msi-explorer.js');
const floorJs = join(root, 'bench', 'floor.mjs');
const usageJs = join(root, 'bench', 'usage.cjs');
const env = { ...process.env, NO_COLOR: '1', COLUMNS: '80' };
delete env.FORCE_COLOR;
const REPS = argv.includes('--reps') ? Number(argv[argv.indexOf('--reps') + 1]) : 5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const devNull = openSync('/dev/null', 'w');
const dir = mkdtempSync(join(tmpdir(), 'msi-bench-'));
const usageFile = join(dir, 'usage');

/**
 * Runs node with `args` (stdout to /dev/null), bench/usage.cjs preloaded into it: its CPU time
 * (user + system, ms), peak RSS (KiB), CPU of its main thread and of its other threads (ms; -1
 * where Linux does not say) and wall time (ms, spawn to exit). Fails the bench on a non-zero status.
 */
const run = (args, runEnv = env) => {
  rmSync(usageFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', usageJs, ...args], {
    env: { ...runEnv, MSI_BENCH_USAGE: usageFile },
    stdio: ['ignore', devNull, 'pipe'],
    maxBuffer: 1 << 26,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().split('\n')[0]}`);
  const [cpu, rss, main, others] = readFileSync(usageFile, 'utf8').trim().split(' ').map(Number);
  return { cpu, rss, main, others, wall };
};

/**
 * Medians of `subject` and `floor`, their runs alternating, one warm-up run of each first: CPU ms
 * as `subject` and `floor`, and every run() figure as `subjectMedians` and `floorMedians`. The
 * floor runs in `floorEnv` (the bench's environment unless given).
 */
const paired = (subject, floor, reps = REPS, floorEnv = env) => {
  const [subjectMedians, floorMedians] = alternating([[subject], [floor, floorEnv]], reps);
  return { subject: subjectMedians.cpu, floor: floorMedians.cpu, subjectMedians, floorMedians };
};

/**
 * Every run() figure's median for each of `runs` ([args, env?]), one run of each in turn, a
 * warm-up round first.
 */
const alternating = (runs, reps = REPS) => {
  const all = runs.map(() => []);
  runs.forEach(([args, runEnv]) => run(args, runEnv));
  for (let i = 0; i < reps; i++) runs.forEach(([args, runEnv], j) => all[j].push(run(args, runEnv)));
  return all.map((rs) => Object.fromEntries(['cpu', 'rss', 'main', 'others', 'wall'].map((k) => [k, median(rs.map((r) => r[k]))])));
};

/**
 * What a batch ratio is made of: the same runs' wall time, and their CPU split between the
 * script's own (main) thread and the threads V8 works on beside it (its optimizing compiler and
 * the garbage collector's helpers), which a one-thread floor hardly uses.
 */
const split = ({ subjectMedians: s, floorMedians: f }) => {
  const wall = `wall ${x(s.wall / f.wall)}x`;
  if (s.main < 0 || f.main < 0) return wall;
  return `${wall}; main thread ${x(s.main / f.main)}x, other threads ${s.others.toFixed(0)} ms against ${f.others.toFixed(0)}`;
};

/** Peak RSS in KiB of a run of node with `args` (median of `reps`). */
const peakRss = (args, reps = 3) => median(Array.from({ length: reps }, () => run(args).rss));

/** A script of mixed verbs that keeps every pool busy but never fails; `pools` every `showEvery` lines if given. */
const mixedScript = (lines, showEvery = 0) => {
  const cycle = [
    'request-channel main_udmap tx',
    'request-channel main_udmap rx 2',
    'fire-ring main_udmap:tx8 3',
    'alloc-irq ringacc any',
    'fire-ring ringacc:307',
    'expect-pool main_udmap.rx_chan used=2',
    'set-affinity 289 1',
    'mask-irq 71',
    'unmask-irq 71',
    'free-irq ringacc 307',
    'release-channel main_udmap:rx9',
    'release-channel main_udmap:rx8',
    '# a comment line',
    'release-channel main_udmap:tx8',
    'expect-pool inta_main_udmass.vint used=0',
    '',
  ];
  const out = [];
  for (let i = 0, c = 0; out.length < lines; i++) {
    if (showEvery > 0 && out.length % showEvery === showEvery - 1) out.push('pools');
    else out.push(cycle[c++ % cycle.length]);
  }
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
  const r = paired([bin, '--compare', 'all', script], [bin, '-q', script]);
  report('compare.ratio', x(r.subject / r.floor), 'x', `--compare all over one -q run, 10k lines (${r.subject.toFixed(0)} ms CPU)`);
  const dist = join(root, 'dist');
  const { Session } = await import(join(dist, 'commands/session.js'));
  const { runWords } = await import(join(dist, 'commands/registry.js'));
  const { renderText } = await import(join(dist, 'render/text.js'));
  const { PLAIN } = await import(join(dist, 'render/style.js'));
  const { am65x } = await import(join(dist, 'core/topologies/am65x.js'));
  const { DEFAULT_SETTINGS } = await import(join(dist, 'core/designs.js'));
  const session = new Session(am65x, DEFAULT_SETTINGS);
  let text = '';
  const t = performance.now();
  const c = runWords(session, ['capacity', 'main_udmap', 'both']);
  if (!c.ok) throw new Error(`bench: capacity failed: ${c.error.message}`);
  text = renderText(PLAIN, c.output);
  const ms = performance.now() - t;
  if (!text.includes('DESIGN')) throw new Error('bench: capacity printed no table');
  report('capacity.ms', ms.toFixed(1), 'ms', 'capacity main_udmap both, every design, in-process after start-up');
};

const report = (name, value, unit, note = '') => console.log(`${name}: ${value} ${unit}${note ? `  (${note})` : ''}`);
const x = (v) => v.toFixed(2);

console.log(`# ${cpus().length} x ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}, ${REPS} runs per median`);

// NODE_EXTRA_CA_CERTS makes every node process read and parse those certificates as it starts,
// before any script (on the machines the figures were taken on, most of `node -e 0`). The runs
// and their floors pay it alike, so it brings every ratio nearer 1: say so, and how much it is.
if (process.env.NODE_EXTRA_CA_CERTS) {
  const bare = { ...env };
  delete bare.NODE_EXTRA_CA_CERTS;
  const certs = paired(['-e', '0'], ['-e', '0'], 3 * REPS, bare);
  console.log(`# NODE_EXTRA_CA_CERTS is set, and every run below pays it, floors included: node -e 0 takes ${certs.subject.toFixed(0)} ms CPU with it, ${certs.floor.toFixed(0)} ms without`);
}

try {
  const { runCoreBench } = await import('./core.mjs');
  const core = await runCoreBench();
  report('core.pairs_per_s', Math.round(core.pairsPerSecond), 'pairs/s');
  report('core.pairs_per_s_64x', Math.round(core.pairsPerSecond64x), 'pairs/s');
  report('core.pairs_per_s_64x_same_live', Math.round(core.pairsPerSecond64xSameLive), 'pairs/s');
} catch (e) {
  console.error(`bench: core benchmark unavailable: ${e.message}`);
}

try {
  const LINES = 100_000;
  const mixed = join(dir, 'mixed.msi');
  const shows = join(dir, 'pools17.msi');
  writeFileSync(mixed, mixedScript(LINES));
  writeFileSync(shows, mixedScript(LINES, 17));

  const quiet = paired([bin, '--quiet', mixed], [floorJs, mixed]);
  report('batch.lines_per_s', Math.round((LINES * 1000) / quiet.subject), 'lines/s of CPU time', '-q, 100k-line mixed script');
  report('batch.quiet_ratio', x(quiet.subject / quiet.floor), 'x', `-q over the input floor; ${split(quiet)}`);
  const text = paired([bin, mixed], [floorJs, mixed]);
  report('batch.text_ratio', x(text.subject / text.floor), 'x', `text output over the input floor; ${split(text)}`);
  const pools = paired([bin, '--quiet', shows], [floorJs, shows]);
  report('batch.pools17_ratio', x(pools.subject / pools.floor), 'x', `-q, pools every 17th line, over its floor; ${split(pools)}`);
  const json = paired([bin, '--json', mixed], [floorJs, mixed]);
  report('batch.json_ratio', x(json.subject / json.floor), 'x', `--json over the input floor; ${split(json)}`);

  // What a line costs once the run is under way: 200,000 more lines over the floor's. The ratios
  // above also carry what a run pays once, whatever its length (loading the bundle, V8 compiling
  // the hot paths on its other threads), which a longer script spreads thinner. The four runs
  // alternate, so that the differences are taken from the same stretch of the machine's load.
  const longer = join(dir, 'mixed300.msi');
  writeFileSync(longer, mixedScript(3 * LINES));
  const perLine = (name, flag) => {
    const [s1, f1, s3, f3] = alternating([[[bin, flag, mixed]], [[floorJs, mixed]], [[bin, flag, longer]], [[floorJs, longer]]]).map((m) => m.cpu);
    const once = (a, b) => (3 * a - b) / 2;
    report(name, x((s3 - s1) / (f3 - f1)), 'x', `${flag}, 200k more lines over the floor's; once a run: ${once(s1, s3).toFixed(0)} ms CPU against the floor's ${once(f1, f3).toFixed(0)}`);
  };
  perLine('batch.quiet_per_line_ratio', '--quiet');
  perLine('batch.json_per_line_ratio', '--json');

  const N = 3 * REPS;
  const execPools = paired([bin, '-e', 'pools'], ['-e', '0'], N);
  report('startup.exec_pools_ratio', x(execPools.subject / execPools.floor), 'x', `-e pools over node -e 0 (${execPools.subject.toFixed(0)} ms CPU)`);
  const version = paired([bin, '--version'], ['-e', '0'], N);
  report('startup.version_ratio', x(version.subject / version.floor), 'x', `--version over node -e 0 (${version.subject.toFixed(0)} ms CPU)`);

  // Memory: a 1M-line script (about 24 MB) is generated here, never committed.
  const big = join(dir, 'big.msi');
  writeFileSync(big, mixedScript(1_000_000));
  let bigRss;
  try {
    bigRss = peakRss([bin, '--quiet', big]);
  } catch (e) {
    report('rss.ratio', 'n/a', '', e.message.split('\n')[0]);
  }
  if (bigRss !== undefined) {
    const floorRss = peakRss([floorJs, big]);
    // Memory flat in the script's length gives 1.0. V8 grows its young generation to full size
    // within the first 1-2M lines (how soon depends on the run's speed), so the growth compares
    // 2M lines with 4M; a leak of a few bytes a line would still double it.
    const huge = join(dir, 'huge.msi');
    writeFileSync(huge, mixedScript(2_000_000));
    const hugeRss = peakRss([bin, '--quiet', huge]);
    const twice = join(dir, 'twice.msi');
    writeFileSync(twice, mixedScript(4_000_000));
    const twiceRss = peakRss([bin, '--quiet', twice]);
    rmSync(twice, { force: true });
    report('rss.ratio', x(bigRss / floorRss), 'x', `1M lines: ${(bigRss / 1024).toFixed(0)} MiB over the floor's ${(floorRss / 1024).toFixed(0)} MiB`);
    report('rss.growth', x(twiceRss / hugeRss), 'x', `4M lines (${(twiceRss / 1024).toFixed(0)} MiB) over 2M lines (${(hugeRss / 1024).toFixed(0)} MiB)`);
  }

  await benchCompare(dir);

  // Large tables whose last column wraps (issue 12): bench/render.mjs in a process of its own, so
  // that its first render is cold, as a command's is; the build is the one --bin names.
  const renders = Array.from({ length: REPS }, () => {
    const r = spawnSync(process.execPath, [join(root, 'bench', 'render.mjs'), join(dirname(bin), '..', 'dist')], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: bench/render.mjs exited ${r.status}: ${r.stderr.split('\n')[0]}`);
    return JSON.parse(r.stdout);
  });
  const at = (f) => median(renders.map(f));
  const o = renders[0].outcomes;
  report('render.outcomes_cold_ms', at((r) => r.outcomes.cold).toFixed(1), 'ms', `interleave's ${o.rows} outcome rows and trace at 80 columns (${o.lines} lines), the first render in a process, CPU time`);
  report('render.outcomes_warm_ms', at((r) => r.outcomes.warm).toFixed(1), 'ms', 'the same, rendered again');
  report('render.interrupts_60_ms', at((r) => r.interrupts.warm).toFixed(1), 'ms', `interrupts of 80 channels at 60 columns in colour (${renders[0].interrupts.lines} lines), warm`);

  // An interleave search as a user runs one, start-up and the engine's warm-up included, which the
  // in-process rows below leave out: fixtures/scripts/21 (three free-irq searches on race2, 6,472
  // schedules, most of them stopped at a FORBIDDEN outcome, each then followed by a full check).
  const [race] = alternating([[[bin, '--topology', join(root, 'fixtures/topologies/race2.json'), '-q', join(root, 'fixtures/scripts/21-lokesh-double-free.msi')]]]);
  report('interleave.cli_race2_s', (race.cpu / 1000).toFixed(2), 's', 'fixtures/scripts/21 through the binary, CPU time');
} finally {
  closeSync(devNull);
  rmSync(dir, { recursive: true, force: true });
}

if (argv.includes('--suite')) {
  const t = process.hrtime.bigint();
  const r = spawnSync('npm', ['test', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  report('suite.npm_test_s', s.toFixed(1), 's', r.status === 0 ? 'npm test, green' : `npm test FAILED (status ${r.status})`);
}

// The interleaving explorer (issue 9): schedules per second, each from a restored snapshot.
async function interleaveBench() {
  try {
    const { runInterleaveBench } = await import('./interleave.mjs');
    const r = runInterleaveBench();
    report('interleave.schedules_per_s', Math.round(r.schedulesPerSecond), 'schedules/s');
    report('interleave.all_48620_s', r.allSeconds.toFixed(2), 's');
    report('interleave.three_ops_bound2_s', r.threeSeconds.toFixed(2), 's');
    report('interleave.am65x_43920_s', r.am65xSeconds.toFixed(2), 's', `${Math.round(r.am65xPerSecond)} schedules/s`);
    report('interleave.restore_us', r.restoreUs.toFixed(1), 'us');
    report('interleave.reboot_replay_us', Math.round(r.replayUs), 'us');
  } catch (e) {
    console.error(`bench: interleave benchmark unavailable: ${e.message}`);
  }
}
await interleaveBench();
