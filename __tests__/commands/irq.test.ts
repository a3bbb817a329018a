import { describe, expect, test } from '@jest/globals';
import { complete } from '../../src/cli/completion.js';
import { planPrompts } from '../../src/cli/prompts.js';
import { runWords } from '../../src/commands/registry.js';
import type { Output, Result } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { DEFAULT_SETTINGS, designNamed } from '../../src/core/designs.js';
import type { ErrCode } from '../../src/core/errors.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { renderJson } from '../../src/render/json.js';

/** am65x under the default design (merged): 219 MSIs allocated at probe, no hardware yet. */
const merged = (): Session => new Session(am65x, DEFAULT_SETTINGS);

const run = (s: Session, line: string): Result => runWords(s, line.split(' '));

const given = (s: Session, ...lines: string[]): Session => {
  for (const line of lines) {
    const r = run(s, line);
    if (!r.ok) throw new Error(`'${line}' failed: ${r.error.code}: ${r.error.message}`);
  }
  return s;
};

const detail = (s: Session, line: string) => {
  const r = run(s, line);
  if (!r.ok) throw new Error(`'${line}' failed: ${r.error.code}: ${r.error.message}`);
  expect(r.output.kind).toBe('irq');
  return (r.output as Extract<Output, { kind: 'irq' }>).detail;
};

const fails = (s: Session, line: string, code: ErrCode, message: string) => {
  const r = run(s, line);
  if (r.ok) throw new Error(`'${line}' succeeded, expected ${code}`);
  expect(r.error).toEqual({ code, message, pool: undefined });
};

describe('irq: what a word names', () => {
  test('a TR channel names its completion ring irq; the detail carries its TR event virq too', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    const d = detail(s, 'irq main_udmap:tx8');
    expect(d).toMatchObject({ virq: 70, kind: 'msi', name: 'ringacc 304', device: 'ringacc', owner: 'main_udmap:tx8', trigger: 'level' });
    expect(d.channel).toEqual({ name: 'main_udmap:tx8', mode: 'tr', ringVirq: 70, eventVirq: 173 });
    expect(detail(s, 'irq main_udmap:8')).toMatchObject({ virq: 173, trigger: 'edge', handler: 'handle_edge_irq' });
    expect(detail(s, 'irq 173').channel).toEqual(d.channel);
  });

  test('a packet-mode channel has its ring irq only', () => {
    const s = given(merged(), 'request-channel main_udmap rx');
    expect(detail(s, 'irq main_udmap:rx8').channel).toEqual({ name: 'main_udmap:rx8', mode: 'pkt', ringVirq: 70, eventVirq: null });
  });

  test('device:index, decimal or hex, for MSIs requested or only allocated, and for direct client lines', () => {
    const s = merged();
    expect(detail(s, 'irq ringacc:304')).toMatchObject({ virq: 70, name: 'ringacc 304', owner: 'ringacc' });
    expect(detail(s, 'irq ringacc:0x130').virq).toBe(70);
    const rx8 = detail(s, 'irq main_udmap:0x208');
    expect(rx8).toMatchObject({ name: 'main_udmap 520', state: ['allocated', 'not requested: no hardware'], chained: null, trigger: null });
    expect(rx8.levels.map((l) => [l.chip, l.hwirq])).toEqual([
      ['MSI-INTA', 0xbc0208],
      ['INTA', 0xbc0208],
    ]);
    expect(detail(s, 'irq cpts:0')).toMatchObject({ virq: 289, kind: 'direct', handler: 'handle_fasteoi_irq' });
    expect(detail(s, 'irq main_gpio0:5').virq).toBe(69);
  });

  test('a virq: the whole chain down to the GIC, hwirq at each level', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    const d = detail(s, 'irq 70');
    expect(d.levels.map((l) => [l.domain, l.chip, l.hwirq])).toEqual([
      ['inta_main_udmass', 'MSI-INTA', 0xbb0130],
      ['inta_main_udmass', 'INTA', 0xbb0130],
    ]);
    expect(d.chained).toEqual({
      virq: 290,
      vint: 16,
      levels: [
        { domain: 'intr_main_navss', hwirq: 16, chip: 'INTR', meaning: 'input 16 -> output 17' },
        { domain: 'gic500', hwirq: 81, chip: 'GICv3', meaning: 'SPI 49' },
      ],
    });
    const parent = detail(s, 'irq 290');
    expect(parent).toMatchObject({ kind: 'vint-parent', handler: 'ti_sci_inta_irq_handler', children: [{ bit: 0, virq: 70 }, { bit: 1, virq: 173 }] });
  });

  test('masked, and per-CPU counts and the CPU it runs on follow the parent; no effective affinity of its own', () => {
    const s = given(merged(), 'request-channel main_udmap tx', 'fire-ring main_udmap:tx8 4', 'mask-irq 70');
    expect(detail(s, 'irq 70')).toMatchObject({
      state: ['allocated', 'requested', 'masked (VINT 16 ENABLE bit 0 clear)'],
      counts: [4, 0, 0, 0],
      total: 4,
      affinity: [0, 1, 2, 3],
      effective: null,
      runsOn: 0,
    });
  });

  test('looking changes nothing and is not journaled', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    const before = s.system.fingerprint();
    const system = s.system;
    detail(s, 'irq main_udmap:tx8');
    expect(s.system).toBe(system);
    expect(s.system.fingerprint()).toBe(before);
  });
});

