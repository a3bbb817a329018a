/**
 * `msi-explorer --version` alone: the bin runs this before anything else loads (bundled on its
 * own as dist/bundle/version.cjs), printing the line commander prints, under the same output
 * rules (a closed stdout is quiet, status 0; a failing one is one line, status 1).
 */
import { writeStdout } from './output.js';
import { VERSION } from './version.js';

writeStdout(`${VERSION}\n`);
