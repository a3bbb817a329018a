import { describe, expect, test } from '@jest/globals';
import { Chalk } from 'chalk';
import { PassThrough, Writable } from 'node:stream';
import { askPrompts, confirmAnswer, typedCommand, confirmHint, filterChoices, isCancel, MENU_PAGE, wantsSearch, planPrompts, rebootLosses, menuThemeFor, searchThemeFor, themeFor, TYPED_AHEAD_DROPPED, typedAheadGuard, type Choice, type Prompter, type Question } from '../../src/cli/prompts.js';
import { makeStyle, PLAIN } from '../../src/render/style.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/system.js';
import { DESIGNS, designNamed } from '../../src/core/designs.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { runWords } from '../../src/commands/registry.js';
import { Session } from '../../src/commands/session.js';
import { renderText } from '../../src/render/text.js';
import { chosen, menuFor, moved, retyped, searchPrompt } from '../../src/cli/search-prompt.js';

const session = (settings: Settings = DEFAULT_SETTINGS): Session => new Session(am65x, settings);

const given = (s: Session, ...lines: string[]): Session => {
  for (const line of lines) {
    const r = runWords(s, line.split(' '));
    if (!r.ok) throw new Error(`${line}: ${r.error.code}: ${r.error.message}`);
  }
  return s;
};

const plan = (s: Session, line: string): Question[] => planPrompts(s, line === '' ? [] : line.split(' '));
/** Keyed on argument kinds, which the prompts are about; argument names are only labels. */
const shape = (qs: Question[]) => qs.map((q) => (q.type === 'confirm' || q.type === 'none' ? q.type : `${q.type}:${q.kind}`));
const values = (q: Question | undefined): string[] => (q?.type === 'select' ? q.choices.map((c: Choice) => c.value) : []);

/** Answers prompts from a script, recording what was asked. */
class FakePrompter implements Prompter {
  asked: Array<{ type: string; message: string; default?: unknown; choices?: string[] }> = [];
  constructor(private readonly answers: Array<string | boolean | Error>) {}

  private next(): string | boolean {
    const a = this.answers.shift();
    if (a === undefined) throw new Error('no answer scripted');
    if (a instanceof Error) throw a;
    return a;
  }

  async select(q: { message: string; choices: Choice[]; default?: string }): Promise<string> {
    this.asked.push({ type: 'select', message: q.message, choices: q.choices.map((c) => c.value) });
    const a = this.next();
    if (typeof a !== 'string' || !q.choices.some((c) => c.value === a)) throw new Error(`bad scripted choice ${String(a)}`);
    return a;
  }

  async search(q: { message: string; choices: Choice[]; asTyped?: (term: string) => true | string | undefined }): Promise<string> {
    this.asked.push({ type: 'search', message: q.message, choices: q.choices.map((c) => c.value) });
    const a = this.next();
    // An entry, or a text the menu takes as typed.
    if (typeof a !== 'string' || !(q.choices.some((c) => c.value === a) || q.asTyped?.(a) === true)) throw new Error(`bad scripted choice ${String(a)}`);
    return a;
  }

  async input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    this.asked.push({ type: 'input', message: q.message, default: q.default });
    const a = this.next();
    if (typeof a !== 'string') throw new Error('bad scripted input');
    const ok = q.validate ? q.validate(a) : true;
    if (ok !== true) throw new Error(`invalid scripted input: ${ok}`);
    return a;
  }

  async confirm(q: { message: string; default: boolean }): Promise<boolean> {
    this.asked.push({ type: 'confirm', message: q.message, default: q.default });
    const a = this.next();
    if (typeof a !== 'boolean') throw new Error('bad scripted confirm');
    return a;
  }
}

const exitPrompt = (): Error => Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });

