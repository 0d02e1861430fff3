// Trust and safety in Chromium against the real app: after signing in a member lands on this site whatever ?next=
// says, and the Content-Security-Policy lets every page type run its own scripts (islands included) and nothing
// inline that the site did not write.
import type { BrowserContext } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { submitReview } from '../../modules/feedback/index.ts';
import { changeRole } from '../../modules/identity/index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { CHROMIUM, hasChromium, hydrated, type Site, startSite } from './browser.ts';

if (!hasChromium)
  console.warn(`safety browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const DAY = 86_400_000;
const EVIL = 'http://evil.example';

type Member = Awaited<ReturnType<typeof signUpAs>>;

/** A page that records every Content-Security-Policy report: the console's and the DOM's violation events. */
async function watchedPage(context: BrowserContext) {
  await context.addInitScript(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}: ${e.sample}`),
    );
  });
  const page = await context.newPage();
  const reports: string[] = [];
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) reports.push(m.text());
  });
  /** Every report since the last call (the DOM's only for the document now shown). */
  async function violations(): Promise<string[]> {
    const dom = await page.evaluate(
      () => (window as unknown as { __cspViolations: string[] }).__cspViolations,
    );
    const all = [...reports.splice(0), ...dom.splice(0)];
    await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.splice(0));
    return all;
  }
  return { page, violations };
}

