/**
 * The INTA's vint_mutex as an explicit object. Steps take and release it by name of the CPU that
 * runs them, so an interleaving of operations (or running without a lock) can be replayed.
 */
export interface Lock {
  readonly name: string;
  /** Who holds it, if anyone. */
  holder(): string | undefined;
  /** True when `cpu` now holds it; false when another CPU does and `cpu` must wait. */
  tryAcquire(cpu: string): boolean;
  release(cpu: string): void;
}

export class Mutex implements Lock {
  private owner: string | undefined;
  constructor(readonly name: string) {}
  holder(): string | undefined {
    return this.owner;
  }
  tryAcquire(cpu: string): boolean {
    if (this.owner !== undefined && this.owner !== cpu) return false;
    this.owner = cpu;
    return true;
  }
  release(cpu: string): void {
    if (this.owner !== cpu) throw this.notHeldBy(cpu);
    this.owner = undefined;
  }

  /** Built apart from release, which V8 inlines only while it is small. */
  private notHeldBy(cpu: string): Error {
    return new Error(`internal: ${this.name} released by ${cpu}, held by ${this.owner ?? 'nobody'}`);
  }
}

/** What the RFC's missing locking amounts to: every acquire succeeds at once. */
export class NoLock implements Lock {
  constructor(readonly name: string) {}
  holder(): string | undefined {
    return undefined;
  }
  tryAcquire(): boolean {
    return true;
  }
  release(): void {}
}
