/** Errno-style error codes, as upstream returns them, plus EXPECT for a failed expect-error / expect-pool. */
export type ErrCode = 'ENOSPC' | 'EINVAL' | 'ENOENT' | 'EBUSY' | 'EEXIST' | 'ENODEV' | 'EUSAGE' | 'EXPECT';

export const ERR_CODES: readonly ErrCode[] = ['ENOSPC', 'EINVAL', 'ENOENT', 'EBUSY', 'EEXIST', 'ENODEV', 'EUSAGE', 'EXPECT'];

export interface PoolUsage {
  id: string;
  used: number;
  total: number;
}

/** A failed core operation. Thrown only after the operation has unwound everything it took. */
export class CoreError extends Error {
  constructor(
    readonly code: ErrCode,
    message: string,
    readonly pool?: PoolUsage,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

/** A user-supplied name as it may be echoed in a message: printable, and not too long. */
export const quote = (word: string): string => {
  const clean = word.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `'${clean.slice(0, 37)}...'` : `'${clean}'`;
};

export const fail = (code: ErrCode, message: string, pool?: PoolUsage): never => {
  throw new CoreError(code, message, pool);
};
