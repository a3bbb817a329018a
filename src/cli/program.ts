import { Command, CommanderError, Option } from 'commander';
import { DESIGNS, MODES, POLICIES, type DesignName, type Mode, type Policy } from '../core/designs.js';
import type { ColorChoice } from './color.js';
import { EXIT } from './exit.js';
import { writeStderr, writeStdout } from './output.js';
import { refuse } from './refuse.js';
import { VERSION } from './version.js';

export { EXIT };

export interface Options {
  topology: string;
  design: DesignName;
  /** Override one column of the design (kept as aliases of the design's first two columns). */
  policy?: Policy;
  mode?: Mode;
  exec: string[];
  json?: boolean;
  color: ColorChoice;
  bail?: boolean;
  interactive?: boolean;
  quiet?: boolean;
  debug?: boolean;
  version?: boolean;
  help?: boolean;
  compare?: string;
  pool?: string;
  /** Linux's share from a board's SYSFW resource-management config, for TISCI host `host`. */
  rmCfg?: string;
  host?: string;
}
/** Commander's own errors (an unknown option, a bad choice), as one line each, handed to `said`. */
const buildProgram = (said: (message: string) => void): Command =>
  new Command()
    .name('msi-explorer')
    .description('Explore how Linux allocates MSIs through the TI K3 INTA/INTR/GIC interrupt domains.')
    .usage('[options] [script.msi ...]')
    // Plain flags, acted on once the whole line has parsed: commander's own --version and --help
    // act as soon as they are met, so `--version --bogus` printed the version and exited 0.
    .option('--version', 'print the version')
    .argument('[scripts...]', 'scripts to run (- for stdin); none and a terminal: the interactive REPL')
    .option('-t, --topology <name|file.json>', 'SoC topology: a built-in name, else a JSON file by that path', 'am65x')
    // One design for the run: --compare boots each design it names with that design's settings.
    .addOption(new Option('--design <name>', "the thread's allocation design (see `design` in the REPL)").choices(DESIGNS.map((d) => d.name)).default('merged').conflicts('compare'))
    .addOption(new Option('--policy <policy>', "VINT sharing, overriding the design's").choices([...POLICIES]).conflicts('compare'))
    .addOption(new Option('--mode <mode>', "when MSIs are allocated, overriding the design's").choices([...MODES]).conflicts('compare'))
    .option('-e, --exec <commands>', 'run commands separated by ";" (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--json', 'one JSON object per command on stdout')
    .addOption(new Option('--color <when>', 'colour output').choices(['auto', 'always', 'never']).default('auto'))
    // --compare's output is its tables (or one JSON object), and its workload's failures are what
    // it compares: stopping at one, quieter output or a REPL after it have no meaning there.
    .addOption(new Option('--bail', 'stop at the first failing command').conflicts('compare'))
    .addOption(new Option('-i, --interactive', 'run the scripts and -e commands, then open the REPL').conflicts('compare'))
    .addOption(new Option('-q, --quiet', 'print only errors and the output of show commands').conflicts('compare'))
    .option('--debug', 'show stack traces of internal errors')
    .option('--compare <designs>', 'run the one workload (script, - or -e) under each design (a,b,... or all) side by side, each with its own settings')
    .option('--pool <pool>', 'with --compare: the pool to chart (default: the first to run out or fill, else where the designs differ most)')
    .option('--rm-cfg <rm-cfg.yaml>', "Linux's share from a board's SYSFW resource config (U-Boot/TI SDK YAML)")
    .option('--host <id>', 'with --rm-cfg: the TISCI host whose share to read (Linux on AM65x: 12)')
    .helpOption(false)
    .option('-h, --help', 'show this help')
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 all commands did what they should, 1 a command failed,',
        '2 usage error; with --compare, 2 also for a workload line that is not a',
        'command, said at its file:line before any design runs.',
        'In a script or the REPL, `help` lists the verbs.',
        '`msi-explorer completion bash|zsh` prints a shell completion script.',
      ].join('\n'),
    )
    .exitOverride()
    // Help and version obey the output rules of everything else (a closed pipe, a full disk).
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr, outputError: (s) => said(s.replace(/^error: /, '').trimEnd().replace(/\s*\n\s*/g, ' ')) });

/**
 * --json on a command line that did not parse: asked for if it stands before any `--`. (Read from
 * argv, since commander stops at the first error; a value that happens to be spelt --json, as in
 * `-e --json`, counts too.)
 */
const jsonAsked = (argv: string[]): boolean => {
  const end = argv.indexOf('--', 2);
  return argv.slice(2, end < 0 ? undefined : end).includes('--json');
};

const withCompletion = (option: string): string => `option '${option}' cannot be used with completion, which prints a shell script; usage: msi-explorer completion bash|zsh`;