describe('planPrompts: what to ask for', () => {
  test('a complete command, an unknown verb or no words: nothing', () => {
    const s = session();
    expect(plan(s, '')).toEqual([]);
    expect(plan(s, 'pools')).toEqual([]);
    expect(plan(s, 'routes')).toEqual([]);
    expect(plan(s, 'bogus')).toEqual([]);
    expect(plan(s, 'request-channel main_udmap tx')).toEqual([]);
    expect(plan(s, 'help')).toEqual([]);
  });

  test('optional arguments are never asked for; design and each setting alone just show', () => {
    const s = session();
    for (const verb of ['design', 'policy', 'mode', 'hardware', 'lock', 'failure']) expect(plan(s, verb)).toEqual([]);
    expect(plan(s, 'fire-ring main_udmap:tx8')).toEqual([]);
    expect(plan(s, 'request-channel main_udmap tx 2')).toEqual([]);
    expect(plan(s, 'request-channel main_udmap tx 2 tr')).toEqual([]);
  });

  test('request-channel: a DMA controller, then a direction, both picked from menus', () => {
    const s = session();
    const qs = plan(s, 'request-channel');
    expect(shape(qs)).toEqual(['select:dma', 'select:dir']);
    expect(values(qs[0])).toEqual(['main_udmap']);
    expect(values(qs[1])).toEqual(['tx', 'rx']);
    // Linux's host-12 share on AM65x: tx channels 1-3, 8-19, 26-63; rx channels 2-3, 8-19, 26-77;
    // k3-udma.c hands out normal-capacity channels from 8 up (tchan_tpl.start_idx[0] = 8).
    expect(qs[0].type === 'select' && qs[0].choices[0].description).toBe('UDMA-P: 50 tx and 64 rx channels free to request');
    expect(shape(plan(s, 'request-channel main_udmap'))).toEqual(['select:dir']);
  });

  test('request-channel menus count what request-channel can grant: channels from the normal-capacity start, and what runs out first', () => {
    const s = session();
    const descriptions = (line: string) => plan(s, line).flatMap((q) => (q.type === 'select' ? q.choices.map((c) => c.description) : []));
    expect(descriptions('request-channel')).toEqual(['UDMA-P: 50 tx and 64 rx channels free to request', 'transmit: 50 channels free to request', 'receive: 64 channels free to request']);
    expect(descriptions('request-channel main_udmap')).toEqual(['transmit: 50 channels free to request', 'receive: 64 channels free to request']);
    // Planning asks a copy: the model is untouched.
    expect(s.system.pool('main_udmap.tx_chan')!.used).toBe(0);
    given(s, 'request-channel main_udmap tx 50', 'request-channel main_udmap rx 1');
    // 51 GP rings used: rx has 63 channels left but only 49 rings to complete on.
    expect(descriptions('request-channel')).toEqual([
      'UDMA-P: 0 tx and 49 rx channels free to request (rx: ringacc.gp_ring runs out first)',
      'transmit: 0 channels free to request',
      'receive: 49 channels free to request (ringacc.gp_ring runs out first)',
    ]);
    given(s, 'release-channel all');
    expect(descriptions('request-channel main_udmap')).toEqual(['transmit: 50 channels free to request', 'receive: 64 channels free to request']);
    // One left: the noun agrees with it.
    given(s, 'request-channel main_udmap tx 49');
    expect(descriptions('request-channel')).toEqual([
      'UDMA-P: 1 tx and 51 rx channels free to request (rx: ringacc.gp_ring runs out first)',
      'transmit: 1 channel free to request',
      'receive: 51 channels free to request (ringacc.gp_ring runs out first)',
    ]);
    given(s, 'release-channel all');
    // rfc-v4: one INTR output per event, 63 left beside cpts's; probe-all: the DMA never binds.
    const rfc = session(designNamed('rfc-v4')!.settings);
    expect(plan(rfc, 'request-channel main_udmap').flatMap((q) => (q.type === 'select' ? q.choices.map((c) => c.description) : []))).toEqual([
      'transmit: 50 channels free to request',
      'receive: 63 channels free to request (intr_main_navss.out runs out first)',
    ]);
    const probeAll = session(designNamed('probe-all')!.settings);
    expect(plan(probeAll, 'request-channel').flatMap((q) => (q.type === 'select' ? q.choices.map((c) => c.description) : []))[0]).toBe(
      'UDMA-P: 0 tx and 0 rx channels free to request (EPROBE_DEFER: main_udmap: driver not bound)',
    );
  });

  test('the count a request-channel menu offers is what request-channel grants, in every design and after churn', () => {
    const offered = (s: Session, dir: 'tx' | 'rx'): number => {
      const q = plan(s, 'request-channel main_udmap').find((x) => x.type === 'select');
      const d = q?.type === 'select' ? q.choices.find((c) => c.value === dir)!.description! : '';
      return Number(/: (\d+) channels? free to request/.exec(d)![1]);
    };
    for (const design of DESIGNS) {
      for (const dir of ['tx', 'rx'] as const) {
        const s = given(session(design.settings), ...(design.name === 'probe-all' ? [] : ['request-channel main_udmap tx 3 tr', 'alloc-irq ringacc any', 'release-channel main_udmap:tx9']));
        const n = offered(s, dir);
        let granted = 0;
        while (runWords(s, ['request-channel', 'main_udmap', dir]).ok) granted++;
        expect({ design: design.name, dir, offered: n }).toEqual({ design: design.name, dir, offered: granted });
      }
    }
  });

  test('a typed word a menu does not hold is left for the command to refuse', () => {
    const s = session();
    expect(plan(s, 'request-channel nodma')).toEqual([]);
    expect(plan(s, 'expect-pool nopool')).toEqual([]);
    expect(plan(s, 'request-channel main_udmap tx 2 bogus')).toEqual([]);
  });

  test('too many words: nothing to ask', () => {
    expect(plan(session(), 'pools extra')).toEqual([]);
  });

  test('release-channel: the requested channels and all; when none is requested, says so at once', () => {
    const s = session();
    expect(plan(s, 'release-channel')).toEqual([{ type: 'none', message: 'nothing to release: no channel is requested (request-channel takes one)' }]);
    given(s, 'request-channel main_udmap tx 2');
    const qs = plan(s, 'release-channel');
    expect(shape(qs)).toEqual(['select:channel']);
    // Channels are named by channel id: the first normal tx channel of the share is 8.
    expect(values(qs[0])).toEqual(['main_udmap:tx8', 'main_udmap:tx9', 'all']);
  });

  test('free-irq: only virqs alloc-irq took, with their names', () => {
    const s = session();
    expect(plan(s, 'free-irq')).toEqual([{ type: 'none', message: "nothing to free: no irq was requested with alloc-irq (a channel's irqs go with release-channel)" }]);
    given(s, 'request-channel main_udmap tx');
    expect(shape(plan(s, 'free-irq'))).toEqual(['none']);
    given(s, 'alloc-irq ringacc any');
    const qs = plan(s, 'free-irq');
    // tx8 took GP ring 304, so alloc-irq any requested ring 305, whose MSI ringacc allocated at
    // probe: virq 71 of the ring MSIs' 70-169, not a new one.
    expect(values(qs[0])).toEqual(['71']);
    expect(qs[0].type === 'select' && qs[0].choices[0]).toEqual({ value: '71', name: '71  ringacc 305', short: '71  ringacc 305', description: 'requested by alloc-irq' });
  });

  test('alloc-irq: the MSI device from a menu, the index typed with any as default', () => {
    const qs = plan(session(), 'alloc-irq');
    expect(shape(qs)).toEqual(['select:msi-device', 'input:index']);
    expect(qs[1].type === 'input' && qs[1].default).toBe('any');
    const validate = qs[1].type === 'input' ? qs[1].validate! : () => true;
    expect(validate('any')).toBe(true);
    expect(validate('305')).toBe(true);
    expect(validate('x')).toMatch(/number or any/);
  });

  test('set-affinity: a virq it can move from a menu, then a CPU list checked as typed', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    const qs = plan(s, 'set-affinity');
    expect(shape(qs)).toEqual(['select:steerable-virq', 'input:cpus']);
    // Only the requested direct INTR client (cpts): not tx8's INTA event (virq 70), which follows
    // its VINT, nor the chained lines (the VINT's parent 290, main_gpio0's banks), which /proc/irq
    // does not show.
    expect(values(qs[0])).toEqual(['289']);
    expect(qs[0].type === 'select' && qs[0].choices[0]).toEqual({ value: '289', name: '289  cpts 0', short: '289  cpts 0', description: 'direct, owner cpts' });
    // An INTA event or a chained parent typed: refused at once, before any CPU list is asked for.
    expect(plan(s, 'set-affinity 70')).toEqual([
      { type: 'none', message: "virq 70 is an INTA event: it follows its VINT's chained parent virq 290, which cannot be moved from user space either (ti_sci_inta_set_affinity is -EINVAL)" },
    ]);
    expect(plan(s, 'set-affinity 290')).toEqual([
      { type: 'none', message: "virq 290 is a VINT's chained parent: /proc/irq has no entry for it, so its affinity cannot be set" },
    ]);
    expect(plan(s, 'set-affinity 64')).toEqual([
      { type: 'none', message: "virq 64 is chained by main_gpio0's driver (gpio_irq_handler): /proc/irq has no entry for it, so its affinity cannot be set" },
    ]);
    expect(shape(plan(s, 'set-affinity 289'))).toEqual(['input:cpus']);
    const validate = qs[1].type === 'input' ? qs[1].validate! : () => true;
    expect(validate('0-1')).toBe(true);
    expect(validate('99')).toMatch(/CPU 99/);
    // as the command says it, however large the number
    expect(validate('99999999999')).toBe('CPU 99999999999 does not exist (CPUs 0-3)');
    expect(validate('zero')).toMatch(/CPU list/);
  });

  test('mask-irq and unmask-irq: the virqs with an action to mask, not MSIs nobody requested', () => {
    const s = session();
    const direct = ['64', '65', '66', '67', '68', '69', '289'];
    expect(values(plan(s, 'mask-irq')[0])).toEqual(direct);
    given(s, 'request-channel main_udmap tx');
    // tx8's ring MSI (70) and the parent of the VINT it opened (290); ring 305's MSI (71) is not requested.
    expect(values(plan(s, 'mask-irq')[0])).toEqual([...direct.slice(0, 6), '70', '289', '290']);
    expect(values(plan(s, 'unmask-irq')[0])).toEqual([...direct.slice(0, 6), '70', '289', '290']);
  });

  test('virq menus right-align the numbers across the menu, so a filtered view stays a column', () => {
    const s = given(session(), 'request-channel main_udmap tx');
    const names = (q: Question | undefined, term?: string): string[] => (q?.type === 'select' ? filterChoices(q.choices, term).map((c) => c.name ?? c.value) : []);
    expect(names(plan(s, 'mask-irq')[0])).toEqual([
      ' 64  main_gpio0 0',
      ' 65  main_gpio0 1',
      ' 66  main_gpio0 2',
      ' 67  main_gpio0 3',
      ' 68  main_gpio0 4',
      ' 69  main_gpio0 5',
      ' 70  ringacc 304',
      '289  cpts 0',
      '290  inta_main_udmass VINT 16',
    ]);
    // irq: typing 20 puts 200 (a value starting with it) above 86 (whose description holds it):
    // each number still ends in the column every other one does.
    const irq = plan(s, 'irq')[0];
    const found = irq.type === 'select' ? filterChoices(irq.choices, '20').filter((c) => /^\d+$/.test(c.value)) : [];
    expect(found.map((c) => c.name).slice(0, 2)).toEqual(['200  main_udmap 41', '201  main_udmap 42']);
    expect(found.map((c) => c.name)).toContain(' 86  ringacc 320');
    expect(new Set(found.map((c) => c.name!.indexOf(`${c.value}  `) + c.value.length))).toEqual(new Set([3]));
    // Once chosen, the prompt's line shows the entry without the padding.
    expect(found.find((c) => c.value === '86')).toMatchObject({ name: ' 86  ringacc 320', short: '86  ringacc 320' });
  });

  test('fire-ring: the rings whose MSI has hardware; typed when none has', () => {
    const s = session();
    // Under merged ringacc allocated an MSI for each of its 100 GP rings at probe, but no hardware.
    expect(s.system.msi.all().filter((r) => r.device.id === 'ringacc')).toHaveLength(100);
    expect(shape(plan(s, 'fire-ring'))).toEqual(['input:ring']);
    given(s, 'request-channel main_udmap rx');
    expect(values(plan(s, 'fire-ring')[0])).toEqual(['main_udmap:rx8']);
  });

  test('fire-ring with no live ring says what is true in every design: nothing is requested, an event is dropped', () => {
    const message = (q: Question | undefined) => (q?.type === 'input' ? q.message : undefined);
    const asked: Record<string, string | undefined> = {};
    for (const d of DESIGNS) {
      const s = session(d.settings);
      asked[d.name] = message(plan(s, 'fire-ring')[0]);
      // What the words promise: any ring still fires, and the INTA drops its event.
      const r = runWords(s, ['fire-ring', '304']);
      expect(r.ok && r.output.kind === 'fire' && r.output.trace.outcome).toBe('unmapped');
    }
    const none = 'ring (none is requested yet, so its event is dropped: request-channel first)';
    expect(asked).toEqual({
      merged: none,
      'rfc-v4': none,
      // Its ringacc probe overruns the INTR, so no channel can be requested either.
      'probe-all': 'ring (ringacc is not bound, so none can be requested: its event is dropped)',
      dynamic: none,
    });
    expect(runWords(session(designNamed('probe-all')!.settings), ['request-channel', 'main_udmap', 'tx']).ok).toBe(false);
    for (const m of Object.values(asked)) expect(`? ${m}`.length).toBeLessThanOrEqual(80);
  });

  test('expect-error and expect-pool: codes and pools from menus, the rest typed as words', () => {
    const s = session();
    const e = plan(s, 'expect-error');
    expect(shape(e)).toEqual(['select:code', 'command:command']);
    expect(values(e[0])).toContain('ENOSPC');
    expect(shape(plan(s, 'expect-error ENOSPC'))).toEqual(['command:command']);
    // A command typed after the code runs as typed, as in a script: its arity error is what is checked.
    expect(plan(s, 'expect-error ENOSPC request-channel')).toEqual([]);
    expect(plan(s, 'expect-error EUSAGE request-channel main_udmap')).toEqual([]);
    expect(plan(s, 'expect-error EXPECT expect-error EUSAGE')).toEqual([]);
    expect(plan(s, 'expect-error EINVAL set-affinity 70')).toEqual([]);
    expect(plan(s, 'expect-error EINVAL policy dedicated')).toEqual([]);
    const p = plan(s, 'expect-pool');
    expect(shape(p)).toEqual(['select:pool', 'input:expectation']);
    const validate = p[1].type === 'input' ? p[1].validate! : () => true;
    expect(validate('used=3 free=5')).toBe(true);
    expect(validate('used')).toMatch(/used=<n>/);
    expect(validate('used="3')).toMatch(/unterminated/);
  });

  test('source: a file name typed', () => {
    expect(shape(plan(session(), 'source'))).toEqual(['input:file']);
  });
});

