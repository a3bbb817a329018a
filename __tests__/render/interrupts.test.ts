import { describe, expect, test } from '@jest/globals';
import { makeStyle } from '../../src/render/style.js';
import { merged, textOf, widest } from './run-lines.js';

// A TR channel (ring irq level, TR event edge), both fired through the chained parent.
const TR_FIRED = ['request-channel main_udmap tx tr', 'fire-ring main_udmap:tx8 3', 'fire-ring main_udmap:8', 'interrupts'];

describe('interrupts: chip, trigger and name as /proc/interrupts shows them', () => {
  test('at 80 columns: chip, Level for ring irqs and NAVSS INTR lines, Edge for GPIO lines (ti,intr-trigger-type 1) and the TR event; no chained parent', () => {
    // A fresh style: the note on hidden columns is said once per session (Style.said).
    const style = makeStyle(0, 80);
    const s = merged();
    // The TR event's name beside its owner's is long: the counts sit one blank apart, and only
    // the hwirq (which the name gives as device and index) makes way.
    const table = [
      ' IRQ CPU0 CPU1 CPU2 CPU3  AFF  CHIP      TYPE   NAME',
      ' 70:    3    0    0    0  0-3  MSI-INTA  Level  ringacc 304 [main_udmap:tx8]',
      '173:    1    0    0    0  0-3  MSI-INTA  Edge   main_udmap 8 [main_udmap:tx8]',
      '289:    0    0    0    0  0-3  INTR      Level  cpts 0',
    ];
    expect(textOf(TR_FIRED, style, s)).toBe(
      [...table, '(HWIRQ hidden to fit 80 columns; a wider terminal or COLUMNS shows them)'].join('\n'),
    );
    // said once: the next table that hides the same columns goes without the note
    expect(textOf(['interrupts'], style, s)).toBe(table.join('\n'));
  });

  test('wide enough, the hwirq and the affinity come back', () => {
    const wide = textOf(TR_FIRED, makeStyle(0, 120)).split('\n');
    expect(wide[0]).toBe(' IRQ  CPU0  CPU1  CPU2  CPU3  AFF  CHIP         HWIRQ  TYPE   NAME');
    // the hwirq in decimal, as show_interrupts prints it (0xbb0130, 0xbc0008, 0x187)
    expect(wide[1]).toBe(' 70:     3     0     0     0  0-3  MSI-INTA  12255536  Level  ringacc 304 [main_udmap:tx8]');
    expect(wide[2]).toBe('173:     1     0     0     0  0-3  MSI-INTA  12320776  Edge   main_udmap 8 [main_udmap:tx8]');
    expect(wide[3]).toBe('289:     0     0     0     0  0-3  INTR           391  Level  cpts 0');
  });

  test('an MSI allocated at probe and never requested is not listed; once requested it is', () => {
    const s = merged();
    expect(textOf(['interrupts'], undefined, s)).not.toContain('ringacc 304');
    expect(textOf(['alloc-irq ringacc 304', 'interrupts'], undefined, s)).toContain(' 70:     0     0     0     0  0-3  MSI-INTA  Level  ringacc 304 [alloc-irq]');
  });

  test('events dropped for want of an event map: a line under the table, not /proc/interrupts\' Err', () => {
    const s = merged();
    expect(textOf(['interrupts'], undefined, s)).not.toContain('event map');
    const t = textOf(['fire-ring 9', 'fire-ring 10 2', 'interrupts'], undefined, s).split('\n');
    expect(t[t.length - 1]).toBe('3 events raised with no event map, dropped by the INTA: Linux never sees them');
  });

  test("at 80 columns an rx TR event's name (main_udmap 589 [main_udmap:rx77], the widest on am65x) keeps AFF", () => {
    const s = merged();
    const t = textOf(['request-channel main_udmap rx 64 tr', 'fire-ring main_udmap:rx77 1000', 'interrupts'], makeStyle(0, 80), s).split('\n');
    expect(t[0]).toBe(' IRQ CPU0 CPU1 CPU2 CPU3  AFF  CHIP      TYPE   NAME');
    expect(t).toContain('288:    0    0    0    0  0-3  MSI-INTA  Edge   main_udmap 589 [main_udmap:rx77]');
    expect(t).toContain('133: 1000    0    0    0  0-3  MSI-INTA  Level  ringacc 367 [main_udmap:rx77]');
    expect(widest(t.join('\n'))).toBe(80);
  });

  test('a masked irq and a long name still fit 80 columns', () => {
    const s = merged();
    const t = textOf(['request-channel main_udmap rx 2 tr', 'mask-irq 225', 'interrupts'], undefined, s);
    expect(t).toContain('MASKED');
    expect(widest(t)).toBeLessThanOrEqual(80);
  });
});
