import { designShown, isWhatIf, WHAT_IF, type Design, type DesignName, type Settings } from '../core/designs.js';
import type { BootEntry, ErrorInfo } from '../core/types.js';
import type { ChannelView, HelpEntry, Output } from '../commands/result.js';
import { renderCapacity, renderCompare } from './compare.js';
import { renderDomains } from './domains.js';
import { renderFire } from './fire.js';
import { renderInterleave } from './interleave.js';
import { renderGraph } from './graph.js';
import { renderInterrupts } from './interrupts.js';
import { renderIrq } from './irq.js';
import { renderPools } from './pools.js';
import { renderChannels, renderRoutes, routeLine } from './routes.js';
import type { Style } from './style.js';
import { table } from './table.js';
import { renderTopology } from './topology.js';
import { formatJson } from './format-json.js';
import { cpuList, wrap, wrapAll, wrapUsage } from './wrap.js';
import { plural } from '../core/words.js';

/**
 * "design merged (policy coalesced, ...)"; "design dynamic (what-if; policy coalesced, ...)";
 * "design merged+dedicated (policy dedicated, ...)", named as the REPL's prompt names it.
 */
export const settingsLine = (s: Settings, design?: DesignName | 'custom'): string => {
  const columns = `policy ${s.policy}, mode ${s.mode}, hardware ${s.hardware}, lock ${s.lock}, failure ${s.failure}`;
  if (design === undefined) return columns;
  const shown = design === 'custom' ? designShown(s) : design;
  return `design ${shown} (${isWhatIf(shown) ? `${WHAT_IF}; ` : ''}${columns})`;
};

const renderDesigns = (style: Style, designs: Design[], current: DesignName | 'custom', s: Settings): string => {
  const out: string[] = [];
  for (const d of designs) {
    const mark = d.name === current ? style.c.bold('*') : ' ';
    out.push(wrap(`${mark} ${style.c.bold(d.name)}: ${d.title}`, style.width, 4));
    out.push(wrap(`    ${settingsLine(d.settings)}`, style.width, 6));
    out.push(wrap(`    ${d.summary}`, style.width, 4));
  }
  out.push('', wrap(`now: ${settingsLine(s, current)}`, style.width, 5));
  out.push(wrap("'design <name>' re-boots with one; policy, mode, hardware, lock and failure set one column each.", style.width));
  return out.join('\n');
};

/** A probe's tag: bound, deferred (-EPROBE_DEFER: waiting on the deferred list, no failure) or failed. */
const bootTag = (e: BootEntry): string => (e.ok ? '[ ok ]' : e.deferred ? '[DEFER]' : '[FAIL]');

const bootColour = (style: Style, e: BootEntry): ((text: string) => string) => (e.ok ? style.c.green : e.deferred ? style.c.yellow : style.c.red.bold);

const renderBoot = (style: Style, boot: BootEntry[]): string =>
  boot
    .map((e) => {
      // Continued lines start under the device, past the tag and its space.
      const tag = bootTag(e);
      return wrap(`${bootColour(style, e)(tag)} ${style.c.bold(e.device)}: ${e.message}`, style.width, tag.length + 1);
    })
    .join('\n');

/**
 * The probes that returned an error at boot, one line each, as a board's kernel log says them
 * (dev_err; "probe of X failed with error -22"): `boot: main_gpio0: probe failed: EINVAL: ...
 * (see boot)`. Not a deferred probe (-EPROBE_DEFER: retried, logged at debug level), nor a device
 * left out of the boot list (nothing probed it).
 */
export const bootFailures = (boot: readonly BootEntry[]): string[] => boot.filter((e) => e.error !== undefined).map((e) => `boot: ${e.device}: ${e.message} (see boot)`);

/** One command on the example line; several (a verb that needs state first), one a line below it. */
const exampleLines = (style: Style, example: string): string =>
  example.includes('\n') ? `${style.c.bold('example:')}\n${example.replace(/^/gm, '  ')}` : `${style.c.bold('example:')} ${example}`;

const renderHelp = (style: Style, entries: HelpEntry[], verb?: string): string => {
  if (verb !== undefined) {
    const e = entries[0];
    const [first, ...more] = wrapUsage(e.usage, style.width, 'usage: '.length);
    const usage = [`${style.c.bold('usage:')} ${first}`, ...more.map((l) => `${' '.repeat('usage: '.length)}${l}`)].join('\n');
    const lines = [`  ${e.summary}`, ...(e.details ? [`  ${e.details}`] : []), exampleLines(style, e.example)];
    return `${usage}\n${wrapAll(lines.join('\n'), style.width, 2)}`;
  }
  const rows = entries.map((e) => [e.usage, e.summary]);
  // A table only when every summary fits on its line; else usage, then the summary under it.
  const wide = table(style, [{ head: 'COMMAND' }, { head: 'DOES' }], rows, style.width, false);
  const usage = (e: HelpEntry) => wrapUsage(e.usage, style.width).map((l) => style.c.bold(l)).join('\n');
  const body = wide ?? entries.map((e) => `${usage(e)}\n${wrap(`    ${e.summary}`, style.width, 4)}`).join('\n');
  return `${body}\n\n${wrap("'help <verb>' shows one verb with an example.", style.width, 0)}`;
};

