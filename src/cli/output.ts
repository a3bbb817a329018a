/**
 * Buffered stdout with stderr kept in order: stdout is flushed before anything goes to stderr,
 * so a terminal shows output and errors as they happened, while a long quiet run writes in
 * large blocks.
 */
export interface Sink {
  out(text: string): void;
  err(text: string): void;
  flush(): void;
}

const FLUSH_AT = 1 << 16;

export const processSink = (): Sink => {
  let buf: string[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    const text = buf.join('');
    buf = [];
    size = 0;
    process.stdout.write(text);
  };
  return {
    out(text) {
      buf.push(text);
      size += text.length;
      if (size >= FLUSH_AT) flush();
    },
    err(text) {
      flush();
      process.stderr.write(text);
    },
    flush,
  };
};

/** Exit status when stdout cannot be written (a full disk, a revoked terminal): the output was lost. */
export const EXIT_OUTPUT_FAILED = 1;

const describe = (e: NodeJS.ErrnoException): string =>
  e.code === 'ENOSPC' ? 'no space left on device' : e.code === 'EIO' ? 'input/output error' : (e.code ?? e.message.split('\n')[0]);

let installed = false;

/**
 * Output failures end the program with one line, never a stack:
 * - a closed stdout (`| head`) ends it quietly with status 0, as a well-behaved filter does;
 * - any other stdout error (`> /dev/full`) is said once on stderr, status 1;
 * - stderr errors are ignored: there is nowhere left to report them, and the exit status still
 *   tells whether the commands did what they should.
 * Errors from synchronous writes (files, pipes on Linux) come through the same 'error' events.
 */
export const exitQuietlyOnEpipe = (): void => {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    try {
      process.stderr.write(`msi-explorer: cannot write to stdout: ${describe(e)}\n`);
    } catch {
      // stderr is gone too
    }
    process.exit(EXIT_OUTPUT_FAILED);
  });
  process.stderr.on('error', () => {
    // Nothing to do: see above.
  });
};
