import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { lineColumn } from '../topology/json-syntax.js';
import { decodeScript, firstInvalidUtf8 } from './utf8.js';

// Reading the text files a user names: scripts (the batch runner's, the REPL's source, compare's
// workloads), topology and rm-cfg files. Below every layer that reads one (front ends, commands,
// topology loading): it knows files and their errors, nothing of what they hold.

/**
 * Files read whole (topology files) are at most this large: anything larger is not one someone
 * wrote. Scripts are not read whole: they stream, line by line, whatever their length.
 */
export const MAX_SCRIPT_BYTES = 16 << 20;

/**
 * `line`: the file's line at fault, where there is one (a NUL byte; invalid UTF-8 in a file read
 * strictly). `message` starts with the name the reader was given and `: `.
 */
export type ReadResult = { ok: true; text: string } | { ok: false; code: 'ENOENT' | 'EINVAL' | 'EUSAGE'; message: string; line?: number };

/**
 * How a file read whole is decoded: `lossy` (scripts) keeps each byte that is not UTF-8 as an
 * escape (utf8.ts), which the tokenizer refuses on its line, naming the byte; `strict` (topology
 * and rm-cfg files, whose text is data that would otherwise carry U+FFFD into names and --export)
 * refuses the file, naming where.
 */
export type Utf8 = 'lossy' | 'strict';

const CHUNK = 1 << 16;

const tooLarge = (name: string, what: string, size?: number): ReadResult => ({
  ok: false,
  code: 'EINVAL',
  message: `${name}: ${size === undefined ? `more than ${MAX_SCRIPT_BYTES}` : size} bytes is too large for a ${what} (at most ${MAX_SCRIPT_BYTES})`,
});

/** A NUL byte at `offset`, on line `line`: EUSAGE, as a batch run refuses a script holding one at its line. */
const binary = (name: string, what: string, offset: number, line: number): ReadResult => ({
  ok: false,
  code: 'EUSAGE',
  message: `${name}: not a text ${what} (NUL byte at offset ${offset})`,
  line,
});

/** How many newlines `bytes` holds before `end`. */
const newlines = (bytes: Uint8Array, end = bytes.length): number => {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < end; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
};

/**
 * Collects input chunk by chunk, refusing it as soon as it holds a NUL byte or passes the size
 * limit, so that /dev/zero, /dev/urandom or `yes |` fail at once instead of filling memory.
 */
export class BoundedReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  /** Newlines in the chunks taken so far: the line of a NUL byte in a later one. */
  private lines = 0;
  failed: ReadResult | undefined;

  constructor(
    private readonly name: string,
    private readonly what: string,
    private readonly utf8: Utf8 = 'lossy',
  ) {}

  /** Adds a chunk; false when the input has been refused and reading should stop. */
  add(chunk: Buffer): boolean {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      this.failed = binary(this.name, this.what, this.size + nul, this.lines + newlines(chunk, nul) + 1);
      return false;
    }
    if (this.size + chunk.length > MAX_SCRIPT_BYTES) {
      this.failed = tooLarge(this.name, this.what);
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.lines += newlines(chunk);
    return true;
  }

  result(): ReadResult {
    return this.failed ?? checkText(Buffer.concat(this.chunks, this.size), this.name, this.what, this.utf8);
  }
}

const why = (err: NodeJS.ErrnoException): string => {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EISDIR':
      return 'is a directory';
    case 'EIO':
      return 'input/output error';
    default:
      return err.code ?? err.message.split('\n')[0];
  }
};

/** The sentence for input that is no file to read: `/tmp: is a directory, not a script`. */
export const notA = (name: string, kind: 'directory' | 'socket', what: string): string => `${name}: is a ${kind}, not a ${what}`;

/** How error lines name standard input. */
export const STDIN = '<stdin>';

/**
 * Whether stdin is redirected from a directory (`< /tmp`). Node hands such a stdin over as an empty
 * stream, with no EISDIR to catch, so only asking fstat tells it from an empty script.
 */
export const stdinIsDirectory = (): boolean => {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
};

export type OpenResult = { ok: true; fd: number } | { ok: false; code: 'ENOENT' | 'EINVAL'; message: string };

/**
 * Opens a script or topology file for reading, turning every way it can fail into one sentence.
 * Regular files, pipes (`<(...)`) and character devices are accepted; a directory or a socket is
 * refused. (A FIFO nobody writes blocks in open(2), as it does for cat.)
 */
export const openTextFile = (path: string, what: string): OpenResult => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory() || st.isSocket()) {
      closeQuietly(fd);
      return { ok: false, code: 'EINVAL', message: notA(path, st.isDirectory() ? 'directory' : 'socket', what) };
    }
    return { ok: true, fd };
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EISDIR') return { ok: false, code: 'EINVAL', message: notA(path, 'directory', what) };
    return { ok: false, code: err.code === 'ENOENT' ? 'ENOENT' : 'EINVAL', message: `${path}: cannot read ${what}: ${why(err)}` };
  }
};