/**
 * "main_udmap:rx9 (ring 306, virq 72: MSI kept, allocated at probe), ...". Built in a loop: an
 * array from map() changes kind once TurboFan inlines it, and the join that reads it deoptimizes.
 */
const releasedList = (channels: ReadonlyArray<ChannelView>, freed: boolean): string => {
  let out = '';
  for (let i = 0; i < channels.length; i++) {
    const c = channels[i];
    const virqs = c.eventVirq === null ? `virq ${c.virq}` : `virqs ${c.virq} and ${c.eventVirq}`;
    out += `${i === 0 ? '' : ', '}${c.name} (ring ${c.ring}, ${virqs}${freed ? ' freed' : `: ${c.eventVirq === null ? 'MSI' : 'MSIs'} kept, allocated at probe`})`;
  }
  return out;
};

/** One command's output as text for a terminal or a golden file. */
export const renderText = (style: Style, o: Output): string => {
  switch (o.kind) {
    case 'channels':
      return renderChannels(style, o.channels, o.routes);
    case 'released':
      return o.channels.length === 0 ? 'no channels to release' : wrap(`released ${releasedList(o.channels, o.freed)}`, style.width);
    case 'allocated':
      return routeLine(style, `virq ${style.c.bold(`${o.virq}`)}: `, o.route);
    case 'freed':
      if (!o.msiKept) return `freed irq ${o.virq} (${o.device} ${o.index}): hardware released, MSI and virq freed`;
      return `freed irq ${o.virq} (${o.device} ${o.index}): ${o.hardwareKept ? 'MSI and hardware kept' : 'hardware released; MSI kept'}, allocated at probe`;
    case 'fire':
      return renderFire(style, o.trace);
    case 'affinity': {
      const r = o.result;
      const moved = r.moved.length === 0 ? '' : `; ${plural(r.moved.length, 'event')} moved with it: virq ${r.moved.join(', ')}`;
      return wrap(`virq ${r.virq} affinity ${cpuList(r.cpus)}${moved}`, style.width);
    }
    case 'mask': {
      const r = o.result;
      const pending = r.delivered.length === 0 ? '' : `; delivered pending: ${r.delivered.map((d) => `virq ${d.virq}`).join(', ')}`;
      return `virq ${r.virq} ${r.masked ? 'masked' : 'unmasked'}${pending}`;
    }
    case 'routes':
      return renderRoutes(style, o.routes, o.filter, o.reason);
    case 'pools':
      return renderPools(style, o.pools);
    case 'interrupts':
      return renderInterrupts(style, o.cpus, o.irqs, o.unmapped);
    case 'irq':
      return renderIrq(style, o.detail);
    case 'domains':
      return o.format === 'text' ? renderDomains(style, o.tree) : renderGraph(o.format, o.tree, o.routes);
    case 'topology':
      return renderTopology(style, o.topology, o.pools);
    case 'topology-file':
      return formatJson(o.file);
    case 'settings':
      if (o.already) return wrap(`${o.already.setting} is already ${o.already.value}; nothing re-booted`, style.width, 2);
      return o.changed
        ? `${wrap(`re-booted with ${settingsLine(o.settings, o.design)}`, style.width, 2)}\n${renderBoot(style, o.boot)}`
        : wrap(settingsLine(o.settings, o.design), style.width, 2);
    case 'designs':
      return renderDesigns(style, o.designs, o.current, o.settings);
    case 'boot':
      return `${wrap(`boot with ${settingsLine(o.settings, o.design)}`, style.width, 2)}\n${renderBoot(style, o.boot)}`;
    case 'expected':
      return style.c.dim(wrap(o.message, style.width));
    case 'help':
      return renderHelp(style, o.entries, o.verb);
    case 'source':
    case 'exit':
      return '';
    case 'compare':
      return renderCompare(style, o.compare);
    case 'capacity':
      return renderCapacity(style, o.capacity);
    case 'interleave':
      return renderInterleave(style, o.report);
  }
};

/** "demo.msi:12: request-channel: ENOSPC: intr_main_navss.out exhausted (128/128 used)" */
export const renderError = (style: Style, where: string | undefined, verb: string | undefined, e: ErrorInfo): string =>
  [where, verb, style.c.red.bold(e.code), e.message].filter((p) => p !== undefined && p !== '').join(': ');