describe('menus of numbers are searched, not picked by position', () => {
  const virqs: Choice[] = [64, 65, 100, 200, 2000].map((v) => ({ value: `${v}`, name: `${v}  irq ${v}`, description: v === 65 ? 'owner 200' : 'other' }));

  test('a typed number finds that value first, then values starting with it, then names and descriptions', () => {
    expect(filterChoices(virqs, '200').map((c) => c.value)).toEqual(['200', '2000', '65']);
    expect(filterChoices(virqs, ' 64 ').map((c) => c.value)).toEqual(['64']);
    expect(filterChoices(virqs, '').map((c) => c.value)).toEqual(['64', '65', '100', '200', '2000']);
    expect(filterChoices(virqs, undefined)).toHaveLength(5);
    expect(filterChoices(virqs, 'nothing')).toEqual([]);
    expect(filterChoices([{ value: 'main_udmap:tx1', name: 'main_udmap:tx1' }, { value: 'main_udmap:rx1' }], 'RX').map((c) => c.value)).toEqual(['main_udmap:rx1']);
  });

  test('search when a value holds a number or the list is long; a short list of words is a select', () => {
    expect(wantsSearch([{ value: 'tx' }, { value: 'rx' }])).toBe(false);
    expect(wantsSearch([{ value: '64' }])).toBe(true);
    expect(wantsSearch([{ value: 'main_udmap:tx0' }])).toBe(true);
    expect(wantsSearch(Array.from({ length: MENU_PAGE + 1 }, (_, i) => ({ value: 'abcdefghijklmnopqrstuvwxyz'[i] })))).toBe(true);
  });

  test('the virq, channel and ring menus are searches; direction, DMA and code menus are selects', () => {
    const s = given(session(), 'request-channel main_udmap tx 2');
    const search = (line: string) => plan(s, line).map((q) => q.type === 'select' && q.search);
    expect(search('mask-irq')).toEqual([true]);
    expect(search('release-channel')).toEqual([true]);
    expect(search('fire-ring')).toEqual([true]);
    expect(search('request-channel')).toEqual([false, false]);
    expect(search('expect-error')[0]).toBe(false);
  });

  test('askPrompts sends a search menu to the search prompt', async () => {
    const s = given(session(), 'request-channel main_udmap tx 2');
    const fake = new FakePrompter(['main_udmap:tx9']);
    expect(await askPrompts(plan(s, 'release-channel'), ['release-channel'], fake)).toEqual(['release-channel', 'main_udmap:tx9']);
    expect(fake.asked.map((a) => a.type)).toEqual(['search']);
  });
});

