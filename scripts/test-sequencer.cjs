// Jest's own order (a file that failed last time first, then the longest first), with a start
// for the clone that has never run the suite. Jest orders by the durations its cache recorded
// in the last run; a fresh clone (CI's `npm ci && npm test`) has none, and jest then runs files
// it has no duration for first, largest first: the interleave footprint test, a short file that
// runs for many seconds, started last, and on two workers the run waited for it alone.
// The durations below (seconds of one worker, a 2-core run of the whole suite, December round 12)
// stand in for the cache's until the cache has its own; a file not listed counts as short (under a
// second). They only order the files.
const Sequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');

const FIRST_RUN_SECONDS = {
  '__tests__/e2e/fuzz.test.ts': 4.7,
  '__tests__/core/interleave-footprint.test.ts': 3.7,
  '__tests__/cli/repl.test.ts': 3.2,
  '__tests__/e2e/goldens.test.ts': 2.8,
  '__tests__/e2e/help-examples.test.ts': 2.8,
  '__tests__/e2e/pack.test.ts': 2.7,
  '__tests__/e2e/fuzz-surfaces.test.ts': 2.7,
  '__tests__/topology/validate.test.ts': 2.6,
  '__tests__/e2e/cli.test.ts': 2.5,
  '__tests__/commands/interleave.test.ts': 2.5,
  '__tests__/core/interleave-slices.test.ts': 2.3,
  '__tests__/topology/rm-cfg.test.ts': 2.3,
  '__tests__/core/properties.test.ts': 1.9,
  '__tests__/render/text.test.ts': 1.3,
  '__tests__/core/interleave-scheduler.test.ts': 1,
};

class FirstRunSequencer extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const hint = FIRST_RUN_SECONDS[relative(test.context.config.rootDir, test.path).split('\\').join('/')];
    return (hint ?? 0) * 1000;
  }
}

module.exports = FirstRunSequencer;
