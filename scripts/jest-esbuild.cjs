// Jest's transform for our TypeScript (src/ and __tests__/): esbuild strips the types, file by
// file, into ES modules. It only transpiles; `npm test` type-checks everything with `tsc` first.
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
    const { code, map } = esbuild.transformSync(source, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      tsconfigRaw: TSCONFIG,
      sourcemap: 'external',
      sourcefile: path,
      sourcesContent: false,
    });
    return { code, map };
  },
};
