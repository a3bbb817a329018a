import { writeStdout } from './output.js';
import { VERSION } from './version.js';

const debug = process.argv.includes('--debug');

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

// `--version` alone, as scripts and package managers ask it, is answered before commander loads:
// the same line, under the same output rules, as commander's own --version.
const run = async (argv: string[]): Promise<number> => {
  if (argv.length === 3 && argv[2] === '--version') {
    writeStdout(`${VERSION}\n`);
    return 0;
  }
  const { main } = await import('./program.js');
  return main(argv);
};

run(process.argv).then((code) => {
  process.exitCode = code;
}, internalError);
