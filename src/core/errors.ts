import type { BootEntry } from './types.js';

/**
 * Errno-style error codes, as upstream returns them (EPROBE_DEFER is the kernel-internal 517 a
 * lookup of a supplier that has not registered returns), plus EUSAGE for bad syntax and EXPECT for
 * a failed expect-error / expect-pool.
 */
export type ErrCode = 'ENOSPC' | 'EINVAL' | 'ENOENT' | 'EBUSY' | 'EEXIST' | 'ENODEV' | 'EPROBE_DEFER' | 'EUSAGE' | 'EXPECT';

export const ERR_CODES: readonly ErrCode[] = ['ENOSPC', 'EINVAL', 'ENOENT', 'EBUSY', 'EEXIST', 'ENODEV', 'EPROBE_DEFER', 'EUSAGE', 'EXPECT'];

export interface PoolUsage {
  id: string;
  used: number;
  total: number;
}

/** Whether a CoreError records the stack it is made on (keepCoreErrorStacks). */
let withStacks = false;

/**
 * Makes every CoreError from now on record its stack (--debug, for one that escapes as an
 * internal error). Off by default: a failure is an ordinary result here (a pool ran out, a bad
 * index), shown as one line, and V8's capture of the stack was most of what one cost (about
 * 3 of 5 us).
 */
export const keepCoreErrorStacks = (on: boolean): void => {
  withStacks = on;
};

/** A failed core operation. Thrown only after the operation has unwound everything it took. */
export class CoreError extends Error {
  constructor(
    readonly code: ErrCode,
    message: string,
    readonly pool?: PoolUsage,
  ) {
    const limit = Error.stackTraceLimit;
    if (!withStacks) Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'CoreError';
  }
}

/**
 * What a message never echoes as it is, each character becoming '?': controls (a terminal acts
 * on them; tab too), line and paragraph separators (they would break the one-line error
 * contract), format characters (bidirectional controls and the zero-width ones make text display
 * as other than it is), unpaired surrogates, and every space separator but the space itself (a
 * no-break space kept inside quotes would show as a space, and 'a b' read as two words).
 * Printable non-ASCII (ü, 宽, an emoji) stays as typed. `[^\P{Zs} ]` is the set tokenize splits
 * words at (isUnicodeSpace, which core may not import), as a regex: a test holds the two together.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]|[^\P{Zs} ]/gu;

/** `text` with every character a message must not echo (UNPRINTABLE) replaced by '?'. */
export const printable = (text: string): string => text.replace(UNPRINTABLE, '?');

/**
 * The first `max` characters of `text` (code points: an emoji is one, and is never cut in half),
 * the last three of them replaced by "..." when there are more.
 */
