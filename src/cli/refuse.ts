import type { ErrCode } from '../core/errors.js';
import { EXIT } from './exit.js';
import { writeStderr, writeStdout } from './output.js';

/**
 * What is refused before any input runs (an option given twice or alone, a script or topology
 * file that cannot be used, a bad --rm-cfg or --host): `message` is the whole sentence, the file
 * it names first (`x.json: $.cpus: ...`, `rm.yaml:3: ...`) when `file` is given.
 */
export interface Refusal {
  code: ErrCode;
  message: string;
  /** The file at fault, as the command line named it: the message opens with it. */
  file?: string;
  /** Its line, where the message does not open with one (a JSON file's syntax error, `at 3:5`). */
  line?: number;
}

/** The file and line a message opens with (`file:12: rest`, `file: rest`), and the rest. */
const place = ({ file, message, line }: Refusal): { file: string; line: number | null; rest: string } => {
  if (file !== undefined && message.startsWith(`${file}:`)) {
    const after = message.slice(file.length + 1);
    const numbered = /^(\d+): /.exec(after);
    if (numbered) return { file, line: Number(numbered[1]), rest: after.slice(numbered[0].length) };
    if (after.startsWith(' ')) return { file, line: line ?? null, rest: after.slice(1) };
  }
  return { file: 'msi-explorer', line: null, rest: message };
};

/**
 * Says each refusal on stderr, one line each (`msi-explorer: ...`), and with --json also as an
 * object of the shape that stops a run, so that every line of stdout stays JSON and a program
 * reading it learns why nothing ran: the file at fault (or `msi-explorer` when the fault is an
 * option's), its line when the error has one (else null), no command. Returns the usage status.
 */
export const refuse = async (json: boolean | undefined, refusals: Refusal[]): Promise<number> => {
  const { oneLine } = await import('../commands/args.js');
  const { renderJsonStop } = json ? await import('../render/json.js') : { renderJsonStop: undefined };
  for (const r of refusals) {
    if (renderJsonStop) {
      const { file, line, rest } = place(r);
      writeStdout(`${renderJsonStop({ file, line }, { code: r.code, message: oneLine(rest) })}\n`);
    }
    writeStderr(`msi-explorer: ${oneLine(r.message)}\n`);
  }
  return EXIT.USAGE;
};
