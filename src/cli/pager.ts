import { spawnSync } from 'node:child_process';

/**
 * The REPL's pager for output taller than the terminal, as psql has: MSI_EXPLORER_PAGER, else
 * PAGER, else `less -FRXK` (-F: quit at once if it fits after all, -R: keep colours, -X: leave
 * the text on the screen, -K: Ctrl-C quits it, back to the REPL's prompt). Set either to an empty
 * string to turn paging off.
 */
export const pagerCommand = (env: NodeJS.ProcessEnv): string | undefined => {
  const set = env.MSI_EXPLORER_PAGER ?? env.PAGER;
  if (set === undefined) return 'less -FRXK';
  return set.trim() === '' ? undefined : set;
};

/** Whether `text` needs a pager on a terminal of `rows` rows: it would push its own first line (and the prompt) off the screen. */
export const tallerThan = (text: string, rows: number | undefined): boolean => {
  if (!rows || rows <= 0) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines < rows; i = text.indexOf('\n', i + 1)) lines++;
  return lines >= rows;
};

/** Takes SIGINT in place of node's default, which is to die. */
const ignore = (): void => {};

/**
 * Shows `text` through the pager command (run by the shell, as $PAGER is meant to be), which
 * reads the keyboard itself. False when the pager could not be run: the caller prints instead.
 * The terminal is in cooked mode meanwhile, so Ctrl-C sends SIGINT to the whole foreground
 * process group, this process too: as psql does, it is ignored here (the pager, whose signal
 * dispositions are reset by the spawn, gets it alone) so that Ctrl-C ends the pager, never the
 * session. The listener stays for the rest of the session once a pager has run: taken off as the
 * pager returns, it would give SIGINT back its default (die) before the kernel had necessarily
 * handed this process the SIGINT that ended the pager, and on a loaded machine it sometimes had
 * not. Elsewhere the REPL's terminal is raw, and Ctrl-C a key it reads, not a signal.
 */
export const page = (command: string, text: string): boolean => {
  if (process.listeners('SIGINT').indexOf(ignore) < 0) process.on('SIGINT', ignore);
  const r = spawnSync('/bin/sh', ['-c', command], { input: `${text}\n`, stdio: ['pipe', 'inherit', 'inherit'] });
  return !r.error && r.status !== 126 && r.status !== 127;
};
