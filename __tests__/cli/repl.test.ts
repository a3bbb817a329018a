import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as pty from 'node-pty';
import { quoteWord } from '../../src/commands/tokenize.js';
import { History, HISTORY_MAX, historyPath, parseHistory } from '../../src/cli/history.js';
import { wrap } from '../../src/render/wrap.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/msi-explorer.js');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'msi-repl-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('history file', () => {
  test('default in the home folder; MSI_EXPLORER_HISTORY overrides; empty turns it off', () => {
    expect(historyPath({}, () => '/home/k')).toBe('/home/k/.msi_explorer_history');
    expect(historyPath({ MSI_EXPLORER_HISTORY: '/tmp/h' }, () => '/home/k')).toBe('/tmp/h');
    expect(historyPath({ MSI_EXPLORER_HISTORY: '' }, () => '/home/k')).toBeUndefined();
    expect(historyPath({}, () => '')).toBeUndefined();
    expect(
      historyPath({}, () => {
        throw new Error('no home');
      }),
    ).toBeUndefined();
  });

  test('parse: blank lines, control characters and repeats in a row dropped; CRLF and trailing blanks trimmed', () => {
    expect(parseHistory('pools\r\n\npools\nroutes  \n\x1b[Abad\nroutes\npools\n')).toEqual(['pools', 'routes', 'pools']);
  });

  test('parse: lines the REPL refuses before running them are dropped (too long, bidi, C1, invalid UTF-8); tabs and quote typos kept', () => {
    const long = `pools ${'x'.repeat(4091)}`;
    expect(long.length).toBe(4097);
    const text = ['routes \u202egnp', long, 'routes\u0085', 'pools \ufffd', 'routes\u2028x', 'mask-irq\t70', 'routes "ringacc', long.slice(0, 4096)].join('\n');
    expect(parseHistory(text)).toEqual(['mask-irq\t70', 'routes "ringacc', long.slice(0, 4096)]);
  });

  test('keeps the last HISTORY_MAX lines', () => {
    const lines = Array.from({ length: HISTORY_MAX + 50 }, (_, i) => `fire-ring ${i}`);
    const parsed = parseHistory(lines.join('\n'));
    expect(parsed).toHaveLength(HISTORY_MAX);
    expect(parsed[0]).toBe('fire-ring 50');
  });

  test('round trip: readline order (newest first) in memory, oldest first on disk', () => {
    const path = join(tmp, 'round-trip');
    const h = new History(path, () => {
      throw new Error('no warning expected');
    });
    expect(h.load()).toEqual([]);
    h.save(['routes', 'request-channel main_udmap tx', 'pools']);
    expect(readFileSync(path, 'utf8')).toBe('pools\nrequest-channel main_udmap tx\nroutes\n');
    expect(new History(path).load()).toEqual(['routes', 'request-channel main_udmap tx', 'pools']);
  });

  test('turned off: reads and writes nothing', () => {
    const h = new History(undefined);
    expect(h.load()).toEqual([]);
    h.save(['pools']);
  });

  test('an unreadable history costs one warning and is never overwritten', () => {
    const dir = join(tmp, 'is-a-dir');
    mkdirSync(dir);
    const warnings: string[] = [];
    const h = new History(dir, (m) => warnings.push(m));
    expect(h.load()).toEqual([]);
    h.save(['pools']);
    h.save(['routes', 'pools']);
    expect(warnings).toEqual([`history: cannot read ${dir}: is a directory; history is not saved this session`]);
  });

  test('an unwritable history costs one warning, then the session goes on', () => {
    const path = join(tmp, 'no-such-folder', 'history');
    const warnings: string[] = [];
    const h = new History(path, (m) => warnings.push(m));
    expect(h.load()).toEqual([]);
    h.save(['pools']);
    h.save(['routes', 'pools']);
    expect(warnings).toEqual([`history: cannot write ${path}: no such folder; history is not saved this session`]);
  });

  test('a history that plainly cannot be written is said as it is loaded, before any command, once', () => {
    const path = join(tmp, 'no-such-folder-yet', 'history');
    const warnings: string[] = [];
    const h = new History(path, (m) => warnings.push(m));
    expect(h.load()).toEqual([]);
    expect(warnings).toEqual([`history: cannot write ${path}: no such folder; history is not saved this session`]);
    h.save(['pools']);
    expect(warnings).toHaveLength(1);
  });

  test('a read-only history file is read but not written', () => {
    if (process.getuid?.() === 0) return; // root writes anyway
    const path = join(tmp, 'read-only');
    writeFileSync(path, 'pools\n');
    chmodSync(path, 0o400);
    const warnings: string[] = [];
    const h = new History(path, (m) => warnings.push(m));
    expect(h.load()).toEqual(['pools']);
    h.save(['routes', 'pools']);
    expect(warnings).toHaveLength(1);
  });
});

test('quoteWord: what the tokenizer would need to read the word back', () => {
  expect(quoteWord('main_udmap:tx8')).toBe('main_udmap:tx8');
  expect(quoteWord('used=3')).toBe('used=3');
  expect(quoteWord('my file.msi')).toBe("'my file.msi'");
  expect(quoteWord("it's")).toBe(`"it's"`);
  expect(quoteWord('a#b')).toBe("'a#b'");
  expect(quoteWord('')).toBe("''");
  // Shown inside '...' (expect-error's message): a word's quotes are "...", unless it holds one.
  expect(quoteWord('alloc-irq ringacc 304', '"')).toBe('"alloc-irq ringacc 304"');
  expect(quoteWord('say "hi"', '"')).toBe(`'say "hi"'`);
});

test('batch mode never prompts: a missing argument is EUSAGE', () => {
  const r = spawnSync(process.execPath, [BIN, '-e', 'request-channel'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^-e:1: request-channel: EUSAGE: missing <dma> <direction>/);
});

// ---- the real binary in a pseudo-terminal ---------------------------------------------------

/**
 * The environment of a REPL under test: this one's, without what changes the output (colour,
 * size, pager, history), then plain text, no pager, no history, and `set` over that (an
 * undefined value removes the variable).
 */
const replEnv = (set: Record<string, string | undefined> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(FORCE_COLOR|NO_COLOR|COLUMNS|LINES|PAGER|MSI_EXPLORER_.*)$/.test(k)) env[k] = v;
  Object.assign(env, { NO_COLOR: '1', TERM: 'xterm', MSI_EXPLORER_HISTORY: '', MSI_EXPLORER_PAGER: '' });
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
};

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\x1b[=>78]/g;

