// Jest's transform for our TypeScript (src/ and __tests__/): esbuild strips the types, file by
// file, into ES modules, each with a binding of the builtins it reads (below). It does not
// type-check: `npm test` type-checks everything with `tsc` first.
// The output is what tsc's own emit is (target ES2022, class fields with define semantics, as
// tsconfig.json's target makes them for tsc), with a source map, so that a failure's stack and
// code frame name the .ts line.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const esbuild = require('esbuild');

// tsc's settings that change esbuild's output. The tsconfigs set no experimentalDecorators,
// verbatimModuleSyntax or jsx; useDefineForClassFields is tsc's default for target ES2022.
const TSCONFIG = { compilerOptions: { useDefineForClassFields: true } };

// What the output depends on besides the file: esbuild's version and this file (its options).
const SELF = createHash('sha1').update(esbuild.version).update('\0').update(readFileSync(__filename)).digest('hex');

// Jest runs every module in a vm context, whose global object answers each read of a global name
// (Math, Object, Number, Map...) through an interceptor: about 0.15 us a read, more than a whole
// pool allocation, where plain Node reads it at no cost. A module-level binding of each builtin
// the module names, read once as it loads, gives the code under test what it has outside jest;
// the same objects, so nothing else changes. Only names the module neither declares nor imports,
// and not Date, which jest's fake timers replace on the global object.
const BUILTINS = ['Array', 'ArrayBuffer', 'BigInt', 'Boolean', 'Error', 'Float64Array', 'Int32Array', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'RangeError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'TypeError', 'Uint8Array', 'Uint16Array', 'Uint32Array', 'WeakMap', 'WeakSet', 'parseInt'];

module.exports = {
  canInstrument: false,
  getCacheKey(source, path, options) {
    return createHash('sha1')
      .update(SELF)
      .update('\0')
      .update(path)
      .update('\0')
      .update(source)
      .update('\0')
      .update(options.supportsStaticESM ? 'esm' : 'cjs')
      .digest('hex');
  },
  process(source, path, options) {
    if (!options.supportsStaticESM) throw new Error(`jest-esbuild: ${path} loaded as CommonJS; run jest with --experimental-vm-modules`);
    const settings = { loader: 'ts', format: 'esm', target: 'es2022', tsconfigRaw: TSCONFIG, sourcemap: 'external', sourcefile: path, sourcesContent: false };
    // The binding goes at the start of the first line, so that every line keeps its number (only
    // line 1's columns move). A name the module declares or imports itself is one esbuild then
    // says is declared twice (a regex would miss `const a = 1, Map = 2`): it is left out.
    const names = BUILTINS.filter((name) => new RegExp(`\\b${name}\\b`).test(source));
    for (;;) {
      const binding = names.length === 0 ? '' : `const { ${names.join(', ')} } = globalThis; `;
      try {
        const { code, map } = esbuild.transformSync(binding + source, settings);
        return { code, map };
      } catch (e) {
        const clash = /The symbol "(\w+)" has already been declared/.exec(e.message);
        if (!clash || !names.includes(clash[1])) throw e;
        names.splice(names.indexOf(clash[1]), 1);
      }
    }
  },
};
