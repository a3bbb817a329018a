import { CoreError, ERR_CODES, type ErrCode } from '../../core/errors.js';
import { nearest, parseUint, shown } from '../args.js';
import type { CommandSpec } from '../spec.js';
import { quoteWord } from '../tokenize.js';

const RUNNER_VERBS = new Set(['source', 'exit', 'quit']);

export const expectError: CommandSpec = {
  name: 'expect-error',
  summary: 'run a command and succeed only if it fails with the given code',
  usage: 'expect-error <CODE> <command ...>',
  example: 'expect-error ENOENT request-channel main_udmap tx 51',
  details: `Codes: ${ERR_CODES.join(', ')}. A mismatch fails with code EXPECT. source, exit and quit cannot be checked: the script runner carries them out.`,
  args: [
    { name: 'code', kind: 'code' },
    { name: 'command', kind: 'command', rest: true },
  ],
  run(ctx, [code, ...command]) {
    if (!(ERR_CODES as readonly string[]).includes(code)) {
      throw new CoreError('EUSAGE', `unknown code ${shown(code)} (codes: ${ERR_CODES.join(', ')})`);
    }
    // source, exit and quit only ask the script runner to act (read a file, end the session),
    // which this check never sees: their success here would be a false one, and so would a
    // failure (`exit 300`) that the runner would have reported in its own way.
    if (RUNNER_VERBS.has(command[0])) {
      throw new CoreError('EUSAGE', `cannot check ${command[0]}: the script runner carries it out, so give it a line of its own`);
    }
    const before = ctx.session.checkpoint();
    const result = ctx.run(command);
    // As typed, quotes and all (within the message's own '...', a word's in "...").
    const cmd = command.map((w) => quoteWord(w, '"')).join(' ');
    if (result.ok) {
      // The expectation failed, so as any failed command it leaves the model as it found it.
      ctx.session.restore(before);
      throw new CoreError('EXPECT', `expected ${code} from '${cmd}', but it succeeded (undone)`);
    }
    if (result.error.code !== (code as ErrCode)) {
      throw new CoreError('EXPECT', `expected ${code} from '${cmd}', got ${result.error.code}: ${result.error.message}`);
    }
    return { kind: 'expected', message: `${code} as expected: ${result.error.message}`, error: result.error };
  },
};

const FIELDS = ['used', 'free', 'total', 'peak'] as const;

export const expectPool: CommandSpec = {
  name: 'expect-pool',
  summary: 'succeed only if the pool holds exactly the given numbers',
  usage: 'expect-pool <pool> <field>=<n> ... (fields: used, free, total, peak; each once)',
  example: 'expect-pool intr_main_navss.out used=1',
  args: [
    { name: 'pool', kind: 'pool' },
    { name: 'expectation', kind: 'expectation', rest: true },
  ],
  run({ session }, words) {
    // Indexed rather than destructured: a script runs this check often, and a rest pattern walks the iterator.
    const id = words[0];
    const conditions = words.slice(1);
    const pool = session.system.pool(id);
    if (!pool) {
      const near = nearest(id, session.system.allPools().map((p) => p.id));
      throw new CoreError('ENOENT', `unknown pool ${shown(id)}${near ? ` (did you mean ${near}?)` : '; pools lists them'}`);
    }
    const wrong: string[] = [];
    let seen = 0;
    for (const c of conditions) {
      const eq = c.indexOf('=');
      const field = c.slice(0, eq) as (typeof FIELDS)[number];
      const index = eq < 0 ? -1 : FIELDS.indexOf(field);
      if (index < 0) throw new CoreError('EUSAGE', `expected used=<n>, free=<n>, total=<n> or peak=<n>, got ${shown(c)}`);
      // Two values for one field: one of them is a typo, and the check would pass on neither.
      const bit = 1 << index;
      if (seen & bit) throw new CoreError('EUSAGE', `${field}= given twice`);
      seen |= bit;
      const want = parseUint(c.slice(eq + 1), field);
      // By name, not pool[field]: a key sliced from the word is a fresh string, looked up anew each time.
      const found = index === 0 ? pool.used : index === 1 ? pool.free : index === 2 ? pool.total : pool.peak;
      if (found !== want) wrong.push(`${field}=${want}, found ${field}=${found}`);
    }
    const usage = `(${pool.used}/${pool.total} used, peak ${pool.peak})`;
    if (wrong.length > 0) throw new CoreError('EXPECT', `${id}: expected ${wrong.join('; expected ')} ${usage}`, pool.usage());
    return { kind: 'expected', message: `${id}: ${conditions.join(' ')} ${usage}`, pool: pool.stats() };
  },
};
