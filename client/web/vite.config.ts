import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web client's build: Preact's JSX through Vite's own transformer (no Babel, no plugin), into
 * dist/web where the server serves it. No inline script or style is emitted: the page's policy allows
 * scripts and styles from this origin only.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
    // libsodium (WebAssembly inlined) is most of the bundle; its weight is measured, compressed, by
    // `npm run bench -- web` (docs/performance.md) rather than warned about on every build.
    chunkSizeWarningLimit: 1200,
  },
});
