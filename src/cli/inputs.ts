import type { Command } from 'commander';

/** One input of a batch run, as the command line gave it: a script path (`-`: stdin) or an -e text. */
export type Input = { script: string } | { exec: string };

/**
 * The scripts and -e texts in the order they stand on the command line, so that
 * `msi-explorer setup.msi -e pools more.msi` runs setup.msi, then pools, then more.msi.
 * commander keeps the two apart (operands and a repeatable option), so the order is read back
 * from argv with commander's own option table: which flags take a value, long and short,
 * `--opt=value`, clustered short flags (`-qe pools`) and `--`. The result is checked against
 * what commander parsed; should the two ever disagree, scripts run first, then -e, as before.
 */
export const inputOrder = (program: Command, argv: readonly string[], scripts: readonly string[], execs: readonly string[]): Input[] => {
  const byLong = new Map<string, { value: boolean; exec: boolean }>();
  const byShort = new Map<string, { value: boolean; exec: boolean }>();
  for (const o of program.options) {
    const info = { value: Boolean(o.required || o.optional), exec: o.attributeName() === 'exec' };
    if (o.long) byLong.set(o.long, info);
    if (o.short) byShort.set(o.short, info);
  }
  const out: Input[] = [];
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      for (const rest of args.slice(i + 1)) out.push({ script: rest });
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const opt = byLong.get(eq < 0 ? a : a.slice(0, eq));
      if (!opt?.value) continue;
      const value = eq < 0 ? args[++i] : a.slice(eq + 1);
      if (opt.exec && value !== undefined) out.push({ exec: value });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const opt = byShort.get(`-${a[j]}`);
        if (!opt?.value) continue;
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (opt.exec && value !== undefined) out.push({ exec: value });
        break;
      }
      continue;
    }
    out.push({ script: a });
  }
  const same = <T>(xs: readonly T[], ys: readonly T[]) => xs.length === ys.length && xs.every((x, k) => x === ys[k]);
  const seenScripts = out.flatMap((x) => ('script' in x ? [x.script] : []));
  const seenExecs = out.flatMap((x) => ('exec' in x ? [x.exec] : []));
  if (same(seenScripts, scripts) && same(seenExecs, execs)) return out;
  return [...scripts.map((script) => ({ script })), ...execs.map((exec) => ({ exec }))];
};