describe('planPrompts: re-boots ask first', () => {
  test('changing policy on a fresh boot: yes by default, nothing to lose', () => {
    const qs = plan(session(), 'policy dedicated');
    expect(qs).toEqual([{ type: 'confirm', message: 're-boot with policy dedicated (nothing to lose)?', default: true }]);
  });

  test('with work to lose: says what, and no by default', () => {
    const s = given(session(), 'request-channel main_udmap tx 2', 'alloc-irq ringacc any', 'fire-ring main_udmap:tx8 5');
    // Counts on 1 virq: the ring's; a chained VINT parent's count is never incremented.
    const lost = '(discards 2 channels, 1 alloc-irq MSI, counts on 1 virq)?';
    expect(plan(s, 'mode demand')).toEqual([{ type: 'confirm', message: `re-boot with mode demand ${lost}`, default: false }]);
    expect(plan(s, 'design rfc-v4')).toEqual([{ type: 'confirm', message: `re-boot with design rfc-v4 ${lost}`, default: false }]);
  });

  test('every column and the design ask the same way', () => {
    const s = session();
    const asks = (line: string) => {
      const [q] = plan(s, line);
      return q.type === 'confirm' && q.message;
    };
    expect(asks('hardware alloc')).toBe('re-boot with hardware alloc (nothing to lose)?');
    expect(asks('lock list')).toBe('re-boot with lock list (nothing to lose)?');
    expect(asks('failure upstream')).toBe('re-boot with failure upstream (nothing to lose)?');
    expect(asks('design probe-all')).toBe('re-boot with design probe-all (nothing to lose)?');
  });

  test('masks and affinities count as work too', () => {
    const s = given(session(), 'mask-irq 64', 'set-affinity 289 1');
    expect(rebootLosses(s)).toEqual({ losses: ['1 masked virq', '1 affinity setting'], peaks: false });
  });

  test('only pool peaks differ: yes by default, and says so', () => {
    const s = given(session(), 'request-channel main_udmap tx', 'release-channel all');
    expect(rebootLosses(s)).toEqual({ losses: [], peaks: true });
    expect(plan(s, 'reset')).toEqual([{ type: 'confirm', message: 're-boot with design merged (resets only pool peaks)?', default: true }]);
  });

  test('reset with settings no design stands for: the design named as the prompt and the re-boot line name it', () => {
    const s = given(session(), 'policy dedicated');
    const [q] = plan(s, 'reset');
    expect(q.type === 'confirm' && q.message).toBe('re-boot with design merged+dedicated (nothing to lose)?');
    const t = given(session(), 'lock none', 'request-channel main_udmap tx');
    const [r] = plan(t, 'reset');
    expect(r.type === 'confirm' && r.message).toBe('re-boot with design merged+lock none (discards 1 channel)?');
    // The re-boot, once confirmed, says the same name.
    const done = runWords(t, ['reset']);
    expect(done.ok ? renderText(PLAIN, done.output) : done.error.message).toMatch(/^re-booted with design merged\+lock none \(policy coalesced, /);
  });

  test('the value in force re-boots nothing, so nothing is asked, even with work that a re-boot would lose', () => {
    const s = given(session(), 'request-channel main_udmap tx 2');
    for (const line of ['policy coalesced', 'mode probe', 'hardware request', 'lock inta', 'failure unwind', 'design merged']) expect(plan(s, line)).toEqual([]);
    // settings set by hand that a design stands for: naming that design changes nothing either
    const custom = given(session(), 'policy dedicated', 'mode demand', 'hardware alloc', 'lock none');
    expect(plan(custom, 'design rfc-v4')).toEqual([]);
    expect(plan(custom, 'design merged')).toHaveLength(1);
  });

  test('an unknown value is left for the command to refuse', () => {
    expect(plan(session(), 'policy bogus')).toEqual([]);
    for (const verb of ['mode', 'hardware', 'lock', 'failure', 'design']) expect(plan(session(), `${verb} bogus`)).toEqual([]);
  });
});

describe('askPrompts', () => {
  test('answers complete the words in order', async () => {
    const s = session();
    const fake = new FakePrompter(['main_udmap', 'rx']);
    const words = await askPrompts(plan(s, 'request-channel'), ['request-channel'], fake);
    expect(words).toEqual(['request-channel', 'main_udmap', 'rx']);
    expect(fake.asked.map((a) => a.type)).toEqual(['select', 'select']);
    const r = runWords(s, words!);
    expect(r.ok && r.output.kind === 'channels' && r.output.channels[0].name).toBe('main_udmap:rx8');
  });

  test("expect-error's command: a verb from a menu, then its own questions; nothing-to-choose may be typed", async () => {
    const s = session();
    const fake = new FakePrompter(['release-channel', ' main_udmap:tx8 ']);
    const words = await askPrompts(plan(s, 'expect-error ENOENT'), ['expect-error', 'ENOENT'], fake);
    expect(words).toEqual(['expect-error', 'ENOENT', 'release-channel', 'main_udmap:tx8']);
    expect(fake.asked.map((a) => a.type)).toEqual(['search', 'input']);
    expect(fake.asked[1].message).toMatch(/^nothing to release: .*; type it anyway$/);
    expect(runWords(s, words!).ok).toBe(true);
    const pools = await askPrompts(plan(s, 'expect-error ENOENT'), ['expect-error', 'ENOENT'], new FakePrompter(['pools']));
    expect(pools).toEqual(['expect-error', 'ENOENT', 'pools']);
  });

  test("expect-error's command may be typed whole at its menu of verbs, optional arguments and all: it runs as typed", async () => {
    const s = session();
    // help expect-error's example: its count (51) is an optional argument, which no question asks for.
    const fake = new FakePrompter(['request-channel main_udmap tx 51']);
    const words = await askPrompts(plan(s, 'expect-error ENOENT'), ['expect-error', 'ENOENT'], fake);
    expect(words).toEqual(['expect-error', 'ENOENT', 'request-channel', 'main_udmap', 'tx', '51']);
    expect(fake.asked.map((a) => a.type)).toEqual(['search']);
    expect(runWords(s, words!).ok).toBe(true);
    // More than one word is a command line, quotes as in a script; an open quote is refused with its reason; one word filters.
    expect(typedCommand('request-channel main_udmap tx 51')).toBe(true);
    expect(typedCommand("  source 'my file.msi' ")).toBe(true);
    expect(typedCommand("source 'my file")).toMatch(/quote/);
    expect(typedCommand('request-channel')).toBeUndefined();
    expect(typedCommand(' request-channel ')).toBeUndefined();
    expect(typedCommand("'two words'")).toBeUndefined();
  });

  test('alloc-irq: an index the device menu did not offer is asked for again, with the reason; the model is untouched', async () => {
    const s = given(session(), 'request-channel main_udmap tx');
    const pools = JSON.stringify(s.system.poolStats());
    const qs = plan(s, 'alloc-irq');
    expect(qs[0].type === 'select' && qs[0].choices[0].description).toBe('ring accelerator: 99 of 100 GP rings free (share 304-403)');
    // Typed one after the other, as a person does after each refusal.
    const typed = ['39', '304', '404', '0x131'];
    const refused: string[] = [];
    const retrying: Prompter = {
      select: async () => 'ringacc',
      search: async () => 'ringacc',
      confirm: async () => true,
      input: async (q) => {
        for (const a of typed) {
          const ok = q.validate ? q.validate(a) : true;
          if (ok === true) return a;
          refused.push(ok);
        }
        throw new Error('every answer refused');
      },
    };
    expect(await askPrompts(qs, ['alloc-irq'], retrying)).toEqual(['alloc-irq', 'ringacc', '0x131']);
    expect(refused).toEqual([
      "ringacc 39 is not in this host's share (304-403)",
      'ringacc 304 is the completion ring of main_udmap:tx8; release the channel instead',
      "ringacc 404 is not in this host's share (304-403)",
    ]);
    // Trying the answers ran nothing on the live model, not even a pool peak.
    expect(JSON.stringify(s.system.poolStats())).toBe(pools);
    expect(runWords(s, ['alloc-irq', 'ringacc', '0x131']).ok).toBe(true);
    // The command expect-error checks may be meant to fail: its index is taken as typed.
    const expected = await askPrompts(plan(s, 'expect-error EINVAL'), ['expect-error', 'EINVAL'], new FakePrompter(['alloc-irq', 'ringacc', '39']));
    expect(expected).toEqual(['expect-error', 'EINVAL', 'alloc-irq', 'ringacc', '39']);
    expect(runWords(s, expected!).ok).toBe(true);
  });

  test('a typed single argument is trimmed but kept whole', async () => {
    const s = session();
    const words = await askPrompts(plan(s, 'source'), ['source'], new FakePrompter([' my script.msi ']));
    expect(words).toEqual(['source', 'my script.msi']);
  });

  test('Ctrl-C in any prompt cancels the whole command', async () => {
    const s = session();
    expect(await askPrompts(plan(s, 'request-channel'), ['request-channel'], new FakePrompter(['main_udmap', exitPrompt()]))).toBeUndefined();
    expect(s.system.channels()).toEqual([]);
  });

  test('no to a re-boot cancels it; yes runs it', async () => {
    const s = given(session(), 'request-channel main_udmap tx');
    const qs = plan(s, 'policy dedicated');
    expect(await askPrompts(qs, ['policy', 'dedicated'], new FakePrompter([false]))).toBeUndefined();
    expect(await askPrompts(qs, ['policy', 'dedicated'], new FakePrompter([true]))).toEqual(['policy', 'dedicated']);
  });

  test('other errors are not swallowed', async () => {
    const s = session();
    await expect(askPrompts(plan(s, 'request-channel'), ['request-channel'], new FakePrompter([new Error('boom')]))).rejects.toThrow('boom');
  });

  test('isCancel knows the @inquirer cancellations by name', () => {
    expect(isCancel(exitPrompt())).toBe(true);
    expect(isCancel(Object.assign(new Error('x'), { name: 'AbortPromptError' }))).toBe(true);
    expect(isCancel(Object.assign(new Error('x'), { name: 'CancelPromptError' }))).toBe(true);
    expect(isCancel(new Error('x'))).toBe(false);
    expect(isCancel('ExitPromptError')).toBe(false);
  });
});

/** A terminal's input as typedAheadGuard sees it: keys written to it wait until it is read. */
const fakeTerminal = () => Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode(raw: boolean) { this.isRaw = raw; return this; } });

