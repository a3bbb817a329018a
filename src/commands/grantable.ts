import { DEFAULT_CHANNEL_MODE, type Direction } from '../core/dma.js';
import { CoreError } from '../core/errors.js';
import type { Session } from './session.js';

/** What `request-channel <dma> <dir>` would still grant, and what would refuse the request after. */
export interface Grantable {
  count: number;
  /** The refusal that ends the run: the channel pool's own, or a ring, INTA, INTR or driver limit. */
  stop: CoreError | null;
}

/**
 * How many more channels `request-channel <dma> <dir>` grants from the current state, asked of a
 * copy of the model one packet-mode request at a time. Counting the channel pool's free numbers
 * would be wrong: the driver hands out only normal-capacity channels (k3-udma.c searches from
 * tchan_tpl.start_idx; on am65x tx 1-3 and rx 2-3 never go), each takes a GP ring, and the
 * design decides what the INTA and INTR can still give.
 */
export const grantableChannels = (session: Session, dma: string, dir: Direction): Grantable => {
  const sys = session.checkpoint().system;
  // Each request takes a channel, so one more than the pool holds must fail.
  const limit = sys.dma(dma).pools[dir].total + 1;
  for (let count = 0; count < limit; count++) {
    try {
      sys.requestChannel(dma, dir, 1, DEFAULT_CHANNEL_MODE);
    } catch (e) {
      if (e instanceof CoreError) return { count, stop: e };
      throw e;
    }
  }
  return { count: limit, stop: null };
};