/** A terminal session: everything the program wrote, and waits for text to appear in it. */
class Terminal {
  /** Every terminal a test opened, so that one left hanging by a failed test is still killed. */
  static readonly opened: Terminal[] = [];
  private raw = '';
  private mark = 0;
  exit?: { exitCode: number; signal?: number };
  private readonly exited: Promise<{ exitCode: number; signal?: number }>;

  /**
   * Wakes the waitFor in progress (one at a time, as the tests wait) when more arrives or the
   * program exits, rather than it polling.
   */
  private wake?: () => void;

  constructor(private readonly proc: pty.IPty) {
    Terminal.opened.push(this);
    proc.onData((d) => {
      this.raw += d;
      this.wake?.();
    });
    this.exited = new Promise((done) =>
      proc.onExit((e) => {
        this.exit = e;
        done(e);
        this.wake?.();
      }),
    );
  }

  /** Everything received, escape sequences included. */
  get rawText(): string {
    return this.raw;
  }

  /** What the screen received, without escape sequences or carriage returns. */
  get text(): string {
    return this.raw.replace(ANSI, '').replace(/\r/g, '');
  }

  type(keys: string): void {
    this.proc.write(keys);
  }

  /**
   * Resolves once every key typed so far has been written to the terminal: node-pty writes from
   * a queue of its own, asynchronously, so a test that must know its keys are in (before it lets
   * a held REPL go on) waits for the queue to drain, however loaded the machine.
   */
  async typed(): Promise<void> {
    const queue = (this.proc as unknown as { _writeStream?: { _writeQueue?: unknown } })._writeStream?._writeQueue;
    if (!Array.isArray(queue)) throw new Error('node-pty no longer keeps _writeStream._writeQueue: Terminal.typed() needs another way to know the keys are written');
    while (queue.length > 0) await new Promise((done) => setTimeout(done, 2));
  }

