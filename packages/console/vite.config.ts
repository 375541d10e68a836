import { defineConfig } from 'vite';

// The console is static files the server serves at /console/: relative URLs (base './'), JSX for
// preact through esbuild (no plugin), no asset from outside the bundle.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // the map screen (leaflet, the world outline) is its own chunk, loaded when the screen opens
    chunkSizeWarningLimit: 400,
  },
  logLevel: 'warn',
});
