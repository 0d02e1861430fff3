// Astro renders the HTML pages; the Fastify server (infra/) owns the process, serves
// dist/client as static files and hands every non-/api request to dist/server/entry.mjs.
import node from '@astrojs/node';
import svelte from '@astrojs/svelte';
import { defineConfig } from 'astro/config';
import { policyDirectives, sitePolicy } from '../infra/http/content-security-policy.ts';

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
  security: {
    // Every page is answered with the server's Content-Security-Policy (infra/http/content-security-policy.ts) in a
    // response header of its own, to which Astro adds the hashes of the inline scripts and styles it writes itself.
    csp: {
      directives: policyDirectives(['script-src', 'style-src']),
      scriptDirective: { resources: [...sitePolicy['script-src']] },
      styleDirective: { resources: [...sitePolicy['style-src']] },
    },
  },
  vite: {
    build: {
      // Never inline <script> chunks: the CSP allows no inline script but Astro's own.
      assetsInlineLimit: 0,
    },
  },
});
