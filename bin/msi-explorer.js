#!/usr/bin/env node
// The bundle that `npm run build` makes when it is newer than the last tsc build; otherwise the
// compiled modules, so that a bare `tsc` (while iterating) never runs a stale bundle.
import { statSync } from 'node:fs';

const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
await import(mtime('../dist/bundle/main.js') > mtime('../dist/.tsbuildinfo') ? '../dist/bundle/main.js' : '../dist/cli/main.js');
