import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { hex64, type Bits64 } from '../../src/core/bits64.js';
import { makeStyle } from '../../src/render/style.js';
import { merged, textOf, widest } from './run-lines.js';

const TR = 'request-channel main_udmap tx tr';

describe('fire-ring: the flow handler as the trigger type makes it', () => {
  test('a ring irq is level: mask (ENABLE_CLR), no STATUS write, handler, unmask (ENABLE_SET); only the child counts', () => {
    expect(textOf([TR, 'fire-ring main_udmap:tx8 3'])).toBe(
      [
        'fire-ring ringacc 304 x3: delivered',
        '  1. ringacc 304 raises its event: hwirq 0xbb0130 (sci dev 187, index 304)',
        '  2. inta_main_udmass: global event 16 -> VINT 16 bit 0',
        '  3. VINT 16 STATUS @0x33d10018: 0x0000000000000000 -> 0x0000000000000001',
        '  4. ENABLE 0x0000000000000003, STATUS_MASKED @0x33d10020 = 0x0000000000000001',
        '  5. intr_main_navss: input 16 -> output 17',
        '  6. GIC hwirq 81 (SPI 49) -> parent virq 290',
        "  7. CPU0: virq 290's chained handler reads STATUS_MASKED: bit 0",
        '  8. bit 0 -> virq 70 (ringacc 304) x3: handle_level_irq',
        '       mask: BIT(0) -> VINT_ENABLE_CLR @0x33d10008',
        '       ack: no STATUS write (IRQF_TRIGGER_HIGH)',
        "       handler; the ring's down event clears STATUS bit 0",
        '       unmask: BIT(0) -> VINT_ENABLE_SET @0x33d10000',
        '  9. chained_irq_exit: EOI of GIC hwirq 81 (SPI 49)',
        '  10. virq 70: count now 3 (+3 on CPU0); chained parent virq 290: not counted',
      ].join('\n'),
    );
  });

  test('a UDMA TR event is edge: the ack writes BIT(bit) to STATUS before the handler', () => {
    expect(textOf([TR, 'fire-ring main_udmap:8'])).toBe(
      [
        'fire-ring main_udmap 8: delivered',
        '  1. main_udmap 8 raises its event: hwirq 0xbc0008 (sci dev 188, index 8)',
        '  2. inta_main_udmass: global event 17 -> VINT 16 bit 1',
        '  3. VINT 16 STATUS @0x33d10018: 0x0000000000000000 -> 0x0000000000000002',
        '  4. ENABLE 0x0000000000000003, STATUS_MASKED @0x33d10020 = 0x0000000000000002',
        '  5. intr_main_navss: input 16 -> output 17',
        '  6. GIC hwirq 81 (SPI 49) -> parent virq 290',
        "  7. CPU0: virq 290's chained handler reads STATUS_MASKED: bit 1",
        '  8. bit 1 -> virq 173 (main_udmap 8): handle_edge_irq',
        '       ack: BIT(1) -> VINT_STATUS @0x33d10018 (write 1 to clear)',
        '       handler',
        '  9. chained_irq_exit: EOI of GIC hwirq 81 (SPI 49)',
        '  10. virq 173: count now 1 (+1 on CPU0); chained parent virq 290: not counted',
      ].join('\n'),
    );
  });

  test('the chained parent never counts, in the model as in the trace', () => {
    const s = merged();
    textOf([TR, 'fire-ring main_udmap:tx8 5', 'fire-ring main_udmap:8'], undefined, s);
    expect(s.system.descs.total(290)).toBe(0);
    expect(s.system.descs.total(70)).toBe(5);
    expect(s.system.descs.total(173)).toBe(1);
  });

  test('a masked level irq stays pending in STATUS: no flow handler runs', () => {
    expect(textOf([TR, 'mask-irq 70', 'fire-ring main_udmap:tx8']).split('\n').slice(4)).toEqual([
      '  4. ENABLE 0x0000000000000002, STATUS_MASKED @0x33d10020 = 0x0000000000000000',
      '  5. bit 0 is masked: it stays pending in STATUS until virq 70 is unmasked',
        '      (unmask-irq 70; or request_irq, if nobody has requested it)',
    ]);
  });

  test('narrow terminals wrap under the step text', () => {
    const t = textOf([TR, 'fire-ring main_udmap:tx8'], makeStyle(0, 50));
    expect(widest(t)).toBeLessThanOrEqual(50);
    expect(t).toContain('       mask: BIT(0) -> VINT_ENABLE_CLR @0x33d10008');
  });

  // The lines are laid out first and wrapped only from the first one too long on: a step before
  // that line, and one after it that fits, stay as they are.
  test('only the lines too long for the width wrap, each under its text', () => {
    const wide = textOf([TR, 'fire-ring main_udmap:tx8'], makeStyle(0, 200)).split('\n');
    // At 76 columns, steps 4 and 10 are too long: the first from 4 on, and 5 to 9 stay whole.
    expect(textOf([TR, 'fire-ring main_udmap:tx8'], makeStyle(0, 76)).split('\n')).toEqual([
      ...wide.slice(0, 4),
      '  4. ENABLE 0x0000000000000003, STATUS_MASKED @0x33d10020 =',
      '      0x0000000000000001',
      ...wide.slice(5, 14),
      '  10. virq 70: count now 1 (+1 on CPU0); chained parent virq 290: not',
      '      counted',
    ]);
    expect(wide).toHaveLength(15);
    expect(textOf([TR, 'fire-ring main_udmap:tx8'], makeStyle(0, 40))).toBe(
      [
        'fire-ring ringacc 304: delivered',
        '  1. ringacc 304 raises its event: hwirq',
        '      0xbb0130 (sci dev 187, index 304)',
        '  2. inta_main_udmass: global event 16',
        '      -> VINT 16 bit 0',
        '  3. VINT 16 STATUS @0x33d10018:',
        '      0x0000000000000000 ->',
        '      0x0000000000000001',
        '  4. ENABLE 0x0000000000000003,',
        '      STATUS_MASKED @0x33d10020 =',
        '      0x0000000000000001',
        '  5. intr_main_navss: input 16 -> output',
        '      17',
        '  6. GIC hwirq 81 (SPI 49) -> parent',
        '      virq 290',
        "  7. CPU0: virq 290's chained handler",
        '      reads STATUS_MASKED: bit 0',
        '  8. bit 0 -> virq 70 (ringacc 304):',
        '      handle_level_irq',
        '       mask: BIT(0) -> VINT_ENABLE_CLR',
        '         @0x33d10008',
        '       ack: no STATUS write',
        '         (IRQF_TRIGGER_HIGH)',
        "       handler; the ring's down event",
        '         clears STATUS bit 0',
        '       unmask: BIT(0) -> VINT_ENABLE_SET',
        '         @0x33d10000',
        '  9. chained_irq_exit: EOI of GIC hwirq',
        '      81 (SPI 49)',
        '  10. virq 70: count now 1 (+1 on CPU0);',
        '      chained parent virq 290: not',
        '      counted',
      ].join('\n'),
    );
  });
});

describe('registers in a trace: 64 bits as 16 hex digits', () => {
  test('for any two words, read unsigned (bit 31 set reads as the sign)', () => {
    expect(hex64([5, 0])).toBe('0x0000000000000005');
    expect(hex64([0, 1])).toBe('0x0000000100000000');
    expect(hex64([-1, -1])).toBe('0xffffffffffffffff');
    const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    fc.assert(
      fc.property(word, word, (low, high) => {
        const b: Bits64 = [low, high];
        const value = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
        expect(hex64(b)).toBe(`0x${value.toString(16).padStart(16, '0')}`);
      }),
    );
  });
});
