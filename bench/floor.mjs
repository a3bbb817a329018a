// The input floor of a batch run: what any line-oriented tool must do with a script before it
// does anything with it. Reads the file, splits it into lines and each line into words with the
// project's own tokenizer, and nothing else. `npm run bench` divides batch runs by this one.
//
//   node bench/floor.mjs script.msi
import { readFileSync } from 'node:fs';
import { commandWords } from '../dist/commands/tokenize.js';

const text = readFileSync(process.argv[2], 'utf8');
let words = 0;
for (const line of text.split('\n')) words += commandWords(line).length;
if (words === 0) process.exit(1);
