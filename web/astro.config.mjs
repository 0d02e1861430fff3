// Astro renders the HTML pages; the Fastify server (infra/) owns the process, serves
// dist/client as static files and hands every non-/api request to dist/server/entry.mjs.
import node from '@astrojs/node';
import svelte from '@astrojs/svelte';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'server',
  outDir: './dist',
  build: {
    client: './client',
    server: './server',
    // External stylesheets keep pages cacheable and compatible with a strict CSP.
    inlineStylesheets: 'never',
  },
  adapter: node({ mode: 'middleware' }),
  integrations: [svelte()],
  // Auth lives in the API's own cookie; Astro sessions would only add a second store on disk.
  session: false,
  devToolbar: { enabled: false },
  vite: {
    build: {
      // Never inline <script> chunks: the server's CSP (helmet) only allows script-src 'self'.
      assetsInlineLimit: 0,
    },
  },
});
