import { ERR_CODES } from '../core/errors.js';
import type { Session } from './session.js';
import type { ArgKind } from './spec.js';
import { DESIGNS, FAILURES, HARDWARE, LOCKS, MODES, POLICIES } from '../core/designs.js';
import { CHANNEL_MODES } from '../core/dma.js';
import { CAPACITY_DIRS } from './verbs/compare.js';
import { DOMAIN_FORMATS } from './result.js';

/**
 * The whole set of words an argument kind accepts, when it is a closed set (DMA controllers,
 * directions, MSI devices, pools, error codes, policies, modes); undefined for open kinds such
 * as numbers. Completion offers these and the REPL's prompts make menus of them.
 */
export const fixedChoices = (session: Session, kind: ArgKind): string[] | undefined => {
  const sys = session.system;
  switch (kind) {
    case 'dma':
      return [...sys.dmas.keys()];
    case 'dir':
      return ['tx', 'rx'];
    case 'msi-device':
      return [...sys.msiDevices.keys()];
    case 'pool':
      return sys.allPools().map((p) => p.id);
    case 'code':
      return [...ERR_CODES];
    case 'policy':
      return [...POLICIES];
    case 'mode':
      return [...MODES];
    case 'hardware':
      return [...HARDWARE];
    case 'lock':
      return [...LOCKS];
    case 'failure':
      return [...FAILURES];
    case 'design':
      return DESIGNS.map((d) => d.name);
    case 'chmode':
      return [...CHANNEL_MODES];
    case 'capacity-dir':
      return [...CAPACITY_DIRS];
    case 'format-option':
      return ['--format'];
    case 'format':
      return [...DOMAIN_FORMATS];
    case 'topology-flag':
      return ['--export'];
    default:
      return undefined;
  }
};
