import { DEFAULT_SETTINGS } from '../../src/core/designs.js';
import { describe, expect, test } from '@jest/globals';
import { complete } from '../../src/cli/completion.js';
import { planPrompts } from '../../src/cli/prompts.js';
import { Session } from '../../src/commands/session.js';
import { am65x } from '../../src/core/topologies/am65x.js';

const session = () => new Session(am65x, DEFAULT_SETTINGS);
const candidates = (line: string, files: string[] = []): string[] => complete(session(), line, { files: () => files })[0];

describe('completion of compare and capacity', () => {
  test('compare: its options, then .msi files; after --designs the designs, a comma list one name at a time', () => {
    expect(candidates('comp')).toEqual(['compare']);
    expect(candidates('compare ', ['a.msi', 'lib/', 'notes.txt'])).toEqual(['--designs', '--pool', 'a.msi', 'lib/']);
    expect(candidates('compare --designs ')).toEqual(['all', 'merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(candidates('compare --designs merged,')).toEqual(['merged,rfc-v4', 'merged,probe-all', 'merged,dynamic']);
    expect(candidates('compare --designs merged,p')).toEqual(['merged,probe-all']);
    expect(candidates('compare --designs all --pool intr_main_n')).toEqual(['intr_main_navss.out']);
    expect(candidates('compare --designs all --')).toEqual(['--pool']);
  });

  test('capacity: DMA controllers, tx|rx|both, then pkt|tr and --designs', () => {
    expect(candidates('capacity ')).toEqual(['main_udmap']);
    expect(candidates('capacity main_udmap ')).toEqual(['tx', 'rx', 'both']);
    expect(candidates('capacity main_udmap both ')).toEqual(['pkt', 'tr', '--designs']);
    expect(candidates('capacity main_udmap both tr ')).toEqual(['--designs']);
    expect(candidates('capacity main_udmap both --designs rfc')).toEqual(['rfc-v4']);
  });
});

describe('prompts for compare and capacity', () => {
  test('compare alone asks for the workload', () => {
    const q = planPrompts(session(), ['compare']);
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ type: 'input', arg: 'workload', message: 'workload: a script file (relative to the current folder), or commands separated by ;' });
  });

  test('capacity alone asks for the DMA controller and the direction, with menus; the options are never asked for', () => {
    const q = planPrompts(session(), ['capacity']);
    expect(q.map((x) => (x.type === 'select' ? [x.message, x.choices.map((c) => c.value)] : x.type))).toEqual([
      ['DMA controller', ['main_udmap']],
      ['channels to request', ['tx', 'rx', 'both']],
    ]);
    expect(planPrompts(session(), ['capacity', 'main_udmap', 'both'])).toEqual([]);
  });
});
