// Core allocator benchmark: alloc-irq + free-irq pairs per second on am65x and on a topology 64x
// larger. Needs the compiled core: `npx tsc -p tsconfig.json` (or `npm run build`) first.
//
//   node bench/core.mjs        prints exactly two lines:
//     core.pairs_per_s: <N> pairs/s
//     core.pairs_per_s_64x: <N> pairs/s
//
// Imported (bench/run.js), runCoreBench() returns { pairsPerSecond, pairsPerSecond64x } and prints
// nothing.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { System } from '../dist/core/system.js';
import { am65x } from '../dist/core/topologies/am65x.js';
import { designNamed } from '../dist/core/designs.js';

// MSIs on demand, coalesced, hardware at request_irq: every pair allocates and frees an MSI and
// its hardware. Spelled as a design so a new settings column cannot leave it undefined.
const SETTINGS = designNamed('dynamic').settings;
/** TI_SCI_RESOURCE_NULL: TISCI resource numbers are u16 and 0xffff means "none". */
const U16_MAX_USABLE = 0xfffe;

/**
 * am65x scaled by `k`: k times the INTR outputs, VINTs, global events, general-purpose rings and
 * virqs. Ring indices, VINTs, INTR inputs/outputs and global events stay within 16 bits (the TISCI
 * fields are u16): VINTs 0-255 keep INTR inputs 0-255 and the rest go to inputs from 512 up, so
 * cpts keeps input 391; the global events wrap below 16384 and stop at 0xfffe (0xffff is
 * TI_SCI_RESOURCE_NULL), so at k = 64 there are 65535 of them, one short of 64 x 1024. GIC hwirqs
 * are laid out end to end; past 1019 no real GIC-500 has them, but the model sets no limit.
 */
export const scaleAm65x = (k) => {
  const navss = am65x.intrs.find((r) => r.id === 'intr_main_navss');
  const gpio = am65x.intrs.find((r) => r.id === 'intr_main_gpio');
  const inta = am65x.intas[0];
  const ringacc = am65x.msiDevices[0];
  const vints = 256 * k;
  const half = 64 * k; // each of navss's two output ranges
  const gpioOutputs = 32 * k;
  const events = Math.min(1024 * k, U16_MAX_USABLE + 1 - 1); // 0..0xfffe
  const gp = 128 * k;
  const eventRanges =
    16384 + events - 1 <= U16_MAX_USABLE
      ? [{ start: 16384, count: events, source: 'illustrative' }]
      : [
          { start: 16384, count: U16_MAX_USABLE - 16384 + 1, source: 'illustrative' },
          { start: 0, count: events - (U16_MAX_USABLE - 16384 + 1), source: 'illustrative' },
        ];
  const vintRanges =
    vints <= 256
      ? [{ from: 0, to: 0, count: vints, source: 'dt' }]
      : [
          { from: 0, to: 0, count: 256, source: 'dt' },
          { from: 256, to: 512, count: vints - 256, source: 'illustrative' },
        ];
  const navssInputs = Math.max(navss.inputs, 512 + vints - 256);
  const topology = {
    ...am65x,
    name: `am65x-x${k}`,
    description: `am65x with ${k}x the pools`,
    virq: { first: am65x.virq.first, count: am65x.virq.count * k },
    intrs: [
      {
        ...navss,
        inputs: navssInputs,
        ranges: [
          { from: 0, to: 64, count: half, source: 'illustrative' },
          { from: half, to: 64 + half, count: half, source: 'illustrative' },
        ],
      },
      { ...gpio, ranges: [{ from: 0, to: 64 + 2 * half, count: gpioOutputs, source: 'illustrative' }] },
    ],
    intas: [{ ...inta, vints: vintRanges, globalEvents: eventRanges }],
    msiDevices: [
      {
        ...ringacc,
        indices: Math.max(ringacc.indices, 304 + gp),
        free: [{ start: 304, count: gp, source: 'illustrative' }],
      },
    ],
  };
  const limits = [
    [navssInputs - 1, 'INTR input'],
    [2 * half - 1, 'INTR output'],
    [vints - 1, 'VINT'],
    [topology.msiDevices[0].indices - 1, 'ring index'],
    ...eventRanges.map((r) => [r.start + r.count - 1, 'global event']),
  ];
  for (const [max, what] of limits) if (max > U16_MAX_USABLE) throw new Error(`scaleAm65x(${k}): ${what} ${max} does not fit 16 bits`);
  return topology;
};

/**
 * Boots `topology`, keeps `live` alloc-irq MSIs (half the general-purpose rings) and, for about
 * `seconds`, frees a random live one and allocates a new one: first fit then has to walk the VINT
 * list to the hole and scan each pool from its hint. Returns pairs per second.
 */
const measure = (topology, seconds, liveCount) => {
  const s = System.boot(topology, SETTINGS);
  const failed = s.bootLog.filter((e) => !e.ok);
  if (failed.length > 0) throw new Error(`${topology.name} did not boot: ${failed.map((e) => `${e.device}: ${e.message}`).join('; ')}`);
  const gp = s.pool('ringacc.gp_ring');
  const live = [];
  for (let i = 0; i < (liveCount ?? gp.total / 2); i++) live.push(s.allocIrq('ringacc', 'any').virq);
  // A few channels too, so the ring device's MSIs are not all general-purpose ones.
  s.requestChannel('main_udmap', 'tx', 8);
  s.requestChannel('main_udmap', 'rx', 8);
  // What the channels hold besides (MSIs, and GP completion rings where the topology has them).
  const channelMsis = s.msi.all().length - live.length;
  const channelRings = gp.used - live.length;

  let x = 0x9e3779b9;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % live.length;
  };
  const churn = (n) => {
    for (let i = 0; i < n; i++) {
      const k = rand();
      s.freeIrq(live[k]);
      live[k] = s.allocIrq('ringacc', 'any').virq;
    }
  };
  churn(20_000); // warm up the JIT
  const BATCH = 512;
  // CPU time, as every other figure of the bench: time the process spends preempted by other
  // work on a shared machine is not the core's. (The JIT has finished with the churn by now.)
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const start = cpu();
  let pairs = 0;
  let elapsed = 0;
  do {
    churn(BATCH);
    pairs += BATCH;
    elapsed = cpu() - start;
  } while (elapsed < seconds);
  // Sanity: the churn never leaks.
  if (gp.used !== live.length + channelRings || s.msi.all().length !== live.length + channelMsis) throw new Error('bench: pool usage drifted');
  return pairs / elapsed;
};

export const runCoreBench = ({ seconds = 1 } = {}) => ({
  pairsPerSecond: measure(am65x, seconds),
  pairsPerSecond64x: measure(scaleAm65x(64), seconds),
  // 64x pools with the default's 64 live MSIs: pool size alone, without 64x the VINTs to walk
  pairsPerSecond64xSameLive: measure(scaleAm65x(64), seconds, 64),
});

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const r = runCoreBench();
  console.log(`core.pairs_per_s: ${Math.round(r.pairsPerSecond)} pairs/s`);
  console.log(`core.pairs_per_s_64x: ${Math.round(r.pairsPerSecond64x)} pairs/s`);
  console.log(`core.pairs_per_s_64x_same_live: ${Math.round(r.pairsPerSecond64xSameLive)} pairs/s`);
}
