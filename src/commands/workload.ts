import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve as resolvePath } from 'node:path';
// A workload reads exactly as a batch script does, so it shares the batch runner's file reader
// (io/text-file.ts) and `-e` splitter (split.ts).
import { includedName, readTextFile } from '../io/text-file.js';
import { CoreError, type ErrCode } from '../core/errors.js';
import { oneLine, shown } from './args.js';
import { findCommand, resolve } from './registry.js';
import { joinedError, joinsCommands, splitExec, splitUncommented } from './split.js';
import { commandWords } from './tokenize.js';

/** One command of a workload, with where it came from. */
export interface WorkloadLine {
  file: string;
  line: number;
  words: string[];
}

export interface Workload {
  /** The file as given, or `inline` for commands given on the line. */
  name: string;
  lines: WorkloadLine[];
}

/** A workload read already, as a script (stdin): `source` in it is relative to the current folder. */
export interface WorkloadText {
  name: string;
  text: string;
}

/** As deep as `source` may nest in a batch script. */
const MAX_DEPTH = 8;
/** A workload of more commands than a 16 MiB script could hold is a loop of `source`s gone wide. */
const MAX_LINES = 4_000_000;

/** Distinct lines whose words are kept for reuse; past this, lines are split each time. */
const MAX_CHECKED = 4096;

/** Verbs a workload may not hold: they would replace the design being compared, or recurse. */
const refusal = (words: string[]): string | undefined => {
  let inner = words;
  while (inner[0] === 'expect-error' && inner.length > 2) inner = inner.slice(2);
  const spec = findCommand(inner[0]);
  if (!spec) return undefined;
  if (spec.name === 'compare' || spec.name === 'capacity') return `${spec.name} cannot run inside a workload`;
  if (spec.reboots) return `${spec.name} re-boots, which would replace the design being compared`;
  return undefined;
};

/** A line of the workload, as the batch runner would name it in an error. */
interface At {
  file: string;
  line: number;
  /** The line's text, and its verb when it has a known one. */
  text: string;
  verb?: string;
}

/**
 * A workload line refused before anything runs, with its place: the compare verb says it as one
 * message (`bad.msi:2: unknown verb ...`), the command line as its own error line, as a batch run
 * of the script would (`bad.msi:2: EUSAGE: unknown verb ...`).
 */
export class WorkloadLineError extends CoreError {
  constructor(
    code: ErrCode,
    readonly at: At,
    /** The message without the place and verb. */
    readonly reason: string,
  ) {
    super(code, oneLine(`${at.file}:${at.line}: ${at.verb === undefined ? '' : `${at.verb}: `}${reason}`));
  }
}

/**
 * The workload itself cannot be read as text, as a batch run cannot read a script: said by its
 * name and, where there is one, its line (a NUL byte), as a batch run says it.
 */
export class WorkloadFileError extends CoreError {
  constructor(
    code: ErrCode,
    readonly file: string,
    readonly line: number | null,
    /** The message without the name. */
    readonly reason: string,
  ) {
    super(code, `${file}: ${reason}`);
  }

  /** From a failed read of `file`, whose message starts with `name: `. */
  static of(read: { code: ErrCode; message: string; line?: number }, name: string, hint = ''): WorkloadFileError {
    const reason = read.message.startsWith(`${name}: `) ? read.message.slice(name.length + 2) : read.message;
    return new WorkloadFileError(read.code, name, read.line ?? null, oneLine(reason + hint));
  }
}

const fail = (at: At, message: string): never => {
  throw new WorkloadLineError('EUSAGE', at, oneLine(message));
};

/**
 * Whether the words name a script file (one word, no `;`, no space) or are commands themselves
 * (`"cmd; cmd"`, or a single command typed out: `request-channel main_udmap tx 64`).
 */
export const isWorkloadFile = (words: string[]): boolean => words.length === 1 && !/[;\s]/.test(words[0]);

/** A word that names a script rather than a verb: a `.msi` file, or a path. */
const looksLikeScript = (word: string): boolean => findCommand(word) === undefined && (/\.msi$/i.test(word) || word.includes('/'));

