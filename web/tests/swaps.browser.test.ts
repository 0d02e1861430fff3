// The whole swap in Chromium against the real app: two members with mirrored skills find each other on
// /me/matches, one proposes from the match card, the other accepts on the swap's page, they exchange messages in
// its thread, each schedules a session for the other from the swap's page, both complete theirs (the server's and
// the browsers' clocks moved past the sessions' end), both review, and neither review shows until the second is
// written. Screenshots at 1280 and 390 px go to /tmp/shots-swaps (SHOTS=1).
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { member } from '../../modules/swaps/testing.ts';
import { hasChromium, hydrated, startSite } from './browser.ts';

const SHOTS = process.env.SHOTS ? '/tmp/shots-swaps' : null;
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
  it('find each other, propose, accept, talk, teach each other, complete and review blind', async () => {
    // The server's clock, which the test moves to after both sessions (the browsers' clocks move with it).
    let ahead = 0;
    const site = await startSite({
      clock: () => new Date(Date.now() + ahead),
      config: { limits: { sessionsPerDay: 100, reviewsPerDay: 100, reportsPerDay: 100, swapsPerDay: 10 } },
    });
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

    // Each schedules a session for the other from the swap's page: tomorrow and the day after, 10:00 UTC.
    const day = (n: number) => {
      const d = new Date();
      d.setUTCHours(10, 0, 0, 0);
      return new Date(d.getTime() + n * 86_400_000);
    };
    async function scheduleFrom(page: Page, title: string, skill: string, at: Date): Promise<string> {
      await page.goto(swapUrl);
      await hydrated(page);
      await page.getByRole('link', { name: 'Schedule your session' }).click();
      await page.waitForURL(/\/schedule$/);
      await hydrated(page);
      expect(await page.getByLabel('Seats').count()).toBe(0);
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Skill').fill(skill);
      await page.getByLabel('Time zone').selectOption('UTC');
      await page.getByLabel('Starts (date and time)').fill(at.toISOString().slice(0, 16));
      await page.getByLabel('Duration (minutes)').fill('60');
      await page.getByLabel('Meeting link').fill('https://meet.example.com/swap');
      await shoot(page, `schedule-${skill.toLowerCase()}`);
      await Promise.all([
        page.waitForURL(/\/sessions\/[^/?]+\?notice=created$/),
        page.getByRole('button', { name: 'Schedule session' }).click(),
      ]);
      expect(await page.getByRole('link', { name: 'Private to a swap: see the swap' }).isVisible()).toBe(
        true,
      );
      return new URL(page.url()).pathname;
    }
    const anaSession = await scheduleFrom(anaPage, 'TypeScript for guitarists', 'TypeScript', day(1));
    const benSession = await scheduleFrom(benPage, 'Three chords and the truth', 'Guitar', day(2));
    await anaPage.goto(swapUrl);
    const sessionsCard = anaPage.getByRole('region', { name: 'Sessions' });
    expect(await sessionsCard.getByRole('link', { name: 'TypeScript for guitarists' }).isVisible()).toBe(
      true,
    );
    expect(await sessionsCard.getByRole('link', { name: 'Three chords and the truth' }).isVisible()).toBe(
      true,
    );
    expect(await anaPage.getByRole('link', { name: 'Schedule your session' }).count()).toBe(0);
    await shoot(anaPage, 'swap-sessions');
    // Nobody else finds the sessions: not in browse, not by their address.
    expect((await evePage.goto(`${site.base}${anaSession}`))?.status()).toBe(404);

    // Three days on, both sessions are over: each host completes theirs with the other ticked as present.
    ahead = 3 * 86_400_000;
    async function later(who: { cookie: string }): Promise<Page> {
      const context: BrowserContext = await site.contextFor(who.cookie);
      await context.clock.install({ time: new Date(Date.now() + ahead) });
      return context.newPage();
    }
    async function completeAs(who: { cookie: string }, path: string, partner: string) {
      const page = await later(who);
      await page.goto(`${site.base}${path}`);
      await hydrated(page);
      await page.getByLabel(partner).check();
      await page.getByRole('button', { name: 'Complete session…' }).click();
      await page.getByRole('button', { name: 'Yes, complete it' }).click();
      await page.waitForURL(/notice=completed/);
      return page;
    }
    await completeAs(ana, anaSession, 'Ben Okafor');
    const benLater = await completeAs(ben, benSession, 'Ana Lima');
    await benLater.goto(swapUrl);
    await expect
      .poll(async () => {
        await benLater.reload();
        return benLater.locator('main').innerText();
      })
      .toContain('you taught each other');
    await shoot(benLater, 'swap-completed');

    // Ben reviews Ana's session: he sees his own review, Ana does not see it yet.
    async function reviewAs(who: { cookie: string }, path: string, comment: string) {
      const page = await later(who);
      await page.goto(`${site.base}${path}`);
      await hydrated(page);
      await page.getByRole('radio', { name: '5 stars: Excellent' }).check();
      await page.getByLabel('What was it like?').fill(comment);
      await page.getByRole('button', { name: 'Publish review' }).click();
      await page.getByRole('region', { name: 'Your review' }).getByText(comment).waitFor();
      return page;
    }
    const benReview = await reviewAs(ben, anaSession, 'Ana made types click for me.');
    await shoot(benReview, 'review-sealed');
    const anaLater = await later(ana);
    await anaLater.goto(`${site.base}${anaSession}`);
    expect(await anaLater.getByText('Ana made types click for me.').count()).toBe(0);
    await anaLater.goto(`${site.base}/users/${ana.id}`);
    expect(await anaLater.getByText('Ana made types click for me.').count()).toBe(0);

    // Ana reviews Ben's session: now both reviews show, to both of them and to everyone.
    await reviewAs(ana, benSession, 'Ben taught me three chords in an hour.');
    await anaLater.goto(`${site.base}${anaSession}`);
    await expect
      .poll(async () => {
        await anaLater.reload();
        return anaLater.getByText('Ana made types click for me.').count();
      })
      .toBe(1);
    const visitor = await (await site.contextFor(null)).newPage();
    await visitor.goto(`${site.base}/users/${ben.id}`);
    expect(await visitor.getByText('Ben taught me three chords in an hour.').isVisible()).toBe(true);
    await shoot(anaLater, 'reviews-shown');
  }, 240_000);
});
