import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Scripts are text: one command a line. Anything larger is not a script someone wrote. */
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
    default:
      return err.code ?? err.message.split('\n')[0];
  }
};

/**
 * Reads a script or topology file, turning every way it can fail into one sentence. Regular
 * files, pipes (`<(...)`) and character devices are read in bounded chunks; a directory or a
 * socket is refused. (A FIFO nobody writes blocks in open(2), as it does for cat.)
 */
export const readTextFile = (path: string, what: string): ReadResult => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, code: 'EINVAL', message: `${path}: is a directory, not a ${what}` };
    if (st.isSocket()) return { ok: false, code: 'EINVAL', message: `${path}: is a socket, not a ${what}` };
    if (st.isFile() && st.size > MAX_SCRIPT_BYTES) return tooLarge(path, what, st.size);
    const reader = new BoundedReader(path, what);
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      if (!reader.add(buf.subarray(0, n))) break;
    }
    return reader.result();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EISDIR') return { ok: false, code: 'EINVAL', message: `${path}: is a directory, not a ${what}` };
    return { ok: false, code: err.code === 'ENOENT' ? 'ENOENT' : 'EINVAL', message: `${path}: cannot read ${what}: ${why(err)}` };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing more to say about a file already read
      }
    }
  }
};

/** Refuses binary input (a NUL byte) and decodes the rest as UTF-8 without a BOM. */
export const checkText = (bytes: Buffer, name: string, what: string): ReadResult => {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return binary(name, what, nul);
  const text = bytes.toString('utf8');
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
};
