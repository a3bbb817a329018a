import { writeSync } from 'node:fs';

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

const pause = new Int32Array(new SharedArrayBuffer(4));

// One block that every write is encoded into (UTF-8 takes at most 3 bytes a UTF-16 unit): a fresh
// buffer for each 64 KiB of a long run's output cost more than the copy into it. Big texts, rare,
// get their own, so that the block stays small.
const BLOCK_UNITS = FLUSH_AT * 2;
let block: Buffer | undefined;
const encode = (text: string): Buffer => {
  if (text.length > BLOCK_UNITS) return Buffer.from(text, 'utf8');
  block ??= Buffer.allocUnsafe(BLOCK_UNITS * 3);
  return block.subarray(0, block.write(text, 0, 'utf8'));
};

/**
 * Writes all of `buf` to a file descriptor before returning. A non-blocking pipe that is full
 * (EAGAIN) is waited on, a millisecond at a time, so a slow reader (`| less`) holds the run back
 * instead of the output piling up in memory; errors are thrown at once, so a closed pipe stops the
 * run at the next write instead of after the whole script has run.
 */
const writeBytes = (fd: number, buf: Buffer): void => {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};

const writeAll = (fd: number, text: string): void => writeBytes(fd, encode(text));

/** Output gathered as one string before it is encoded (see processSink). */
const GATHER = 1 << 9;

/**
 * The sink of the batch runner: synchronous writes to fds 1 and 2, so that `2>&1` keeps output
 * and errors in order and a failing stdout is noticed at the write that failed.
 *
 * Outputs are appended to one string until it holds 512 characters, which is then encoded into
 * the sink's block, written out at 64 KiB. Strings kept until the write (64 KiB of them) were
 * copied by every scavenge and joined into one more string (callgrind, 100k-line script: GC 161M
 * instructions, with 512 here 30M; 2 KiB gave 67M); encoding each output on its own cost a call
 * into C++ and a flattening for every line.
 */
export const processSink = (statusSoFar: () => number = () => 0): Sink => {
  const block = Buffer.allocUnsafe(BLOCK_UNITS * 3);
  let size = 0;
  let gathered = '';
  let errGone = false;
  const write = () => {
    const bytes = block.subarray(0, size);
    size = 0;
    try {
      writeBytes(1, bytes);
    } catch (e) {
      stdoutFailed(e as NodeJS.ErrnoException, statusSoFar);
    }
  };
  // Into the block (UTF-8 takes at most 3 bytes a UTF-16 unit): what might not fit goes after
  // what is there, and a text larger than the block (rare) on its own.
  const encodeGathered = () => {
    const text = gathered;
    gathered = '';
    if (size + text.length * 3 > block.length) {
      if (size > 0) write();
      if (text.length > BLOCK_UNITS) {
        try {
          writeAll(1, text);
        } catch (e) {
          stdoutFailed(e as NodeJS.ErrnoException, statusSoFar);
        }
        return;
      }
    }
    size += block.write(text, size);
    if (size >= FLUSH_AT) write();
  };
  const flush = () => {
    if (gathered !== '') encodeGathered();
    if (size > 0) write();
  };
  return {
    out(text) {
      gathered += text;
      if (gathered.length >= GATHER) encodeGathered();
    },
    err(text) {
      flush();
      if (errGone) return;
      try {
        writeAll(2, text);
      } catch {
        errGone = true;
      }
    },
    flush,
  };
};

/** Exit status when stdout cannot be written (a full disk, a revoked terminal): the output was lost. */
export const EXIT_OUTPUT_FAILED = 1;

const describe = (e: NodeJS.ErrnoException): string =>
  e.code === 'ENOSPC' ? 'no space left on device' : e.code === 'EIO' ? 'input/output error' : (e.code ?? e.message.split('\n')[0]);

/**
 * A closed stdout ends the program quietly, with the status of what ran before it closed (a
 * failure already said on stderr stays a failure; 0 where nothing failed); any other failure is
 * said once (see below).
 */
const stdoutFailed = (e: NodeJS.ErrnoException, statusSoFar: () => number = () => 0): never => {
  if (e.code === 'EPIPE') process.exit(statusSoFar());
  try {
    writeSync(2, `msi-explorer: cannot write to stdout: ${describe(e)}\n`);
  } catch {
    // stderr is gone too
  }
  process.exit(EXIT_OUTPUT_FAILED);
};

/**
 * Writes straight to stdout, synchronously, under the same rules as the batch sink: a closed
 * stdout ends the program quietly with status 0, any other failure is one line and status 1.
 * For what is printed before the model loads (--help, --version).
 */
export const writeStdout = (text: string): void => {
  try {
    writeAll(1, text);
  } catch (e) {
    stdoutFailed(e as NodeJS.ErrnoException);
  }
};

/** Writes to stderr, synchronously; a failure is ignored (there is nowhere left to report it). */
export const writeStderr = (text: string): void => {
  try {
    writeAll(2, text);
  } catch {
    // see exitQuietlyOnEpipe
  }
};

let installed = false;

/**
 * Output failures end the program with one line, never a stack:
 * - a closed stdout (`| head`) ends it quietly with status 0, as a well-behaved filter does;
 * - any other stdout error (`> /dev/full`) is said once on stderr, status 1;
 * - stderr errors are ignored: there is nowhere left to report them, and the exit status still
 *   tells whether the commands did what they should.
 * This covers process.stdout and process.stderr, which only the REPL and --compare use (run()
 * installs it for them): the batch sink and help write to the fds directly.
 */
export const exitQuietlyOnEpipe = (): void => {
  if (installed) return;
  installed = true;
  process.stdout.on('error', stdoutFailed);
  process.stderr.on('error', () => {
    // Nothing to do: see above.
  });
};

/**
 * Whether the REPL or --compare took process.stdout and process.stderr (see exitQuietlyOnEpipe):
 * their writes to a pipe may still be pending when the program's work is done. Everything else
 * writes synchronously to the fds.
 */
export const streamsInUse = (): boolean => installed;
