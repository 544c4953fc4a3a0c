import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web view's build: `web/` → `web/dist/`, self-contained (no inlined data, no CDN). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    sourcemap: false,
  },
});