export const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {
    // nothing more to say about a file already read
  }
};

/** A read that failed part way (EIO): `reason` says why, in the words of the other read errors. */
export class ReadError extends Error {
  constructor(
    readonly path: string,
    readonly what: string,
    readonly reason: string,
  ) {
    super(`${path}: cannot read ${what}: ${reason}`);
    this.name = 'ReadError';
  }
}

/**
 * An open file's chunks, read synchronously, until the end; closes the file at the end or when
 * the loop over them stops. Each chunk is the same buffer's, good until the next is read. Throws
 * a ReadError for a read error (EIO).
 */
export function* chunksOf(fd: number, path: string, what: string): Generator<Buffer, void, undefined> {
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK, null);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        // A non-blocking pipe with nothing in it yet: wait for the writer, a millisecond at a time.
        if (err.code === 'EAGAIN') {
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        throw new ReadError(path, what, why(err));
      }
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeQuietly(fd);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * A script that is to run only if it is text throughout (a sourced one: none of its lines runs if
 * a NUL byte stands anywhere in it), checked before it runs: a regular file is searched for a NUL
 * byte (reading at offsets, so the open file still streams from its start, whatever its length):
 * `{ ok: true }`; anything else (a pipe, a device) cannot be read twice, and is read whole as
 * readTextFile reads (at most MAX_SCRIPT_BYTES), closing `fd`: `{ ok: true, text }`.
 */
export const prereadScript = (fd: number, name: string, what: string): ReadResult | { ok: true; text?: undefined } => {
  if (!fstatSync(fd).isFile()) return readOpened(fd, name, what);
  const buf = Buffer.allocUnsafe(CHUNK);
  let lines = 0;
  for (let at = 0; ; ) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, CHUNK, at);
    } catch (e) {
      return { ok: false, code: 'EINVAL', message: `${name}: cannot read ${what}: ${why(e as NodeJS.ErrnoException)}` };
    }
    if (n === 0) return { ok: true };
    const chunk = buf.subarray(0, n);
    const nul = chunk.indexOf(0);
    if (nul >= 0) return binary(name, what, at + nul, lines + newlines(chunk, nul) + 1);
    lines += newlines(chunk);
    at += n;
  }
};

/** Reads a whole topology file (at most MAX_SCRIPT_BYTES), turning every way it can fail into one sentence. */
export const readTextFile = (path: string, what: string, utf8: Utf8 = 'lossy'): ReadResult => {
  const opened = openTextFile(path, what);
  if (!opened.ok) return opened;
  const st = fstatSync(opened.fd);
  if (st.isFile() && st.size > MAX_SCRIPT_BYTES) {
    closeQuietly(opened.fd);
    return tooLarge(path, what, st.size);
  }
  return readOpened(opened.fd, path, what, utf8);
};

/** Reads an open file whole (at most MAX_SCRIPT_BYTES), closing it: readTextFile's and prereadScript's read. */
const readOpened = (fd: number, name: string, what: string, utf8: Utf8 = 'lossy'): ReadResult => {
  const reader = new BoundedReader(name, what, utf8);
  try {
    for (const bytes of chunksOf(fd, name, what)) if (!reader.add(Buffer.from(bytes))) break;
  } catch (e) {
    return { ok: false, code: 'EINVAL', message: (e as Error).message };
  }
  return reader.result();
};

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Refuses binary input (a NUL byte) and decodes the rest as UTF-8 without a BOM; `strict` refuses
 * invalid UTF-8 too, naming the line and column (in characters, after any BOM) of its first byte.
 */
export const checkText = (bytes: Buffer, name: string, what: string, utf8: Utf8 = 'lossy'): ReadResult => {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return binary(name, what, nul, newlines(bytes, nul) + 1);
  let text: string;
  if (utf8 === 'lossy') text = decodeScript(bytes);
  else {
    try {
      text = strictDecoder.decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes);
      const before = bytes.toString('utf8', 0, bad);
      const body = before.charCodeAt(0) === 0xfeff ? before.slice(1) : before;
      const { line, column } = lineColumn(body, body.length);
      const hex = bytes[bad].toString(16).padStart(2, '0');
      return { ok: false, code: 'EINVAL', message: `${name}: invalid UTF-8 at ${line}:${column} (byte 0x${hex})`, line };
    }
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
};

/**
 * How a script that another sources is named in error lines, one rule at every depth: the path as
 * written, joined to the name of the script that sources it (`includer`, as that one is named),
 * as the top script is named as given. So `/work/a/top.msi` sourcing `lib/x.msi` names
 * `/work/a/lib/x.msi`, and `a/top.msi` names `a/lib/x.msi`. With no file to source from (-e,
 * stdin, the REPL: `includer` undefined), the path as written. The batch runner and compare's
 * workloads both name their lines by it.
 */
export const includedName = (includer: string | undefined, path: string): string =>
  normalize(isAbsolute(path) || includer === undefined ? path : join(dirname(includer), path));