describe('typedAheadGuard: keys typed before a prompt is drawn', () => {
  const guarded = (earlier?: string) => {
    const input = fakeTerminal();
    const said: string[] = [];
    const guard = typedAheadGuard(input as unknown as NodeJS.ReadStream, (line) => said.push(line), earlier);
    return { input, said, guard };
  };

  test('dropped before every prompt of a command, said once; left raw for the prompt', async () => {
    const { input, said, guard } = guarded();
    await guard();
    expect(said).toEqual([]);
    input.write('\r\r');
    await guard();
    expect(said).toEqual([TYPED_AHEAD_DROPPED]);
    // Keys waiting before a later prompt go too, without saying so again.
    input.write('tx\r');
    await guard();
    expect(said).toEqual([TYPED_AHEAD_DROPPED]);
    expect(input.read()).toBeNull();
    expect(input.isRaw).toBe(true);
    expect(TYPED_AHEAD_DROPPED).toBe('keys typed before this question were dropped');
  });

  test("what the REPL read past the command line (a pasted block's lines) counts as typed ahead, before the first prompt only", async () => {
    const { said, guard } = guarded('\n');
    await guard();
    expect(said).toEqual([TYPED_AHEAD_DROPPED]);
    const quiet = guarded('');
    await quiet.guard();
    expect(quiet.said).toEqual([]);
  });

  test('Ctrl-C among them cancels, as in a prompt, and says nothing', async () => {
    const { input, said, guard } = guarded();
    input.write('y\x03');
    const e = await guard().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isCancel(e)).toBe(true);
    expect(said).toEqual([]);
  });
});

