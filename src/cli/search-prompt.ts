import { createPrompt, isDownKey, isEnterKey, isTabKey, isUpKey, makeTheme, useEffect, useKeypress, usePagination, usePrefix, useRef, useState, type Status, type Theme } from '@inquirer/core';
import { followPastes, midPaste } from './paste-relay.js';
import type { Choice } from './prompts.js';

/**
 * The REPL's search menu: a list filtered by what is typed, drawn and driven as @inquirer/search
 * 3.2's was, but filtered in the key handler itself. @inquirer/search fetched a term's results in
 * an effect that awaited its source, so keys that arrived in one read (a filter and its Enter,
 * typed quickly or pasted) were all handled before the new results landed: Enter took the entry
 * at the cursor of the list for the text before (`tx10` Enter released tx8). Here every key that
 * changes the line makes the list for the new line before the next key is read, and the menu's
 * state is kept where the next key sees it whether or not the screen was drawn in between.
 *
 * Loaded with @inquirer on first use (prompts.ts imports this module lazily): start-up never
 * pays for it.
 */

/** What the menu shows: the text on its line, the entries for it, best first, and the cursor. */
export interface SearchMenu {
  readonly term: string;
  readonly results: readonly Choice[];
  /** Index into results; 0 when there are none. */
  readonly active: number;
}

/** The menu for `term`, the cursor on its first entry. */
export const menuFor = (filter: (term: string) => readonly Choice[], term: string): SearchMenu => ({ term, results: filter(term), active: 0 });

/**
 * The menu once the line reads `line`: the same menu (cursor and all) when the text did not change
 * (a cursor key along the line, Esc), else the list for the new text.
 */
export const retyped = (menu: SearchMenu, filter: (term: string) => readonly Choice[], line: string): SearchMenu =>
  line === menu.term ? menu : menuFor(filter, line);

/** The cursor moved `by` entries, stopping at either end as @inquirer/search's did (no wrapping). */
export const moved = (menu: SearchMenu, by: number): SearchMenu => {
  const active = Math.min(Math.max(menu.active + by, 0), Math.max(menu.results.length - 1, 0));
  return active === menu.active ? menu : { ...menu, active };
};

/** The entry Enter takes: the one at the cursor, or none when nothing fits the text. */
export const chosen = (menu: SearchMenu): Choice | undefined => menu.results[menu.active];

/** An entry's line in the menu; its name, else its value. */
const nameOf = (c: Choice): string => c.name ?? c.value;

/** The parts of the look that are the search menu's own, beside @inquirer's common ones. */
export interface SearchLook {
  icon: { cursor: string };
  style: {
    searchTerm: (text: string) => string;
    description: (text: string) => string;
    keysHelpTip: (keys: [key: string, action: string][]) => string | undefined;
  };
}

/** The keys line's keys and what each does, in the order @inquirer's menus list theirs. */
export const SEARCH_KEYS: [key: string, action: string][] = [
  ['↑↓', 'navigate'],
  ['⏎', 'select'],
  ['tab', 'complete'],
  ['esc', 'cancel'],
];

/** Plain: the REPL gives its colours (searchThemeFor in prompts.ts). */
const plainLook: SearchLook = {
  icon: { cursor: '>' },
  style: {
    searchTerm: (text) => text,
    description: (text) => text,
    keysHelpTip: (keys) => keys.map(([key, action]) => `${key} ${action}`).join(' • '),
  },
};

type PartialDeep<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { [K in keyof T]?: PartialDeep<T[K]> } : T;

export interface SearchConfig {
  message: string;
  /** The entries for a typed text, best first: called as the text changes, and must return at once. */
  filter: (term: string) => readonly Choice[];
  /**
   * Whether Enter takes the text on the line itself rather than an entry (a whole command line
   * typed at a menu of verbs): true to take it, a reason to refuse it (shown where `No results
   * found` is), or undefined when the text only filters.
   */
  asTyped?: (term: string) => true | string | undefined;
  pageSize?: number;
  theme?: PartialDeep<Theme<SearchLook>>;
}

