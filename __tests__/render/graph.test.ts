import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { designNamed } from '../../src/core/designs.js';
import { parseTopology } from '../../src/topology/validate.js';
import { am65x } from '../../src/core/topologies/am65x.js';
import { runWords } from '../../src/commands/registry.js';
import type { Output } from '../../src/commands/result.js';
import { Session } from '../../src/commands/session.js';
import { renderJson } from '../../src/render/json.js';
import { PLAIN } from '../../src/render/style.js';
import { renderText } from '../../src/render/text.js';

/** The small8 fixture topology: one INTR, one INTA with a ring accelerator, one direct client. */
const small8 = (...lines: string[]): Session => {
  const parsed = parseTopology(readFileSync('fixtures/topologies/small8.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  const s = new Session(parsed.topology, designNamed('dynamic')!.settings);
  for (const line of lines) {
    const r = runWords(s, line.split(' '));
    if (!r.ok) throw new Error(`${line}: ${r.error.message}`);
  }
  return s;
};

const show = (s: Session, line: string): string => {
  const r = runWords(s, line.split(' '));
  if (!r.ok) throw new Error(`${line}: ${r.error.message}`);
  return renderText(PLAIN, r.output as Output);
};

// The UDMA is an MSI source too (its TR-mode channel events), so it is a node under the INTA;
// packet-mode channels complete on the ring accelerator's rings, leaving its edge unused.
describe('domains --format dot|mermaid', () => {
  test('dot: the hierarchy child to parent, edges labelled with what live routes take', () => {
    expect(show(small8('request-channel udma tx 2'), 'domains --format dot')).toBe(
      [
        'digraph domains {',
        '  rankdir=BT;',
        '  node [shape=box];',
        '  "gic" [label="gic\\nGIC-500\\n2 allocated"];',
        '  "intr0" [label="intr0\\nINTR, sci id 10\\n2 allocated"];',
        '  "inta0" [label="inta0\\nINTA, sci id 20, policy coalesced\\n1 allocated"];',
        '  "ringacc" [label="ringacc\\nring accelerator, sci id 30\\n2 allocated, 2 requested"];',
        '  "udma" [label="udma\\nUDMA, sci id 40\\n0 allocated, 0 requested"];',
        '  "timesync" [label="timesync\\ntime sync router\\n1 allocated"];',
        '  "intr0" -> "gic" [label="2 outputs"];',
        '  "inta0" -> "intr0" [label="1 VINT"];',
        '  "ringacc" -> "inta0" [label="2 events"];',
        '  "udma" -> "inta0" [style=dashed];',
        '  "timesync" -> "intr0" [label="1 input"];',
        '}',
      ].join('\n'),
    );
  });

  test('mermaid: the same graph; an edge no route uses is dashed', () => {
    expect(show(small8(), 'domains --format=mermaid')).toBe(
      [
        'flowchart BT',
        '  gic["gic<br/>GIC-500<br/>1 allocated"]',
        '  intr0["intr0<br/>INTR, sci id 10<br/>1 allocated"]',
        '  inta0["inta0<br/>INTA, sci id 20, policy coalesced<br/>0 allocated"]',
        '  ringacc["ringacc<br/>ring accelerator, sci id 30<br/>0 allocated, 0 requested"]',
        '  udma["udma<br/>UDMA, sci id 40<br/>0 allocated, 0 requested"]',
        '  timesync["timesync<br/>time sync router<br/>1 allocated"]',
        '  intr0 -->|"1 output"| gic',
        '  inta0 -.-> intr0',
        '  ringacc -.-> inta0',
        '  udma -.-> inta0',
        '  timesync -->|"1 input"| intr0',
      ].join('\n'),
    );
  });

  test("a TR channel's event is the UDMA's own MSI: its edge is labelled", () => {
    const dot = show(small8('request-channel udma tx 1 tr'), 'domains --format dot');
    expect(dot).toContain('"udma" [label="udma\\nUDMA, sci id 40\\n1 allocated, 1 requested"];');
    expect(dot).toContain('"udma" -> "inta0" [label="1 event"];');
    expect(dot).toContain('"ringacc" -> "inta0" [label="1 event"];');
  });

  test('merged: the MSIs allocated at probe count, with how many are requested, in the graph and the JSON', () => {
    const s = new Session(am65x, designNamed('merged')!.settings);
    runWords(s, ['request-channel', 'main_udmap', 'tx', '1', 'tr']);
    const dot = show(s, 'domains --format dot');
    expect(dot).toContain('"ringacc" [label="ringacc\\nring accelerator, sci id 187\\n100 allocated, 1 requested"];');
    expect(dot).toContain('"main_udmap" [label="main_udmap\\nUDMA-P, sci id 188\\n119 allocated, 1 requested"];');
    expect(dot).toContain('"cpts" [label="cpts\\nCPTS time sync\\n1 allocated"];');
    const r = runWords(s, ['domains']);
    const tree = JSON.parse(renderJson({ file: '-e', line: 1 }, 'domains', r)).data.tree;
    const ringacc = tree.children[0].children[0].children[0];
    expect([ringacc.id, ringacc.count, ringacc.requested, ringacc.allocated]).toEqual(['ringacc', 100, 1, ['index 304 (hwirq 0xbb0130) -> virq 70, main_udmap:tx8']]);
    // The GIC counts its SPIs: 7 at boot, and VINT 16's line.
    expect([tree.count, tree.requested]).toEqual([8, null]);
  });

  test('dedicated policy: one VINT per event shows on the INTA edge', () => {
    const s = small8('policy dedicated', 'request-channel udma tx 3');
    expect(show(s, 'domains --format dot')).toContain('"inta0" -> "intr0" [label="3 VINTs"];');
    expect(show(s, 'domains --format dot')).toContain('"intr0" -> "gic" [label="4 outputs"];');
  });

  test('text stays the tree; JSON carries the graph text with the tree', () => {
    const s = small8();
    expect(show(s, 'domains --format text')).toBe(show(s, 'domains'));
    const r = runWords(s, ['domains', '--format', 'mermaid']);
    const json = JSON.parse(renderJson({ file: '-e', line: 1 }, 'domains --format mermaid', r));
    expect(json.data.format).toBe('mermaid');
    expect(json.data.graph.split('\n')[0]).toBe('flowchart BT');
    expect(json.data.tree.id).toBe('gic');
  });

  test('bad format arguments are EUSAGE', () => {
    const s = small8();
    const err = (line: string) => {
      const r = runWords(s, line.split(' '));
      return r.ok ? 'ok' : `${r.error.code}: ${r.error.message}`;
    };
    expect(err('domains --format')).toBe('EUSAGE: missing <format> after --format; usage: domains [--format text|dot|mermaid]');
    expect(err('domains --format svg')).toBe("EUSAGE: format: expected text or dot or mermaid, got 'svg'");
    expect(err('domains dot')).toBe("EUSAGE: expected --format, got 'dot'; usage: domains [--format text|dot|mermaid]");
    expect(err('domains --format dot extra')).toMatch(/^EUSAGE: too many arguments/);
  });
});
