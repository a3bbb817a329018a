/** Decides the colour level: FORCE_COLOR, then --color, then NO_COLOR, then whether stdout is a TTY. */
export type ColorChoice = 'auto' | 'always' | 'never';

export const colorLevel = (env: NodeJS.ProcessEnv, choice: ColorChoice, isTTY: boolean): 0 | 1 | 2 | 3 => {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2' || force === '3') return Number(force) as 2 | 3;
    return 1;
  }
  if (choice === 'never') return 0;
  if (choice === 'always') return depth(env);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return depth(env);
};

const depth = (env: NodeJS.ProcessEnv): 1 | 2 | 3 => {
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return 3;
  if (env.TERM?.includes('256')) return 2;
  return 1;
};

/** Terminal width: the TTY's, else COLUMNS, else 80. */
export const terminalWidth = (columns: number | undefined, env: NodeJS.ProcessEnv): number => {
  if (columns && columns > 0) return columns;
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : 80;
};
