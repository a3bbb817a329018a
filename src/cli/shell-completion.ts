import type { Command } from 'commander';

/**
 * `msi-explorer completion bash|zsh`: a completion script for the shell, generated from the same
 * tables that drive the program (commander's options, the verb registry, the built-in
 * topologies), so it cannot fall behind them. It completes options and their values, topology
 * names and .json files after -t, designs (a comma list) after --compare, .yaml files after
 * --rm-cfg, verbs at the start of an -e text, and .msi scripts.
 */

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionData {
  options: Array<{ short?: string; long?: string; description: string; value: boolean; choices?: readonly string[] }>;
  verbs: readonly string[];
  topologies: readonly string[];
}

export const completionData = (program: Command, verbs: readonly string[], topologies: readonly string[]): CompletionData => ({
  // -h, --help is one of them: program.ts declares it as a plain option.
  options: program.options.map((o) => ({
    short: o.short,
    long: o.long,
    description: o.description,
    value: Boolean(o.required || o.optional),
    choices: o.argChoices,
  })),
  verbs,
  topologies,
});

/** The designs --design takes, which --compare lists (a,b,... or all). */
const designs = (d: CompletionData): readonly string[] => d.options.find((o) => o.long === '--design')?.choices ?? [];

/** Words safe inside single quotes in both shells: ids, option names, verb names. */
const words = (xs: readonly string[]): string => xs.join(' ');

const bash = (d: CompletionData): string => {
  const flags = d.options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined));
  const valueCases = d.options
    .filter((o) => o.choices)
    .map((o) => `    ${[o.short, o.long].filter(Boolean).join('|')}) COMPREPLY=($(compgen -W '${words(o.choices!)}' -- "$cur")); return ;;`);
  return `# msi-explorer completion for bash. Load it with:
#   source <(msi-explorer completion bash)
# or save it as ~/.local/share/bash-completion/completions/msi-explorer
_msi_explorer() {
  local cur prev
  cur=\${COMP_WORDS[COMP_CWORD]}
  prev=\${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
    -t|--topology)
      COMPREPLY=($(compgen -W '${words(d.topologies)}' -- "$cur") $(compgen -f -X '!*.json' -- "$cur") $(compgen -d -S / -- "$cur"))
      compopt -o nospace 2>/dev/null
      return ;;
${valueCases.join('\n')}
    -e|--exec)
      # The first verb of the -e text. Inside an opening quote readline keeps the quote itself,
      # so the candidates go without it (and without filename quoting).
      case $cur in \\'*|\\"*) cur=\${cur:1} ;; esac
      compopt +o filenames 2>/dev/null
      COMPREPLY=($(compgen -W '${words(d.verbs)}' -- "$cur"))
      return ;;
    --compare)
      # A comma list of designs, or all: the design after the last comma, the ones before kept.
      local before=
      [[ $cur == *,* ]] && before=\${cur%,*},
      compopt +o filenames 2>/dev/null
      COMPREPLY=($(compgen -P "$before" -W 'all ${words(designs(d))}' -- "\${cur##*,}"))
      return ;;
    --rm-cfg)
      COMPREPLY=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur") $(compgen -d -S / -- "$cur"))
      compopt -o nospace 2>/dev/null
      return ;;
    # Values no list holds (a host id, a pool of whichever topology): not file names either.
    --host|--pool) COMPREPLY=(); return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W '${words(flags)}' -- "$cur"))
    return
  fi
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W 'completion' -- "$cur"))
  elif [[ \${COMP_WORDS[1]} == completion && $COMP_CWORD -eq 2 ]]; then
    COMPREPLY=($(compgen -W '${words(SHELLS)}' -- "$cur"))
    return
  fi
  COMPREPLY+=($(compgen -f -X '!*.msi' -- "$cur") $(compgen -d -S / -- "$cur"))
  compopt -o nospace 2>/dev/null
}
complete -o filenames -F _msi_explorer msi-explorer
`;
};

/** An option's description for zsh's _arguments, with its brackets and quotes escaped. */
const zshText = (s: string): string => s.replace(/[[\]\\']/g, (c) => (c === "'" ? "'\\''" : `\\${c}`));

const zsh = (d: CompletionData): string => {
  const specs = d.options.map((o) => {
    const names = [o.short, o.long].filter((f): f is string => f !== undefined);
    // -e repeats (zsh's `*`); the others exclude their own other spelling once given.
    const repeat = o.long === '--exec' ? '*' : '';
    const exclusive = names.length > 1 && !repeat ? `(${names.join(' ')})` : '';
    let action = '';
    if (o.long === '--topology') action = ':topology:->topology';
    else if (o.long === '--exec') action = ':commands:->exec';
    else if (o.long === '--compare') action = `:designs:_values -s , design all ${words(designs(d))}`;
    else if (o.long === '--rm-cfg') action = ':rm-cfg file:_files -g "*.(yaml|yml)"';
    else if (o.choices) action = `:${o.long!.slice(2)}:(${words(o.choices)})`;
    else if (o.value) action = ':value: ';
    const flag = (n: string) => (o.value ? (n.startsWith('--') ? `${n}=` : `${n}+`) : n);
    const nameSpec = names.length > 1 ? `{${names.map(flag).join(',')}}` : flag(names[0]);
    return `    '${repeat}${exclusive}'${nameSpec}'[${zshText(o.description)}]${action}'`;
  });
  return `#compdef msi-explorer
# msi-explorer completion for zsh. Load it with:
#   source <(msi-explorer completion zsh)
# or save it as _msi-explorer in a folder of $fpath
_msi-explorer() {
  local state
  local -a verbs topologies
  verbs=(${words(d.verbs)})
  topologies=(${words(d.topologies)})
  if (( CURRENT == 2 )) && [[ $words[2] != -* ]]; then
    _alternative 'subcommand:subcommand:(completion)' 'scripts:script:_files -g "*.msi"'
    return
  fi
  if [[ $words[2] == completion ]]; then
    (( CURRENT == 3 )) && _values shell ${words(SHELLS)}
    return
  fi
  _arguments -s -S \\
${specs.join(' \\\n')} \\
    '*:script:_files -g "*.msi"'
  case $state in
    topology) _alternative 'built-in:built-in topology:compadd -a topologies' 'files:topology file:_files -g "*.json"' ;;
    exec) compset -P "[\\"']"; _describe -t verbs verb verbs ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _msi-explorer "$@"
else
  compdef _msi-explorer msi-explorer
fi
`;
};

export const completionScript = (shell: Shell, d: CompletionData): string => (shell === 'bash' ? bash(d) : zsh(d));
