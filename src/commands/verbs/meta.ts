import { CoreError } from '../../core/errors.js';
import { nearest, shown } from '../args.js';
import type { HelpEntry } from '../result.js';
import type { CommandSpec } from '../spec.js';

/** Filled in by the registry, which owns the table of verbs. */
export const helpIndex: { entries: () => HelpEntry[] } = { entries: () => [] };

export const help: CommandSpec = {
  name: 'help',
  summary: 'list the verbs, or show one verb with its usage and an example',
  usage: 'help [verb]',
  example: 'help request-channel',
  args: [{ name: 'verb', kind: 'verb', optional: true }],
  view: true,
  run(_ctx, [verb]) {
    const entries = helpIndex.entries();
    if (verb === undefined) return { kind: 'help', entries };
    const entry = entries.find((e) => e.name === verb);
    if (!entry) {
      const near = nearest(verb, entries.map((e) => e.name));
      throw new CoreError('ENOENT', `no verb ${shown(verb)}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    return { kind: 'help', entries: [entry], verb };
  },
};

export const source: CommandSpec = {
  name: 'source',
  summary: 'run another script; a relative path is relative to the including script',
  usage: 'source <file.msi>',
  example: 'source common/setup.msi',
  args: [{ name: 'file', kind: 'file' }],
  run(_ctx, [path]) {
    return { kind: 'source', path };
  },
};

export const exit: CommandSpec = {
  name: 'exit',
  summary: 'leave the REPL, or stop the script here',
  usage: 'exit',
  example: 'exit',
  args: [],
  run() {
    return { kind: 'exit' };
  },
};

export const quit: CommandSpec = { ...exit, name: 'quit', usage: 'quit', example: 'quit' };
