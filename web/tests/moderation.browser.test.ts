// Moderation in Chromium against the real app: a student leaves an abusive review on a completed session, another
// member reports it, and a moderator works the queue in the browser: opens the report and hides the review with a
// note. Afterwards the review is gone from the mentor's public profile and the admin overview lists the action.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { submitReview } from '../../modules/feedback/index.ts';
import { changeRole } from '../../modules/identity/index.ts';
import { skillswap } from '../../modules/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hydrated } from './browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`moderation browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const DAY = 86_400_000;
const COMMENT = `Worst host ever, total clown ${Date.now().toString(36)}`;
const REASON = 'Insults the host instead of reviewing the session.';
const NOTE = 'Personal attack, not feedback on the session.';

describe.skipIf(!hasChromium)('reporting a review and hiding it in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let base: string;
  let hostId = '';
  let moderator: Page;
  let visitor: Page;
  let member: Page;

  /** A browser context already signed in with a member's cookie (null: a signed-out visitor). */
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

    const host = await signUpAs(platform, { displayName: 'Hana Host', timezone: 'UTC' });
    const student = await signUpAs(platform, { displayName: 'Stu Reviewer' });
    const reporter = await signUpAs(platform, { displayName: 'Rita Reporter' });
    const mod = await signUpAs(platform, { displayName: 'Mo Moderator' });
    hostId = host.user.id;
    for (const role of ['moderator', 'admin'] as const) {
      await changeRole(platform.command, mod.user.email, role, true, { actorId: null });
    }

    // A session two days ago, with the clock it would have had: scheduled and booked the day before, completed
    // at its end; then the student's one-star review.
    const startsAt = new Date(Date.now() - 2 * DAY).toISOString();
    const before = new Date(Date.parse(startsAt) - DAY);
    const { sessionIds } = await scheduleSession(
      platform.command,
      {
        hostId: host.user.id,
        details: await withHostingFacts(platform.pool, host.user.id, {
          title: 'Knots for sailors',
          skill: 'Sailing',
          description: 'Bowline, clove hitch and cleat hitch.',
          difficulty: 'beginner',
          prerequisites: [],
          startsAt,
          durationMinutes: 60,
          capacity: 10,
          meetingUrl: 'https://meet.example.com/knots',
          timezone: 'UTC',
        }),
        now: before,
      },
      { actorId: host.user.id },
    );
    const sessionId = sessionIds[0]!;
    await runSessionCommand(
      platform.command,
      sessionId,
      { type: 'Register', data: { memberId: student.user.id }, now: before },
      { actorId: student.user.id },
    );
    await runSessionCommand(
      platform.command,
      sessionId,
      {
        type: 'Complete',
        data: { actor: { memberId: host.user.id, isModerator: false }, attendeeIds: [student.user.id] },
        now: new Date(Date.parse(startsAt) + 60 * 60_000),
      },
      { actorId: host.user.id },
    );
    const reviewId = await submitReview(
      platform.command,
      student.user.id,
      sessionId,
      { rating: 1, comment: COMMENT },
      {},
    );

    // Another member reports the review, through the API with their own cookie.
    const filed = await platform.http.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { cookie: reporter.cookie },
      payload: { targetType: 'review', targetId: reviewId, reason: REASON },
    });
    expect(filed.statusCode).toBe(201);

    moderator = await (await contextFor(mod.cookie)).newPage();
    visitor = await (await contextFor(null)).newPage();
    member = await (await contextFor(reporter.cookie)).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the review on the mentor’s profile before anyone acts', async () => {
    await visitor.goto(`${base}/users/${hostId}`);
    await hydrated(visitor);
    expect(await visitor.getByRole('heading', { level: 1, name: 'Hana Host' }).isVisible()).toBe(true);
    expect(await visitor.getByText(COMMENT).isVisible()).toBe(true);
  });

  it('keeps the queue from visitors and from members without the role', async () => {
    await visitor.goto(`${base}/moderation`);
    await hydrated(visitor);
    expect(new URL(visitor.url()).pathname).toBe('/login');
    expect(new URL(visitor.url()).searchParams.get('next')).toBe('/moderation');

    for (const url of ['/moderation', '/admin']) {
      const res = await member.goto(`${base}${url}`);
      expect(res?.status()).toBe(403);
      expect(await member.getByRole('heading', { level: 1 }).textContent()).toBe(
        'You don’t have access to this page',
      );
    }
  });

  it('lists the report in the moderator’s queue with the review, the reason and the reporter', async () => {
    await moderator.goto(`${base}/moderation`);
    await hydrated(moderator);
    expect(await moderator.getByRole('heading', { level: 1 }).textContent()).toBe('Moderation queue');
    const card = moderator.locator('article', { hasText: COMMENT });
    expect(await card.getByRole('link', { name: 'Review by Stu Reviewer' }).isVisible()).toBe(true);
    expect(await card.getByText(REASON).isVisible()).toBe(true);
    expect(await card.getByRole('link', { name: 'Rita Reporter' }).isVisible()).toBe(true);
    expect(await card.getByText('1 open report').isVisible()).toBe(true);
  });

  it('lets the moderator open the report and hide the review with a note', async () => {
    const card = moderator.locator('article', { hasText: COMMENT });
    await Promise.all([
      moderator.waitForURL(/\/moderation\/reports\/[^/?]+$/),
      card.getByRole('link', { name: 'Review by Stu Reviewer' }).click(),
    ]);
    expect(await moderator.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Report on a review by Stu Reviewer',
    );
    expect(await moderator.getByText(COMMENT).first().isVisible()).toBe(true);

    // The note is required: the decision is not sent without one.
    await moderator.getByLabel('Hide the review').check();
    await moderator.getByRole('button', { name: 'Continue…' }).click();
    await expect.poll(() => moderator.getByText(/Write a note/).isVisible()).toBe(true);
    expect(await moderator.getByLabel('Note for the audit log').getAttribute('aria-invalid')).toBe('true');

    // Hiding asks for a second, explicit confirmation.
    await moderator.getByLabel('Note for the audit log').fill(NOTE);
    await moderator.getByRole('button', { name: 'Continue…' }).click();
    const confirm = moderator.getByRole('button', { name: 'Yes, hide the review' });
    await confirm.waitFor();
    await Promise.all([moderator.waitForURL(/notice=resolved-hide$/), confirm.click()]);

    expect(await moderator.getByText('Report resolved: the review is hidden.').isVisible()).toBe(true);
    expect(await moderator.getByText('Hidden', { exact: true }).first().isVisible()).toBe(true);
    const history = moderator.locator('section', {
      has: moderator.getByRole('heading', { name: 'History' }),
    });
    expect(await history.getByText('Content hidden').isVisible()).toBe(true);
    expect(await history.getByText(NOTE).isVisible()).toBe(true);
  }, 60_000);

  it('no longer shows the review on the mentor’s profile', async () => {
    await visitor.goto(`${base}/users/${hostId}`);
    await hydrated(visitor);
    expect(await visitor.getByRole('heading', { level: 1, name: 'Hana Host' }).isVisible()).toBe(true);
    expect(await visitor.getByText(COMMENT).count()).toBe(0);
  });

  it('lists the action in the audit log on the admin page', async () => {
    await moderator.goto(`${base}/admin`);
    await hydrated(moderator);
    const recent = moderator.locator('section', {
      has: moderator.getByRole('heading', { name: 'Recent actions' }),
    });
    // Resolving with "hide" is logged twice: the report's outcome and the content's new visibility.
    for (const action of ['Report upheld: content hidden', 'Content hidden']) {
      const row = recent.locator('tr', { has: moderator.getByText(action, { exact: true }) });
      expect(await row.isVisible()).toBe(true);
      expect(await row.getByText(NOTE).isVisible()).toBe(true);
      expect(await row.getByRole('link', { name: 'Mo Moderator' }).isVisible()).toBe(true);
      expect(await row.getByText('Review:').isVisible()).toBe(true);
    }
  }, 30_000);
});
