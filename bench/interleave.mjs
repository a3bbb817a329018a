// Interleaving explorer benchmark: schedules explored per second, each from a restored snapshot
// of the pre-state. Needs the compiled core (`npm run build`).
//
// Two allocations that each take a new VINT (design rfc-v4): two 9-step operations, every
// schedule: 48,620 (reference/interleaving.md 5.2). The aim is all of them in under 1 s. Then
// three such operations at the default preemption bound of 2 (2,622 schedules). Then `help
// interleave`'s example on the default SoC, am65x (43,920 schedules): a model of 591 objects, of
// which a schedule changes some 25, where the snapshot restore's cost shows.
//
//   node bench/interleave.mjs    prints the figures; runInterleaveBench() returns them.
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { Session } from '../dist/commands/session.js';
import { Explorer } from '../dist/core/interleave/explore.js';
import { allocIrqOp } from '../dist/core/interleave/ops.js';
import { Snapshot } from '../dist/core/interleave/snapshot.js';
import { runWords } from '../dist/commands/registry.js';
import { am65x } from '../dist/core/topologies/am65x.js';
import { parseTopology } from '../dist/topology/validate.js';
import { designNamed } from '../dist/core/designs.js';

const small8 = () => {
  const r = parseTopology(readFileSync(new URL('../fixtures/topologies/small8.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.topology;
};

const explore = (session, ops, bound) => {
  const ex = new Explorer(session.system, ops, 'none');
  const t = process.hrtime.bigint();
  const r = ex.run({ lock: 'none', mode: { kind: 'all', bound } });
  return { explored: r.explored, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
};

/**
 * The pre-state each schedule starts from, restored from a snapshot, against what the session
 * it would cost to re-boot and replay every command since boot: am65x (merged) with 100 channels.
 */
const restoreVsReplay = () => {
  const session = new Session(am65x, designNamed('merged').settings);
  const lines = ['request-channel main_udmap tx 50', 'request-channel main_udmap rx 50'];
  for (const l of lines) if (!runWords(session, l.split(' ')).ok) throw new Error(l);
  const snap = Snapshot.take([session.system], [session.system.topology]);
  const N = 20000;
  // Past the switch to generated restorers, and warm: the figure of a long exploration.
  for (let i = 0; i < 3 * N; i++) snap.restore();
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) snap.restore();
  const restoreUs = Number(process.hrtime.bigint() - t) / 1e3 / N;
  t = process.hrtime.bigint();
  const M = 20;
  for (let i = 0; i < M; i++) {
    session.reboot();
    for (const l of lines) runWords(session, l.split(' '));
  }
  const replayUs = Number(process.hrtime.bigint() - t) / 1e3 / M;
  return { restoreUs, replayUs };
};

export const runInterleaveBench = () => {
  const session = new Session(small8(), designNamed('rfc-v4').settings);
  const two = () => [allocIrqOp('ringacc', 32), allocIrqOp('ringacc', 33)];
  explore(session, two()); // warm up
  const runs = [1, 2, 3].map(() => explore(session, two()));
  const best = runs.sort((a, b) => a.seconds - b.seconds)[0];
  if (best.explored !== 48620) throw new Error(`expected 48620 schedules, explored ${best.explored}`);
  const three = explore(session, [...two(), allocIrqOp('ringacc', 34)], 2);
  const soc = new Session(am65x, { ...designNamed('merged').settings, lock: 'none' });
  const example = () => [allocIrqOp('ringacc', 304), allocIrqOp('ringacc', 305)];
  explore(soc, example()); // warm up
  const am = [1, 2, 3].map(() => explore(soc, example())).sort((a, b) => a.seconds - b.seconds)[0];
  if (am.explored !== 43920) throw new Error(`expected 43920 schedules on am65x, explored ${am.explored}`);
  return {
    schedulesPerSecond: best.explored / best.seconds,
    allSeconds: best.seconds,
    threeSeconds: three.seconds,
    threeExplored: three.explored,
    am65xSeconds: am.seconds,
    am65xPerSecond: am.explored / am.seconds,
    ...restoreVsReplay(),
  };
};

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runInterleaveBench();
  console.log(`interleave.schedules_per_s: ${Math.round(r.schedulesPerSecond)} schedules/s`);
  console.log(`interleave.all_48620_s: ${r.allSeconds.toFixed(2)} s`);
  console.log(`interleave.three_ops_bound2_s: ${r.threeSeconds.toFixed(2)} s (${r.threeExplored} schedules)`);
  console.log(`interleave.am65x_43920_s: ${r.am65xSeconds.toFixed(2)} s (${Math.round(r.am65xPerSecond)} schedules/s)`);
  console.log(`interleave.restore_us: ${r.restoreUs.toFixed(1)} us (am65x merged, 100 channels; re-boot + replay: ${Math.round(r.replayUs)} us)`);
}
