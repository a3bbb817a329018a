// The file reader moved to src/io/text-file.ts, below the commands that read workloads. Only
// batch.ts still imports it from here (it is being changed elsewhere): once it imports
// '../io/text-file.js' itself, this file goes.
export { chunksOf, closeQuietly, includedName, openTextFile, ReadError } from '../io/text-file.js';