  /** Waits until `what` appears after the last thing waited for; returns the text from there to it.
   *  The limits only catch a hang: the machine may be loaded, so they are generous. */
  async waitFor(what: string | RegExp, timeoutMs = 15000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.text;
      const rest = text.slice(this.mark);
      const at = typeof what === 'string' ? rest.indexOf(what) : rest.search(what);
      if (at >= 0) {
        const len = typeof what === 'string' ? what.length : (rest.slice(at).match(what)?.[0].length ?? 0);
        this.mark += at + len;
        return rest.slice(0, at + len);
      }
      if (this.exit || Date.now() > deadline) {
        // The end of it: a paste echoed line by line is megabytes.
        const shown = rest.length > 4000 ? `...${rest.slice(-4000)}` : rest;
        throw new Error(`timed out waiting for ${String(what)}; the screen since the last match:\n${shown}`);
      }
      // The next data, the program's exit, or the deadline, whichever comes first.
      await new Promise<void>((r) => {
        const timer = setTimeout(r, deadline + 1 - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      this.wake = undefined;
    }
  }

  async waitExit(timeoutMs = 15000): Promise<{ exitCode: number; signal?: number }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no exit; the screen ends with:\n${this.text.slice(-2000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGHUP, as a closed terminal sends; SIGKILL if that has not ended it half a second later. */
  kill(): void {
    if (this.exit) return;
    this.proc.kill();
    setTimeout(() => {
      if (!this.exit) this.proc.kill('SIGKILL');
    }, 500).unref();
  }
}

describe('the REPL in a pseudo-terminal', () => {
  // The prompt names the design: merged is the default.
  const PROMPT = 'msi(merged)> ';
  // Every terminal a test opened is closed after it, failed or not: a live pty keeps jest waiting.
  const terms: Terminal[] = [];
  const open = (args: string[], cwd: string, env: Record<string, string>): Terminal => {
    const t = new Terminal(pty.spawn(process.execPath, [BIN, ...args], { name: 'xterm', cols: 100, rows: 30, cwd, env }));
    terms.push(t);
    return t;
  };
  afterEach(() => {
    for (const t of terms.splice(0)) t.kill();
  });
  /** A REPL that keeps its history in a file of its own, which may hold an earlier session's. */
  const openWithHistory = (earlier?: string): { t: Terminal; historyFile: string } => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const historyFile = join(home, 'history');
    if (earlier !== undefined) writeFileSync(historyFile, earlier);
    return { t: open([], ROOT, replEnv({ HOME: home, MSI_EXPLORER_HISTORY: historyFile })), historyFile };
  };

  test('a session: a table, prompts, Ctrl-C, Tab, a re-boot with confirmation, Ctrl-D', async () => {
    expect(existsSync(join(ROOT, 'dist/cli/repl.js'))).toBe(true);
    const { t, historyFile } = openWithHistory();

    expect(await t.waitFor(PROMPT)).toMatch(/msi-explorer \S+: am65x, design merged; help lists the verbs\n/);

    // A view: the pool table. Linux's host-12 share: VINTs 16-95, none taken before request_irq.
    t.type('pools\r');
    const pools = await t.waitFor(PROMPT);
    expect(pools).toMatch(/POOL\s+USED\s+TOTAL\s+FREE\s+PEAK/);
    expect(pools).toMatch(/inta_main_udmass\.vint\s+0\s+80\s+80\s+0/);
    expect(pools).toMatch(/virq\s+226\s+/);

    // A verb without its arguments: pick them in @inquirer menus with the arrow keys and Enter.
    t.type('request-channel\r');
    await t.waitFor('DMA controller');
    await t.waitFor('UDMA-P: 50 tx and 64 rx channels free to request');
    t.type('\r');
    await t.waitFor('direction');
    await t.waitFor('transmit: 50 channels free to request'); // tx is highlighted first
    t.type('\x1b[B'); // down: rx
    await t.waitFor('receive: 64 channels free to request');
    t.type('\r');
    const route = await t.waitFor(PROMPT);
    expect(route).toContain('-> request-channel main_udmap rx');
    // rchan 8 takes the first GP ring, 304, whose probe-time MSI is virq 70; request_irq takes
    // the first event and VINT of Linux's share.
    expect(route).toMatch(/main_udmap:rx8: virq 70: ringacc 304 \(hwirq 0xbb0130\) -> event 16 -> VINT 16 bit 0 ->/);

    // Ctrl-C abandons a half-typed line; the session and its state survive.
    t.type('alloc-irq ring');
    await t.waitFor('alloc-irq ring');
    t.type('\x03');
    await t.waitFor('^C');
    await t.waitFor(PROMPT);
    t.type('routes ringacc\r');
    const routes = await t.waitFor(PROMPT);
    // Only the requested MSI has a route: the other 218 from probe have no hardware.
    expect(routes).toMatch(/^\s*70\s+ringacc 304\s.* main_udmap:rx8\s*$/m);
    expect(routes.match(/ringacc \d+/g)).toEqual(['ringacc 304']);

    // Tab completes a channel name from the live state.
    t.type('release-channel m\t');
    await t.waitFor('release-channel main_udmap:rx8');
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toContain('released main_udmap:rx8');

    // A design re-boots, so it asks first; Tab completes its name, Enter takes the default (yes: only peaks to lose).
    t.type('design r\t');
    await t.waitFor('design rfc-v4');
    t.type('\r');
    expect(await t.waitFor('(Y/n)')).toContain('re-boot with design rfc-v4 (resets only pool peaks)?');
    t.type('\r');
    expect(await t.waitFor('msi(rfc-v4)> ')).toMatch(/re-booted with design rfc-v4 \(policy dedicated, mode demand, hardware alloc, lock\s+none, failure\s+unwind\)/);

    // With work to lose the default is no: Enter keeps the channel and the design.
    t.type('request-channel main_udmap tx\r');
    expect(await t.waitFor('msi(rfc-v4)> ')).toContain('main_udmap:tx8: virq');
    t.type('hardware request\r');
    expect(await t.waitFor('(y/N)')).toContain('re-boot with hardware request (discards 1 channel)?');
    t.type('\r');
    expect(await t.waitFor('msi(rfc-v4)> ')).toContain('cancelled; nothing done');

    // A design changed by hand: the preset nearest it (probe-all differs by one column too; the
    // earlier in the list wins), then what differs; the re-boot line names it as the prompt does.
    t.type('lock inta\r');
    await t.waitFor('(y/N)');
    t.type('y\r');
    expect(await t.waitFor('msi(rfc-v4+lock inta)> ')).toContain('re-booted with design rfc-v4+lock inta (policy dedicated,');
    t.type('policy coalesced\r');
    await t.waitFor('(Y/n)');
    t.type('\r');
    // Now one column from dynamic (coalesced, demand, hardware request, lock inta): nearer than rfc-v4.
    expect(await t.waitFor('msi(dynamic+hardware alloc)> ')).toContain('re-booted with design dynamic+hardware alloc (what-if; policy coalesced,');

    // Ctrl-D leaves with status 0.
    t.type('\x04');
    expect((await t.waitExit()).exitCode).toBe(0);

    // History keeps what was entered (prompted commands in full, a declined re-boot as typed),
    // not the line abandoned with Ctrl-C.
    const history = readFileSync(historyFile, 'utf8').split('\n');
    expect(history).toEqual([
      'pools',
      'request-channel main_udmap rx',
      'routes ringacc',
      'release-channel main_udmap:rx8',
      'design rfc-v4',
      'request-channel main_udmap tx',
      'hardware request',
      'lock inta',
      'policy coalesced',
      '',
    ]);
  }, 60000);

  test("the banner labels a what-if design: 'design dynamic (what-if)'", async () => {
    const env = replEnv();
    const t = open(['--design', 'dynamic'], ROOT, env);
    expect(await t.waitFor('msi(dynamic)> ')).toMatch(/msi-explorer \S+: am65x, design dynamic \(what-if\); help lists the verbs\n/);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('nothing to choose is said at once; a menu of virqs finds the virq typed, not the entry at that position', async () => {
    const env = replEnv();
    const t = open([], ROOT, env);
    await t.waitFor(PROMPT);
    // Nothing that could succeed: said at once, no prompt opened.
    t.type('free-irq\r');
    expect(await t.waitFor(PROMPT)).toMatch(/free-irq: nothing to free: no irq was requested with alloc-irq/);
    // An error line longer than the terminal (100 columns) is wrapped, continuing indented.
    t.type('routes no_such_device_at_all\r');
    const err = await t.waitFor(PROMPT);
    expect(err).toMatch(/^routes: ENOENT: unknown device 'no_such_device_at_all' \(devices: .{1,60}\n {4}\S/m);
    for (const l of err.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
    // A command typed inside expect-error runs as typed, as in a script: no menu opens, and the
    // arity error is the failure checked.
    t.type('expect-error EUSAGE request-channel\r');
    const checked = await t.waitFor(PROMPT);
    expect(checked).toMatch(/^EUSAGE as expected: missing <dma> <direction>; usage: request-channel/m);
    expect(checked).not.toContain('DMA controller');
    t.type('request-channel main_udmap tx 40\r');
    await t.waitFor('40 channels');
    await t.waitFor(PROMPT);
    t.type('mask-irq\r');
    await t.waitFor('virq (type to filter)');
    t.type('100');
    await t.waitFor(/100 {2}ringacc/);
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toMatch(/-> mask-irq 100\n.*virq 100 masked/s);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('-i runs the inputs, then opens the REPL on them; tall output goes through $PAGER; exit <status>', async () => {
    const env = replEnv({ MSI_EXPLORER_PAGER: undefined, PAGER: "sed 's/^/paged: /'" });
    const t = open(['-i', '-e', 'request-channel main_udmap tx 3'], ROOT, env);
    expect(await t.waitFor(PROMPT)).toMatch(/3 channels\n.*help lists the verbs/s);
    t.type('routes main_udmap\r');
    const short = await t.waitFor(PROMPT);
    expect(short).toMatch(/main_udmap:tx10/);
    expect(short).not.toContain('paged: ');
    // A failing command's tall output is paged too; its error line follows, after the pager.
    t.type('interleave "alloc-irq ringacc 350" "alloc-irq ringacc 351" --lock none\r');
    const race = await t.waitFor(PROMPT);
    expect(race).toMatch(/^paged: explored 924 schedules/m);
    expect(race).toMatch(/^paged: replay: --schedule A2,B\*,A\*\ninterleave: EXPECT: 420 of 924 schedules FORBIDDEN \(--expect race if that is the point\)\n/m);
    t.type('request-channel main_udmap tx 40\r');
    const tall = await t.waitFor(PROMPT);
    expect(tall).toMatch(/^paged: CHANNEL/m);
    expect(tall).toMatch(/^paged: 40 channels/m);
    // A sourced script's output is paged as a whole when tall, its error lines with it, in order.
    const work = mkdtempSync(join(tmp, 'work-'));
    writeFileSync(join(work, 'tall.msi'), 'request-channel main_udmap rx 40\nrelease-channel nope\n');
    writeFileSync(join(work, 'short.msi'), 'pools\nrequest-channel main_udmap rx 9999\n');
    t.type(`source ${work}/tall.msi\r`);
    const sourced = await t.waitFor(PROMPT);
    expect(sourced).toMatch(/^paged: main_udmap:rx8 .*^paged: 40 channels\npaged: \S+tall\.msi:2: release-channel: EUSAGE: /ms);
    // A short one is not paged, and its long error lines wrap at spaces to the 100 columns,
    // continuing indented, as the REPL's own errors do.
    t.type(`source ${work}/short.msi\r`);
    const short2 = await t.waitFor(PROMPT);
    expect(short2).not.toContain('paged: ');
    const err = short2.slice(short2.indexOf(`${work}/short.msi:2:`));
    expect(err).toMatch(/^\S+short\.msi:2: request-channel: EBUSY: .*\n {4}\S/);
    expect(err.replace(/\n {4}/g, ' ')).toMatch(/: EBUSY: ringacc\.gp_ring exhausted \(100\/100 used\): no completion ring for main_udmap:rx\d+, at channel \d+ of 9999; the \d+ granted before were released\n/);
    for (const l of short2.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
    t.type('exit 5\r');
    expect((await t.waitExit()).exitCode).toBe(5);
  }, 20000);

  test('Ctrl-C while the pager runs ends the pager, not the session', async () => {
    // A pager that stays until interrupted, as less does at its prompt; the terminal is cooked
    // meanwhile, so Ctrl-C is a SIGINT to the whole foreground process group. The process that
    // waits says so itself: after a shell's `echo`, a SIGINT that came before its next command
    // started was dash's to drop, and `sleep 60` then ran its minute.
    const wait = `${JSON.stringify(process.execPath)} -e "console.log('pager waits'); setTimeout(() => {}, 60000)"`;
    const env = replEnv({ MSI_EXPLORER_PAGER: `sed 's/^/paged: /'; exec ${wait}` });
    const t = open([], ROOT, env);
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx 2\r');
    await t.waitFor(PROMPT);
    t.type('help\r');
    await t.waitFor(/^paged: unmask-irq/m);
    await t.waitFor('pager waits');
    t.type('\x03');
    await t.waitFor(PROMPT);
    // The session goes on, its state intact.
    t.type('routes main_udmap\r');
    expect(await t.waitFor(PROMPT)).toMatch(/main_udmap:tx8[^]*main_udmap:tx9/);
    t.type('exit\r');
    expect(await t.waitExit()).toEqual({ exitCode: 0, signal: 0 });
  }, 20000);

  test('Ctrl-C stops a long interleave search: one line, the prompt back, the state and history as they were', async () => {
    const t = open([], ROOT, replEnv());
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx 2\r');
    await t.waitFor(PROMPT);
    t.type('alloc-irq ringacc 320\r');
    await t.waitFor(PROMPT);
    const views = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const v of ['pools', 'routes', 'interrupts']) {
        t.type(`${v}\r`);
        out.push(await t.waitFor(PROMPT));
      }
      return out;
    };
    const before = await views();
    // Some ten million schedules: minutes of work, unless stopped.
    const search = 'interleave "alloc-irq ringacc 310" "alloc-irq ringacc 311" "free-irq ringacc 320" --lock none --preemptions 20 --max-schedules 10000000';
    t.type(`${search}\r`);
    // Readline has ended the line (the search starts at once, before any key is read): Ctrl-C now
    // is a key read while the search runs.
    await t.waitFor('10000000\n');
    t.type('\x03');
    const stopped = await t.waitFor(PROMPT, 60000);
    expect(stopped).toMatch(/^interleave: interrupted after \d+ schedules?; nothing changed\nmsi\(merged\)> $/);
    expect(await views()).toEqual(before);
    // The history has the search, before the views; a second Ctrl-C, at the prompt, abandons the
    // line as ever.
    t.type('\x1b[A'.repeat(4));
    await t.waitFor('--max-schedules 10000000');
    t.type('\x03');
    expect(await t.waitFor(PROMPT)).toBe(`^C\n${PROMPT}`);
    t.type('exit\r');
    expect(await t.waitExit()).toEqual({ exitCode: 0, signal: 0 });
  }, 90000);

  test('Ctrl-C stops a long interleave search inside a sourced script, and the script (nested ones too) with it; the lines before stay done', async () => {
    const work = mkdtempSync(join(tmp, 'work-'));
    // Some ten million schedules: minutes of work, unless stopped.
    const search = 'interleave "alloc-irq ringacc 310" "alloc-irq ringacc 311" "free-irq ringacc 320" --lock none --preemptions 20 --max-schedules 10000000';
    writeFileSync(join(work, 'outer.msi'), 'request-channel main_udmap tx 2\nsource inner.msi\nalloc-irq ringacc 330\n');
    writeFileSync(join(work, 'inner.msi'), `alloc-irq ringacc 320\n${search}\nalloc-irq ringacc 321\n`);
    const t = open([], work, replEnv());
    await t.waitFor(PROMPT);
    t.type('source outer.msi\r');
    // What the script did before the search is on the screen while it runs.
    await t.waitFor(/virq \d+: ringacc 320 /);
    t.type('\x03');
    const stopped = await t.waitFor(PROMPT, 60000);
    expect(stopped).toMatch(/^inner\.msi:2: interleave: interrupted after \d+ schedules?; nothing changed; the script stopped there\nmsi\(merged\)> $/m);
    // The lines before the search ran; the rest of inner.msi and of outer.msi did not.
    t.type('routes ringacc\r');
    const routes = await t.waitFor(PROMPT);
    expect(routes).toMatch(/^ *\d+ +ringacc 320 .* alloc-irq$/m);
    expect(routes).not.toMatch(/ringacc (321|330) /);
    expect(routes).toMatch(/main_udmap:tx9$/m);
    t.type('exit\r');
    expect(await t.waitExit()).toEqual({ exitCode: 0, signal: 0 });
  }, 90000);

  test('Ctrl-D and Esc in a menu cancel the command as Ctrl-C does; Ctrl-D at the prompt leaves on a new line', async () => {
    const env = replEnv();
    const t = open([], ROOT, env);
    await t.waitFor(PROMPT);
    t.type('alloc-irq\r');
    await t.waitFor('MSI device');
    t.type('\x04');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    // Esc, in a menu that filters as it is typed (readline reports a lone ESC once its wait for
    // the rest of an escape sequence has run out).
    t.type('mask-irq\r');
    expect(await t.waitFor('up/down: move, tab: complete, enter: choose, esc: cancel')).toContain('virq (type to filter)');
    t.type('\x1b');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    // In the index prompt too, after a device was chosen.
    t.type('alloc-irq ringacc\r');
    await t.waitFor('index');
    t.type('\x04');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    // Still in the REPL, nothing allocated.
    t.type('expect-pool ringacc.gp_ring used=0\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^ringacc\.gp_ring: used=0 \(0\/100 used, peak 0\)$/m);
    t.type('\x04');
    expect((await t.waitExit()).exitCode).toBe(0);
    // The shell's prompt starts a line of its own.
    expect(t.text.endsWith(`${PROMPT}\n`)).toBe(true);
  }, 20000);

  /**
   * A REPL in which a call of `owner.method` (`owner` a JavaScript expression) whose first
   * argument matches `when` runs, then says `said` on stderr and holds the REPL still for `ms`:
   * keys typed once it is said arrive meanwhile, all in one read after it.
   */
  /**
   * A REPL held still, after saying `said`, each time `owner.method` is called with a first
   * argument `when` matches: until the test lets it go (release(), once the keys it means to slip
   * in are written), or `ms` at most. The hold's end is the test's signal, not a guess at this
   * machine's speed: the keys are in the terminal before the REPL goes on.
   */
  const openHolding = (name: string, owner: string, method: string, when: RegExp, said: string, ms: number): Terminal & { release(): Promise<void> } => {
    const hook = join(tmp, `${name}.cjs`);
    const go = join(tmp, `${name}.go`);
    rmSync(go, { force: true });
    writeFileSync(
      hook,
      `const { existsSync, rmSync } = require('node:fs');
const owner = ${owner};
const call = owner.${method};
owner.${method} = function (first) {
  const result = call.apply(this, arguments);
  if (${String(when)}.test(String(first))) {
    process.stderr.write(${JSON.stringify(`${said}
`)});
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (const end = Date.now() + ${ms}; !existsSync(${JSON.stringify(go)}) && Date.now() < end; ) Atomics.wait(pause, 0, 0, 2);
    rmSync(${JSON.stringify(go)}, { force: true });
  }
  return result;
};
`,
    );
    const t = open([], ROOT, replEnv({ NODE_OPTIONS: `--require ${hook}` }));
    return Object.assign(t, {
      // Once what was typed is written to the terminal, and a moment for the terminal to pass
      // it on to the REPL's side, the hold ends.
      release: async () => {
        await t.typed();
        await new Promise((done) => setTimeout(done, 20));
        writeFileSync(go, '');
      },
    });
  };

  /**
   * A REPL whose first load of @inquirer/prompts is held up (until released, ten seconds at most: a backstop, never reached unless a test fails to release it), as on a loaded machine,
   * after it says LOADING: keys typed then come after the REPL has let go of the keyboard and
   * before the prompt is on the screen, whatever this machine's speed.
   */
  const LOADING = '[loading @inquirer/prompts]';
  const openSlowPrompts = () => openHolding('slow-prompts', "require('node:module').prototype", 'require', /^@inquirer\/prompts$/, LOADING, 10_000);

  test('a re-boot is answered only by y, yes, n, no or Enter typed at its question: keys typed before it are dropped, other words asked again', async () => {
    const t = openSlowPrompts();
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx\r');
    await t.waitFor(PROMPT);
    // y and Enter typed ahead, while the question is being made: not the answer.
    t.type('policy dedicated\r');
    await t.waitFor(LOADING);
    t.type('y\r');
    await t.release();
    expect(await t.waitFor('(y/N)')).toBe('\nkeys typed before this question were dropped\n? re-boot with policy dedicated (discards 1 channel)? (y/N)');
    // A command typed at the question, a word that only starts with y: refused, the line cleared,
    // and asked again. (Each word is seen on the line before its Enter: keys typed while an
    // answer is being checked are dropped by the prompt, and a refusal is drawn twice.)
    const answer = async (word: string) => {
      t.type(word);
      await t.waitFor(`(y/N) ${word}`);
      t.type('\r');
    };
    await answer('pools');
    expect(await t.waitFor('answer y or n (Enter alone: no)')).toMatch(/\? re-boot with policy dedicated \(discards 1 channel\)\? \(y\/N\)\n> answer y or n \(Enter alone: no\)$/);
    await answer('yellow');
    await t.waitFor('answer y or n (Enter alone: no)');
    await answer('No');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    // Any case; the channel went with the re-boot. (The prompts are held as they load again.)
    t.type('policy dedicated\r');
    await t.waitFor(LOADING);
    await t.release();
    await t.waitFor('(y/N)');
    await answer('YES');
    expect(await t.waitFor('msi(merged+dedicated)> ')).toContain('re-booted with design merged+dedicated (policy dedicated,');
    t.type('expect-pool main_udmap.tx_chan used=0\r');
    expect(await t.waitFor('msi(merged+dedicated)> ')).toMatch(/^main_udmap\.tx_chan: used=0 /m);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 30000);

  test('keys typed before a menu or an input is on the screen are dropped, never taken as its answer', async () => {
    // A menu: Enter twice typed ahead would have released the top channel, never chosen.
    const menu = openSlowPrompts();
    await menu.waitFor(PROMPT);
    menu.type('request-channel main_udmap tx 2\r');
    await menu.waitFor(PROMPT);
    menu.type('release-channel\r');
    await menu.waitFor(LOADING);
    menu.type('\r\r');
    await menu.release();
    expect(await menu.waitFor('(type to filter)')).toBe('\nkeys typed before this question were dropped\n? channel to release (type to filter)');
    // Keys typed once it is drawn are its own.
    await menu.waitFor('esc: cancel');
    menu.type('\x1b');
    expect(await menu.waitFor(PROMPT)).toContain('cancelled; nothing done');
    menu.type('expect-pool main_udmap.tx_chan used=2\r');
    expect(await menu.waitFor(PROMPT)).toMatch(/^main_udmap\.tx_chan: used=2 /m);
    menu.type('exit\r');
    expect((await menu.waitExit()).exitCode).toBe(0);

    // An input: an index typed ahead is not taken either; one typed at the question is.
    const input = openSlowPrompts();
    await input.waitFor(PROMPT);
    input.type('alloc-irq ringacc\r');
    await input.waitFor(LOADING);
    input.type('330\r');
    await input.release();
    expect(await input.waitFor('? index')).toBe('\nkeys typed before this question were dropped\n? index');
    input.type('340\r');
    expect(await input.waitFor(PROMPT)).toMatch(/-> alloc-irq ringacc 340\n/);
    input.type('routes ringacc\r');
    const routes = await input.waitFor(PROMPT);
    expect(routes).toMatch(/ringacc 340 /);
    expect(routes).not.toMatch(/ringacc 330 /);
    input.type('exit\r');
    expect((await input.waitExit()).exitCode).toBe(0);
  }, 40000);

  /**
   * A REPL that holds still (until released, ten seconds at most) each time it draws a search menu with nothing
   * typed in it yet, after saying HELD: keys typed then reach the menu in one read, as a quick
   * typist's or a paste's do (a filter and its Enter together), whatever this machine's speed.
   * (Keys that came later, in reads of their own, would be answered as well: the hold only
   * makes sure the test asks the hard case.)
   */
  const HELD = '[search menu held]';
  const openHeldMenus = () => openHolding('hold-menus', 'process.stdout', 'write', /\(type to filter\) ?\n/, HELD, 10_000);

  test('Enter in a search menu takes the list for the text on its line, however quickly the two were typed', async () => {
    const t = openHeldMenus();
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx 3\r');
    await t.waitFor(PROMPT);
    // A filter and its Enter in one read: tx10, not tx8, the top of the list before the filter.
    t.type('release-channel\r');
    await t.waitFor(HELD);
    t.type('tx10\r');
    await t.release();
    expect(await t.waitFor(PROMPT)).toMatch(/-> release-channel main_udmap:tx10\nreleased main_udmap:tx10 /);
    // virq 289, not virq 64.
    t.type('mask-irq\r');
    await t.waitFor(HELD);
    t.type('289\r');
    await t.release();
    expect(await t.waitFor(PROMPT)).toMatch(/-> mask-irq 289\nvirq 289 masked\n/);
    // A filter that finds nothing: Enter chooses nothing; the menu stays, with what was typed.
    t.type('release-channel\r');
    await t.waitFor(HELD);
    t.type('zz\r');
    await t.release();
    await t.waitFor(/\? channel to release \(type to filter\) zz\n> No results found\n/);
    await t.waitFor('esc: cancel');
    t.type('\x1b');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    // Only what was chosen changed.
    t.type('expect-pool main_udmap.tx_chan used=2\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^main_udmap\.tx_chan: used=2 /m);
    t.type('irq 64\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^state: +allocated, chained \(/m);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 30000);

  test('a pasted block whose first line asks for an argument: the lines after it answer nothing, run nothing, and are said dropped', async () => {
    const { t, historyFile } = openWithHistory();
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx 2\r');
    await t.waitFor(PROMPT);
    // One write, as a paste arrives: readline has cut the empty line before the menu is asked for.
    t.type('release-channel\r\r');
    expect(await t.waitFor('(type to filter)')).toMatch(/\nkeys typed before this question were dropped\n\? channel to release \(type to filter\)$/);
    await t.waitFor('esc: cancel');
    t.type('\x1b');
    expect(await t.waitFor(PROMPT)).toMatch(/cancelled; nothing done\nmsi\(merged\)> $/);
    // A re-boot's question, with a y and a command pasted under it: neither answers nor runs.
    t.type('policy dedicated\ry\rrelease-channel all\r');
    expect(await t.waitFor('(y/N)')).toMatch(/\nkeys typed before this question were dropped\n\? re-boot with policy dedicated \(discards 2 channels\)\? \(y\/N\)$/);
    t.type('n');
    await t.waitFor('(y/N) n');
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toMatch(/cancelled; nothing done\nmsi\(merged\)> $/);
    t.type('expect-pool main_udmap.tx_chan used=2\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^main_udmap\.tx_chan: used=2 /m);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
    // The dropped lines never ran: history has none of them (the cancelled menu's verb goes too).
    expect(readFileSync(historyFile, 'utf8')).toBe('request-channel main_udmap tx 2\npolicy dedicated\nexpect-pool main_udmap.tx_chan used=2\nexit\n');
  }, 20000);

  test('Ctrl-C in the same read as the Enter of a command that asks (a paste, a quick typist) cancels what it asks', async () => {
    const t = open([], ROOT, replEnv());
    await t.waitFor(PROMPT);
    t.type('request-channel main_udmap tx 2\r');
    await t.waitFor(PROMPT);
    // readline sees the key before the command starts: the command's menu is cancelled, never drawn.
    t.type('release-channel\r\x03');
    expect(await t.waitFor(PROMPT)).toBe(`release-channel\n^C\ncancelled; nothing done\n${PROMPT}`);
    // What was typed after the Enter goes with it; a command that asks nothing runs, below the ^C.
    t.type('release-channel\rmain\x03');
    expect(await t.waitFor(PROMPT)).toBe(`release-channel\nmain^C\ncancelled; nothing done\n${PROMPT}`);
    t.type('expect-pool main_udmap.tx_chan used=2\r\x03');
    expect(await t.waitFor(PROMPT)).toMatch(/^expect-pool main_udmap\.tx_chan used=2\n\^C\nmain_udmap\.tx_chan: used=2 .*\nmsi\(merged\)> $/);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('Ctrl-C typed while a prompt is being made cancels the command, a menu or a re-boot question alike; the session goes on', async () => {
    for (const command of ['request-channel', 'policy dedicated']) {
      const t = openSlowPrompts();
      await t.waitFor(PROMPT);
      t.type(`${command}\r`);
      await t.waitFor(LOADING);
      t.type('\x03');
      await t.release();
      // (Neither the menu nor the question is drawn: the key waiting for it cancels it first.)
      expect(await t.waitFor(PROMPT)).toMatch(/cancelled; nothing done\nmsi\(merged\)> $/);
      t.type('exit\r');
      expect(await t.waitExit()).toEqual({ exitCode: 0, signal: 0 });
    }
  }, 40000);

  test('after answered prompts a paste is taken as at first: a long line refused at once, Ctrl-C heard after one, a pasted Tab kept', async () => {
    const t = open([], ROOT, replEnv());
    await t.waitFor(PROMPT);
    // A question and a menu answered: the line editor is made anew after each.
    t.type('reset\r');
    await t.waitFor('(Y/n)');
    t.type('\r');
    await t.waitFor(PROMPT);
    t.type('request-channel\r');
    await t.waitFor('UDMA-P: 50 tx and 64 rx channels free to request');
    t.type('\r');
    await t.waitFor('transmit: 50 channels free to request');
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toContain('-> request-channel main_udmap tx');
    // Pasted: each key had measured and redrawn the whole line, a 20,000-character paste taking
    // 17 s and this one minutes. (The limit only catches that: here it takes well under a second.)
    const long = `pools ${'w'.repeat(50000)}`;
    t.type(`${long}\r`);
    await t.waitFor(/^EUSAGE: line too long \(50006 characters, at most 4096\)$/m, 10000);
    await t.waitFor(PROMPT);
    // Ctrl-C after a paste abandons the pasted line, as a typed one; the session answers.
    t.type(`${long}\x03`);
    await t.waitFor(/w\^C\n/, 10000);
    await t.waitFor(PROMPT);
    t.type('expect-pool main_udmap.tx_chan used=1\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^main_udmap\.tx_chan: used=1 /m);
    // A Tab in a paste is a character of the line, as in a fresh session, not a completion (of ringacc).
    t.type('routes ring\t\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^routes ring\t\nroutes: ENOENT: unknown device 'ring' \(did you mean ringacc\?/m);
    // Pasted at a menu that draws itself (expect-error's command), the same: drawn once, at the
    // paste's last key (drawn at each key, 2,000 characters took 4 s, 6,000 25 s), a Tab in it
    // kept; its Enter takes the whole line, its comment aside (a line of at most 4096).
    t.type('expect-error EUSAGE\r');
    await t.waitFor('or the whole command)');
    t.type(`request-channel\tmain_udmap tx 1 #${'w'.repeat(4000)}\r`);
    expect(await t.waitFor(PROMPT, 10000)).toMatch(/-> expect-error EUSAGE request-channel main_udmap tx 1\nexpect-error: EXPECT: expected EUSAGE from 'request-channel main_udmap tx 1', but it succeeded/);
    // The command echoed as it will run is wrapped at spaces, as the REPL's other lines are.
    t.type('expect-error EINVAL\r');
    await t.waitFor('or the whole command)');
    t.type(`compare "${Array(12).fill('pools').join('; ')}"\r`);
    expect(await t.waitFor(PROMPT)).toContain(`-> expect-error EINVAL compare 'pools; pools; pools; pools; pools; pools; pools; pools; pools;\n    pools; pools; pools'\n`);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 40000);

  test("expect-error's menu of verbs takes the whole command typed at it: help expect-error's example, count and all", async () => {
    const t = open([], ROOT, replEnv());
    await t.waitFor(PROMPT);
    t.type('expect-error\r');
    await t.waitFor('? error code');
    await t.waitFor('> ENOSPC');
    t.type('\x1b[B\x1b[B');
    await t.waitFor('> ENOENT');
    t.type('\r');
    await t.waitFor('? command expected to fail (type a verb to filter, or the whole command)');
    await t.waitFor('esc: cancel');
    // The menu shows the verb typed, its summary under it; Enter takes the line, not the entry.
    t.type('request-channel main_udmap tx 51');
    await t.waitFor('tx 51');
    await t.waitFor('> request-channel');
    await t.waitFor('take the lowest free');
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toMatch(/-> expect-error ENOENT request-channel main_udmap tx 51\nENOENT as expected: main_udmap\.tx_chan: no free /);
    // Undone: the pool is as it was.
    t.type('expect-pool main_udmap.tx_chan used=0\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^main_udmap\.tx_chan: used=0 /m);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('a history that cannot be kept is said under the banner; one lost later, on a line of its own after the command', async () => {
    const start = open([], ROOT, replEnv({ MSI_EXPLORER_HISTORY: join(tmp, 'no-such-folder', 'h') }));
    const said = `msi-explorer: history: cannot write ${join(tmp, 'no-such-folder', 'h')}: no such folder; history is not saved this session`;
    // Wrapped at the terminal's 100 columns, as the REPL's error lines are.
    expect(await start.waitFor(PROMPT)).toContain(`help lists the verbs\n${wrap(said, 100)}\n`);
    start.type('pools\r');
    expect(await start.waitFor(PROMPT)).not.toContain('history');
    start.type('\x04');
    await start.waitExit();

    // The folder goes after the start: only the write finds out, as the first line is entered.
    const { t, historyFile } = openWithHistory();
    await t.waitFor(PROMPT);
    rmSync(join(historyFile, '..'), { recursive: true });
    t.type('pools\r');
    expect(await t.waitFor(PROMPT)).toMatch(new RegExp(`^pools\n${wrap(`msi-explorer: history: cannot write ${historyFile}: no such folder; history is not saved this session`, 100).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
    t.type('\x04');
    await t.waitExit();
  }, 20000);

  test('a probe that failed at boot is said once under the banner, before the history\'s warning; with -i once, before the inputs run', async () => {
    const host13 = ['--rm-cfg', 'fixtures/rm-cfg/am65x-host12.yaml', '--host', '13'];
    // Each wrapped at the terminal's 100 columns, as the REPL's error lines are.
    const gpio = ['msi-explorer: boot: main_gpio0: probe failed: EINVAL: intr_main_gpio.out exhausted (4/4 used) (see', '    boot)'];
    const noHistory = wrap(`msi-explorer: history: cannot write ${join(tmp, 'no-such-folder', 'h')}: no such folder; history is not saved this session`, 100).split('\n');
    expect(noHistory.length).toBe(2);
    const t = open(host13, ROOT, replEnv({ MSI_EXPLORER_HISTORY: join(tmp, 'no-such-folder', 'h') }));
    expect((await t.waitFor(PROMPT)).split('\n').slice(1)).toEqual([...gpio, ...noHistory, PROMPT]);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
    const i = open([...host13, '-i', '-e', 'expect-pool virq used=67'], ROOT, replEnv());
    // -i: said by the run of the inputs, whose lines are not wrapped (as their errors are not).
    expect((await i.waitFor(PROMPT)).split('\n').filter((l) => !l.startsWith('msi-explorer 0.'))).toEqual([gpio.join('').replace('    ', ' '), 'virq: used=67 (67/1024 used, peak 67)', PROMPT]);
    i.type('exit\r');
    expect((await i.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('a command whose prompts were cancelled is kept neither for the up arrow nor in the file', async () => {
    const { t, historyFile } = openWithHistory();
    await t.waitFor(PROMPT);
    t.type('pools\r');
    await t.waitFor(PROMPT);
    t.type('alloc-irq\r');
    await t.waitFor('MSI device');
    t.type('\x03');
    await t.waitFor('cancelled; nothing done');
    await t.waitFor(PROMPT);
    expect(readFileSync(historyFile, 'utf8')).toBe('pools\n');
    // Up recalls the last command that ran; Enter runs it.
    t.type('\x1b[A');
    await t.waitFor('pools');
    t.type('\r');
    await t.waitFor(/POOL\s+USED/);
    await t.waitFor(PROMPT);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('pools\nexit\n');
  }, 20000);

  test('history from an earlier session comes back with the up arrow; exit leaves', async () => {
    const { t, historyFile } = openWithHistory('pools\nrequest-channel main_udmap tx 2\n');
    await t.waitFor(PROMPT);
    t.type('\x1b[A'); // up: the newest line of the earlier session
    await t.waitFor('request-channel main_udmap tx 2');
    t.type('\r');
    expect(await t.waitFor(PROMPT)).toMatch(/main_udmap:tx8\s+304\s+70\s.*\nmain_udmap:tx9\s+305\s+71\s.*\n2 channels/s);
    // Ctrl-R searches the history backwards as typed; Ctrl-R again goes further back; Enter runs the match.
    t.type('\x12');
    t.type('oo');
    await t.waitFor("(reverse-i-search)`oo': pools");
    t.type('\x12');
    await t.waitFor("(failed reverse-i-search)`oo': pools");
    t.type('\x7f\x7f');
    t.type('tx');
    await t.waitFor("(reverse-i-search)`tx': request-channel main_udmap tx 2");
    t.type('\r');
    expect(await t.waitFor('2 channels')).toMatch(/main_udmap:tx11 /);
    await t.waitFor(PROMPT);
    // Ctrl-G gives back the line as it was.
    t.type('rout');
    t.type('\x12p');
    await t.waitFor("`p': ");
    t.type('\x07');
    t.type('es\r');
    await t.waitFor(/^VIRQ/m);
    await t.waitFor(PROMPT);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('pools\nrequest-channel main_udmap tx 2\nroutes\nexit\n');
  }, 20000);

  test("a line joined with ';' that fails is said as that at the prompt, as in a script; one that runs is left as it ran", async () => {
    const work = mkdtempSync(join(tmp, 'joined-'));
    writeFileSync(join(work, 'joined.msi'), 'pools; routes\n');
    const t = open([], work, replEnv({ HOME: work }));
    await t.waitFor(PROMPT);
    t.type('pools; routes\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^EUSAGE: ';' does not join commands at the prompt: one command per line \(-e takes 'a; b'\)\r?$/m);
    t.type('alloc-irq ringacc 305;\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^EUSAGE: ';' does not join commands at the prompt: /m);
    // A sourced script's line is a script line.
    t.type('source joined.msi\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^joined\.msi:1: EUSAGE: ';' does not join commands in a script line: one command per line/m);
    // Inside a comment, a ';' joins nothing: pools runs.
    t.type('pools # then; routes\r');
    await t.waitFor(/^POOL/m);
    await t.waitFor(PROMPT);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
  }, 20000);

  test('lines refused before they run stay out of history, for the up arrow too; failing commands go in', async () => {
    const { t, historyFile } = openWithHistory();
    await t.waitFor(PROMPT);
    t.type('pools\r');
    await t.waitFor(PROMPT);
    // A bidirectional override: refused with its column, not run, not kept.
    t.type('routes \u202eadmu_niam\r');
    expect(await t.waitFor(PROMPT)).toMatch(/^EUSAGE: bidirectional control U\+202E at column 8$/m);
    // A line longer than any command: refused, not kept.
    t.type(`routes ${'x'.repeat(4100)}\r`);
    expect(await t.waitFor(PROMPT)).toMatch(/^EUSAGE: line too long \(4107 characters, at most 4096\)$/m);
    // Up recalls the last line that ran, not the refused ones.
    t.type('\x1b[A');
    await t.waitFor('pools');
    t.type('\x15'); // Ctrl-U: drop the recalled line
    // A no-break space pasted in place of a space separates words, as in a script: it runs, and is kept as typed.
    t.type('help\u00a0pools\r');
    await t.waitFor(/^usage: pools\r?$/m);
    await t.waitFor(PROMPT);
    // A command that runs and fails (the tx pool exhausted) is kept, as a shell keeps it.
    t.type('request-channel main_udmap tx 54\r');
    await t.waitFor(/request-channel: ENOENT: main_udmap\.tx_chan: no free/);
    await t.waitFor(PROMPT);
    t.type('exit\r');
    expect((await t.waitExit()).exitCode).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('pools\nhelp\u00a0pools\nrequest-channel main_udmap tx 54\nexit\n');
  }, 20000);

  test('--json, source relative to the current folder, and Ctrl-C inside a prompt', async () => {
    const work = mkdtempSync(join(tmp, 'work-'));
    writeFileSync(join(work, 'setup.msi'), 'request-channel main_udmap tx\n');
    writeFileSync(join(work, 'bye.msi'), 'exit 4\npools\n');
    const env = replEnv({ HOME: work });
    const t = open(['--json'], work, env);
    await t.waitFor(PROMPT);

    // A sourced script's lines are numbered in its own file.
    t.type('source setup.msi\r');
    const sourced = await t.waitFor(PROMPT);
    expect(sourced).toContain('{"file":"setup.msi","line":1,"command":"request-channel main_udmap tx","ok":true');

    // Ctrl-C in a menu: the menu is erased (erase-line sequences, not a newline under it), back at the REPL prompt, nothing run.
    t.type('request-channel\r');
    await t.waitFor('DMA controller');
    const before = t.rawText.length;
    t.type('\x03');
    expect(await t.waitFor(PROMPT)).toContain('cancelled; nothing done');
    const after = t.rawText.slice(before);
    expect(after.slice(0, after.indexOf('cancelled'))).toContain('\x1b[2K');

    // expect-error's command is prompted for as a command of its own: a verb, then its arguments.
    t.type('expect-error EBUSY\r');
    await t.waitFor('command expected to fail');
    t.type('alloc-irq');
    await t.waitFor(/> alloc-irq/);
    t.type('\r');
    await t.waitFor('MSI device');
    t.type('\r');
    await t.waitFor('index');
    // ring 304 is the completion ring of setup.msi's channel, main_udmap:tx8
    t.type('304\r');
    expect(await t.waitFor(PROMPT)).toMatch(/-> expect-error EBUSY alloc-irq ringacc 304\n.*EBUSY as expected/s);

    // A prompted command is reported in JSON as the whole command it became.
    t.type('release-channel\r');
    await t.waitFor('channel to release');
    await t.waitFor('main_udmap:tx8');
    t.type('\r');
    const released = await t.waitFor(PROMPT);
    expect(released).toMatch(/\{"file":"<repl>","line":\d+,"command":"release-channel main_udmap:tx8","ok":true,"data":\{"channels":\[\{"name":"main_udmap:tx8"/);

    // exit in a sourced script ends the REPL too (one rule with batch runs), with its status.
    t.type('source bye.msi\r');
    expect((await t.waitExit()).exitCode).toBe(4);
    expect(t.text).toContain('{"file":"bye.msi","line":1,"command":"exit 4","ok":true,"data":{"status":4}}');
    expect(t.text).not.toContain('"command":"pools"');
    expect(existsSync(join(work, '.msi_explorer_history'))).toBe(false);
  }, 60000);
});
