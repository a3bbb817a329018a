import { keepCoreErrorStacks } from '../core/errors.js';
import { streamsInUse } from './output.js';
import { main } from './program.js';

const debug = process.argv.includes('--debug');
keepCoreErrorStacks(debug);

/** A bug of ours, never the user's input: one line, and the stack only on request. */
const internalError = (e: unknown): void => {
  const err = e instanceof Error ? e : new Error(String(e));
  const first = (err.message || err.name).split('\n')[0];
  let text = `msi-explorer: internal error: ${first}${debug ? '' : ' (run with --debug for details)'}\n`;
  if (debug) {
    text += `${err.stack ?? ''}\n`;
    if (err.cause instanceof Error) text += `caused by: ${err.cause.stack ?? err.cause.message}\n`;
  }
  try {
    process.stderr.write(text);
  } catch {
    // stderr is gone: the exit status is all that is left
  }
  process.exitCode = 70;
};

// Errors thrown outside the main promise (event handlers, timers) get the same treatment.
process.on('uncaughtException', (e) => {
  internalError(e);
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  internalError(e);
  process.exit(70);
});

main(process.argv).then((code) => {
  process.exitCode = code;
  // All written, synchronously, to the fds (output.ts): end now. Left to end by itself, Node first
  // runs the tasks V8 has queued, a scavenge of the young generation among them, for nothing.
  if (!streamsInUse()) process.exit();
}, internalError);
