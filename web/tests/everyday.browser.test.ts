// Everyday states members trip over (issue 16), in Chromium against the real app: each test is what a person sees.
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { submitReview } from '../../modules/feedback/index.ts';
import { changeRole } from '../../modules/identity/index.ts';
import { runSessionCommand, scheduleSession } from '../../modules/sessions/index.ts';
import { multipartFile, signUpAs } from '../../modules/testing.ts';
import { CHROMIUM, hasChromium, hydrated, type Site, startSite } from './browser.ts';

if (!hasChromium)
  console.warn(`everyday browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const DAY = 86_400_000;
const MINUTE = 60_000;
type Member = Awaited<ReturnType<typeof signUpAs>>;

const details = (title: string, startsAt: string, durationMinutes = 60) => ({
  title,
  skill: 'Pottery',
  description: 'Wheel, clay and patience.',
  difficulty: 'beginner' as const,
  prerequisites: [],
  startsAt,
  durationMinutes,
  capacity: 10,
  meetingUrl: 'https://meet.example.com/clay',
  timezone: 'UTC',
});

/** The element that has the keyboard focus, described by tag, id and text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id} ${el.textContent?.trim().slice(0, 60)}` : 'none';
  });

describe.skipIf(!hasChromium)('everyday states in Chromium (issue 16)', () => {
  let site: Site;
  let host: Member, ada: Member, bob: Member, cat: Member, mod: Member;
  let past = ''; // completed yesterday: ada and cat attended, bob was marked absent; ada's review hidden
  let running = ''; // started 10 minutes ago, lasts an hour
  let ended = ''; // ended an hour ago, not completed yet
  let replied = ''; // completed two days ago, with cat's review the host has not replied to
  let catReview = ''; // on `replied`
  let soon = ''; // in a week: bob registers in the browser
  let admin: Member;

  async function pageFor(who: Member | null, width = 1280): Promise<Page> {
    const context = await site.contextFor(who?.cookie ?? null);
    const page = await context.newPage();
    if (width !== 1280) await page.setViewportSize({ width, height: 800 });
    return page;
  }

  /** Schedules a session at `startsAt` through the commands, booked by `registered` a day before. */
  async function session(title: string, startsAt: number, registered: Member[], durationMinutes = 60) {
    const then = new Date(startsAt - DAY);
    const { sessionIds } = await scheduleSession(
      site.platform.command,
      {
        hostId: host.user.id,
        details: details(title, new Date(startsAt).toISOString(), durationMinutes),
        now: then,
      },
      { actorId: host.user.id },
    );
    const id = sessionIds[0]!;
    for (const m of registered) {
      await runSessionCommand(
        site.platform.command,
        id,
        { type: 'Register', data: { memberId: m.user.id }, now: then },
        {},
      );
    }
    return id;
  }

  beforeAll(async () => {
    site = await startSite();
    host = await signUpAs(site.platform, { displayName: 'Hana Host', timezone: 'UTC' });
    ada = await signUpAs(site.platform, { displayName: 'Ada Attendee' });
    bob = await signUpAs(site.platform, { displayName: 'Bob Absent' });
    cat = await signUpAs(site.platform, { displayName: 'Cat Critic' });
    mod = await signUpAs(site.platform, { displayName: 'Mo Moderator' });
    await changeRole(site.platform.command, mod.user.email, 'moderator', true, { actorId: null });

    const yesterday = Date.now() - DAY;
    past = await session('Throwing bowls', yesterday, [ada, bob, cat]);
    await runSessionCommand(
      site.platform.command,
      past,
      {
        type: 'Complete',
        data: {
          actor: { memberId: host.user.id, isModerator: false },
          attendeeIds: [ada.user.id, cat.user.id],
        },
        now: new Date(yesterday + 60 * MINUTE),
      },
      {},
    );
    const reviewId = await submitReview(
      site.platform.command,
      ada.user.id,
      past,
      { rating: 1, comment: 'Total clown' },
      {},
    );
    const hide = await site.platform.http.inject({
      method: 'POST',
      url: `/api/moderation/content/review/${reviewId}/hide`,
      headers: { cookie: mod.cookie },
      payload: { note: 'Insult' },
    });
    expect(hide.statusCode).toBe(200);
    running = await session('Glazing, live', Date.now() - 10 * MINUTE, [ada]);
    ended = await session('Trimming feet', Date.now() - 2 * 60 * MINUTE, [ada, bob]);
    const twoDaysAgo = Date.now() - 2 * DAY;
    replied = await session('Pulling handles', twoDaysAgo, [cat]);
    await runSessionCommand(
      site.platform.command,
      replied,
      {
        type: 'Complete',
        data: { actor: { memberId: host.user.id, isModerator: false } },
        now: new Date(twoDaysAgo + 60 * MINUTE),
      },
      {},
    );
    catReview = await submitReview(
      site.platform.command,
      cat.user.id,
      replied,
      { rating: 5, comment: 'Lovely handles' },
      {},
    );
    soon = await session('Wedging clay', Date.now() + 7 * DAY, [], 60);
    admin = await signUpAs(site.platform, { displayName: 'Ad Admin' });
    await changeRole(site.platform.command, admin.user.email, 'admin', true, { actorId: null });
  }, 120_000);

  it('1. tells the author their review was hidden, and offers no form to publish a second one', async () => {
    const page = await pageFor(ada);
    await page.goto(`${site.base}/sessions/${past}`);
    await hydrated(page);
    await page.getByText('A moderator hid your review.').waitFor();
    expect(await page.getByText('Total clown').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Publish review' }).count()).toBe(0);
    await page.context().close();
  });

  it('2. shows a member marked absent their absence: no seat, no attendance, no review invitation', async () => {
    const page = await pageFor(bob);
    await page.goto(`${site.base}/sessions/${past}`);
    await hydrated(page);
    await page.getByText('You were marked absent from this session.').waitFor();
    expect(await page.getByText('You have a seat').count()).toBe(0);
    expect(await page.getByText('You attended').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Publish review' }).count()).toBe(0);
    await page.goto(`${site.base}/me/learning`);
    const row = page.locator('#history li', { hasText: 'Throwing bowls' });
    expect(await row.textContent()).toContain('You were marked absent');
    await page.context().close();
  });

  it('2. shows an attendee "You attended" and invites them to review', async () => {
    const page = await pageFor(cat);
    await page.goto(`${site.base}/sessions/${past}`);
    await hydrated(page);
    expect(await page.getByText('You attended this session.').first().isVisible()).toBe(true);
    expect(await page.getByText('You have a seat').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Publish review' }).isVisible()).toBe(true);
    await page.context().close();
  });

  it('6 and 7. after publishing, the page shows the review and no "No reviews yet.", with the focus on the confirmation', async () => {
    const page = await pageFor(cat);
    await page.goto(`${site.base}/sessions/${past}`);
    await hydrated(page);
    expect(await page.getByText('No reviews yet.', { exact: false }).count()).toBe(1);
    await page.getByRole('radio', { name: '4 stars: Very good' }).check();
    await page.getByLabel('What was it like?').fill('Centred my first bowl.');
    await page.getByRole('button', { name: 'Publish review' }).click();
    await page.getByText('Thanks! Your review is published.').waitFor();
    expect(await page.getByText('Centred my first bowl.').isVisible()).toBe(true);
    expect(await page.getByText('No reviews yet.', { exact: false }).count()).toBe(0);
    expect(await page.getByText('No one else has reviewed this session yet.').isVisible()).toBe(true);
    expect(await focused(page)).toContain('Thanks! Your review is published.');
    await page.context().close();
  });

  it('3. offers no completion while the session runs, and says when it can be completed', async () => {
    const page = await pageFor(host);
    await page.goto(`${site.base}/sessions/${running}`);
    await hydrated(page);
    await page.getByText(/complete the session once it ends/).waitFor();
    expect(await page.getByRole('button', { name: /Complete session/ }).count()).toBe(0);
    await page.context().close();
  });

  it('3. completes an ended session only after a confirmation that says who attended', async () => {
    const page = await pageFor(host);
    await page.goto(`${site.base}/sessions/${ended}`);
    await hydrated(page);
    // Nobody used the join link, so the form starts with nobody ticked: the host ticks who came.
    expect(await page.getByLabel('Bob Absent').isChecked()).toBe(false);
    await page.getByLabel('Ada Attendee').check();
    await page.getByRole('button', { name: 'Complete session…' }).click();
    await page.getByText('Complete the session with 1 attended and 1 absent?').waitFor();
    expect(await focused(page)).toContain('Yes, complete it');
    const status = async () =>
      (await site.platform.http.inject({ url: `/api/sessions/${ended}` })).json().session.status;
    expect(await status()).toBe('scheduled');
    await page.getByRole('button', { name: 'Not yet' }).click();
    expect(await focused(page)).toContain('Complete session…');
    await page.getByRole('button', { name: 'Complete session…' }).click();
    await page.getByRole('button', { name: 'Yes, complete it' }).click();
    await page.waitForURL(/notice=completed/);
    expect(await status()).toBe('completed');
    await page.context().close();
  });

  it('4. a signed-out visitor in Tokyo filtering on a day finds the session the card shows on that day', async () => {
    // 01:00 on 11 May in Tokyo is still 10 May in UTC.
    const startsAt = Date.parse('2031-05-10T16:00:00Z');
    await session('Raku firing at dawn', startsAt, []);
    const context = await site.browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Asia/Tokyo',
    });
    const page = await context.newPage();
    await page.goto(`${site.base}/sessions?q=raku`);
    await page.waitForLoadState('load');
    const card = page.locator('article', { hasText: 'Raku firing at dawn' });
    expect(await card.textContent()).toMatch(/Sun 11 May/);
    expect(await page.getByText(/Dates are days in your time zone \(Tokyo \(Japan/).isVisible()).toBe(true);
    await page.getByLabel('From').fill('2031-05-11');
    await page.getByLabel('To').fill('2031-05-11');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/from=2031-05-11/);
    expect(await page.locator('article', { hasText: 'Raku firing at dawn' }).count()).toBe(1);
    await context.close();
  });

  it('5. My learning does not scroll sideways at 390 px', async () => {
    const page = await pageFor(cat, 390);
    await page.goto(`${site.base}/me/learning`);
    await page.waitForLoadState('load');
    expect(await page.locator('table').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.context().close();
  });

  it('7. after Register, the focus is on the message saying so, not on <body>', async () => {
    const page = await pageFor(bob);
    await page.goto(`${site.base}/sessions/${soon}`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Register' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('You’re registered. See you there!').waitFor();
    expect(await focused(page)).toContain('You’re registered.');
    await page.getByRole('button', { name: 'Leave this session' }).click();
    expect(await focused(page)).toContain('Yes, leave');
    await page.getByRole('button', { name: 'Stay' }).click();
    expect(await focused(page)).toContain('Leave this session');
    await page.context().close();
  });

  it('8. the admin rebuild row ends at the outcome, not at "Requested"', async () => {
    const page = await pageFor(admin);
    await page.goto(`${site.base}/admin`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Rebuild member_profiles' }).click();
    await page.getByRole('button', { name: 'Yes, rebuild' }).click();
    const row = page.locator('tr', { has: page.locator('code', { hasText: /^member_profiles$/ }) });
    await row.getByText('Rebuilt').waitFor({ timeout: 15_000 });
    expect(await row.getByText(/Requested/).count()).toBe(0);
    await page.context().close();
  });

  it('9. "Load more sessions" adds to the list, keeps the position in the URL, and works without JavaScript', async () => {
    const base = Date.parse('2031-06-01T10:00:00Z');
    for (let i = 0; i < 14; i++) await session(`Slab building ${i + 1}`, base + i * DAY, []);
    const page = await pageFor(null);
    await page.goto(`${site.base}/sessions?q=slab`);
    await page.waitForLoadState('load');
    const cards = page.locator('[data-results] > li');
    expect(await cards.count()).toBe(12);
    await page.getByRole('link', { name: 'Load more sessions' }).click();
    await expect.poll(() => cards.count()).toBe(14);
    expect(await cards.first().textContent()).toContain('Slab building 1');
    expect(page.url()).toMatch(/shown=24/);
    expect(await focused(page)).toContain('Slab building 13');
    expect(await page.getByRole('link', { name: 'Load more sessions' }).count()).toBe(0);
    await page.reload();
    expect(await cards.count()).toBe(14);

    const plain = await site.browser.newContext({ javaScriptEnabled: false, timezoneId: 'UTC' });
    const noJs = await plain.newPage();
    await noJs.goto(`${site.base}/sessions?q=slab`);
    await noJs.getByRole('link', { name: 'Load more sessions' }).click();
    await noJs.waitForURL(/shown=24#result-13/);
    expect(await noJs.locator('[data-results] > li').count()).toBe(14);
    await plain.close();
  });

  it('10. every island hydrates without scrolling, so "Reply" works on the first click on a small screen', async () => {
    const context = await site.contextFor(host.cookie);
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 400 });
    await page.goto(`${site.base}/sessions/${replied}`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Reply to Cat Critic' }).click();
    expect(await focused(page)).toMatch(/^textarea#/);
    expect(await page.getByLabel('Your reply to Cat Critic').isVisible()).toBe(true);
    await page.getByLabel('Your reply to Cat Critic').fill('Thank you, Cat!');
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.getByText('Thank you, Cat!').waitFor();
    expect(await focused(page)).toContain('Reply from Hana Host');
    await context.close();
  });

  it('11. the header shows the member’s avatar once they have one (initials before)', async () => {
    const who = await signUpAs(site.platform, { displayName: 'Pia Photo' });
    const page = await pageFor(who);
    await page.goto(`${site.base}/sessions`);
    const inHeader = page.locator('header .profile-link');
    expect(await inHeader.locator('img').count()).toBe(0);
    expect(await inHeader.textContent()).toContain('PP');
    const image = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#cc3366' } })
      .png()
      .toBuffer();
    const { payload, contentType } = await multipartFile(image, 'me.png', 'image/png');
    const res = await site.platform.http.inject({
      method: 'POST',
      url: '/api/me/avatar',
      headers: { 'content-type': contentType, cookie: who.cookie },
      payload,
    });
    const avatarUrl = res.json().profile.avatarUrl as string;
    await page.reload();
    expect(await inHeader.locator('img').getAttribute('src')).toBe(avatarUrl);
    await page.context().close();
  });

  it('12. one date format and zone names; one time when the visitor’s clock and the session’s agree', async () => {
    // A Berlin session seen from Paris, signed out: both clocks read 18:00, so it is said once.
    const context = await site.browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Europe/Paris',
    });
    const page = await context.newPage();
    const { sessionIds } = await scheduleSession(
      site.platform.command,
      {
        hostId: host.user.id,
        details: { ...details('Glaze chemistry', '2031-07-02T16:00:00Z'), timezone: 'Europe/Berlin' },
        now: new Date(),
      },
      {},
    );
    await page.goto(`${site.base}/sessions/${sessionIds[0]}`);
    await page.waitForLoadState('load');
    const rows = page.locator('[data-session-times] .row:not([hidden])');
    const text = (await rows.allTextContents()).join(' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/Wed 2 Jul, 18:00\s*–\s*19:00 CEST/);
    expect(text.match(/18:00/g)?.length).toBe(1);
    expect(text).not.toMatch(/Europe\/Berlin/);
    expect(text).toMatch(/Berlin \(Central European/);
    // Cards elsewhere switch to the visitor's zone with the same helper, and call a full session the same.
    await page.goto(`${site.base}/`);
    await page.waitForLoadState('load');
    for (const t of await page.locator('time[data-local]').allTextContents()) {
      expect(t).toMatch(/^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2} \S+$/);
    }
    expect(await page.getByText('Fully booked').count()).toBe(0);
    await context.close();
  });

  it('13. a reported review links to its session for the moderator', async () => {
    const filed = await site.platform.http.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { cookie: ada.cookie },
      payload: { targetType: 'review', targetId: catReview, reason: 'Not about the session' },
    });
    expect(filed.statusCode).toBe(201);
    const reportId = filed.json().report.id as string;
    const page = await pageFor(mod);
    await page.goto(`${site.base}/moderation/reports/${reportId}`);
    const link = page.getByRole('link', { name: 'Pulling handles' });
    expect(await link.getAttribute('href')).toBe(`/sessions/${replied}`);
    expect(await page.getByRole('link', { name: 'See it on the session page' }).getAttribute('href')).toBe(
      `/sessions/${replied}#reviews`,
    );
    await page.context().close();
  });

  it('14. sign-up: a taken email is said on the email field, and Tab goes Email, Password, Show', async () => {
    const page = await pageFor(null);
    await page.goto(`${site.base}/signup`);
    await hydrated(page);
    await page.getByLabel('Display name').fill('Ada Again');
    await page.getByLabel('Email').fill(ada.user.email);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^input#signup-password/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toContain('Show');
    await page.getByLabel('Password', { exact: true }).fill('violet harbour lantern tuesday');
    await page.getByRole('button', { name: 'Create account' }).click();
    const email = page.getByLabel('Email');
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    const said = await page.evaluate(
      (ids) =>
        ids
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' '),
      describedBy,
    );
    expect(said).toContain('An account with this email already exists.');
    expect(await focused(page)).toMatch(/^input#signup-email/);
    await page.context().close();
  });
});
