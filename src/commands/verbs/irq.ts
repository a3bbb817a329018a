import { channelName } from '../../core/dma.js';
import { CoreError, quote } from '../../core/errors.js';
import { irqDetailOf } from '../../core/irq-detail.js';
import type { System } from '../../core/system.js';
import { parseChannel, parseUint, shown } from '../args.js';
import type { CommandSpec } from '../spec.js';

const CHANNEL = /^[^:]+:(tx|rx)(\d+|0x[0-9a-f]+)$/i;
const NUMBER = /^(\d+|0x[0-9a-f]+)$/i;

/** A channel's completion ring irq (the one it always has); a channel not requested has none yet. */
const channelVirq = (sys: System, word: string): number => {
  const { dma, dir, n } = parseChannel(word);
  const d = sys.dma(dma);
  d.checkChannel(dir, n);
  const name = channelName(dma, dir, n);
  const ch = d.channel(name);
  if (ch) return ch.msi.virq;
  const index = d.eventIndex(dir, n);
  const event = sys.msi.find(d.events, index);
  const tr = event ? `; its TR event MSI is ${d.events.id}:${index}, virq ${event.virq}` : '';
  throw new CoreError('ENOENT', `${name} is not requested, so it has no completion ring irq yet${tr}`);
};

/** device:index: an MSI of an MSI device (ringacc:304, main_udmap:0x208), or a direct client's line (cpts:0). */
const deviceIndexVirq = (sys: System, device: string, word: string): number => {
  const index = parseUint(word, 'index');
  const dev = sys.msiDevices.get(device);
  if (dev) {
    dev.checkIndex(index);
    const rec = sys.msi.find(dev, index);
    if (rec) return rec.virq;
    const why = !dev.inShare(index)
      ? `it is not in this host's share (${dev.describeShare()})`
      : sys.settings.mode === 'demand'
        ? 'MSIs are allocated on demand (alloc-irq or request-channel allocates it)'
        : `${dev.id} did not allocate it at probe (see boot)`;
    throw new CoreError('ENOENT', `${dev.id} ${index} has no MSI: ${why}`);
  }
  const client = sys.clients.get(device);
  if (client) {
    const virq = client.virqs[index];
    if (virq === undefined) {
      const n = client.inputs.length;
      if (index >= n) throw new CoreError('EINVAL', `${client.id} has ${n === 1 ? 'one interrupt, 0' : `${n} interrupts, 0-${n - 1}`}: there is no ${client.id}:${index}`);
      throw new CoreError('ENOENT', `${client.id} ${index} has no virq: ${client.id} is not probed (see boot)`);
    }
    return virq;
  }
  const known = [...new Set([...sys.msiDevices.keys(), ...sys.clients.keys()])];
  throw new CoreError('ENOENT', `unknown device ${quote(device)} (have: ${known.join(', ')})`);
};

/** The virq an `irq` argument names: a virq number, a channel, or device:index. */
export const resolveIrq = (sys: System, word: string): number => {
  if (NUMBER.test(word) || /^-/.test(word)) {
    const virq = parseUint(word, 'virq');
    if (!sys.descs.get(virq)) throw new CoreError('ENOENT', `virq ${virq} is not allocated`);
    return virq;
  }
  if (CHANNEL.test(word)) return channelVirq(sys, word);
  const colon = word.lastIndexOf(':');
  if (colon > 0 && colon < word.length - 1) return deviceIndexVirq(sys, word.slice(0, colon), word.slice(colon + 1));
  throw new CoreError('EUSAGE', `expected a virq, a channel (main_udmap:tx8) or device:index (ringacc:304), got ${shown(word)}`);
};

export const irq: CommandSpec = {
  name: 'irq',
  summary: 'one IRQ in detail, like GENERIC_IRQ_DEBUGFS irqs/<n>: handler, state, affinity, counts, and each domain level down to the GIC',
  usage: 'irq <virq | channel | device:index>',
  example: 'request-channel main_udmap tx\nirq main_udmap:tx8',
  details:
    'A channel (main_udmap:tx8) means its completion ring irq; device:index names an MSI (ringacc:304, main_udmap:0x208) or a direct client line (cpts:0).',
  args: [{ name: 'irq', kind: 'irq' }],
  view: true,
  run({ session }, [word]) {
    const sys = session.system;
    return { kind: 'irq', detail: irqDetailOf(sys, resolveIrq(sys, word))! };
  },
};