export const shorten = (text: string, max: number): string => {
  // A string of at most `max` UTF-16 units has at most `max` characters: most never get further.
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 3).join('')}...` : text;
};

/** A user-supplied name as it may be echoed in a message: printable, and not too long. */
export const quote = (word: string): string => `'${shorten(printable(word), 40)}'`;

/**
 * "CPU 7 does not exist (CPUs 0-3)": every refusal of a CPU number names the CPUs there are, the
 * same way. `cpu` is a number or the digits as typed (too many for a number), cut as a word is.
 */
export const noSuchCpu = (cpu: number | string, cpus: number): CoreError =>
  new CoreError('EINVAL', `CPU ${typeof cpu === 'number' ? cpu : shorten(cpu, 40)} does not exist (${cpus === 1 ? 'CPU 0 only' : `CPUs 0-${cpus - 1}`})`);

/**
 * What an all-or-nothing request that failed undid, told in its error: `e` with its code and
 * pool, and a note. Two notes, one for each level of a request: heldOfPool, what the failed item
 * itself held of the pool that ran out; failedPartWay, the items granted before it.
 */

/**
 * `e`, whose pool ran out while the failed item itself held `held` of it (taken by an earlier
 * step of the same item, given back as it unwound), with that told beside the pool's figure:
 * `(64/64 used, 1 of them this channel's ring MSI, released)`. The figure is the pool when it
 * ran out; without the note it reads as wrong next to the pool after, `held` emptier. `e` itself
 * when nothing was held or its message shows no figure.
 */
export const heldOfPool = (e: CoreError, held: number, holder: string, undone: string): CoreError => {
  const figure = e.pool === undefined ? undefined : `(${e.pool.used}/${e.pool.total} used`;
  const at = figure === undefined || held <= 0 ? -1 : e.message.indexOf(figure);
  if (at < 0) return e;
  const end = at + figure!.length;
  return new CoreError(e.code, `${e.message.slice(0, end)}, ${held} of them ${holder}, ${undone}${e.message.slice(end)}`, e.pool);
};

/**
 * An all-or-nothing request that failed part way, said where (`at channel 2 of 2`) and what was
 * undone (`; the 1 granted before was released`; nothing when nothing was): `e` with its code and pool.
 */
export const failedPartWay = (e: CoreError, item: string, before: number, of: number, taken: string, undone: string): CoreError => {
  const tail = before === 0 ? '' : `; the ${before} ${taken} before ${before === 1 ? 'was' : 'were'} ${undone}`;
  return new CoreError(e.code, `${e.message}, at ${item} ${before + 1} of ${of}${tail}`, e.pool);
};

/**
 * A probe that returned -EPROBE_DEFER: its supplier is not bound yet (udma_probe returns what
 * of_k3_ringacc_get_by_phandle does, -EPROBE_DEFER while ringacc is not on k3_ringacc_list). Not a
 * failed probe: Linux puts the device on the deferred-probe list and retries it when another
 * driver binds. Its message, the boot line's, names the code; `reason` is the same without it.
 */
export class ProbeDeferred extends CoreError {
  readonly reason: string;

  constructor(supplier: string) {
    const reason = `probe deferred: ${supplier} is not bound`;
    super('EPROBE_DEFER', `${reason} (EPROBE_DEFER)`);
    this.reason = reason;
  }
}

/**
 * The error a use of a driver that is not bound gets, saying why from what its probe returned:
 * `probeError`, undefined when it never ran (not in the boot list); an EPROBE_DEFER that is no
 * ProbeDeferred is a deferral known from the boot log only, which does not name the supplier.
 * Always -EPROBE_DEFER: the user finds no registered provider, and Linux cannot tell one still to
 * come from one whose probe failed or never ran. dma_request_chan returns what of_dma_request_slave_channel does,
 * -EPROBE_DEFER when of_dma_find_controller finds no controller (drivers/dma/dmaengine.c,
 * drivers/dma/of-dma.c); a ring user's of_k3_ringacc_get_by_phandle returns it when ringacc is
 * not on k3_ringacc_list (drivers/soc/ti/k3-ringacc.c), a glue user's of_xudma_dev_get when the
 * UDMA "has not been probed" (drivers/dma/ti/k3-udma-private.c). The user's own probe then
 * defers in turn.
 */
export const driverNotBound = (id: string, probeError: { code: ErrCode } | undefined): CoreError => {
  const why =
    probeError === undefined
      ? "it is not in the topology's boot list"
      : probeError instanceof ProbeDeferred
        ? probeError.reason
        : probeError.code === 'EPROBE_DEFER'
          ? 'its probe was deferred (see boot)'
          : `its probe failed with ${probeError.code} (see boot)`;
  return new CoreError('EPROBE_DEFER', `${id}: driver not bound: ${why}`);
};

/** What a probe that did not bind returned: its error's code, or EPROBE_DEFER for a deferral (logged with no error). */
export const probeCode = (e: BootEntry): ErrCode | undefined => e.error?.code ?? (e.deferred ? 'EPROBE_DEFER' : undefined);

export const fail = (code: ErrCode, message: string, pool?: PoolUsage): never => {
  throw new CoreError(code, message, pool);
};