describe('confirmAnswer: what a re-boot question takes', () => {
  test('y, yes, n and no in any case, spaces around them ignored; Enter alone is the default', () => {
    for (const yes of ['y', 'Y', 'yes', 'YES', 'Yes', ' y ']) expect(confirmAnswer(yes, false)).toBe(true);
    for (const no of ['n', 'N', 'no', 'NO', 'No', ' no']) expect(confirmAnswer(no, true)).toBe(false);
    expect(confirmAnswer('', true)).toBe(true);
    expect(confirmAnswer('  ', false)).toBe(false);
  });

  test('anything else is no answer, whatever the default: a command typed ahead, a word that starts with y or n', () => {
    for (const other of ['pools', 'yellow', 'nope', 'yes please', 'y n', 'ja', '1']) {
      expect(confirmAnswer(other, true)).toBeUndefined();
      expect(confirmAnswer(other, false)).toBeUndefined();
    }
  });

  test('the hint a refused answer shows names the default', () => {
    expect(confirmHint(true)).toBe('answer y or n (Enter alone: yes)');
    expect(confirmHint(false)).toBe('answer y or n (Enter alone: no)');
  });
});

describe('themeFor', () => {
  test('colour: inquirer keeps its own look', () => {
    expect(themeFor(makeStyle(1, 80, true, Chalk))).toBeUndefined();
  });

  test('no colour and no Unicode: plain ASCII marks, styles that add nothing', () => {
    const theme = themeFor(PLAIN)!;
    expect(theme.prefix).toEqual({ idle: '?', done: '*' });
    expect(theme.icon).toEqual({ cursor: '>' });
    expect(theme.style.highlight('tx')).toBe('tx');
    expect('keysHelpTip' in theme.style && theme.style.keysHelpTip()).toMatch(/^[\x20-\x7e]+$/);
  });

  test('no colour but Unicode: only the colours go', () => {
    const theme = themeFor(makeStyle(0, 80, true))!;
    expect(theme).not.toHaveProperty('prefix');
    expect(theme.style.message('m')).toBe('m');
  });

  test("a menu's keys line names Esc, the REPL's cancel, in every look", () => {
    const keys: [string, string][] = [['\u2191\u2193', 'navigate'], ['\u23ce', 'select']];
    expect(menuThemeFor(makeStyle(0, 80, true)).style.keysHelpTip(keys)).toBe('\u2191\u2193 navigate \u2022 \u23ce select \u2022 esc cancel');
    const c = new Chalk({ level: 1 });
    expect(menuThemeFor(makeStyle(1, 80, true, Chalk)).style.keysHelpTip(keys)).toBe(
      `${c.bold('\u2191\u2193')} ${c.dim('navigate')}${c.dim(' \u2022 ')}${c.bold('\u23ce')} ${c.dim('select')}${c.dim(' \u2022 ')}${c.bold('esc')} ${c.dim('cancel')}`,
    );
    expect(menuThemeFor(PLAIN).style.keysHelpTip(keys)).toBe('up/down: move, enter: choose, esc: cancel');
    // The rest of the look is themeFor's.
    expect(menuThemeFor(PLAIN)).toMatchObject({ prefix: { idle: '?', done: '*' } });
  });
});

