import type { Route } from '../core/types.js';
import type { ChannelView } from '../commands/result.js';
import type { Style } from './style.js';
import { dash, tableOrRecords, type Column } from './table.js';
import { wrap, wrapParts } from './wrap.js';

export const hex = (n: number): string => `0x${n.toString(16)}`;

const intrHop = (r: Route): string => (r.intrInput === null ? '-' : `${r.intrInput}>${r.intrOutput}`);
/** "0:10", bit 10 of VINT 0: a colon, as in ringacc:5, so that it never reads as a decimal. */
const vintBit = (r: Route): string => (r.vint === null ? '-' : `${r.vint}:${r.vintBit}`);

/**
 * At 80 columns the widest real rows (a TR event's source, main_udmap 589 for rx77's, beside its
 * owner, main_udmap:rx77) fit only with the numbers one blank apart (tight) and HWIRQ, which the
 * source names (sci dev << 16 | index), left out.
 */
const ROUTE_COLUMNS: Column[] = [
  { head: 'VIRQ', align: 'right' },
  { head: 'SOURCE' },
  { head: 'HWIRQ', align: 'right', drop: 1 },
  { head: 'EVENT', align: 'right', tight: true },
  { head: 'VINT:BIT', align: 'right', tight: true },
  { head: 'INTR', align: 'right', tight: true },
  { head: 'SPI', align: 'right', tight: true },
  { head: 'PARENT', align: 'right', tight: true },
  { head: 'COUNT', align: 'right', tight: true },
  { head: 'OWNER', drop: 2 },
];

const routeRow = (r: Route): string[] => [
  `${r.virq}`,
  `${r.device} ${r.index}`,
  hex(r.hwirq),
  dash(r.globalEvent),
  vintBit(r),
  intrHop(r),
  `${r.gicSpi}`,
  dash(r.parentVirq),
  `${r.count}`,
  r.owner,
];

/** `reason`: why the virq asked for has none, said instead of `no routes for virq N`. */
export const renderRoutes = (style: Style, routes: Route[], filter?: string, reason?: string): string => {
  if (routes.length === 0) return reason !== undefined ? wrap(reason, style.width) : filter === undefined ? 'no routes' : `no routes for ${filter}`;
  return tableOrRecords(style, ROUTE_COLUMNS, routes.map(routeRow));
};

/** The hops of a route: "ringacc 304 (hwirq 0xbb0130)", "event 16384", "VINT 0 bit 0", "intr_main_navss 0>1", ... */
export const routeHops = (r: Route): string[] => {
  const parts = [`${r.device} ${r.index} (hwirq ${hex(r.hwirq)})`];
  if (r.globalEvent !== null) parts.push(`event ${r.globalEvent}`, `VINT ${r.vint} bit ${r.vintBit}`);
  for (let i = 0; i < r.hops.length; i++) {
    const h = r.hops[i];
    parts.push(`${h.router} ${h.input}>${h.output}`);
  }
  parts.push(`SPI ${r.gicSpi}`);
  if (r.parentVirq !== null) parts.push(`parent virq ${r.parentVirq}`);
  return parts;
};

/**
 * "<head>ringacc 304 (hwirq 0xbb0130) -> event 16384 -> ... -> parent virq 72", wrapped between
 * hops. The hops are never coloured (names hold no control characters: the topology schema).
 */
export const routeLine = (style: Style, head: string, r: Route): string => wrapParts(head, routeHops(r), ' -> ', style.width, 4, true);

const CHANNEL_COLUMNS: Column[] = [
  { head: 'CHANNEL' },
  { head: 'RING', align: 'right' },
  { head: 'VIRQ', align: 'right' },
  { head: 'EVENT', align: 'right' },
  { head: 'VINT:BIT', align: 'right' },
  { head: 'INTR', align: 'right' },
  { head: 'SPI', align: 'right' },
  { head: 'PARENT', align: 'right' },
];

/** A channel's irq's route: a few routes, one or two a channel, where a search beats a Map. */
const routeOf = (routes: Route[], virq: number): Route => {
  let i = 0;
  while (routes[i].virq !== virq) i++;
  return routes[i];
};

const channelRow = (label: string, ring: string, r: Route): string[] => [label, ring, `${r.virq}`, dash(r.globalEvent), vintBit(r), intrHop(r), `${r.gicSpi}`, dash(r.parentVirq)];

/**
 * Channels and their routes. A TR-mode channel has two irqs (udma_alloc_chan_resources requests
 * the ring's and, for TR, the channel's own UDMA event): its TR event gets a row, or a line, of
 * its own under the channel's.
 */
export const renderChannels = (style: Style, channels: ChannelView[], routes: Route[]): string => {
  if (channels.length === 1) {
    const ch = channels[0];
    const ring = routeLine(style, `${style.c.bold(ch.name)}: virq ${ch.virq}: `, routeOf(routes, ch.virq));
    if (ch.eventVirq === null) return ring;
    return `${ring}\n${routeLine(style, `${style.c.bold(ch.name)} TR event: virq ${ch.eventVirq}: `, routeOf(routes, ch.eventVirq))}`;
  }
  // A loop, not flatMap with a spread row: those iterate through the iterator protocol, and
  // cost more than the table they fed.
  const rows: string[][] = [];
  let tr = 0;
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[i];
    rows.push(channelRow(ch.name, `${ch.ring}`, routeOf(routes, ch.virq)));
    if (ch.eventVirq !== null) {
      tr++;
      rows.push(channelRow('  TR event', '-', routeOf(routes, ch.eventVirq)));
    }
  }
  const modes = tr === 0 ? '' : tr === channels.length ? ' in TR mode' : `, ${tr} in TR mode`;
  return `${tableOrRecords(style, CHANNEL_COLUMNS, rows)}\n${channels.length} channels${modes}`;
};
