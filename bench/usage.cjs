// Preloaded by `npm run bench` (node --require) into each process it measures: on exit, appends
// "<cpu ms> <peak RSS KiB>" to the file named by MSI_BENCH_USAGE. CPU time (user + system, from
// process start) is what the ratios use: on a machine shared with other work it varies far less
// than wall time, which waits on whatever else runs. CommonJS, so that measuring brings up
// nothing a run would not: an ES module preloaded (--import) starts Node's ES loader in every
// process, some 30M instructions that a run of the bin (CommonJS) or `node -e 0` never spends.
'use strict';
const { appendFileSync } = require('node:fs');

const file = process.env.MSI_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${(user + system) / 1000} ${process.resourceUsage().maxRSS}\n`);
  });
}
