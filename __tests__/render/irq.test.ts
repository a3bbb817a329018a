import { describe, expect, test } from '@jest/globals';
import { makeStyle } from '../../src/render/style.js';
import { merged, textOf, widest } from './run-lines.js';

const TR = 'request-channel main_udmap tx tr';

describe('irq: one virq as GENERIC_IRQ_DEBUGFS irqs/<n> prints it', () => {
  test("a TR channel's ring irq: MSI-INTA and INTA levels, then the chained parent's INTR and GIC levels", () => {
    expect(textOf([TR, 'fire-ring main_udmap:tx8 2', 'irq main_udmap:tx8'])).toBe(
      [
        'irq 70: ringacc 304 [main_udmap:tx8]',
        'handler:  handle_level_irq',
        'device:   ringacc',
        'action:   main_udmap:tx8',
        'state:    allocated, requested',
        'trigger:  level high (IRQF_TRIGGER_HIGH)',
        'affinity: 0-3',
        'effectiv: (empty: the INTA sets none; runs on CPU0 with parent virq 290)',
        'counts:   CPU0 2, CPU1 0, CPU2 0, CPU3 0 (total 2)',
        'domain:  inta_main_udmass',
        ' hwirq:   0xbb0130 (ringacc 304: sci dev 187 << 16 | 304)',
        ' chip:    MSI-INTA',
        ' parent:',
        '    domain:  inta_main_udmass',
        '     hwirq:   0xbb0130 (global event 16 -> VINT 16 bit 0)',
        '     chip:    INTA',
        "     chained: VINT 16's parent virq 290 (ti_sci_inta_irq_handler)",
        '        domain:  intr_main_navss',
        '         hwirq:   0x10 (input 16 -> output 17)',
        '         chip:    INTR',
        '         parent:',
        '            domain:  gic500',
        '             hwirq:   0x51 (SPI 49)',
        '             chip:    GICv3',
        'channel:  main_udmap:tx8 (TR mode): completion ring irq 70, TR event irq 173',
      ].join('\n'),
    );
  });

  test('the TR event is edge, with flags 0', () => {
    const t = textOf([TR, 'irq main_udmap:8']).split('\n');
    expect(t.slice(0, 7)).toEqual([
      'irq 173: main_udmap 8 [main_udmap:tx8]',
      'handler:  handle_edge_irq',
      'device:   main_udmap',
      'action:   main_udmap:tx8',
      'state:    allocated, requested',
      'trigger:  none set (requested with flags 0): edge, by the handle_edge_irq the',
      '          INTA gave it',
    ]);
    expect(t).toContain('     hwirq:   0xbc0008 (global event 17 -> VINT 16 bit 1)');
  });

  test('an MSI allocated at probe and not requested has no hardware below the INTA', () => {
    expect(textOf(['irq ringacc:310'])).toBe(
      [
        'irq 76: ringacc 310 (not requested)',
        'handler:  handle_edge_irq',
        'device:   ringacc',
        'action:   none (allocated by ringacc)',
        'state:    allocated, not requested: no hardware',
        'trigger:  none yet (set by request_irq)',
        'affinity: 0-3',
        'effectiv: (empty)',
        'counts:   CPU0 0, CPU1 0, CPU2 0, CPU3 0 (total 0)',
        'domain:  inta_main_udmass',
        ' hwirq:   0xbb0136 (ringacc 310: sci dev 187 << 16 | 310)',
        ' chip:    MSI-INTA',
        ' parent:',
        '    domain:  inta_main_udmass',
        '     hwirq:   0xbb0136 (no event until request_irq)',
        '     chip:    INTA',
      ].join('\n'),
    );
  });

  test("a VINT's parent: chained, never counted, and the children it demultiplexes", () => {
    expect(textOf([TR, 'irq 290'])).toBe(
      [
        'irq 290: inta_main_udmass VINT 16 (chained)',
        'handler:  ti_sci_inta_irq_handler',
        'device:   inta_main_udmass',
        'action:   none: chained handler',
        'state:    allocated, chained (IRQ_NOREQUEST: no /proc/irq entry, never counted)',
        'trigger:  level high (ti,intr-trigger-type = 4)',
        'affinity: 0-3',
        'effectiv: 0',
        'counts:   CPU0 0, CPU1 0, CPU2 0, CPU3 0 (total 0)',
        'domain:  intr_main_navss',
        ' hwirq:   0x10 (input 16 -> output 17)',
        ' chip:    INTR',
        ' parent:',
        '    domain:  gic500',
        '     hwirq:   0x51 (SPI 49)',
        '     chip:    GICv3',
        'demuxes:  bit 0 -> virq 70, bit 1 -> virq 173',
      ].join('\n'),
    );
  });

  test('a direct INTR client: the GIC flow handler, INTR input 391 to output 16, SPI 48', () => {
    const t = textOf(['set-affinity 289 2', 'irq cpts:0']).split('\n');
    expect(t[0]).toBe('irq 289: cpts 0');
    expect(t[1]).toBe('handler:  handle_fasteoi_irq');
    expect(t.slice(6, 8)).toEqual(['affinity: 2', 'effectiv: 2']);
    expect(t.slice(9)).toEqual([
      'domain:  intr_main_navss',
      ' hwirq:   0x187 (input 391 -> output 16)',
      ' chip:    INTR',
      ' parent:',
      '    domain:  gic500',
      '     hwirq:   0x50 (SPI 48)',
      '     chip:    GICv3',
    ]);
  });

  test("a GPIO bank line: edge rising, as intr_main_gpio's ti,intr-trigger-type = <1> makes it (k3-am65-main.dtsi)", () => {
    const t = textOf(['irq 64']).split('\n');
    // gpio-davinci chains gpio_irq_handler on each bank line (davinci_gpio_irq_setup)
    expect(t.slice(0, 6)).toEqual([
      'irq 64: main_gpio0 0 (chained)',
      'handler:  gpio_irq_handler',
      'device:   main_gpio0',
      'action:   none: chained handler',
      'state:    allocated, chained (IRQ_NOREQUEST: no /proc/irq entry, never counted)',
      'trigger:  edge rising (ti,intr-trigger-type = 1)',
    ]);
    expect(t[9]).toBe('domain:  intr_main_gpio');
    // cpts goes through the NAVSS router, <4>
    expect(textOf(['irq cpts:0']).split('\n')[5]).toBe('trigger:  level high (ti,intr-trigger-type = 4)');
  });

  test('masked and pending show in the state; a narrow terminal wraps under the value', () => {
    const s = merged();
    const lines = [TR, 'mask-irq 70', 'fire-ring main_udmap:tx8', 'irq 70'];
    expect(textOf(lines, undefined, s)).toContain(
      ['state:    allocated, requested, masked (VINT 16 ENABLE bit 0 clear), pending in', '          VINT 16 STATUS'].join('\n'),
    );
    const narrow = textOf(['irq 70'], makeStyle(0, 40), s);
    expect(widest(narrow)).toBeLessThanOrEqual(40);
  });
});
