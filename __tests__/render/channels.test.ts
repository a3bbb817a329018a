import { describe, expect, test } from '@jest/globals';
import { makeStyle } from '../../src/render/style.js';
import { merged, textOf } from './run-lines.js';

describe('request-channel: a TR channel shows both of its irqs', () => {
  test('one TR channel: the ring route line, then the TR event route line', () => {
    expect(textOf(['request-channel main_udmap tx tr'])).toBe(
      [
        'main_udmap:tx8: virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 ->',
        '    VINT 16 bit 0 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
        'main_udmap:tx8 TR event: virq 173: main_udmap 8 (hwirq 0xbc0008) -> event 17 ->',
        '    VINT 16 bit 1 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
      ].join('\n'),
    );
  });

  test('one packet-mode channel: its ring route only', () => {
    expect(textOf(['request-channel main_udmap rx'])).toBe(
      [
        'main_udmap:rx8: virq 70: ringacc 304 (hwirq 0xbb0130) -> event 16 ->',
        '    VINT 16 bit 0 -> intr_main_navss 16>17 -> SPI 49 -> parent virq 290',
      ].join('\n'),
    );
  });

  test('a table: each TR channel has a TR event row under it; the footer says the mode', () => {
    const s = merged();
    expect(textOf(['request-channel main_udmap rx 2 tr'], undefined, s)).toBe(
      [
        'CHANNEL         RING  VIRQ  EVENT  VINT:BIT   INTR  SPI  PARENT',
        'main_udmap:rx8   304    70     16      16:0  16>17   49     290',
        '  TR event         -   225     17      16:1  16>17   49     290',
        'main_udmap:rx9   305    71     18      16:2  16>17   49     290',
        '  TR event         -   226     19      16:3  16>17   49     290',
        '2 channels in TR mode',
      ].join('\n'),
    );
    expect(textOf(['request-channel main_udmap tx 2'], undefined, s)).toBe(
      [
        'CHANNEL         RING  VIRQ  EVENT  VINT:BIT   INTR  SPI  PARENT',
        'main_udmap:tx8   306    72     20      16:4  16>17   49     290',
        'main_udmap:tx9   307    73     21      16:5  16>17   49     290',
        '2 channels',
      ].join('\n'),
    );
  });

  test('the 33rd TR channel opens VINT 17, on SPI 50', () => {
    const t = textOf(['request-channel main_udmap tx 33 tr']).split('\n');
    expect(t.slice(-5)).toEqual([
      'main_udmap:tx45   335   101     78     16:62  16>17   49     290',
      '  TR event          -   204     79     16:63  16>17   49     290',
      'main_udmap:tx46   336   102     80      17:0  17>18   50     291',
      '  TR event          -   205     81      17:1  17>18   50     291',
      '33 channels in TR mode',
    ]);
  });

  test('too narrow for the table: one record per row, the TR event included', () => {
    // "head value" pairs wrapped between pairs, blank and "-" cells (a TR event's ring) left out
    const t = textOf(['request-channel main_udmap tx 2 tr'], makeStyle(0, 40));
    expect(t.split('\n')).toEqual([
      'channel main_udmap:tx8  ring 304',
      '    virq 70  event 16  vint:bit 16:0',
      '    intr 16>17  spi 49  parent 290',
      'channel   TR event  virq 173  event 17',
      '    vint:bit 16:1  intr 16>17  spi 49',
      '    parent 290',
      'channel main_udmap:tx9  ring 305',
      '    virq 71  event 18  vint:bit 16:2',
      '    intr 16>17  spi 49  parent 290',
      'channel   TR event  virq 174  event 19',
      '    vint:bit 16:3  intr 16>17  spi 49',
      '    parent 290',
      '2 channels in TR mode',
    ]);
    expect(Math.max(...t.split('\n').map((l) => l.length))).toBeLessThanOrEqual(40);
  });
});