/** Resolves to the value of the entry chosen. */
export const searchPrompt = createPrompt<string, SearchConfig>((config, done) => {
  const { filter, pageSize = 7 } = config;
  const theme = makeTheme<SearchLook>(plainLook, config.theme);
  const [status, setStatus] = useState<Status>('idle');
  // The menu the next key acts on. A ref, not only state: a key's handler reads it as the key
  // before it left it, drawn or not (state is read from the render before).
  const current = useRef<SearchMenu | undefined>(undefined);
  current.current ??= menuFor(filter, '');
  const [menu, setMenu] = useState<SearchMenu>(current.current);
  const prefix = usePrefix({ status, theme });
  const show = (next: SearchMenu) => {
    current.current = next;
    setMenu(next);
  };

  // The text Enter took as the answer, when it took the text (asTyped).
  const [typed, setTyped] = useState<string | undefined>(undefined);
  const asTyped = (term: string) => config.asTyped?.(term);

  // A paste is drawn once, at its last key: its keys before are left in readline's line, and
  // neither filtered nor drawn (each draw measures the whole line: a paste cost the square of its
  // length). Readline is told of pastes too, so that it appends their keys and takes a Tab as text.
  useEffect((rl) => followPastes(rl), []);
  const pasted = useRef<string | undefined>(undefined);

  useKeypress((key, rl) => {
    if (midPaste() && !isEnterKey(key) && !isUpKey(key) && !isDownKey(key)) {
      pasted.current = rl.line;
      return;
    }
    let now = current.current!;
    if (pasted.current !== undefined) {
      // The line as the paste left it (readline has emptied it if this key is Enter).
      now = current.current = retyped(now, filter, pasted.current);
      pasted.current = undefined;
    }
    if (isEnterKey(key)) {
      const choice = chosen(now);
      const whole = asTyped(now.term);
      // Taken as typed: a text the menu takes so (true), or, where it may take one, a word that
      // is no entry (an unknown verb, whose EUSAGE is what an expect-error may want).
      const unmatched = whole === undefined && config.asTyped !== undefined && now.results.length === 0 && now.term.trim() !== '';
      if (whole === true || unmatched) {
        setTyped(now.term.trim());
        setStatus('done');
        done(now.term.trim());
      } else if (choice && whole === undefined) {
        setStatus('done');
        done(choice.value);
      } else {
        // Readline emptied its line on Enter: put the text back, to be fixed rather than retyped,
        // and draw again, so that the cursor goes back after it (a copy of the menu redraws).
        rl.write(now.term);
        show({ ...now });
      }
    } else if (isTabKey(key)) {
      // Readline put a tab in the line: the highlighted entry's name (its alignment padding
      // aside) takes the line's place; with nothing highlighted the line stays as it was.
      // (A line taken as typed stays: the entry's name would put its verb in place of it all.)
      const choice = asTyped(now.term) === undefined ? chosen(now) : undefined;
      rl.clearLine(0);
      rl.write(choice ? nameOf(choice).trim() : now.term);
      show(retyped(now, filter, rl.line));
    } else if (isUpKey(key) || isDownKey(key)) {
      show(moved(now, isUpKey(key) ? -1 : 1));
    } else {
      show(retyped(now, filter, rl.line));
    }
  });

  const active = chosen(menu);
  const page = usePagination({
    items: menu.results,
    active: menu.active,
    renderItem: ({ item, isActive }) => {
      const colour = isActive ? theme.style.highlight : (text: string) => text;
      return colour(`${isActive ? theme.icon.cursor : ' '} ${nameOf(item)}`);
    },
    pageSize,
    loop: false,
  });
  const message = theme.style.message(config.message, status);
  if (status === 'done' && typed !== undefined) return [prefix, message, theme.style.answer(typed)].filter(Boolean).join(' ').trimEnd();
  if (status === 'done' && active) return [prefix, message, theme.style.answer(active.short ?? nameOf(active))].filter(Boolean).join(' ').trimEnd();
  const whole = asTyped(menu.term);
  const nothing = config.asTyped ? 'nothing matches: Enter takes it as typed' : 'No results found';
  const refused = typeof whole === 'string' ? whole : menu.results.length === 0 && menu.term !== '' && whole === undefined ? nothing : undefined;
  const error = refused === undefined ? undefined : theme.style.error(refused);
  // Every key the menu honours: Esc is the REPL's (prompts.ts's cancellable), which wraps every menu.
  const helpLine = theme.style.keysHelpTip(SEARCH_KEYS);
  // The line as it is, trailing blanks too (@inquirer places the cursor by the line's length),
  // after a blank also when it is empty, as an input prompt's is.
  const header = `${[prefix, message].filter(Boolean).join(' ')} ${theme.style.searchTerm(menu.term)}`;
  // A text refused says why alone: no entry is what Enter would take, so no entry's description.
  const description = active?.description && typeof whole !== 'string' ? theme.style.description(active.description) : '';
  const body = [error ?? page, ' ', description, helpLine].filter(Boolean).join('\n').trimEnd();
  return [header, body];
});
