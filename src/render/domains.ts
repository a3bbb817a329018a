import type { DomainNode } from '../core/types.js';
import type { Style } from './style.js';

/** How many allocations a domain lists before it summarises the rest. */
export const TREE_ITEMS = 8;

/** The hierarchy as a tree, GIC at the root, as the kernel's debugfs shows parent chains. */
export const renderDomains = (style: Style, root: DomainNode): string => {
  const g = style.unicode ? { tee: '├─ ', last: '└─ ', pipe: '│  ', none: '   ' } : { tee: '|- ', last: '`- ', pipe: '|  ', none: '   ' };
  const lines: string[] = [];
  const walk = (node: DomainNode, prefix: string, branch: string, childPrefix: string) => {
    const count = node.allocated.length;
    lines.push(`${prefix}${branch}${style.c.bold(node.id)}  ${node.name}  ${style.c.dim(`(${count} allocated)`)}`);
    const inner = prefix + childPrefix;
    const bodyPrefix = inner + (node.children.length > 0 ? g.pipe : g.none);
    for (const item of node.allocated.slice(0, TREE_ITEMS)) lines.push(`${bodyPrefix}  ${item}`);
    if (count > TREE_ITEMS) lines.push(`${bodyPrefix}  ${style.c.dim(`... and ${count - TREE_ITEMS} more`)}`);
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, inner, last ? g.last : g.tee, last ? g.none : g.pipe);
    });
  };
  walk(root, '', '', '');
  return lines.join('\n');
};