/** A workload as the words of a command line: a script file, or the commands themselves. */
export const workloadOf = (words: string[]): { file: string } | { commands: string } => {
  if (words.length === 0) throw new CoreError('EUSAGE', 'missing workload: a script file, or commands separated by ;');
  if (isWorkloadFile(words)) return { file: words[0] };
  const commands = words.join(' ');
  // `compare a.msi b.msi` is two workloads, not the command `a.msi b.msi`: say so, as --compare
  // does, rather than call the first path an unknown verb. Words after a `#` are a comment, as on
  // a script line (split.ts's rule): `"a.msi b.msi # then; x"` names two.
  const parts = words.length > 1 ? words : splitUncommented(commands)[0].trim().split(/\s+/);
  if (!joinsCommands(commands) && parts.length > 1 && looksLikeScript(parts[0])) {
    // Scripts all (and plain words): one workload can source them in turn.
    const hint = parts.every((p) => looksLikeScript(p) && /^[^\s'"]+$/.test(p)) ? `; to run them as one workload: "${parts.map((p) => `source ${p}`).join('; ')}"` : '';
    throw new CoreError('EUSAGE', `compare takes one workload: a script file, or commands separated by ; (got ${parts.length}: ${parts.map(shown).join(', ')}${hint})`);
  }
  return { commands };
};

/**
 * Reads a workload as the batch runner would run it: comments and blank lines skipped, `source`
 * expanded relative to the including file, and every line checked before anything runs: a line
 * that is not a command (unknown verb, wrong arity, bad characters) is refused with its place.
 */
export const loadWorkload = (spec: { file: string } | { commands: string } | WorkloadText, cwd = process.cwd()): Workload => {
  const lines: WorkloadLine[] = [];
  // Scripts repeat their lines: each distinct one is split and checked once, and its words are
  // shared by every line that holds it (a few arrays rather than one per line to keep alive).
  const checked = new Map<string, string[]>();
  const wordsOf = (text: string, file: string, line: number): string[] => {
    const known = checked.get(text);
    if (known) return known;
    let w: string[] = [];
    try {
      w = commandWords(text);
      if (w.length > 0) resolve(w);
    } catch (e) {
      if (!(e instanceof CoreError)) throw e;
      // A line that is no command for a ';' that joins two is said as that, of no verb, as the batch runner says it.
      if (w.length > 0 && joinsCommands(text)) return fail({ file, line, text: text.trim() }, joinedError('script line').message);
      // Named by its verb when it has a known one, as the batch runner names it.
      return fail({ file, line, text: text.trim(), verb: findCommand(w[0])?.name }, e.message);
    }
    const refused = w.length > 0 ? refusal(w) : undefined;
    if (refused) fail({ file, line, text: text.trim() }, refused);
    if (checked.size < MAX_CHECKED) checked.set(text, w);
    return w;
  };
  const addText = (file: string, text: string, dir: string, chain: string[]) => {
    const raw = text.split('\n');
    for (let i = 0; i < raw.length; i++) {
      const line = raw[i].endsWith('\r') ? raw[i].slice(0, -1) : raw[i];
      const w = wordsOf(line, file, i + 1);
      if (w.length === 0) continue;
      if (w[0] === 'source') {
        include({ file, line: i + 1, text: line.trim(), verb: 'source' }, w[1], dir, chain);
        continue;
      }
      if (lines.length >= MAX_LINES) fail({ file, line: i + 1, text: line.trim() }, `workload longer than ${MAX_LINES} commands`);
      lines.push({ file, line: i + 1, words: w });
    }
  };
  const include = (at: At, path: string, fromDir: string, chain: string[]) => {
    if (chain.length >= MAX_DEPTH) fail(at, `nested deeper than ${MAX_DEPTH} scripts`);
    const abs = isAbsolute(path) ? path : resolvePath(fromDir, path);
    // Named as the batch runner names it, so that `compare /work/w.msi` says /work/lib/x.msi:3
    // where the run itself would; with no file (inline, -e) the path as written.
    const name = includedName(chain.length === 0 ? undefined : at.file, path);
    const read = readTextFile(abs, 'script');
    if (!read.ok) throw new WorkloadLineError(read.code, at, oneLine(read.message.replace(abs, name)));
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // read just now: keep the path as given
    }
    if (chain.includes(real)) fail({ ...at, verb: undefined }, `source loop: ${[...chain.slice(chain.indexOf(real)), real].map((p) => relative(cwd, p) || p).join(' -> ')}`);
    addText(name, read.text, dirname(abs), [...chain, real]);
  };

  let name: string;
  if ('file' in spec) {
    // An empty path resolves to the current folder, which would be refused as "a directory".
    if (spec.file === '') throw new CoreError('EUSAGE', 'empty workload: give a script file, or commands separated by ;');
    name = spec.file;
    const abs = resolvePath(cwd, name);
    const read = readTextFile(abs, 'workload');
    if (!read.ok) {
      // `compare pools` means a file named pools; say how to give the command instead.
      const hint = read.code === 'ENOENT' && findCommand(name) ? ` (to run the command ${name} as the workload, write "${name};")` : '';
      throw WorkloadFileError.of({ ...read, message: read.message.replace(abs, name) }, name, hint);
    }
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // as above
    }
    addText(name, read.text, dirname(abs), [real]);
  } else if ('text' in spec) {
    name = spec.name;
    addText(name, spec.text, cwd, []);
  } else {
    name = 'inline';
    addText(name, splitExec(spec.commands).join('\n'), cwd, []);
  }
  if (lines.length === 0) throw new CoreError('EUSAGE', `workload ${shown(name)} has no commands`);
  return { name, lines };
};
