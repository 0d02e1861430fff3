// The swap walk in Chromium against the real app, as far as it is built: two members with mirrored skills find
// each other on /me/matches, one proposes from the match card, the other accepts on the swap's page, they
// exchange messages in its thread, and the swap shows as accepted in the list. Screenshots at 1280 and 390 px go to /tmp/shots-h17 (SHOTS=1).
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { member } from '../../modules/swaps/testing.ts';
import { hasChromium, hydrated, startSite } from './browser.ts';

const SHOTS = process.env.SHOTS ? '/tmp/shots-h17' : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe.skipIf(!hasChromium)('two members swap skills in Chromium', () => {
  it('find each other on their matches, propose, and accept', async () => {
    const site = await startSite();
    const app = site.platform;
    const ana = await member(app, 'Ana Lima', {
      teach: ['TypeScript'],
      learn: ['Guitar'],
      timezone: 'Europe/Lisbon',
    });
    const ben = await member(app, 'Ben Okafor', {
      teach: ['Guitar'],
      learn: ['TypeScript'],
      timezone: 'Africa/Lagos',
    });
    await member(app, 'Cy One-Way', { teach: ['Guitar'], learn: ['Welding'] });

    const anaPage = await (await site.contextFor(ana.cookie)).newPage();
    await anaPage.goto(`${site.base}/me/matches`);
    await hydrated(anaPage);
    const cards = anaPage.locator('.match-card');
    await expect.poll(() => cards.count()).toBe(2);
    // The mutual match first, with both sides of the swap.
    const first = cards.first();
    expect(await first.locator('h3').innerText()).toBe('Ben Okafor');
    expect(await first.innerText()).toContain('Mutual match');
    expect(await first.innerText()).toContain('TypeScript');
    await shoot(anaPage, 'matches');

    await first.getByRole('link', { name: /Propose a swap/ }).click();
    await anaPage.waitForURL(/\/swaps\/new\?/);
    expect(await anaPage.locator('#offer-skill').inputValue()).toBe('TypeScript');
    expect(await anaPage.locator('#want-skill').inputValue()).toBe('Guitar');
    await anaPage.locator('astro-island:not([ssr])', { hasText: 'Send proposal' }).waitFor();
    await anaPage.locator('#swap-message').fill('Hi Ben! TypeScript for guitar, evenings work for me.');
    await shoot(anaPage, 'propose');
    await anaPage.getByRole('button', { name: 'Send proposal' }).click();
    await anaPage.waitForURL(/\/swaps\/[0-9a-f-]{36}$/);
    const swapUrl = anaPage.url();
    expect(await anaPage.locator('main').innerText()).toContain('Waiting for an answer');
    await shoot(anaPage, 'swap-proposed');

    const benPage = await (await site.contextFor(ben.cookie)).newPage();
    await benPage.goto(swapUrl);
    await hydrated(benPage);
    await benPage.locator('astro-island:not([ssr])', { hasText: 'Accept swap' }).waitFor();
    // The page reloads after the answer, to show what the server now says.
    const [accepted] = await Promise.all([
      benPage.waitForResponse((r) => r.url().endsWith('/accept')),
      benPage.waitForEvent('framenavigated'),
      benPage.getByRole('button', { name: 'Accept swap' }).click(),
    ]);
    expect(accepted.status()).toBe(200);
    await benPage.waitForLoadState('load');
    expect(await benPage.locator('main').innerText()).toContain('Accepted');
    expect(await benPage.getByRole('button', { name: 'Accept swap' }).count()).toBe(0);
    await shoot(benPage, 'swap-accepted');

    // They talk in the swap's thread: the proposal's message first, then the answers, oldest first.
    await benPage.locator('astro-island:not([ssr])', { hasText: 'Send message' }).waitFor();
    await benPage.locator('#swap-reply').fill('Deal! Tuesday at 7?');
    await Promise.all([
      benPage.waitForEvent('framenavigated'),
      benPage.getByRole('button', { name: 'Send message' }).click(),
    ]);
    await benPage.waitForLoadState('load');
    await anaPage.goto(swapUrl);
    await hydrated(anaPage);
    expect(await anaPage.locator('.message-body').allInnerTexts()).toEqual([
      'Hi Ben! TypeScript for guitar, evenings work for me.',
      'Deal! Tuesday at 7?',
    ]);
    await shoot(anaPage, 'thread');

    await anaPage.goto(`${site.base}/swaps`);

    await hydrated(anaPage);
    expect(await anaPage.locator('.swap-row').first().innerText()).toContain('Accepted');
    await shoot(anaPage, 'swaps');

    // A third member does not see it.
    const eve = await member(app, 'Eve');
    const evePage = await (await site.contextFor(eve.cookie)).newPage();
    const res = await evePage.goto(swapUrl);
    expect(res?.status()).toBe(404);
  }, 120_000);
});
