import { spawnSync } from 'node:child_process';

/**
 * The REPL's pager for output taller than the terminal, as psql has: MSI_EXPLORER_PAGER, else
 * PAGER, else `less -FRX` (-F: quit at once if it fits after all, -R: keep colours, -X: leave
 * the text on the screen). Set either to an empty string to turn paging off.
 */
export const pagerCommand = (env: NodeJS.ProcessEnv): string | undefined => {
  const set = env.MSI_EXPLORER_PAGER ?? env.PAGER;
  if (set === undefined) return 'less -FRX';
  return set.trim() === '' ? undefined : set;
};

/** Whether `text` needs a pager on a terminal of `rows` rows: it would push its own first line (and the prompt) off the screen. */
export const tallerThan = (text: string, rows: number | undefined): boolean => {
  if (!rows || rows <= 0) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && lines < rows; i = text.indexOf('\n', i + 1)) lines++;
  return lines >= rows;
};

/**
 * Shows `text` through the pager command (run by the shell, as $PAGER is meant to be), which
 * reads the keyboard itself. False when the pager could not be run: the caller prints instead.
 */
export const page = (command: string, text: string): boolean => {
  const r = spawnSync('/bin/sh', ['-c', command], { input: `${text}\n`, stdio: ['pipe', 'inherit', 'inherit'] });
  return !r.error && r.status !== 126 && r.status !== 127;
};