/** `msi-explorer completion bash|zsh`: prints the shell's completion script. */
const printCompletion = async (program: Command, args: string[]): Promise<number> => {
  if (args.includes('--help') || args.includes('-h')) {
    writeStdout('usage: msi-explorer completion bash|zsh\n  print the shell completion script of bash or zsh; load it with\n  source <(msi-explorer completion bash)\n');
    return EXIT.OK;
  }
  // `-` (stdin) and `--` are words, not options: the shell check below names them.
  const option = args.find((a) => a.startsWith('-') && a !== '-' && a !== '--');
  if (option !== undefined) return refuse(args.includes('--json'), [{ code: 'EUSAGE', message: withCompletion(option.slice(0, 40)) }]);
  const { SHELLS, completionData, completionScript } = await import('./shell-completion.js');
  const shell = SHELLS.find((s) => s === args[0]);
  if (!shell || args.length > 1) {
    const got = args.length === 0 ? 'nothing' : `'${args.join(' ').slice(0, 40)}'`;
    writeStderr(`msi-explorer: completion: expected ${SHELLS.join(' or ')}, got ${got}; usage: msi-explorer completion bash|zsh\n`);
    return EXIT.USAGE;
  }
  const [{ COMMANDS }, { BUILT_IN }] = await Promise.all([import('../commands/registry.js'), import('../topology/load.js')]);
  writeStdout(completionScript(shell, completionData(program, COMMANDS.map((c) => c.name), Object.keys(BUILT_IN))));
  return EXIT.OK;
};

/**
 * The first option given before `completion` (`--json completion bash`): none has a meaning for
 * a shell script, so the line is refused, as `-q` beside `--compare` is, rather than `completion`
 * run as a script's name. After `--` it is a script's name.
 */
const completionWith = (program: Command, argv: string[]): string | undefined => {
  if (program.args[0] !== 'completion' || argv.includes('--')) return undefined;
  const given = program.options.find((o) => program.getOptionValueSource(o.attributeName()) === 'cli');
  if (given === undefined) return undefined;
  // As typed (-q, not '-q, --quiet'): the word on the command line that set it.
  const typed = argv.slice(2).find((a) => a === given.short || a === given.long || (given.long !== undefined && a.startsWith(`${given.long}=`)));
  return typed === undefined ? given.flags : typed.startsWith('--') ? typed.split('=')[0] : typed;
};

/**
 * Parses the command line; only then loads the model, the verbs and the renderers, so that
 * --version, --help and usage errors cost no more than commander itself.
 */
/** An option given without the one it goes with: a usage error, beside --version and --help too. */
const unpaired = (opts: Options): string | undefined => {
  if (opts.host !== undefined && opts.rmCfg === undefined) return "--host needs --rm-cfg <rm-cfg.yaml>: the board config to read the host's share from";
  if (opts.rmCfg !== undefined && opts.host === undefined) return '--rm-cfg needs --host <id>: the TISCI host whose share to read (Linux on AM65x is 12)';
  if (opts.pool !== undefined && opts.compare === undefined) return '--pool goes with --compare';
  return undefined;
};

/**
 * Counts each single-valued option as commander meets it (`--host 1`, `--host=1`, `-tfoo` alike):
 * commander keeps the last value of one given twice, and `--host 12 --host 13` is more likely a
 * mistake than a correction. Returns the first option given twice, once the line has parsed.
 */
const watchRepeats = (program: Command): (() => string | undefined) => {
  const seen = new Set<string>();
  let twice: string | undefined;
  for (const o of program.options) {
    // Flags may repeat harmlessly; -e is repeatable by design.
    if (!(o.required || o.optional) || o.attributeName() === 'exec') continue;
    program.on(`option:${o.name()}`, () => {
      if (seen.has(o.name())) twice ??= o.long ?? o.name();
      seen.add(o.name());
    });
  }
  return () => twice;
};

export const main = async (argv: string[]): Promise<number> => {
  let commanderSaid: string | undefined;
  const program = buildProgram((message) => (commanderSaid ??= message));
  if (argv[2] === 'completion') return printCompletion(program, argv.slice(3));
  const repeated = watchRepeats(program);
  try {
    program.parse(argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0) return EXIT.OK;
    return refuse(jsonAsked(argv), commanderSaid === undefined ? [] : [{ code: 'EUSAGE', message: commanderSaid }]);
  }
  const opts = program.opts<Options>();
  const twice = repeated();
  const refused = twice !== undefined ? `option '${twice}' given twice` : unpaired(opts);
  if (refused !== undefined) return refuse(opts.json, [{ code: 'EUSAGE', message: refused }]);
  // Only now, with every option known to be valid (and in company it needs): an unknown one is a
  // usage error whatever else the line holds (a bare --version never gets here: bin/msi-explorer.js
  // answers it itself).
  if (opts.help) {
    program.outputHelp();
    return EXIT.OK;
  }
  if (opts.version) {
    writeStdout(`${VERSION}\n`);
    return EXIT.OK;
  }
  const beforeCompletion = completionWith(program, argv);
  if (beforeCompletion !== undefined) return refuse(opts.json, [{ code: 'EUSAGE', message: withCompletion(beforeCompletion) }]);
  const [{ run }, { inputOrder }] = await Promise.all([import('./run.js'), import('./inputs.js')]);
  return run(opts, inputOrder(program, argv, program.args, opts.exec));
};
