import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Files read whole (topology files) are at most this large: anything larger is not one someone
 * wrote. Scripts are not read whole: they stream, line by line, whatever their length.
 */
export const MAX_SCRIPT_BYTES = 16 << 20;

export type ReadResult = { ok: true; text: string } | { ok: false; code: 'ENOENT' | 'EINVAL'; message: string };

const CHUNK = 1 << 16;

const tooLarge = (name: string, what: string, size?: number): ReadResult => ({
  ok: false,
  code: 'EINVAL',
  message: `${name}: ${size === undefined ? `more than ${MAX_SCRIPT_BYTES}` : size} bytes is too large for a ${what} (at most ${MAX_SCRIPT_BYTES})`,
});

const binary = (name: string, what: string, offset: number): ReadResult => ({
  ok: false,
  code: 'EINVAL',
  message: `${name}: not a text ${what} (NUL byte at offset ${offset})`,
});

/**
 * Collects input chunk by chunk, refusing it as soon as it holds a NUL byte or passes the size
 * limit, so that /dev/zero, /dev/urandom or `yes |` fail at once instead of filling memory.
 */
export class BoundedReader {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  failed: ReadResult | undefined;

  constructor(
    private readonly name: string,
    private readonly what: string,
  ) {}

  /** Adds a chunk; false when the input has been refused and reading should stop. */
  add(chunk: Buffer): boolean {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      this.failed = binary(this.name, this.what, this.size + nul);
      return false;
    }
    if (this.size + chunk.length > MAX_SCRIPT_BYTES) {
      this.failed = tooLarge(this.name, this.what);
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  result(): ReadResult {
    return this.failed ?? checkText(Buffer.concat(this.chunks, this.size), this.name, this.what);
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
      return { ok: false, code: 'EINVAL', message: `${path}: is a ${st.isDirectory() ? 'directory' : 'socket'}, not a ${what}` };
    }
    return { ok: true, fd };
  } catch (e) {
    if (fd !== undefined) closeQuietly(fd);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EISDIR') return { ok: false, code: 'EINVAL', message: `${path}: is a directory, not a ${what}` };
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
 * Reads an open file in chunks, synchronously, handing each to `chunk` until the end or until it
 * returns false; closes the file. Throws a ReadError for a read error (EIO); what `chunk` throws
 * passes through.
 */
export const readChunks = (fd: number, path: string, what: string, chunk: (bytes: Buffer) => boolean): void => {
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
      if (n === 0) break;
      if (!chunk(buf.subarray(0, n))) break;
    }
  } finally {
    closeQuietly(fd);
  }
};

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Reads a whole topology file (at most MAX_SCRIPT_BYTES), turning every way it can fail into one sentence. */
export const readTextFile = (path: string, what: string): ReadResult => {
  const opened = openTextFile(path, what);
  if (!opened.ok) return opened;
  const st = fstatSync(opened.fd);
  if (st.isFile() && st.size > MAX_SCRIPT_BYTES) {
    closeQuietly(opened.fd);
    return tooLarge(path, what, st.size);
  }
  const reader = new BoundedReader(path, what);
  try {
    readChunks(opened.fd, path, what, (bytes) => reader.add(Buffer.from(bytes)));
  } catch (e) {
    return { ok: false, code: 'EINVAL', message: (e as Error).message };
  }
  return reader.result();
};

/** Refuses binary input (a NUL byte) and decodes the rest as UTF-8 without a BOM. */
export const checkText = (bytes: Buffer, name: string, what: string): ReadResult => {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return binary(name, what, nul);
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
};
