// Preloaded by `npm run bench` (node --require) into each process it measures: on exit, appends
// "<cpu ms> <peak RSS KiB> <main thread ms> <other threads ms>" to the file named by
// MSI_BENCH_USAGE. CPU time (user + system, from process start) is what the ratios use: on a
// machine shared with other work it varies far less than wall time, which waits on whatever else
// runs. The split by thread (Linux's per-thread schedstat; -1 where there is none) shows how much
// of it V8 spent beside the script, compiling optimized code and helping the garbage collector.
// CommonJS, so that measuring brings up nothing a run would not: an ES module preloaded
// (--import) starts Node's ES loader in every process, some 30M instructions that a run of the
// bin (CommonJS) or `node -e 0` never spends.
'use strict';
const { appendFileSync, readdirSync, readFileSync } = require('node:fs');

/** [main, others]: ms each thread of this process has run, or [-1, -1] where Linux does not say. */
const byThread = () => {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const ms = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
      if (Number(tid) === process.pid) main = ms;
      else others += ms;
    }
    return [main, others];
  } catch {
    return [-1, -1];
  }
};

const file = process.env.MSI_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    const [main, others] = byThread();
    appendFileSync(file, `${(user + system) / 1000} ${process.resourceUsage().maxRSS} ${main} ${others}\n`);
  });
}
