import type { ParentDomain, ParentPath } from './domains/domain.js';
import type { ParentMapper } from './domains/inta.js';
import { CoreError } from './errors.js';
import type { IrqDescs, IrqKind } from './irq-descs.js';

/**
 * irq_create_fwspec_mapping / irq_dispose_mapping: a virq first, then the hierarchy below it;
 * if the hierarchy fails, the virq goes back.
 */
export class Mapper implements ParentMapper {
  private readonly domainOf = new Map<number, ParentDomain>();

  constructor(
    private readonly descs: IrqDescs,
    private readonly kind: IrqKind,
  ) {}

  /** `chained`: the flow handler the caller chains on the new virq (no action: never requested). */
  createMapping(domain: ParentDomain, hwirq: number, name: string, owner: string, chained?: string): { virq: number; path: ParentPath } {
    const desc = this.descs.alloc(this.kind, domain.id, hwirq, name, owner);
    if (desc === undefined) throw this.descs.pool.exhausted();
    let path: ParentPath;
    try {
      path = domain.alloc(hwirq);
    } catch (e) {
      this.descs.free(desc.virq);
      throw e;
    }
    this.domainOf.set(desc.virq, domain);
    // ti_sci_intr_irq_domain_translate: the router's ti,intr-trigger-type is the irq's type.
    if (domain.triggerType !== undefined) desc.trigger = domain.triggerType === 1 ? 'edge' : 'level';
    if (chained !== undefined) {
      desc.chained = chained;
      desc.requested = false;
    }
    return { virq: desc.virq, path };
  }

  disposeMapping(virq: number): void {
    const domain = this.domainOf.get(virq);
    const desc = this.descs.get(virq);
    if (domain === undefined || desc === undefined) throw new CoreError('ENOENT', `virq ${virq} is not mapped`);
    domain.free(desc.hwirq);
    this.domainOf.delete(virq);
    this.descs.free(virq);
  }
}
