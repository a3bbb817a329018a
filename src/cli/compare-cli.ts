import { oneLine } from '../commands/args.js';
import { runCompare } from '../commands/compare-run.js';
import { parseDesignList } from '../commands/designs-catalog.js';
import type { Result } from '../commands/result.js';
import type { Session } from '../commands/session.js';
import { loadWorkload, WorkloadFileError, WorkloadLineError, type WorkloadText } from '../commands/workload.js';
import { CoreError } from '../core/errors.js';
import { renderJson, renderJsonStop } from '../render/json.js';
import type { Style } from '../render/style.js';
import { renderError, renderText } from '../render/text.js';
import { LONG_RUN } from './batch.js';
import { EXIT } from './exit.js';
import type { Options } from './program.js';
import { refuse } from './refuse.js';
import { BoundedReader, notA, STDIN, stdinIsDirectory } from '../io/text-file.js';
import { splitExec } from '../commands/split.js';

/** The workload piped in (`-`), checked as a script piped to a batch run is (no NUL byte, at most 16 MiB). */
const readStdin = async (): Promise<WorkloadText> => {
  // Node reads a directory as an empty stream: said as a directory named as the workload is.
  if (stdinIsDirectory()) throw WorkloadFileError.of({ code: 'EINVAL', message: notA(STDIN, 'directory', 'workload') }, STDIN);
  const reader = new BoundedReader(STDIN, 'workload');
  for await (const chunk of process.stdin) {
    if (!reader.add(chunk as Buffer)) {
      process.stdin.destroy();
      break;
    }
  }
  const read = reader.result();
  if (!read.ok) throw WorkloadFileError.of(read, STDIN);
  return { name: STDIN, text: read.text };
};

/**
 * `msi-explorer --compare a,b,... script.msi` (or `-` for stdin, or `-e "cmd; cmd"` as the
 * workload): the compare verb from the command line. The workload's own failures are what is
 * being compared, so they do not fail the run; a bad design, pool or workload is a usage error
 * (status 2), and a workload line that is not a command is said as a batch run says it, at its
 * place (`bad.msi:2: EUSAGE: unknown verb ...`), before any design runs.
 */
export const runCompareCli = async (opts: Options, scripts: string[], session: Session, style: Style, errStyle: Style, longRun: () => void): Promise<number> => {
  const usage = (message: string): Promise<number> => refuse(opts.json, [{ code: 'EUSAGE', message }]);
  if (opts.compare === undefined) return usage('--pool goes with --compare');
  const fromExec = opts.exec.length > 0;
  if (scripts.length + (fromExec ? 1 : 0) !== 1) {
    return usage('--compare takes one workload: a script file, - for stdin, or commands with -e');
  }
  // An option that is wrong, as any other: refused before anything runs.
  let designs: ReturnType<typeof parseDesignList>;
  try {
    designs = parseDesignList(opts.compare);
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    return usage(`--compare: ${oneLine(e.message)}`);
  }
  const command = `compare --designs ${opts.compare}${opts.pool === undefined ? '' : ` --pool ${opts.pool}`} ${fromExec ? `'${opts.exec.join('; ')}'` : scripts[0]}`;
  let result: Result;
  try {
    // -e texts are named and numbered as a batch run numbers them, as one script: -e:5 is the fifth command.
    const spec = fromExec ? { name: '-e', text: opts.exec.flatMap(splitExec).join('\n') } : scripts[0] === '-' ? await readStdin() : { file: scripts[0] };
    const workload = loadWorkload(spec);
    // Every design runs the whole workload: as long a run as a batch script of all those lines.
    if (workload.lines.length * designs.length >= LONG_RUN) longRun();
    result = { ok: true, output: { kind: 'compare', compare: runCompare(session.topology, designs, workload, { pool: opts.pool }) } };
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    if (e instanceof WorkloadFileError) {
      // The workload could not be read: said as a batch run says a script it cannot read (--json:
      // an object of no command, naming the file and the line where there is one).
      const error = { code: e.code, message: e.reason };
      if (opts.json) process.stdout.write(`${renderJsonStop({ file: e.file, line: e.line }, error)}\n`);
      process.stderr.write(`${e.line === null ? `msi-explorer: ${e.file}: ${e.reason}` : renderError(errStyle, `${e.file}:${e.line}`, undefined, error)}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof WorkloadLineError) {
      // The line at fault, as a batch run of the workload reports it (--json: that line's object).
      const error = { code: e.code, message: e.reason };
      if (opts.json) process.stdout.write(`${renderJson(e.at, e.at.text, { ok: false, error })}\n`);
      process.stderr.write(`${renderError(errStyle, `${e.at.file}:${e.at.line}`, e.at.verb, error)}\n`);
      return EXIT.USAGE;
    }
    result = { ok: false, error: { code: e.code, message: oneLine(e.message), pool: e.pool } };
  }
  if (opts.json) process.stdout.write(`${renderJson({ file: '--compare', line: 1 }, command, result)}\n`);
  if (!result.ok) {
    process.stderr.write(`${renderError(errStyle, 'msi-explorer', 'compare', result.error)}\n`);
    return EXIT.USAGE;
  }
  if (!opts.json) process.stdout.write(`${renderText(style, result.output)}\n`);
  return EXIT.OK;
};