describe('irq: errors are one line', () => {
  test('bad words', () => {
    const s = merged();
    fails(s, 'irq', 'EUSAGE', 'missing <irq>; usage: irq <virq | channel | device:index>');
    fails(s, 'irq 70 71', 'EUSAGE', 'too many arguments (2, at most 1); usage: irq <virq | channel | device:index>');
    fails(s, 'irq foo', 'EUSAGE', "expected a virq, a channel (main_udmap:tx8) or device:index (ringacc:304), got 'foo'");
    fails(s, 'irq -1', 'EINVAL', "virq must not be negative, got '-1'");
    fails(s, 'irq ringacc:x', 'EUSAGE', "index: expected a number, got 'x'");
  });

  test('nothing there', () => {
    const s = merged();
    fails(s, 'irq 9999', 'ENOENT', 'virq 9999 is not allocated');
    fails(s, 'irq 290', 'ENOENT', 'virq 290 is not allocated');
    fails(s, 'irq main_udmap:tx8', 'ENOENT', 'main_udmap:tx8 is not requested, so it has no completion ring irq yet; its TR event MSI is main_udmap:8, virq 173');
    fails(s, 'irq main_udmap:tx0', 'EINVAL', "main_udmap: tx channel 0 is not one of this host's (1-3, 8-19, 26-63)");
    fails(s, 'irq nodma:tx8', 'ENOENT', "unknown DMA controller 'nodma' (have: main_udmap)");
    fails(s, 'irq ringacc:3', 'ENOENT', "ringacc 3 has no MSI: it is not in this host's share (304-403)");
    fails(s, 'irq ringacc:818', 'EINVAL', 'ringacc: index 818 out of range (0-817)');
    fails(s, 'irq cpts:1', 'EINVAL', 'cpts has one interrupt, 0: there is no cpts:1');
    fails(s, 'irq gpu:0', 'ENOENT', "unknown device 'gpu' (have: ringacc, main_udmap, main_gpio0, cpts)");
  });

  test('on demand, an MSI does not exist until it is allocated', () => {
    const s = new Session(am65x, designNamed('dynamic')!.settings);
    fails(s, 'irq ringacc:304', 'ENOENT', 'ringacc 304 has no MSI: MSIs are allocated on demand (alloc-irq or request-channel allocates it)');
    given(s, 'request-channel main_udmap tx');
    expect(detail(s, 'irq ringacc:304').state).toEqual(['allocated', 'requested']);
  });
});

describe('irq: JSON, completion, prompts', () => {
  test('--json data is the detail, plain numbers and lists', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    const line = JSON.parse(renderJson({ file: 't.msi', line: 2 }, 'irq main_udmap:tx8', run(s, 'irq main_udmap:tx8')));
    expect(line.ok).toBe(true);
    expect(Object.keys(line.data)).toEqual([
      'virq', 'kind', 'name', 'device', 'owner', 'handler', 'isChained', 'trigger', 'intrTriggerType', 'state', 'affinity', 'effective', 'runsOn', 'counts', 'total', 'levels', 'chained', 'children', 'channel',
    ]);
    expect([line.data.trigger, line.data.intrTriggerType]).toEqual(['level', null]);
    const gpio = JSON.parse(renderJson({ file: 't.msi', line: 3 }, 'irq 64', run(s, 'irq 64')));
    expect([gpio.data.trigger, gpio.data.intrTriggerType]).toEqual(['edge', 1]);
    expect(line.data.chained.levels[1]).toEqual({ domain: 'gic500', hwirq: 81, chip: 'GICv3', meaning: 'SPI 49' });
  });

  test('completion offers channels, requested device:index and direct lines, then virqs', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    expect(complete(s, 'irq main')[0].slice(0, 4)).toEqual(['main_udmap:tx8', 'main_udmap:8', 'main_gpio0:0', 'main_gpio0:1']);
    expect(complete(s, 'irq ring')[0]).toEqual(['ringacc:304']);
    expect(complete(s, 'irq 29')[0]).toEqual(['290']);
  });

  test('a bare irq in the REPL asks with a menu, channels first', () => {
    const s = given(merged(), 'request-channel main_udmap tx tr');
    const [q] = planPrompts(s, ['irq']);
    if (q.type !== 'select') throw new Error(`expected a menu, got ${q.type}`);
    expect(q.choices[0]).toEqual({ value: 'main_udmap:tx8', name: 'main_udmap:tx8', description: 'ring irq 70, TR event irq 173' });
    expect(q.choices[1]).toMatchObject({ value: '64', name: ' 64  main_gpio0 0', short: '64  main_gpio0 0' });
  });
});
