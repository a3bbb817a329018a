import type { Topology } from '../topology.js';

/**
 * TI AM65x MAIN domain, as far as MSIs are concerned. Hardware from the upstream device tree and
 * the firmware's SoC data; every pool is Linux's share from the resource-management board config
 * (Linux is TISCI host 12), so the numbers are those Linux works with on a real board.
 */
export const am65x: Topology = {
  name: 'am65x',
  description: "TI AM65x MAIN domain, Linux's resource share (TISCI host 12): NAVSS INTR + UDMASS INTA, UDMA-P, ring accelerator, CPTS, GPIO",
  cpus: 4,
  virq: { first: 64, count: 1024 },
  gic: { id: 'gic500', name: 'GIC-500' },
  intrs: [
    {
      id: 'intr_main_navss',
      sciId: 182,
      parent: 'gic500',
      inputs: 440,
      inputsSource: 'sysfw',
      outputs: { count: 152, source: 'sysfw' },
      ranges: [
        { from: 0, to: 64, count: 64, source: 'dt' },
        { from: 64, to: 448, count: 64, source: 'dt' },
      ],
      share: [{ start: 16, count: 64, source: 'rm' }],
      triggerType: 4,
      triggerTypeSource: 'dt',
    },
    {
      id: 'intr_main_gpio',
      sciId: 100,
      parent: 'gic500',
      inputs: 512,
      inputsSource: 'illustrative',
      ranges: [{ from: 0, to: 392, count: 32, source: 'dt' }],
      share: [{ start: 0, count: 20, source: 'rm' }],
      triggerType: 1,
      triggerTypeSource: 'dt',
    },
  ],
  intas: [
    {
      id: 'inta_main_udmass',
      sciId: 179,
      parent: 'intr_main_navss',
      base: 0x33d00000,
      vints: [{ from: 0, to: 0, count: 256, source: 'dt' }],
      vintShare: [{ start: 16, count: 80, source: 'rm' }],
      globalEvents: [{ start: 16, count: 1024, source: 'rm' }],
      hardware: { vints: { count: 256, source: 'sysfw' }, globalEvents: { count: 4608, source: 'sysfw' } },
    },
  ],
  msiDevices: [
    {
      id: 'ringacc',
      sciId: 187,
      name: 'ring accelerator',
      msiParent: 'inta_main_udmass',
      indices: 818,
      indicesSource: 'dt',
      share: [{ start: 304, count: 100, source: 'rm' }],
    },
  ],
  dmas: [
    {
      id: 'main_udmap',
      sciId: 188,
      name: 'UDMA-P',
      ringDevice: 'ringacc',
      tx: {
        share: [
          { start: 1, count: 3, source: 'rm' },
          { start: 8, count: 12, source: 'rm' },
          { start: 26, count: 38, source: 'rm' },
        ],
        firstNormal: 8,
        firstNormalSource: 'driver',
      },
      rx: {
        share: [
          { start: 2, count: 2, source: 'rm' },
          { start: 8, count: 12, source: 'rm' },
          { start: 26, count: 52, source: 'rm' },
        ],
        firstNormal: 8,
        firstNormalSource: 'driver',
      },
      rxEventOffset: 0x200,
    },
  ],
  directClients: [
    // gpio-davinci (ti,am654-gpio), banked (ti,davinci-gpio-unbanked = <0>): davinci_gpio_irq_setup
    // chains gpio_irq_handler on each bank's line.
    {
      id: 'main_gpio0',
      name: 'GPIO bank interrupts',
      parent: 'intr_main_gpio',
      inputs: [192, 193, 194, 195, 196, 197],
      source: 'dt',
      chained: 'gpio_irq_handler',
      chainedSource: 'driver',
    },
    { id: 'cpts', name: 'CPTS time sync', parent: 'intr_main_navss', inputs: [391], source: 'dt' },
  ],
  boot: ['main_gpio0', 'ringacc', 'main_udmap', 'cpts'],
  sources: {
    dt: 'Linux arch/arm64/boot/dts/ti/k3-am65-main.dtsi',
    rm: 'U-Boot board/ti/am65x/rm-cfg.yaml, host_id 12 (Linux on the A53s)',
    sysfw: 'TI SYSFW AM6 SoC data (NAVSS0_INTR_ROUTER_0, NAVSS0_UDMASS_INTA0)',
    driver: 'Linux drivers/dma/ti/k3-udma.c (am654 main UDMAP: tchan_tpl.start_idx[0] = 8, oes.udma_rchan = 0x200); drivers/gpio/gpio-davinci.c (banked GPIO lines chained)',
  },
};
