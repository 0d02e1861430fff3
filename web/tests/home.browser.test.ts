import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { seedDemoCommunity } from '../../scripts/demo/community.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('the home page in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync(`${DIST}/server/entry.mjs`))
      throw new Error('the website is not built: run `npm run build`');
    platform = await startTestPlatform(skillswap, { webDistDir: DIST });
    await seedDemoCommunity(platform);
    await platform.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(platform.http.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows what SkillSwap is, upcoming sessions and mentors, and lets a visitor sign up', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/`);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/learn/i);
    expect(await page.getByText('Intro to sourdough: starter to first loaf').isVisible()).toBe(true);
    expect(await page.getByText('Kwame Mensah').first().isVisible()).toBe(true);
    const signUp = page.getByRole('link', { name: /sign up/i }).first();
    expect(await signUp.getAttribute('href')).toBe('/signup');
    await page.close();
  });

  it('answers an unknown address with a 404 page a person can read', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('We couldn’t find that page');
    await page.close();
  });
});
