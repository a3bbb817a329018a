import { BitmapPool } from '../bitmap-pool.js';
import { CoreError } from '../errors.js';
import { translate, type Range, type Translation } from '../ranges.js';
import type { IntrTriggerType } from '../topology.js';
import type { ParentDomain, ParentPath } from './domain.js';

/**
 * An interrupt router (irq-ti-sci-intr.c): routes an input to a free output, whose parent hwirq
 * comes from `ti,interrupt-ranges`. Its hwirq is the input number.
 */
export class IntrDomain implements ParentDomain {
  readonly pool: BitmapPool;
  /** input -> output of every programmed route */
  private readonly routes = new Map<number, number>();

  constructor(
    readonly id: string,
    readonly sciId: number,
    readonly inputs: number,
    readonly ranges: readonly Translation[],
    readonly parent: ParentDomain,
    /** The outputs the resource manager grants this host (TISCI IR_OUTPUT). */
    share: readonly Range[],
    readonly triggerType: IntrTriggerType = 4,
  ) {
    this.pool = new BitmapPool(`${id}.out`, id, share);
  }

  alloc(input: number): ParentPath {
    if (!Number.isInteger(input) || input < 0 || input >= this.inputs) {
      throw new CoreError('EINVAL', `${this.id}: input ${input} out of range (0-${this.inputs - 1})`);
    }
    if (this.routes.has(input)) throw new CoreError('EBUSY', `${this.id}: input ${input} is already routed to output ${this.routes.get(input)}`);
    const output = this.pool.alloc();
    if (output === undefined) throw this.pool.exhausted('EINVAL');
    let parentPath: ParentPath;
    try {
      parentPath = this.parent.alloc(translate(this.ranges, output)!);
    } catch (e) {
      this.pool.release(output);
      throw e;
    }
    this.routes.set(input, output);
    return { hops: [{ router: this.id, input, output }, ...parentPath.hops], gicHwirq: parentPath.gicHwirq };
  }

  free(input: number): void {
    const output = this.routes.get(input);
    if (output === undefined) throw new Error(`internal: ${this.id}: free of unrouted input ${input}`);
    this.parent.free(translate(this.ranges, output)!);
    this.routes.delete(input);
    this.pool.release(output);
  }

  path(input: number): ParentPath | undefined {
    const output = this.routes.get(input);
    if (output === undefined) return undefined;
    const up = this.parent.path(translate(this.ranges, output)!)!;
    return { hops: [{ router: this.id, input, output }, ...up.hops], gicHwirq: up.gicHwirq };
  }

  routedInputs(): Array<{ input: number; output: number }> {
    return [...this.routes].sort((a, b) => a[0] - b[0]).map(([input, output]) => ({ input, output }));
  }

  fingerprint(): string {
    return `${this.pool.fingerprint()}|${this.routedInputs().map((r) => `${r.input}>${r.output}`).join(',')}`;
  }
}
