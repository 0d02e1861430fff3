// Issue 16's pages for members, in Chromium: forgotten password, account settings (password, calendar feed, data,
// deletion), calendar links and Markdown on a session, the series page, "your next session", reputation by skill,
// notifications that open and mark themselves read, report categories and the admin member search.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { submitReview } from '../../modules/feedback/index.ts';
import { changeRole, issueResetToken } from '../../modules/identity/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { CHROMIUM, hasChromium, hydrated, type Site, startSite } from './browser.ts';

if (!hasChromium)
  console.warn(`account browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const DAY = 86_400_000;
const SHOTS = process.env.SHOTS_DIR;
/** The machine may be busy: a page's answer can take seconds. */
const PATIENT = { timeout: 20_000, interval: 200 };
const patiently = <T>(probe: () => T | Promise<T>) => expect.poll(probe, PATIENT);
type Member = Awaited<ReturnType<typeof signUpAs>>;

describe.skipIf(!hasChromium)('issue 16 pages in Chromium', { timeout: 120_000 }, () => {
  let site: Site;
  let host: Member;
  let student: Member;
  let admin: Member;
  let seriesId = '';
  let upcomingId = '';
  let pastId = '';

  const details = {
    skill: 'Baking',
    description:
      '## What we bake\n\n**Rye** and _spelt_ loaves.\n\n- a starter\n- flour\n\n<b>raw</b> [recipe](https://example.com/rye)',
    difficulty: 'beginner' as const,
    prerequisites: [],
    durationMinutes: 60,
    capacity: 5,
    meetingUrl: 'https://meet.example.com/bread',
    timezone: 'UTC',
  };

  beforeAll(async () => {
    site = await startSite();
    const { platform } = site;
    host = await signUpAs(platform, { displayName: 'Ana Baker', timezone: 'UTC' });
    student = await signUpAs(platform, { displayName: 'Stu Dent', timezone: 'UTC' });
    admin = await signUpAs(platform, {
      displayName: 'Ada Admin',
      email: 'ada.admin@example.com',
      timezone: 'UTC',
    });
    await changeRole(platform, admin.user.email, 'admin', true, { actorId: null });
    await changeRole(platform, admin.user.email, 'moderator', true, { actorId: null });

    const series = await scheduleSession(
      platform.command,
      {
        hostId: host.user.id,
        details: await withHostingFacts(platform.pool, host.user.id, {
          ...details,
          title: 'Weekly rye',
          startsAt: new Date(Date.now() + 2 * DAY).toISOString(),
        }),
        repeat: { everyWeeks: 1, count: 3 },
        now: new Date(),
      },
      { actorId: host.user.id },
    );
    seriesId = series.seriesId!;
    upcomingId = series.sessionIds[0]!;
    await runSessionCommand(
      platform.command,
      upcomingId,
      { type: 'Register', data: { memberId: student.user.id }, now: new Date() },
      {
        actorId: student.user.id,
      },
    );

    const startsAt = new Date(Date.now() - 2 * DAY).toISOString();
    const before = new Date(Date.parse(startsAt) - DAY);
    const past = await scheduleSession(
      platform.command,
      {
        hostId: host.user.id,
        details: await withHostingFacts(platform.pool, host.user.id, {
          ...details,
          title: 'Rye loaves',
          startsAt,
        }),
        now: before,
      },
      { actorId: host.user.id },
    );
    pastId = past.sessionIds[0]!;
    await runSessionCommand(
      platform.command,
      pastId,
      { type: 'Register', data: { memberId: student.user.id }, now: before },
      {
        actorId: student.user.id,
      },
    );
    await runSessionCommand(
      platform.command,
      pastId,
      {
        type: 'Complete',
        data: { actor: { memberId: host.user.id, isModerator: false }, attendeeIds: [student.user.id] },
        now: new Date(Date.parse(startsAt) + 2 * 3600_000),
      },
      { actorId: host.user.id },
    );
    await submitReview(
      platform.command,
      student.user.id,
      pastId,
      { rating: 4, comment: 'Crusty and kind.' },
      {},
    );
  }, 120_000);

  /** A fresh sign-in: a password reset or change ends the member's other sessions, the test's cookie among them. */
  async function signIn(who: Member) {
    const res = await site.platform.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: who.user.email, password: who.password },
    });
    expect(res.statusCode).toBe(200);
    who.cookie = String(res.headers['set-cookie']).split(';')[0]!;
  }

  async function open(
    cookie: string | null,
    path: string,
    width = 1280,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const context = await site.contextFor(cookie);
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${site.base}${path}`);
    await hydrated(page);
    return { page, context };
  }

  /** Screenshots at both widths when SHOTS_DIR is set (looked at by hand); and no sideways scrolling at 390 px. */
  async function shots(cookie: string | null, path: string, name: string) {
    for (const width of [1280, 390]) {
      const { page, context } = await open(cookie, path, width);
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
      await context.close();
    }
  }

  it('asks for a reset link, then sets a new password with it and is signed in', async () => {
    const { page, context } = await open(null, '/login');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByLabel('Email').fill(student.user.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await patiently(() => page.getByRole('status').textContent()).toContain('we’ve emailed it a link');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/forgot-sent-1280.png` });

    const token = await issueResetToken(site.platform.pool, student.user.id, new Date());
    await page.goto(`${site.base}/reset-password#token=${token}`);
    await page.getByLabel('New password', { exact: true }).fill('brand new bread passphrase');
    await page.getByRole('button', { name: 'Set new password and log in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await patiently(() => page.getByRole('link', { name: /Profile: Stu Dent/ }).count()).toBe(1);
    student.password = 'brand new bread passphrase';
    await signIn(student);

    // The same link again: the form says so and offers a new one.
    await page.goto(`${site.base}/reset-password#token=${token}`);
    await page.getByLabel('New password', { exact: true }).fill('another bread passphrase');
    await page.getByRole('button', { name: 'Set new password and log in' }).click();
    await patiently(() => page.getByRole('alert').textContent()).toContain('already used or has expired');
    expect(await page.getByRole('link', { name: 'Ask for a new link' }).count()).toBe(1);
    await context.close();
    await shots(null, '/forgot-password', 'forgot-password');
  });

  it('changes the password, shows and resets the calendar feed, and offers the data download', async () => {
    await shots(student.cookie, '/me/account', 'account');
    const { page, context } = await open(student.cookie, '/me/account');
    await page.getByLabel('Current password', { exact: true }).fill('wrong wrong wrong');
    await page.getByLabel('New password', { exact: true }).fill('third bread passphrase here');
    await page.getByRole('button', { name: 'Change password' }).click();
    await patiently(() => page.locator('#account-current-error').textContent()).toContain('not your current');
    await page.getByLabel('Current password', { exact: true }).fill(student.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await patiently(() => page.getByText(/Your password is changed/).count()).toBe(1);
    student.password = 'third bread passphrase here';
    await signIn(student);

    const feed = page.getByLabel('Your calendar address');
    const first = await feed.inputValue();
    expect(first).toMatch(/\/api\/calendar\/[\w-]+\.ics$/);
    // The page's own site, not the in-process call's localhost:80.
    expect(new URL(first).origin).toBe(site.base);
    await page.getByRole('button', { name: 'Reset the address…' }).click();
    await page.getByRole('button', { name: 'Yes, reset it' }).click();
    await patiently(() => feed.inputValue()).not.toBe(first);
    expect((await site.platform.http.inject({ url: new URL(first).pathname })).statusCode).toBe(404);

    const download = page.getByRole('link', { name: 'Download my data' });
    expect(await download.getAttribute('href')).toBe('/api/me/export');
    await context.close();
  });

  it('deletes the account after the password in a dialog, and is signed out', async () => {
    const leaver = await signUpAs(site.platform, { displayName: 'Lee Ving' });
    const { page, context } = await open(leaver.cookie, '/me/account');
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByLabel('Your password', { exact: true }).fill(leaver.password);
    await dialog.getByRole('button', { name: 'Delete my account for good' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.getByRole('link', { name: 'Log in' }).first().isVisible()).toBe(true);
    await context.close();
  });

  it('shows a session with calendar links, its Markdown description and its series', async () => {
    const { page, context } = await open(student.cookie, `/sessions/${upcomingId}`);
    const google = page.getByRole('link', { name: /Google/ });
    expect(new URL((await google.getAttribute('href'))!).hostname).toBe('calendar.google.com');
    expect(new URL((await page.getByRole('link', { name: /Outlook/ }).getAttribute('href'))!).hostname).toBe(
      'outlook.live.com',
    );
    const about = page.locator('.description');
    expect(await about.locator('h4').textContent()).toBe('What we bake');
    expect(await about.locator('strong').textContent()).toBe('Rye');
    expect(await about.locator('li').count()).toBe(2);
    expect(await about.locator('b').count()).toBe(0);
    expect(await about.textContent()).toContain('<b>raw</b>');
    expect(await about.getByRole('link', { name: 'recipe' }).getAttribute('rel')).toBe(
      'nofollow ugc noopener noreferrer',
    );
    await page.getByRole('link', { name: /Part of a series/ }).click();
    await page.waitForURL(`**/series/${seriesId}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Weekly rye');
    expect(await page.locator('section[aria-labelledby="upcoming-title"] article').count()).toBe(3);
    await context.close();
    await shots(null, `/series/${seriesId}`, 'series');
    await shots(student.cookie, `/sessions/${upcomingId}`, 'session');
  });

  it('shows the next session on the home page and reputation by skill on a profile', async () => {
    const { page, context } = await open(student.cookie, '/');
    const next = page.getByRole('region', { name: 'Your next session' });
    expect(await next.getByRole('link', { name: 'Weekly rye' }).count()).toBe(1);
    // The review reaches the reputation read model in its own time on a busy machine.
    await patiently(
      async () =>
        (await site.platform.http.inject({ url: `/api/users/${host.user.id}` })).json().profile.skillStats
          ?.length,
    ).toBe(1);
    await page.goto(`${site.base}/users/${host.user.id}`);
    const bySkill = page.locator('.skill-rep li');
    expect(await bySkill.count()).toBe(1);
    expect(await bySkill.textContent()).toMatch(/Baking.*4\.0.*1 rating.*1 session/s);
    await context.close();
    await shots(student.cookie, '/', 'home');
    await shots(null, `/users/${host.user.id}`, 'profile');
  });

  it('opens a notification: marked read, and on to its session', async () => {
    const { page, context } = await open(host.cookie, '/me/notifications');
    const link = page.getByRole('link', { name: 'New review of “Rye loaves”' });
    await link.click();
    await page.waitForURL(`**/sessions/${pastId}#reviews`);
    const inbox = () =>
      site.platform.http.inject({ url: '/api/me/notifications?limit=100', headers: { cookie: host.cookie } });
    await patiently(
      async () => (await inbox()).json().items.find((n: { kind: string }) => n.kind === 'review').read,
    ).toBe(true);
    await context.close();
  });

  it('files a report with a category, which the moderators see', async () => {
    const { page, context } = await open(student.cookie, `/users/${host.user.id}`);
    await page.getByRole('button', { name: 'Report member' }).click();
    await page.getByRole('radio', { name: 'Spam or advertising' }).check();
    await page.getByLabel(/What’s wrong with this member/).fill('Sells flour in every message');
    await page.getByRole('button', { name: 'Send report' }).click();
    await patiently(() => page.getByText('your report is with the moderators').count()).toBe(1);
    await context.close();
    const queue = await open(admin.cookie, '/moderation');
    await patiently(async () => {
      await queue.page.reload();
      return queue.page.locator('.reason').filter({ hasText: 'Sells flour' }).textContent();
    }).toContain('Spam');
    await queue.context.close();
  });

  it('finds members by name or email on the admin members page', async () => {
    const { page, context } = await open(admin.cookie, '/admin/members');
    await page.getByLabel('Name or email').fill('stu');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL('**/admin/members?q=stu');
    const matches = page.getByRole('list', { name: 'Members matching “stu”' });
    expect(await matches.getByRole('link').textContent()).toContain('Stu Dent');
    await page.getByLabel('Name or email').fill(student.user.email.toUpperCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await patiently(() => page.getByRole('list', { name: /Members matching/ }).textContent()).toContain(
      'Stu Dent',
    );
    await page
      .getByRole('list', { name: /Members matching/ })
      .getByRole('link')
      .first()
      .click();
    await page.waitForURL(`**/admin/members?member=${student.user.id}`);
    await context.close();
    await shots(admin.cookie, '/admin/members?q=stu', 'admin-members');
  });
});
