// No optimizeDeps.exclude needed here: @numeneon/realtime is a workspace link, which Vite serves as
// source instead of pre-bundling it, so the glue's new URL('numeneon_core.wasm', import.meta.url)
// stays valid. An app installing the package from the registry must add
// optimizeDeps: { exclude: ['@numeneon/realtime'] } for the dev server (vite build needs nothing).
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { outDir: 'dist', emptyOutDir: true },
});
