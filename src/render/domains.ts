import type { DomainNode } from '../core/types.js';
import { visibleLength, type Style } from './style.js';
import { wrap } from './wrap.js';

/** How many allocations a domain lists before it summarises the rest. */
export const TREE_ITEMS = 8;

/** The hierarchy as a tree, GIC at the root, as the kernel's debugfs shows parent chains. */
export const renderDomains = (style: Style, root: DomainNode): string => {
  const g = style.unicode ? { tee: '├─ ', last: '└─ ', pipe: '│  ', none: '   ' } : { tee: '|- ', last: '`- ', pipe: '|  ', none: '   ' };
  const lines: string[] = [];
  // A line too long for the width continues under its own text, the tree's rails kept.
  const put = (first: string, rest: string, text: string) => {
    const room = Math.max(12, style.width - visibleLength(rest) - 2);
    const [head, ...more] = wrap(text, room, 0).split('\n');
    lines.push(first + head, ...more.map((m) => `${rest}  ${m}`));
  };
  const walk = (node: DomainNode, prefix: string, branch: string, childPrefix: string) => {
    const count = node.allocated.length;
    const inner = prefix + childPrefix;
    const bodyPrefix = inner + (node.children.length > 0 ? g.pipe : g.none);
    put(prefix + branch, bodyPrefix, `${style.c.bold(node.id)}  ${node.name}  ${style.c.dim(`(${count} allocated)`)}`);
    for (const item of node.allocated.slice(0, TREE_ITEMS)) put(`${bodyPrefix}  `, bodyPrefix, item);
    if (count > TREE_ITEMS) lines.push(`${bodyPrefix}  ${style.c.dim(`... and ${count - TREE_ITEMS} more`)}`);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, inner, last ? g.last : g.tee, last ? g.none : g.pipe);
    });
  };
  walk(root, '', '', '');
  return lines.join('\n');
};
