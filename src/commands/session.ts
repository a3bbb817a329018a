import { System, type Settings } from '../core/system.js';
import type { Topology } from '../core/topology.js';

/** The model a front end works on: one topology, re-booted whenever a setting changes. */
export class Session {
  system: System;

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
  }
}
