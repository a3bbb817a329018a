import { clone } from '../core/clone.js';
import { System, type Settings } from '../core/system.js';
import type { Topology } from '../core/topology.js';

/** A state of the model to come back to with Session.restore(). */
export interface Checkpoint {
  /** The copy to put back. */
  readonly system: System;
  /** The System the copy was taken of, which goes on living: restore() reads its peaks. */
  readonly live: System;
}

/** The model a front end works on: one topology, re-booted whenever a setting changes. */
export class Session {
  system: System;
  private readonly shared: ReadonlySet<object>;

  constructor(
    readonly topology: Topology,
    settings: Settings,
  ) {
    this.system = System.boot(topology, settings);
    // The topology is read-only input: a snapshot shares it rather than copying it.
    this.shared = new Set<object>([topology]);
  }

  get settings(): Settings {
    return this.system.settings;
  }

  reboot(settings: Settings = this.settings): void {
    this.system = System.boot(this.topology, settings);
  }

  /**
   * A snapshot of the model, taken only by the one command that may need to undo another
   * (`expect-error`): a copy of the System, so nothing is kept on the path of ordinary commands.
   */
  checkpoint(): Checkpoint {
    return { system: clone(this.system, this.shared), live: this.system };
  }

  /**
   * Puts the model back as it was at `cp` (settings included: a re-boot since is undone too),
   * except pool peaks: they are high-water marks of what happened, and the undone operation did
   * happen. They come from the System the checkpoint was taken of, so a re-boot since (which
   * starts a new System with peaks of its own) adds nothing of another boot's.
   */
  restore(cp: Checkpoint): void {
    const undone = cp.live.allPools();
    const restored = cp.system.allPools();
    for (let i = 0; i < restored.length; i++) restored[i].raisePeak(undone[i].peak);
    this.system = cp.system;
  }
}
