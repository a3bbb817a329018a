import type { DomainNode, Route } from '../core/types.js';
import { countText } from './domains.js';
import { plural } from '../core/words.js';

/**
 * The irq domain hierarchy as a picture for docs and reviews: Graphviz dot or Mermaid text.
 * Nodes are the domains of the DomainNode tree (GIC, INTRs, INTAs, MSI devices, direct
 * clients); edges run from child to parent, the way an interrupt travels. An edge that live
 * routes use is solid and says what they take on it; one that no route uses is dashed.
 */

export type GraphFormat = 'dot' | 'mermaid';

interface Node {
  id: string;
  lines: string[];
}

interface Edge {
  from: string;
  to: string;
  label?: string;
}

/** What the live routes take on each hop, by "from to": events into an INTA, its VINTs, INTR inputs and outputs. */
const usage = (routes: readonly Route[], gic: string): Map<string, string> => {
  const taken = new Map<string, { what: string; items: Set<number> }>();
  const add = (from: string, to: string, what: string, item: number) => {
    const key = `${from} ${to}`;
    const t = taken.get(key) ?? { what, items: new Set<number>() };
    t.items.add(item);
    taken.set(key, t);
  };
  for (const r of routes) {
    if (r.inta !== null) {
      add(r.device, r.inta, 'event', r.virq);
      if (r.hops[0] && r.vint !== null) add(r.inta, r.hops[0].router, 'VINT', r.vint);
    } else if (r.hops[0]) {
      add(r.device, r.hops[0].router, 'input', r.hops[0].input);
    }
    r.hops.forEach((h, i) => add(h.router, r.hops[i + 1]?.router ?? gic, 'output', h.output));
  }
  return new Map([...taken].map(([key, t]) => [key, plural(t.items.size, t.what)]));
};

const flatten = (root: DomainNode, routes: readonly Route[]): { nodes: Node[]; edges: Edge[] } => {
  const labels = usage(routes, root.id);
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const walk = (n: DomainNode, parent?: DomainNode) => {
    nodes.push({ id: n.id, lines: [n.id, n.name, countText(n)] });
    if (parent) edges.push({ from: n.id, to: parent.id, label: labels.get(`${n.id} ${parent.id}`) });
    for (const c of n.children) walk(c, n);
  };
  walk(root);
  return { nodes, edges };
};

const dotString = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** Graphviz: `dot -Tsvg` draws it, the GIC at the top. */
export const renderDot = (root: DomainNode, routes: readonly Route[]): string => {
  const { nodes, edges } = flatten(root, routes);
  return [
    'digraph domains {',
    '  rankdir=BT;',
    '  node [shape=box];',
    ...nodes.map((n) => `  ${dotString(n.id)} [label=${dotString(n.lines.join('\n')).replace(/\n/g, '\\n')}];`),
    ...edges.map((e) => `  ${dotString(e.from)} -> ${dotString(e.to)} [${e.label ? `label=${dotString(e.label)}` : 'style=dashed'}];`),
    '}',
  ].join('\n');
};

/** Mermaid ids are words; labels are quoted, with quotes as entities. */
const mermaidId = (id: string): string => id.replace(/[^A-Za-z0-9_]/g, '_');
const mermaidText = (s: string): string => `"${s.replace(/"/g, '#quot;')}"`;

/** Mermaid flowchart, for Markdown that renders it (GitHub, GitLab, many wikis). */
export const renderMermaid = (root: DomainNode, routes: readonly Route[]): string => {
  const { nodes, edges } = flatten(root, routes);
  return [
    'flowchart BT',
    ...nodes.map((n) => `  ${mermaidId(n.id)}[${mermaidText(n.lines.join('<br/>'))}]`),
    ...edges.map((e) => (e.label ? `  ${mermaidId(e.from)} -->|${mermaidText(e.label)}| ${mermaidId(e.to)}` : `  ${mermaidId(e.from)} -.-> ${mermaidId(e.to)}`)),
  ].join('\n');
};

export const renderGraph = (format: GraphFormat, root: DomainNode, routes: readonly Route[]): string =>
  format === 'dot' ? renderDot(root, routes) : renderMermaid(root, routes);
