import { CoreError } from '../../core/errors.js';
import { nearest, parseUint, shown } from '../args.js';
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
  example: 'source fixtures/scripts/lib/three-channels.msi',
  args: [{ name: 'file', kind: 'file' }],
  run(_ctx, [path]) {
    // An empty name resolves to the including script's folder: "is a directory" would mislead.
    if (path === '') throw new CoreError('EUSAGE', 'empty file name: give the script to source');
    return { kind: 'source', path };
  },
};

export const exit: CommandSpec = {
  name: 'exit',
  summary: 'end the session: the REPL, or the whole batch run, with an exit status as a shell does',
  usage: 'exit [status]',
  example: 'exit 3',
  details:
    'One rule everywhere, as in a shell: exit ends the session, even from a script run with source ' +
    '(in the REPL as in a batch run; later scripts, -e commands and stdin do not run). The status is ' +
    '0-255; without one it is 1 if a command failed, else 0 (in the REPL, 0).',
  args: [{ name: 'status', kind: 'count', optional: true }],
  run(_ctx, [word]) {
    if (word === undefined) return { kind: 'exit' };
    const status = parseUint(word, 'exit status');
    if (status > 255) throw new CoreError('EINVAL', `exit status must be 0-255, got ${status}`);
    return { kind: 'exit', status };
  },
};

export const quit: CommandSpec = { ...exit, name: 'quit', usage: 'quit [status]', example: 'quit' };
