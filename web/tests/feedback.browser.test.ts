// Feedback in Chromium against the real app: a student who attended a mentor's (past, completed) session
// reviews it with five stars on the session page, and the mentor's public profile then shows the new
// average, the review, and the badge the gamification reactor awards for the first hosted session.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';
import { cookieOf } from '../../modules/testing.ts';
import { hydrated } from './browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`feedback browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const DAY = 86400_000;
const TITLE = `Knots every sailor should know ${Date.now().toString(36)}`;
const COMMENT = 'Six knots in an hour, and I can still tie all of them. <b>Thank you!</b>';

describe.skipIf(!hasChromium)('reviewing a session and seeing it on the mentor’s profile in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let base: string;
  let mentorId = '';
  let sessionId = '';
  let student: Page;

  /** Signs up through the API, as the sign-up form would, and returns the member with their cookie. */
  async function signUp(displayName: string) {
    const res = await platform.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: {
        email: `${displayName.replace(/\W/g, '').toLowerCase()}-${Date.now()}@example.com`,
        password: 'a perfectly good password',
        displayName,
      },
    });
    if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
    return { id: res.json().user.id as string, cookie: cookieOf(res) };
  }

  async function signedIn(cookie: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    await context.addCookies(
      cookie.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
      }),
    );
    return context;
  }

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, 'server', 'entry.mjs'))) {
      throw new Error(
        `the website is not built (${DIST}/server/entry.mjs is missing): run \`npm run build\``,
      );
    }
    platform = await startTestPlatform(skillswap, { webDistDir: DIST });
    await platform.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(platform.http.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });

    const mentor = await signUp('Marina Mentor');
    const learner = await signUp('Sol Student');
    mentorId = mentor.id;
    // A session in the past, through the real commands with the clock they would have had: scheduled and
    // joined a few days ago for yesterday, completed now.
    const then = new Date(Date.now() - 3 * DAY);
    const { sessionIds } = await scheduleSession(
      platform.command,
      {
        hostId: mentor.id,
        details: await withHostingFacts(platform.pool, mentor.id, {
          title: TITLE,
          skill: 'Sailing',
          description: 'Bowline, clove hitch, reef knot and friends.',
          difficulty: 'beginner',
          prerequisites: [],
          startsAt: new Date(Date.now() - DAY).toISOString(),
          durationMinutes: 60,
          capacity: 8,
          meetingUrl: 'https://meet.example.com/knots',
          timezone: 'UTC',
        }),
        now: then,
      },
      { actorId: mentor.id },
    );
    sessionId = sessionIds[0] ?? '';
    await runSessionCommand(
      platform.command,
      sessionId,
      { type: 'Register', data: { memberId: learner.id }, now: then },
      {},
    );
    await runSessionCommand(
      platform.command,
      sessionId,
      { type: 'Complete', data: { actor: { memberId: mentor.id, isModerator: false } }, now: new Date() },
      {},
    );
    student = await (await signedIn(learner.cookie)).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lets the student rate the session five stars and publish the review', async () => {
    await student.goto(`${base}/sessions/${sessionId}`);
    await hydrated(student);
    expect(await student.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    expect(await student.getByRole('heading', { name: 'Reviews' }).isVisible()).toBe(true);
    expect(await student.getByRole('heading', { name: 'Your review' }).isVisible()).toBe(true);
    expect(await student.getByText('No reviews yet.', { exact: false }).isVisible()).toBe(true);

    // Wait for the review form's island to come alive, as a person would see the form settle. Only that one: an
    // island that loads when seen (the report button further down) may lie outside the viewport and never load.
    await student.locator('astro-island:not([ssr])', { hasText: 'Publish review' }).first().waitFor();
    await student.getByRole('radio', { name: '5 stars: Excellent' }).check();
    expect(await student.getByText('5 of 5 · Excellent').isVisible()).toBe(true);
    await student.getByLabel('What was it like?').fill(COMMENT);
    expect(await student.getByText(`${COMMENT.length} / 2,000 characters`).isVisible()).toBe(true);
    await student.getByRole('button', { name: 'Publish review' }).click();

    await student.getByText('Thanks! Your review is published.').waitFor();
    const mine = student.getByRole('region', { name: 'Your review' });
    expect(await mine.getByRole('img', { name: '5 out of 5 stars' }).isVisible()).toBe(true);
    // Typed markup is shown as the text it is.
    expect(await mine.getByText(COMMENT).isVisible()).toBe(true);
    expect(await mine.getByRole('button', { name: 'Edit review' }).isVisible()).toBe(true);
    expect(await student.getByRole('button', { name: 'Publish review' }).count()).toBe(0);

    // Reloaded, the page renders the review from the server, still with the way to change it.
    await student.reload();
    expect(await mine.getByText(COMMENT).isVisible()).toBe(true);
    expect(await student.getByText('5.0', { exact: true }).first().isVisible()).toBe(true);
  }, 60_000);

  it('shows the new average, the review and the first-session badge on the mentor’s profile', async () => {
    const visitor = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const badge = visitor.getByText('First session hosted', { exact: true });
    // The gamification reactor awards badges after the fact: reload until it shows, within bounds.
    for (let attempt = 0; attempt < 20; attempt++) {
      await visitor.goto(`${base}/users/${mentorId}`);
      await hydrated(visitor);
      if (await badge.isVisible()) break;
      await visitor.waitForTimeout(500);
    }
    expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe('Marina Mentor');
    expect(await badge.isVisible()).toBe(true);
    const badges = visitor.locator('section', { has: visitor.getByRole('heading', { name: 'Badges' }) });
    expect(
      await badges
        .getByText(/^Earned \d{1,2} \w{3} \d{4}$/)
        .first()
        .isVisible(),
    ).toBe(true);

    const reputation = visitor.locator('section', {
      has: visitor.getByRole('heading', { name: 'Reputation' }),
    });
    // The overall average, then the same rating again for the one skill it was earned in.
    const overall = reputation.getByRole('paragraph').filter({ hasText: 'out of 5' });
    expect(await overall.getByText('5.0', { exact: true }).isVisible()).toBe(true);
    expect(await reputation.getByText('average from 1 rating').isVisible()).toBe(true);
    expect(
      await reputation.getByRole('listitem').filter({ hasText: 'Sailing' }).getByText('5.0').isVisible(),
    ).toBe(true);

    const reviews = visitor.locator('section', { has: visitor.getByRole('heading', { name: 'Reviews' }) });
    expect(await reviews.getByText('1 review').isVisible()).toBe(true);
    const review = reviews.getByRole('article', { name: 'Review by Sol Student' });
    expect(await review.getByRole('img', { name: '5 out of 5 stars' }).isVisible()).toBe(true);
    expect(await review.getByText(COMMENT).isVisible()).toBe(true);
    expect(await review.getByRole('link', { name: TITLE }).getAttribute('href')).toBe(
      `/sessions/${sessionId}`,
    );
    expect(await review.getByRole('link', { name: 'Sol Student' }).isVisible()).toBe(true);
    await visitor.close();
  }, 60_000);
});
