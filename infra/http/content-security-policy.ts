/**
 * The Content-Security-Policy of every answer: helmet sends it with the API's answers and the static files
 * (app.ts), and the site's build sends it with every page (web/astro.config.mjs reads it from here), where Astro adds
 * to script-src and style-src the sha256 hashes of the inline scripts and styles it writes itself (the island loader
 * and its style). Nothing else inline may run: no 'unsafe-inline', no inline event handlers, no style attributes, so
 * that text a member wrote could not run as a script even if it ever reached the HTML unescaped.
 */
export const sitePolicy = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'object-src': ["'none'"],
  // With no 'unsafe-inline' (and no 'unsafe-hashes') here, inline event handlers (onclick="…") cannot run either.
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  // Avatars may be https links to images elsewhere; previews of a chosen file are blob: URLs.
  'img-src': ["'self'", 'https:', 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} satisfies Record<string, string[]>;

export type SitePolicy = typeof sitePolicy;

/** The policy as header directives, `name value…`, optionally without some (those a page writes itself). */
export function policyDirectives(omit: readonly (keyof SitePolicy)[] = []): string[] {
  return Object.entries(sitePolicy)
    .filter(([name]) => !omit.includes(name as keyof SitePolicy))
    .map(([name, values]) => `${name} ${values.join(' ')}`);
}

/**
 * The API documentation (/api/docs, Swagger UI) writes <style> elements of its own, so its pages allow inline
 * styles; they show nothing a member wrote, and their scripts are still only its own files.
 */
export const apiDocsPolicy = { ...sitePolicy, 'style-src': [...sitePolicy['style-src'], "'unsafe-inline'"] };