function directive(policy: string, name: string): string[] {
  const found = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

describe.skipIf(!hasChromium)('redirects and the Content-Security-Policy in Chromium', () => {
  let site: Site;
  let host: Member;
  let student: Member;
  let admin: Member;
  let upcomingId = '';
  let pastId = '';

  beforeAll(async () => {
    site = await startSite();
    const { platform } = site;
    host = await signUpAs(platform, { displayName: 'Ana Baker', timezone: 'UTC' });
    student = await signUpAs(platform, { displayName: 'Stu Dent', timezone: 'UTC' });
    admin = await signUpAs(platform, { displayName: 'Ada Admin', timezone: 'UTC' });
    for (const role of ['moderator', 'admin'] as const)
      await changeRole(platform.command, admin.user.email, role, true, { actorId: null });

    const details = {
      skill: 'Baking',
      description: 'Flour, water, salt; patience.',
      difficulty: 'beginner' as const,
      prerequisites: [],
      durationMinutes: 60,
      capacity: 5,
      meetingUrl: 'https://meet.example.com/bread',
      timezone: 'UTC',
    };
    const upcoming = await scheduleSession(
      platform.command,
      {
        hostId: host.user.id,
        details: await withHostingFacts(platform.pool, host.user.id, {
          ...details,
          title: 'Sourdough basics',
          startsAt: new Date(Date.now() + 7 * DAY).toISOString(),
        }),
        now: new Date(),
      },
      { actorId: host.user.id },
    );
    upcomingId = upcoming.sessionIds[0]!;

    // A past session, booked, completed and reviewed: stars on the session page and the host's profile.
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
      { actorId: student.user.id },
    );
    await runSessionCommand(
      platform.command,
      pastId,
      {
        type: 'Complete',
        data: { actor: { memberId: host.user.id, isModerator: false }, attendeeIds: [student.user.id] },
        now: new Date(Date.parse(startsAt) + 60 * 60_000),
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

  /** Signs in through the login form at `path` (which carries ?next=) and returns where the browser ends up. */
  async function logInAt(path: string): Promise<URL> {
    const context = await site.contextFor(null);
    // Should the site send the member away, the other site answers here instead of the network.
    await context.route(`${EVIL}/**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: 'elsewhere' }),
    );
    const page = await context.newPage();
    await page.goto(`${site.base}${path}`);
    await hydrated(page);
    await page.getByLabel('Email').fill(student.user.email);
    await page.getByLabel('Password', { exact: true }).fill(student.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname !== '/login');
    await page.waitForLoadState('load');
    const landed = new URL(page.url());
    await context.close();
    return landed;
  }

  it('stays on the site after signing in through /login?next=/..//evil.example', async () => {
    const landed = await logInAt('/login?next=/..//evil.example');
    expect(landed.origin).toBe(site.base);
    expect(landed.pathname).toBe('/');
  }, 60_000);

  it('stays on the site for other ways of writing another host', async () => {
    for (const next of ['/.//evil.example/path', '/\\evil.example', '/%09/evil.example', '//evil.example']) {
      const landed = await logInAt(`/login?next=${encodeURIComponent(next)}`);
      expect(landed.origin, next).toBe(site.base);
    }
  }, 90_000);

  it('honours a next that is a path on the site, query included', async () => {
    const landed = await logInAt(`/login?next=${encodeURIComponent('/sessions?skill=Baking')}`);
    expect(landed.href).toBe(`${site.base}/sessions?skill=Baking`);
  }, 60_000);

  it('stays on the site after signing up through /signup?next=/.//evil.example/path', async () => {
    const context = await site.contextFor(null);
    await context.route(`${EVIL}/**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: 'elsewhere' }),
    );
    const page = await context.newPage();
    await page.goto(`${site.base}/signup?next=/.//evil.example/path`);
    await hydrated(page);
    expect(await page.getByRole('link', { name: 'Log in' }).last().getAttribute('href')).toBe('/login');
    await page.getByLabel('Display name').fill('Newcomer');
    await page.getByLabel('Email').fill(`newcomer-${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('a perfectly good password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname !== '/signup');
    const landed = new URL(page.url());
    expect(landed.origin).toBe(site.base);
    expect(landed.pathname).toBe('/me/profile');
    await context.close();
  }, 60_000);

  it('sends one policy with every page: script-src without unsafe-inline, only self and hashes', async () => {
    const context = await site.contextFor(null);
    const { page } = await watchedPage(context);
    for (const path of ['/', '/login', `/sessions/${upcomingId}`, '/api/sessions', '/api/docs']) {
      const response = await page.goto(`${site.base}${path}`);
      const policies = (await response!.headersArray()).filter(
        (h) => h.name.toLowerCase() === 'content-security-policy',
      );
      expect(policies, path).toHaveLength(1);
      const scripts = directive(policies[0]!.value, 'script-src');
      expect(scripts[0], path).toBe("'self'");
      for (const source of scripts.slice(1)) expect(source, path).toMatch(/^'sha256-[\w+/=]+'$/);
      expect(directive(policies[0]!.value, 'default-src'), path).toEqual(["'self'"]);
      expect(directive(policies[0]!.value, 'frame-ancestors'), path).toEqual(["'none'"]);
      // Swagger UI writes <style> elements of its own; the site's pages need no inline style but Astro's.
      if (path !== '/api/docs') expect(policies[0]!.value, path).not.toContain('unsafe-inline');
    }
    await context.close();
  });

  it('refuses to run a script added inline to a page', async () => {
    const context = await site.contextFor(null);
    const { page, violations } = await watchedPage(context);
    await page.goto(`${site.base}/sessions/${upcomingId}`);
    await hydrated(page);
    expect(await violations()).toEqual([]);
    await page.addScriptTag({ content: 'window.injected = true;' }).catch(() => {});
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    await expect.poll(async () => (await violations()).join('\n')).toMatch(/script-src/);
    await context.close();
  });

  it('shows every page type to a visitor without a single violation, from the cache too', async () => {
    const context = await site.contextFor(null);
    const { page, violations } = await watchedPage(context);
    const pages = [
      '/',
      '/sessions',
      '/sessions?skill=Baking',
      `/sessions/${upcomingId}`,
      `/sessions/${pastId}`,
      `/users/${host.user.id}`,
      '/mentors',
      '/leaderboard',
      '/badges',
      '/login',
      '/signup',
      '/no-such-page',
    ];
    for (const path of pages) {
      const response = await page.goto(`${site.base}${path}`);
      await hydrated(page);
      expect(await violations(), path).toEqual([]);
      if (!response!.headers()['cache-control']?.includes('public')) continue;
      // Again, as the public cache answers it (a projector committing meanwhile empties the cache: ask again).
      await expect
        .poll(async () => (await page.goto(`${site.base}${path}`))!.headers()['x-cache'], {
          timeout: 10_000,
          message: path,
        })
        .toBe('hit');
      await hydrated(page);
      expect(await violations(), `${path} from the cache`).toEqual([]);
    }
    // The stars and the avatars keep their sizes without style attributes.
    await page.goto(`${site.base}/users/${host.user.id}`);
    const stars = page.getByRole('img', { name: /4(\.0)? out of 5 stars/ }).first();
    expect((await stars.boundingBox())?.width).toBe(5 * 16 + 4 * 2);
    expect((await page.locator('.profile-head .avatar').boundingBox())?.width).toBe(112);
    await context.close();
  }, 90_000);

  it('lets a member edit their profile and register for a session with the islands', async () => {
    const context = await site.contextFor(student.cookie);
    const { page, violations } = await watchedPage(context);
    await page.goto(`${site.base}/me/profile`);
    await hydrated(page);
    const teach = page.getByRole('combobox', { name: 'Skills you can teach' });
    await teach.fill('Knitting');
    await teach.press('Enter');
    expect(await page.getByRole('list', { name: 'Skills you can teach' }).textContent()).toContain(
      'Knitting',
    );
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    expect(await violations()).toEqual([]);

    await page.goto(`${site.base}/sessions/${upcomingId}`);
    await hydrated(page);
    await page.getByRole('button', { name: 'Register' }).click();
    await expect.poll(() => page.getByText('You’re registered. See you there!').isVisible()).toBe(true);
    expect(await violations()).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows the admin pages and the API documentation without a violation', async () => {
    const context = await site.contextFor(admin.cookie);
    const { page, violations } = await watchedPage(context);
    for (const path of ['/admin', '/admin/members', '/admin/audit-log', '/moderation', '/sessions/new']) {
      const response = await page.goto(`${site.base}${path}`);
      expect(response!.status(), path).toBe(200);
      await hydrated(page);
      expect(await violations(), path).toEqual([]);
    }
    await page.goto(`${site.base}/api/docs`);
    await expect
      .poll(() => page.getByText('SkillSwap API').first().isVisible(), { timeout: 15_000 })
      .toBe(true);
    expect(await violations()).toEqual([]);
    await context.close();
  }, 60_000);
});
