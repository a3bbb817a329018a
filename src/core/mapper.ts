import type { ParentDomain, ParentPath } from './domains/domain.js';
import type { ParentMapper, ParentMapping } from './domains/inta.js';
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

  /**
   * `chained`: the flow handler the caller chains on the new virq (no action: never requested).
   *
   * A hwirq this mapper has mapped already is not mapped again: irq_create_fwspec_mapping
   * (kernel/irq/irqdomain.c) first does irq_find_mapping(domain, hwirq) ("If we've already
   * configured this interrupt, don't do it again") and returns that virq, allocating nothing, when
   * the trigger type asked for is IRQ_TYPE_NONE or the virq's own. Here it always is: an INTR's
   * ti_sci_intr_irq_domain_translate gives every fwspec the router's ti,intr-trigger-type, and
   * the INTA's GIC fwspec is always IRQ_TYPE_LEVEL_HIGH. ("irqdomain: Fix mapping-creation race"
   * later put the lookup and the creation under one mutex; a dispose still runs apart from them,
   * so that changes nothing here.) Nothing run alone ever gets here (a VINT's INTR input is mapped
   * only while that VINT is taken, and the topology's validation keeps one input to one user);
   * two CPUs do, when one takes a VINT another has released but not yet disposed the mapping of
   * (ti_sci_inta_free_parent_irq releases the VINT, then disposes).
   */
  createMapping(domain: ParentDomain, hwirq: number, name: string, owner: string, chained?: string): ParentMapping {
    // path() of a hwirq not allocated is one lookup (a route, a GIC line): the search for its
    // virq runs only when it is.
    const taken = domain.path(hwirq);
    if (taken !== undefined) {
      const virq = this.find(domain, hwirq);
      if (virq !== undefined) return { virq, path: taken, reused: true };
    }
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

  /** irq_find_mapping: the virq this mapper mapped `hwirq` of `domain` to, if any (apart, as rarely run). */
  private find(domain: ParentDomain, hwirq: number): number | undefined {
    for (const [virq, d] of this.domainOf) if (d === domain && this.descs.get(virq)!.hwirq === hwirq) return virq;
    return undefined;
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
