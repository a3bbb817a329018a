import { System, type Settings } from '../core/system.js';
import type { Topology } from '../core/topology.js';

export interface Checkpoint {
  readonly settings: Settings;
  readonly journal: readonly string[];
  readonly length: number;
}

/**
 * The model a front end works on: one topology, re-booted whenever a setting changes. It keeps
 * the state-changing commands run since boot, so that any earlier state can be had again by
 * re-booting and replaying them: the model is deterministic.
 */
export class Session {
  system: System;
  /**
   * One string per command, interned: a long run repeats its commands, so the journal holds
   * pointers to a few strings rather than a live object per line.
   */
  private journal: string[] = [];
  private readonly interned = new Map<string, string>();

  constructor(
    readonly topology: Topology,
    settings: Settings,
  ) {
    this.system = System.boot(topology, settings);
  }

  get settings(): Settings {
    return this.system.settings;
  }

  reboot(settings: Settings = this.settings): void {
    this.system = System.boot(this.topology, settings);
    this.journal = [];
  }

  /** Notes a command that changed the model. */
  record(words: string[]): void {
    const line = words.join('\u0000');
    let kept = this.interned.get(line);
    if (kept === undefined) {
      // Unbounded variety (random scripts) must not turn the intern table into a second copy.
      if (this.interned.size < 4096) this.interned.set(line, line);
      kept = line;
    }
    this.journal.push(kept);
  }

  /**
   * A state to come back to with restore(). Cheap: a re-boot starts a new journal, so the one
   * held here is never changed below `length`.
   */
  checkpoint(): Checkpoint {
    return { settings: this.settings, journal: this.journal, length: this.journal.length };
  }

  /** Puts the model back as it was at `cp`: re-boot with its settings, replay what came before. */
  restore(cp: Checkpoint, replay: (words: string[]) => boolean): void {
    const keep = cp.journal.slice(0, cp.length);
    this.reboot(cp.settings);
    for (const line of keep) {
      const words = line.split('\u0000');
      if (!replay(words)) throw new Error(`internal: replaying '${words.join(' ')}' failed`);
    }
  }
}
