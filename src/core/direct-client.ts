import type { IntrDomain } from './domains/intr.js';
import type { Mapper } from './mapper.js';

/** A peripheral wired straight to INTR inputs (CPTS, GPIO banks): one virq per input. */
export class DirectClient {
  /** virq of each input, once probed */
  readonly virqs: number[] = [];

  constructor(
    readonly id: string,
    readonly name: string,
    readonly intr: IntrDomain,
    readonly inputs: readonly number[],
    private readonly mapper: Mapper,
    /** The flow handler the driver chains on each line instead of requesting it. */
    readonly chained?: string,
  ) {}

  /** Maps every input, all or nothing (a failed probe releases what it took, as devm does). */
  probe(): number[] {
    try {
      for (const input of this.inputs) {
        this.virqs.push(this.mapper.createMapping(this.intr, input, `${this.id} ${this.virqs.length}`, this.id, this.chained).virq);
      }
    } catch (e) {
      while (this.virqs.length > 0) this.mapper.disposeMapping(this.virqs.pop()!);
      throw e;
    }
    return [...this.virqs];
  }

  get bound(): boolean {
    return this.virqs.length === this.inputs.length && this.inputs.length > 0;
  }
}
