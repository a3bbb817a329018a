import type { Channel } from '../../core/dma.js';
import { parseChannel, parseCount, parseDir } from '../args.js';
import type { ChannelView } from '../result.js';
import type { CommandSpec } from '../spec.js';

const view = (c: Channel): ChannelView => ({ name: c.name, ring: c.ring, virq: c.msi.virq });

export const requestChannel: CommandSpec = {
  name: 'request-channel',
  summary: "take the lowest free DMA channel(s) and allocate (mode demand) or bind (mode probe) its ring's MSI",
  usage: 'request-channel <dma> <tx|rx> [count]',
  example: 'request-channel main_udmap tx 4',
  details: 'With a count, all or nothing: if one channel fails, those granted before it are released.',
  mutates: true,
  args: [
    { name: 'dma', kind: 'dma' },
    { name: 'direction', kind: 'dir' },
    { name: 'count', kind: 'count', optional: true },
  ],
  run({ session }, [dma, dir, count]) {
    const d = parseDir(dir);
    const n = count === undefined ? 1 : parseCount(count, 'count', 65536);
    const channels = session.system.requestChannel(dma, d, n);
    return { kind: 'channels', channels: channels.map(view), routes: channels.map((c) => session.system.routeOf(c.msi.virq)!) };
  },
};

export const releaseChannel: CommandSpec = {
  name: 'release-channel',
  summary: 'release a DMA channel and (mode demand) free its MSI; `all` releases every requested channel',
  usage: 'release-channel <dma>:<tx|rx><n> | all',
  example: 'release-channel main_udmap:tx0',
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
