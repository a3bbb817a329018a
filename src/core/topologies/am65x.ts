import type { Topology } from '../topology.js';

/**
 * TI AM65x MAIN domain, as far as MSIs are concerned. Numbers marked `dt` are from the upstream
 * device tree (k3-am65-main.dtsi); host shares marked `illustrative` stand in for what the
 * system firmware's resource-management board config would grant Linux.
 */
export const am65x: Topology = {
  name: 'am65x',
  description: 'TI AM65x MAIN domain: NAVSS INTR + UDMASS INTA, UDMA-P, ring accelerator, CPTS, GPIO',
  cpus: 4,
  virq: { first: 64, count: 1024 },
  gic: { id: 'gic500', name: 'GIC-500' },
  intrs: [
    {
      id: 'intr_main_navss',
      sciId: 182,
      parent: 'gic500',
      inputs: 512,
      inputsSource: 'illustrative',
      ranges: [
        { from: 0, to: 64, count: 64, source: 'dt' },
        { from: 64, to: 448, count: 64, source: 'dt' },
      ],
    },
    {
      id: 'intr_main_gpio',
      sciId: 100,
      parent: 'gic500',
      inputs: 512,
      inputsSource: 'illustrative',
      ranges: [{ from: 0, to: 392, count: 32, source: 'dt' }],
    },
  ],
  intas: [
    {
      id: 'inta_main_udmass',
      sciId: 179,
      parent: 'intr_main_navss',
      base: 0x33d00000,
      vints: [{ from: 0, to: 0, count: 256, source: 'dt' }],
      globalEvents: [{ start: 16384, count: 1024, source: 'illustrative' }],
    },
  ],
  msiDevices: [
    {
      id: 'ringacc',
      sciId: 187,
      name: 'ring accelerator',
      msiParent: 'inta_main_udmass',
      indices: 818,
      free: [{ start: 304, count: 128, source: 'illustrative' }],
    },
  ],
  dmas: [
    {
      id: 'main_udmap',
      sciId: 188,
      name: 'UDMA-P',
      ringDevice: 'ringacc',
      tx: { count: 64, ringBase: 0, source: 'illustrative' },
      rx: { count: 64, ringBase: 152, source: 'illustrative' },
    },
  ],
  directClients: [
    { id: 'main_gpio0', name: 'GPIO bank interrupts', parent: 'intr_main_gpio', inputs: [256, 257, 258, 259, 260, 261], source: 'dt' },
    { id: 'cpts', name: 'CPTS time sync', parent: 'intr_main_navss', inputs: [391], source: 'dt' },
  ],
  boot: ['main_gpio0', 'main_udmap', 'cpts'],
};
