import { CoreError } from '../../core/errors.js';
import { channelName } from '../../core/dma.js';
import type { MsiRecord } from '../../core/msi.js';
import type { System } from '../../core/system.js';
import { channelParts, parseCount, parseCpuList, parseUint } from '../args.js';
import type { CommandSpec } from '../spec.js';

const routeOf = (sys: System, rec: MsiRecord) => sys.routeOf(rec.virq)!;

export const allocIrq: CommandSpec = {
  name: 'alloc-irq',
  summary: "make the MSI of a device index live as a driver does under the design: allocate it if MSIs come on demand, then request_irq (`any`: the lowest free index of the device's share)",
  usage: 'alloc-irq <device> <index|any>',
  example: 'alloc-irq ringacc any',
  details:
    "Only indices of this host's share can be requested: ringacc's GP rings, a DMA's TR events (tchan n, or 0x200 + rchan n, high-capacity channels included: `any` takes the lowest). A DMA channel's ring is taken with request-channel.",
  mutates: true,
  args: [
    { name: 'device', kind: 'msi-device' },
    { name: 'index', kind: 'index' },
  ],
  run({ session }, [device, index]) {
    const sys = session.system;
    const rec = sys.allocIrq(device, index === 'any' ? 'any' : parseUint(index, 'index'));
    return { kind: 'allocated', virq: rec.virq, route: routeOf(sys, rec) };
  },
};

export const freeIrq: CommandSpec = {
  name: 'free-irq',
  summary: 'free_irq an irq taken with alloc-irq, by virq or by device and index (the MSI goes too if MSIs come on demand)',
  usage: 'free-irq <virq> | free-irq <device> <index>',
  example: 'alloc-irq ringacc 305\nfree-irq 71',
  mutates: true,
  args: [
    { name: 'virq', kind: 'user-virq' },
    { name: 'index', kind: 'index', optional: true },
  ],
  run({ session }, [first, index]) {
    const sys = session.system;
    const rec = index === undefined ? sys.freeIrq(parseUint(first, 'virq')) : sys.freeIrqOf(first, parseUint(index, 'index'));
    return { kind: 'freed', virq: rec.virq, device: rec.device.id, index: rec.index, msiKept: sys.settings.mode !== 'demand', hardwareKept: sys.settings.mode !== 'demand' && sys.settings.hardware === 'alloc' };
  },
};

/** A ring named as `5`, `ringacc:5`, or by its channel, `main_udmap:tx5`. */
const parseRing = (sys: System, word: string): { device?: string; ring: number } => {
  const channel = channelParts(word);
  if (channel !== undefined) {
    const { dma, dir, n } = channel;
    const d = sys.dma(dma);
    d.checkChannel(dir, n);
    const ch = d.channel(channelName(dma, dir, n));
    // A channel takes its completion ring from the GP pool when it is requested, not before.
    if (!ch) throw new CoreError('ENOENT', `${word} is not requested, so it has no completion ring yet`);
    return { device: d.ringDevice.id, ring: ch.ring };
  }
  const colon = word.lastIndexOf(':');
  if (colon > 0) return { device: word.slice(0, colon), ring: parseUint(word.slice(colon + 1), 'ring') };
  return { ring: parseUint(word, 'ring') };
};

export const fireRing: CommandSpec = {
  name: 'fire-ring',
  summary: "raise a ring's event and follow it hop by hop to the child virq: registers, flow handler (level or edge), counts",
  usage: 'fire-ring <ring> [times]',
  example: 'request-channel main_udmap tx\nfire-ring main_udmap:tx8 10',
  details:
    "A ring is a number on the DMA ring device (304), device:number (ringacc:304; main_udmap:8 is tx8's TR event), or a channel (main_udmap:tx8, its completion ring).",
  mutates: true,
  args: [
    { name: 'ring', kind: 'ring' },
    { name: 'times', kind: 'count', optional: true },
  ],
  run({ session }, [word, times]) {
    const sys = session.system;
    const { device, ring } = parseRing(sys, word);
    const n = times === undefined ? 1 : parseCount(times, 'times', 1_000_000_000);
    return { kind: 'fire', trace: sys.fireRing(device, ring, n) };
  },
};

export const setAffinity: CommandSpec = {
  name: 'set-affinity',
  summary: "set a virq's CPU affinity: a requested direct INTR client's line moves (cpts); an INTA event (it follows its VINT) and a chained line (a VINT's parent, a GPIO bank) are refused",
  usage: 'set-affinity <virq> <cpu-list>',
  example: 'set-affinity 289 1',
  mutates: true,
  args: [
    { name: 'virq', kind: 'steerable-virq' },
    { name: 'cpu-list', kind: 'cpus' },
  ],
  run({ session }, [virq, cpus]) {
    const sys = session.system;
    const n = parseUint(virq, 'virq');
    let list: number[];
    try {
      list = parseCpuList(cpus, sys.topology.cpus);
    } catch (e) {
      // A CPU the machine lacks after a virq it lacks: the virq is named first, as the kernel has
      // no /proc/irq/N to write to. A malformed list (EUSAGE) is the words' fault, named first.
      if (e instanceof CoreError && e.code !== 'EUSAGE') sys.affinityTarget(n);
      throw e;
    }
    return { kind: 'affinity', result: sys.setAffinity(n, list) };
  },
};

const maskVerb = (masked: boolean): CommandSpec => ({
  name: masked ? 'mask-irq' : 'unmask-irq',
  summary: masked
    ? 'mask a virq (for an INTA event: clear its VINT ENABLE bit; events stay pending in STATUS)'
    : 'unmask a virq; a pending event is delivered at once',
  usage: `${masked ? 'mask-irq' : 'unmask-irq'} <virq>`,
  example: masked ? 'alloc-irq ringacc 305\nmask-irq 71' : 'alloc-irq ringacc 305\nmask-irq 71\nunmask-irq 71',
  details:
    "As disable_irq/enable_irq from kernel code: a chained line can be masked too (a VINT's parent: its GIC line, every event of the VINT stays pending, fire-ring says parent-masked; a GPIO bank), though /proc/irq has no entry for it and set-affinity refuses it. A virq not allocated is EINVAL (no descriptor); an MSI nobody requested ENOENT, as for free-irq.",
  args: [{ name: 'virq', kind: 'virq' }],
  mutates: true,
  run({ session }, [virq]) {
    return { kind: 'mask', result: session.system.setMasked(parseUint(virq, 'virq'), masked) };
  },
});

export const maskIrq = maskVerb(true);
export const unmaskIrq = maskVerb(false);
