// Preloaded by `npm run bench` (node --import) into a process whose peak memory it measures:
// on exit, appends the peak resident set size in KiB to the file named by MSI_BENCH_RSS.
import { appendFileSync } from 'node:fs';

const file = process.env.MSI_BENCH_RSS;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
