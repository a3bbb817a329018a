import type { Locking } from '../domains/inta.js';
import { Mutex, NoLock, type Lock } from '../lock.js';

/**
 * The lock settings of the thread's designs (reference/interleaving.md 5.1):
 * - none:   the RFC as posted, no lock at all;
 * - list:   v7, vint_mutex over the list walk and the bit claimed there; new VINTs and frees unlocked;
 * - inta:   upstream since v8, vint_mutex over the whole alloc and the whole free;
 * - device: Linux 6.2's per-device MSI descriptor mutex (msi_lock_descs) over the MSI layer's
 *           steps only; the INTA steps, which run later in request_irq, take no lock.
 */
export type LockMode = 'none' | 'list' | 'inta' | 'device';

export const LOCK_MODES: readonly LockMode[] = ['none', 'list', 'inta', 'device'];

/** The locks of the operations: made once, put back free with the rest of the state before each schedule. */
export interface Locks {
  readonly mode: LockMode;
  /** How an operation on this INTA locks. */
  inta(id: string): Locking;
  /** The device's MSI descriptor mutex, when the setting has one. */
  device(id: string): Lock | undefined;
  /**
   * dmaengine's dma_list_mutex, under every setting: none of the thread's designs touched
   * dmaengine, which takes it over a whole channel request and release (see ops.ts, underDmaList).
   */
  dmaList(): Lock;
  /** Every lock handed out, to check that all are free at the end. */
  all(): Lock[];
}

export const makeLocks = (mode: LockMode): Locks => {
  const intas = new Map<string, Locking>();
  const devices = new Map<string, Lock>();
  const dmaList = new Mutex('dma_list_mutex');
  return {
    mode,
    inta(id) {
      let l = intas.get(id);
      if (l === undefined) {
        const name = `${id}.vint_mutex`;
        const lock = mode === 'list' || mode === 'inta' ? new Mutex(name) : new NoLock(`${name} (no lock)`);
        intas.set(id, (l = { lock, scope: mode === 'list' ? 'list' : 'whole' }));
      }
      return l;
    },
    device(id) {
      if (mode !== 'device') return undefined;
      let l = devices.get(id);
      if (l === undefined) devices.set(id, (l = new Mutex(`${id}.msi_lock`)));
      return l;
    },
    dmaList: () => dmaList,
    all: () => [...[...intas.values()].map((l) => l.lock), ...devices.values(), dmaList],
  };
};
