/**
 * `msi-explorer completion bash|zsh`: the printed script (printed in-process, cli-in-process.ts) is
 * loaded into a real shell and its completion function called as the shell would (COMP_WORDS /
 * COMP_CWORD for bash).
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/commands/registry.js';
import { runCli } from './cli-in-process.js';
import { ROOT } from './harness.js';

const script = async (shell: string): Promise<string> => {
  const r = await runCli(['completion', shell]);
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
};

const hasShell = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

describe('completion bash', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'msi-compl-')), 'msi-explorer.bash');

  /** What the completion function offers for a command line whose last word is being typed. */
  const complete = (...words: string[]): string[] => {
    const quoted = words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _msi_explorer; printf '%s\\n' "\${COMPREPLY[@]}"`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  test('the script parses and registers the function', async () => {
    writeFileSync(file, await script('bash'));
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    const r = spawnSync('bash', ['-c', `source '${file}'; complete -p msi-explorer`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -o filenames -F _msi_explorer msi-explorer');
  });

  test('options and their values', () => {
    expect(complete('msi-explorer', '--pol')).toEqual(['--policy']);
    expect(complete('msi-explorer', '--design', '')).toEqual(['merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(complete('msi-explorer', '--policy', '')).toEqual(['coalesced', 'dedicated']);
    expect(complete('msi-explorer', '--mode', 'p')).toEqual(['probe']);
    expect(complete('msi-explorer', '--color', '')).toEqual(['auto', 'always', 'never']);
    expect(complete('msi-explorer', '-')).toEqual(expect.arrayContaining(['-t', '--topology', '-e', '--exec', '-i', '--json', '--help']));
  });

  test('topology names and .json files after -t', () => {
    expect(complete('msi-explorer', '-t', 'a')).toEqual(['am65x']);
    expect(complete('msi-explorer', '--topology', 'fixtures/topologies/')).toEqual(expect.arrayContaining(['fixtures/topologies/small8.json']));
  });

  test('designs after --compare, a comma list; .yaml files after --rm-cfg; nothing after --host and --pool', () => {
    expect(complete('msi-explorer', '--compare', '')).toEqual(['all', 'merged', 'rfc-v4', 'probe-all', 'dynamic']);
    expect(complete('msi-explorer', '--compare', 'merged,r')).toEqual(['merged,rfc-v4']);
    expect(complete('msi-explorer', '--compare', 'merged,rfc-v4,p')).toEqual(['merged,rfc-v4,probe-all']);
    expect(complete('msi-explorer', '--rm-cfg', 'fixtures/rm-cfg/')).toEqual(['fixtures/rm-cfg/am65x-host12.yaml']);
    expect(complete('msi-explorer', '--rm-cfg', 'fixtures/r')).toEqual(['fixtures/rm-cfg/']);
    expect(complete('msi-explorer', '--host', '')).toEqual([]);
    expect(complete('msi-explorer', '--pool', '')).toEqual([]);
  });

  test('verbs at the start of an -e text, inside its quote', () => {
    expect(complete('msi-explorer', '-e', 'al')).toEqual(['alloc-irq']);
    expect(complete('msi-explorer', '-e', "'request-")).toEqual(['request-channel']);
    expect(complete('msi-explorer', '--exec', '')).toEqual(COMMANDS.map((c) => c.name));
  });

  test('scripts: .msi files and folders; the subcommand and its shells', () => {
    expect(complete('msi-explorer', 'fixtures/scripts/01')).toEqual(['fixtures/scripts/01-merged.msi']);
    expect(complete('msi-explorer', 'fixtures/scr')).toEqual(['fixtures/scripts/']);
    expect(complete('msi-explorer', 'comp')).toEqual(['completion']);
    expect(complete('msi-explorer', 'completion', '')).toEqual(['bash', 'zsh']);
  });
});

describe('completion zsh', () => {
  test('a #compdef script naming every verb and option', async () => {
    const text = await script('zsh');
    expect(text.split('\n')[0]).toBe('#compdef msi-explorer');
    expect(text).toContain(`verbs=(${COMMANDS.map((c) => c.name).join(' ')})`);
    expect(text).toContain(`'--design='[the thread'\\''s allocation design (see \`design\` in the REPL)]:design:(merged rfc-v4 probe-all dynamic)'`);
    expect(text).toContain(`'--policy='[VINT sharing, overriding the design'\\''s]:policy:(coalesced dedicated)'`);
    expect(text).toContain(`'--mode='[when MSIs are allocated, overriding the design'\\''s]:mode:(probe demand)'`);
    expect(text).toContain(':designs:_values -s , design all merged rfc-v4 probe-all dynamic\'');
    expect(text).toContain(`:rm-cfg file:_files -g "*.(yaml|yml)"'`);
    // A repeatable option takes no exclusion list: zsh's _arguments refuses '*(-e --exec)...'.
    expect(text).toContain(`'*'{-e+,--exec=}'[run commands separated by ";" (repeatable)]:commands:->exec'`);
  });

  test('zsh parses it and compdef registers it (when zsh is installed)', async () => {
    if (!hasShell('zsh')) return;
    const file = join(mkdtempSync(join(tmpdir(), 'msi-compl-')), '_msi-explorer');
    writeFileSync(file, await script('zsh'));
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
    // -C: without compaudit's check of the system's fpath folders (a dozen processes, a second of
    // CPU), which says nothing about this script; compinit still loads every completion and compdef.
    const r = spawnSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -C -u -D; source '${file}'; print -r -- $_comps[msi-explorer]`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('_msi-explorer');
  });
});

test('a shell it does not know: usage error, one line', async () => {
  for (const args of [['completion'], ['completion', 'fish'], ['completion', 'bash', 'zsh']]) {
    const r = await runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(/^msi-explorer: completion: expected bash or zsh, got .*; usage: msi-explorer completion bash\|zsh$/);
  }
});

test('an option beside completion is refused, one EUSAGE line (with --json also its object), not run as a script named completion', async () => {
  const said = (option: string) => `option '${option}' cannot be used with completion, which prints a shell script; usage: msi-explorer completion bash|zsh`;
  const json = await runCli(['--json', 'completion', 'bash']);
  expect(json.status).toBe(2);
  expect(json.errLines).toEqual([`msi-explorer: ${said('--json')}`]);
  expect(JSON.parse(json.stdout)).toEqual({ file: 'msi-explorer', line: null, command: null, ok: false, error: { code: 'EUSAGE', message: said('--json') } });
  for (const [args, option] of [
    [['-q', 'completion', 'bash'], '-q'],
    [['-t', 'am65x', 'completion', 'zsh'], '-t'],
    [['--topology=am65x', 'completion', 'zsh'], '--topology'],
    [['completion', 'bash', '-q'], '-q'],
  ] as const) {
    const r = await runCli([...args]);
    expect({ args, status: r.status, stdout: r.stdout, err: r.errLines }).toEqual({ args, status: 2, stdout: '', err: [`msi-explorer: ${said(option)}`] });
  }
  // help is answered, not refused; `-` and `--` are words the shell check names
  const help = await runCli(['completion', '--help']);
  expect({ status: help.status, out: help.stdout.split('\n')[0] }).toEqual({ status: 0, out: 'usage: msi-explorer completion bash|zsh' });
  expect((await runCli(['completion', '-h'])).stdout).toBe(help.stdout);
  expect((await runCli(['completion', 'zsh', '-'])).errLines).toEqual(["msi-explorer: completion: expected bash or zsh, got 'zsh -'; usage: msi-explorer completion bash|zsh"]);
  // after --, a script of that name, as any operand is
  const file = await runCli(['--json', '--', 'completion']);
  expect(file.errLines).toEqual(['msi-explorer: completion: cannot read script: no such file']);
});
