import { describe, expect, test } from '@jest/globals';
import { Chalk, colorNames, modifierNames, type ChalkInstance } from 'chalk';
import fc from 'fast-check';
import { loadStyle, makeStyle, STYLE_NAMES } from '../../src/render/style.js';

// The colour-less style replaces Chalk at level 0 with constant functions (see style.ts): it must
// print exactly what Chalk at level 0 prints, for every style, chain and argument list.
describe('the plain style paints as Chalk at level 0 does', () => {
  const chalk = new Chalk({ level: 0 });
  const plain = makeStyle(0, 80).c;
  const names = [...modifierNames, ...colorNames, 'visible'];
  type Painter = (...text: unknown[]) => string;
  const follow = (c: ChalkInstance, path: string[]): Painter => path.reduce((f: unknown, n) => (f as Record<string, unknown>)[n], c) as Painter;

  test('any chain of styles, any arguments', () => {
    const arg = fc.oneof(fc.string(), fc.integer(), fc.constant(''), fc.constant(null), fc.constant(undefined), fc.boolean());
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }), fc.array(arg, { maxLength: 3 }), (path, args) => {
        expect(follow(plain, path)(...args)).toBe(follow(chalk, path)(...args));
      }),
    );
  });

  test('the model methods and the level', () => {
    expect(plain.hex('#ff0000').bold('x', 1)).toBe(chalk.hex('#ff0000').bold('x', 1));
    expect(plain.bgRgb(1, 2, 3)('y')).toBe('y');
    expect(plain.level).toBe(0);
    expect(plain.visible('shown only in colour')).toBe('');
  });

  test('a colour style still colours', () => {
    expect(makeStyle(1, 80, true, Chalk).c.red('x')).toBe('\x1b[31mx\x1b[39m');
  });

  test("the style names are Chalk's, so that no style is missing without Chalk loaded", () => {
    expect(STYLE_NAMES).toEqual([...modifierNames, ...colorNames]);
  });

  test('loadStyle loads Chalk for colour only', async () => {
    expect((await loadStyle(2, 60)).c.green('x')).toBe('\x1b[32mx\x1b[39m');
    const plainStyle = await loadStyle(0, 60);
    expect(plainStyle.c).toBe(plain);
    expect(plainStyle).toMatchObject({ color: false, unicode: false, width: 60 });
    expect(() => makeStyle(1, 80)).toThrow('internal: a colour style needs Chalk (loadStyle loads it)');
  });
});
