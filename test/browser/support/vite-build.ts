/**
 * Bundles one module for the browser with Vite's JS build API (lib mode, one ES module file), run as a
 * script (`node --import tsx vite-build.ts <entry> <outDir> <fileName>`): Vite is ESM-only and Jest
 * loads modules as CommonJS, so tests call it through `buildBrowserBundle` (bundle.ts).
 *
 * Our own code (anything outside node_modules) may not import a Node built-in: Vite would quietly
 * replace it with an empty module and the bundle would fail only when that code runs in a browser. Here
 * it fails the build, naming the file.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build, type Plugin } from 'vite';

const root = path.join(import.meta.dirname, '..', '..', '..');
const [entry, outDir, fileName] = process.argv.slice(2);
if (!entry || !outDir || !fileName) throw new Error('usage: vite-build.ts <entry> <outDir> <fileName>');

const builtins = new Set(builtinModules);
const noNodeBuiltins: Plugin = {
  name: 'strongroom-no-node-builtins',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!importer || importer.includes(`${path.sep}node_modules${path.sep}`)) return null;
    if (source.startsWith('node:') || builtins.has(source)) {
      throw new Error(`${path.relative(root, importer)} imports ${source}: code for the browser cannot use Node.`);
    }
    return null;
  },
};

await build({
  root,
  configFile: false,
  envDir: false, // no .env of the repository leaks into a bundle
  publicDir: false,
  logLevel: 'warn',
  plugins: [noNodeBuiltins],
  build: {
    lib: { entry: path.resolve(entry), formats: ['es'], fileName: () => fileName },
    outDir,
    emptyOutDir: true,
    minify: false,
    target: 'es2022',
    reportCompressedSize: false,
    // One file, as the tests serve it: the SDK loads libsodium with a dynamic import (a chunk of its own
    // in the web client), which is inlined here.
    rolldownOptions: { output: { inlineDynamicImports: true } },
  },
});
