// What a browser test needs: the whole app with the built site on a port of its own, and Chromium (test files only).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import type { Config } from '../../infra/config.ts';
import type { AppDefinition, Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const DIST = fileURLToPath(new URL('../dist', import.meta.url));

export type Site = {
  platform: Platform;
  browser: Browser;
  /** The site's origin, e.g. http://127.0.0.1:41234. */
  base: string;
  /** A browser context, signed in with a member's cookie header (from signUpAs), or signed out with null. */
  contextFor: (cookie: string | null) => Promise<BrowserContext>;
};

/** Starts the app with the site and Chromium; both stop when the test file ends. */
export async function startSite(
  options: { config?: Partial<Config>; app?: AppDefinition; clock?: () => Date } = {},
): Promise<Site> {
  if (!existsSync(path.join(DIST, 'server', 'entry.mjs'))) {
    throw new Error(`the website is not built (${DIST}/server/entry.mjs is missing): run \`npm run build\``);
  }
  const { app = skillswap, ...rest } = options;
  const platform = await startTestPlatform(app, { webDistDir: DIST, ...rest });
  await platform.http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(platform.http.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  afterAll(() => browser.close());

  async function contextFor(cookie: string | null): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    if (cookie) {
      await context.addCookies(
        cookie.split('; ').map((pair) => {
          const at = pair.indexOf('=');
          return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
        }),
      );
    }
    return context;
  }
  return { platform, browser, base, contextFor };
}

/**
 * Waits until the page's islands have hydrated (Astro drops their `ssr` attribute then): a click before that lands on
 * server-rendered markup with no handler. None waits to be scrolled into view (client:visible), so this holds
 * whatever the viewport.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await expect.poll(() => page.locator('astro-island[ssr]').count(), { timeout: 10_000 }).toBe(0);
}
