import { CHANNEL_MODES, DEFAULT_CHANNEL_MODE, type Channel } from '../../core/dma.js';
import type { Route } from '../../core/types.js';
import { oneOf, parseChannel, parseCount, parseDir } from '../args.js';
import type { ChannelView } from '../result.js';
import type { CommandSpec } from '../spec.js';

const view = (c: Channel): ChannelView => ({ name: c.name, mode: c.mode, ring: c.ring, virq: c.msi.virq, eventVirq: c.event?.virq ?? null });

export const requestChannel: CommandSpec = {
  name: 'request-channel',
  summary: 'take the lowest free normal-capacity channel(s), a GP completion ring each, and request their irqs (as k3-udma does)',
  usage: 'request-channel <dma> <tx|rx> [count] [pkt|tr]',
  example: 'request-channel main_udmap tx 4 tr',
  details:
    'Packet mode (pkt, the default) requests the completion ring\'s irq; TR mode also the channel\'s own UDMA event (MSI index tchan, or 0x200 + rchan). With a count, all or nothing: if one channel fails, those granted before it are released.',
  mutates: true,
  args: [
    { name: 'dma', kind: 'dma' },
    { name: 'direction', kind: 'dir' },
    { name: 'count', kind: 'count', optional: true },
    { name: 'mode', kind: 'chmode', optional: true },
  ],
  run({ session, quiet }, [dma, dir, third, fourth]) {
    const d = parseDir(dir);
    // The count may be left out before the mode: `request-channel main_udmap tx tr`.
    const [count, mode] = third !== undefined && fourth === undefined && (CHANNEL_MODES as readonly string[]).includes(third) ? [undefined, third] : [third, fourth];
    const n = count === undefined ? 1 : parseCount(count, 'count', 65536);
    const m = mode === undefined ? DEFAULT_CHANNEL_MODE : oneOf(mode, 'mode', CHANNEL_MODES);
    const sys = session.system;
    const channels = sys.requestChannel(dma, d, n, m);
    // A loop, not flatMap over a spread: the spread goes through the iterator protocol.
    const routes: Route[] = [];
    for (let i = 0; !quiet && i < channels.length; i++) {
      const c = channels[i];
      routes.push(sys.routeOf(c.msi.virq)!);
      if (c.event) routes.push(sys.routeOf(c.event.virq)!);
    }
    return { kind: 'channels', channels: channels.map(view), routes };
  },
};

export const releaseChannel: CommandSpec = {
  name: 'release-channel',
  summary: 'release a DMA channel: free_irq its irqs, return its ring and the channel (MSIs allocated on demand are freed too); `all` releases every one',
  usage: 'release-channel <dma>:<tx|rx><n> | all',
  example: 'request-channel main_udmap tx\nrelease-channel main_udmap:tx8',
  mutates: true,
  args: [{ name: 'channel', kind: 'channel' }],
  run({ session }, [word]) {
    const sys = session.system;
    const freed = sys.settings.mode === 'demand';
    if (word === 'all') {
      const released = sys.channels().reverse().map((c) => sys.releaseChannel(c.dma, c.dir, c.n));
      return { kind: 'released', channels: released.reverse().map(view), freed };
    }
    const { dma, dir, n } = parseChannel(word);
    return { kind: 'released', channels: [view(sys.releaseChannel(dma, dir, n))], freed };
  },
};