describe('the search menu (search-prompt.ts): Enter takes the list for the text on the line', () => {
  /** release-channel's menu with tx8, tx9 and tx10 requested: values, names and descriptions as the REPL has them. */
  const channels = (): Choice[] => {
    const q = plan(given(session(), 'request-channel main_udmap tx 3'), 'release-channel')[0];
    return q?.type === 'select' ? q.choices : [];
  };
  const filterOf = (choices: Choice[]) => (term: string) => filterChoices(choices, term);

  test('the menu for a text, the cursor moved, the entry chosen', () => {
    const filter = filterOf(channels());
    const all = menuFor(filter, '');
    expect(all.results.map((c) => c.value)).toEqual(['main_udmap:tx8', 'main_udmap:tx9', 'main_udmap:tx10', 'all']);
    expect(chosen(all)?.value).toBe('main_udmap:tx8');
    // Down stops at the last entry, up at the first.
    const last = moved(moved(moved(moved(all, 1), 1), 1), 1);
    expect(chosen(last)?.value).toBe('all');
    expect(moved(all, -1)).toBe(all);
    // A new text: its list, the cursor on its first entry; the same text keeps the cursor.
    expect(retyped(last, filter, '')).toBe(last);
    const zero = retyped(last, filter, '0');
    expect(zero.results.map((c) => c.value)).toEqual(['main_udmap:tx10', 'main_udmap:tx8', 'main_udmap:tx9']);
    expect(chosen(zero)?.value).toBe('main_udmap:tx10');
    // Nothing found: nothing to choose, whichever way the cursor goes.
    const none = retyped(zero, filter, 'zz');
    expect(none.results).toEqual([]);
    expect(chosen(moved(none, 1))).toBeUndefined();
  });

  /**
   * The menu on a fake terminal, each of `reads` arriving in one read (as a quick typist's keys
   * or a paste do); its answer, or undefined if none came, and what it drew last (escape
   * sequences taken out).
   */
  const drive = async (reads: string[], style = PLAIN, asTyped?: (term: string) => true | string | undefined): Promise<{ answer?: string; screen: string }> => {
    const input = fakeTerminal();
    // One write a drawing; the last is the cursor put below the menu as it ends.
    const frames: string[] = [];
    const output = new Writable({
      write(chunk, _encoding, next) {
        frames.push(String(chunk));
        next();
      },
    });
    const controller = new AbortController();
    const choices = channels();
    const asked = searchPrompt(
      { message: 'channel to release (type to filter)', filter: filterOf(choices), asTyped, pageSize: MENU_PAGE, theme: searchThemeFor(style) },
      { input, output, signal: controller.signal },
    );
    let answer: string | undefined;
    const settled = asked.then(
      (a) => {
        answer = a;
      },
      (e: unknown) => {
        if (!isCancel(e)) throw e;
      },
    );
    for (const keys of reads) {
      input.write(keys);
      await new Promise((r) => setImmediate(r));
    }
    // done() answers on the next turn; a menu still open after that is left with nothing chosen.
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await settled;
    // eslint-disable-next-line no-control-regex
    const drawn = frames.map((f) => f.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')).filter((f) => f.trim() !== '');
    return { answer, screen: drawn[drawn.length - 1] };
  };

  test('a filter and its Enter in one read: the entry the filter found, not the top of the list before it', async () => {
    expect((await drive(['tx10\r'])).answer).toBe('main_udmap:tx10');
    expect((await drive(['al\r'])).answer).toBe('all');
    // Typed a key at a time, the same.
    expect((await drive(['t', 'x', '1', '0', '\r'])).answer).toBe('main_udmap:tx10');
  });

  test('keys after a filter in the same read act on its list: Down, Tab, Backspace', async () => {
    // '0' finds tx10 (by name), then tx8 and tx9 (ring 304, ring 305): Down is tx8.
    expect((await drive(['0\x1b[B\r'])).answer).toBe('main_udmap:tx8');
    // Tab puts the highlighted entry's name on the line.
    const tab = await drive(['x1\t']);
    expect(tab.answer).toBeUndefined();
    expect(tab.screen).toMatch(/^\? channel to release \(type to filter\) main_udmap:tx10\n> main_udmap:tx10\n/);
    expect((await drive(['x1\t\r'])).answer).toBe('main_udmap:tx10');
    // Backspace: the list for what is left.
    expect((await drive(['tx10\x7f\x7f\x7f\x7f0\x1b[B\r'])).answer).toBe('main_udmap:tx8');
  });

  test('a menu that takes a text as typed (asTyped): Enter takes the line; one it refuses says why and takes nothing; Tab keeps it', async () => {
    expect((await drive(['tx8 now\r'], PLAIN, typedCommand)).answer).toBe('tx8 now');
    // A single word still picks from the list.
    expect((await drive(['tx10\r'], PLAIN, typedCommand)).answer).toBe('main_udmap:tx10');
    const open = await drive(["tx8 'now\r"], PLAIN, typedCommand);
    expect(open.answer).toBeUndefined();
    expect(open.screen).toMatch(/^\? channel to release \(type to filter\) tx8 'now\n> .*quote/);
    // Refused, it says why alone: no entry's description under it, as if Enter would take one.
    expect(open.screen).not.toContain('ring 304');
    expect((await drive(['tx8'], PLAIN, typedCommand)).screen).toContain('ring 304');
    // A word that is no entry is taken as typed (expect-error EUSAGE of an unknown verb), and said so first.
    expect((await drive(['zz'], PLAIN, typedCommand)).screen).toMatch(/^\? channel to release \(type to filter\) zz\n> nothing matches: Enter takes it as typed\n/);
    expect((await drive(['zz\r'], PLAIN, typedCommand)).answer).toBe('zz');
    const tab = await drive(['tx8 now\t'], PLAIN, typedCommand);
    expect(tab.answer).toBeUndefined();
    expect(tab.screen).toMatch(/^\? channel to release \(type to filter\) tx8 now\n/);
  });

  test('nothing found: Enter takes nothing and the line keeps the text; the menu goes on from there', async () => {
    const none = await drive(['zz\r']);
    expect(none.answer).toBeUndefined();
    expect(none.screen).toBe('? channel to release (type to filter) zz\n> No results found\n\nup/down: move, tab: complete, enter: choose, esc: cancel');
    // Backspace after it takes one letter off the text: it is back on the line.
    expect((await drive(['zz\r', '\x7f'])).screen).toMatch(/^\? channel to release \(type to filter\) z\n> No results found\n/);
    expect((await drive(['zz\r', '\x7f\x7ftx9\r'])).answer).toBe('main_udmap:tx9');
  });

  test('drawn as @inquirer/search drew it: the list, the entry\'s description, the keys', async () => {
    const { screen } = await drive([]);
    expect(screen).toBe(
      [
        '? channel to release (type to filter)',
        '> main_udmap:tx8',
        '  main_udmap:tx9',
        '  main_udmap:tx10',
        '  all',
        '',
        'ring 304, virq 70',
        'up/down: move, tab: complete, enter: choose, esc: cancel',
      ].join('\n'),
    );
    // Colour: the text typed and the description cyan, keys bold and what they do dim.
    const c = new Chalk({ level: 1 });
    const look = searchThemeFor(makeStyle(1, 80, true, Chalk));
    expect(look.icon.cursor).toBe('\u276f');
    expect(look.style.searchTerm('tx')).toBe(c.cyan('tx'));
    expect(look.style.description('ring 304')).toBe(c.cyan('ring 304'));
    expect(look.style.keysHelpTip([['\u2191\u2193', 'navigate'], ['\u23ce', 'select']])).toBe(`${c.bold('\u2191\u2193')} ${c.dim('navigate')}${c.dim(' \u2022 ')}${c.bold('\u23ce')} ${c.dim('select')}`);
  });

  test('the keys line says every key the menu honours (Tab, Esc too), in each look, within 80 columns', async () => {
    const keys = async (style: Parameters<typeof searchThemeFor>[0]) => (await drive([], style)).screen.split('\n').at(-1)!;
    // Unicode without colour (NO_COLOR on a UTF-8 terminal), and with colour, whose SGR drive() strips.
    const unicode = '\u2191\u2193 navigate \u2022 \u23ce select \u2022 tab complete \u2022 esc cancel';
    expect(await keys(makeStyle(0, 80, true))).toBe(unicode);
    expect(await keys(makeStyle(1, 80, true, Chalk))).toBe(unicode);
    // No Unicode (TERM=linux, a C locale): the keys spelled out.
    const ascii = await keys(PLAIN);
    expect(ascii).toBe('up/down: move, tab: complete, enter: choose, esc: cancel');
    for (const line of [unicode, ascii]) expect(line.length).toBeLessThanOrEqual(80);
    // Each key does what the line says: Tab completes (above), Esc is the REPL's cancel (repl.test.ts).
  });
});
