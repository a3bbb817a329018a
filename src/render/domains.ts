import type { DomainNode } from '../core/types.js';
import { visibleLength, type Style } from './style.js';
import { wrap } from './wrap.js';

/** How many allocations a domain lists before it summarises the rest. */
export const TREE_ITEMS = 8;

/** "7 allocated"; an MSI device also says how many of its MSIs are requested. */
export const countText = (node: DomainNode): string => `${node.count} allocated${node.requested === null ? '' : `, ${node.requested} requested`}`;

/** The hierarchy as a tree, GIC at the root, as the kernel's debugfs shows parent chains. */
export const renderDomains = (style: Style, root: DomainNode): string => {
  const g = style.unicode ? { tee: '├─ ', last: '└─ ', pipe: '│  ', none: '   ' } : { tee: '|- ', last: '`- ', pipe: '|  ', none: '   ' };
  const lines: string[] = [];
  // A line too long for the width continues under its own text, the tree's rails kept. A
  // domain's first line starts left of its items, so it has that much more room.
  const put = (first: string, rest: string, text: string) => {
    const room = Math.max(12, style.width - visibleLength(rest) - 2);
    const [head, ...more] = wrap(text, Math.max(room, style.width - visibleLength(first)), 0).split('\n');
    const tail = more.length === 0 ? [] : wrap(more.join(' '), room, 0).split('\n');
    lines.push(first + head, ...tail.map((m) => `${rest}  ${m}`));
  };
  const walk = (node: DomainNode, prefix: string, branch: string, childPrefix: string) => {
    const listed = node.allocated.length;
    const inner = prefix + childPrefix;
    const bodyPrefix = inner + (node.children.length > 0 ? g.pipe : g.none);
    put(prefix + branch, bodyPrefix, `${style.c.bold(node.id)}  ${node.name}  ${style.c.dim(`(${countText(node)})`)}`);
    for (const item of node.allocated.slice(0, TREE_ITEMS)) put(`${bodyPrefix}  `, bodyPrefix, item);
    if (listed > TREE_ITEMS) lines.push(`${bodyPrefix}  ${style.c.dim(`... and ${listed - TREE_ITEMS} more`)}`);
    // An MSI device lists the MSIs holding hardware; the others are virqs waiting for request_irq.
    const idle = node.count - listed;
    if (idle > 0) put(`${bodyPrefix}  `, bodyPrefix, style.c.dim(`${idle} not requested: no hardware until request_irq`));
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      walk(child, inner, last ? g.last : g.tee, last ? g.none : g.pipe);
    });
  };
  walk(root, '', '', '');
  return lines.join('\n');
};
