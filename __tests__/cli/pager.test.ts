import { describe, expect, test } from '@jest/globals';
import { findOlder, searchPrompt } from '../../src/cli/history-search.js';
import { page, pagerCommand, tallerThan } from '../../src/cli/pager.js';

describe('pager', () => {
  test('MSI_EXPLORER_PAGER, then PAGER, then less -FRXK; empty turns paging off', () => {
    expect(pagerCommand({})).toBe('less -FRXK');
    expect(pagerCommand({ PAGER: 'more' })).toBe('more');
    expect(pagerCommand({ PAGER: 'more', MSI_EXPLORER_PAGER: 'most' })).toBe('most');
    expect(pagerCommand({ PAGER: '' })).toBeUndefined();
    expect(pagerCommand({ PAGER: 'more', MSI_EXPLORER_PAGER: ' ' })).toBeUndefined();
  });

  test('only output that would push its first line off the screen is paged', () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n');
    expect(tallerThan(lines(23), 24)).toBe(false);
    expect(tallerThan(lines(24), 24)).toBe(true);
    expect(tallerThan(lines(100), undefined)).toBe(false);
  });

  test('a pager that cannot be run says so, so the caller prints instead', () => {
    expect(page('/no/such/pager', 'x')).toBe(false);
    expect(page('cat > /dev/null', 'x')).toBe(true);
  });
});

describe('reverse history search', () => {
  const history = ['routes', 'request-channel main_udmap tx 2', 'pools', 'request-channel main_udmap rx'];
  test('finds the newest entry containing the query, from a position on', () => {
    expect(findOlder(history, 'request', 0)).toBe(1);
    expect(findOlder(history, 'request', 2)).toBe(3);
    expect(findOlder(history, 'request', 4)).toBe(-1);
    expect(findOlder(history, '', 0)).toBe(0);
    expect(findOlder(history, 'nothing', 0)).toBe(-1);
  });

  test("bash's prompt", () => {
    expect(searchPrompt('tx', false)).toBe("(reverse-i-search)`tx': ");
    expect(searchPrompt('zz', true)).toBe("(failed reverse-i-search)`zz': ");
  });
});
