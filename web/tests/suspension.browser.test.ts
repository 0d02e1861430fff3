// Suspensions in Chromium: an admin suspends a member until a date with the spam flag, and the page then shows
// the suspension with its end and offers only to lift it; a moderator resolving a report about a member is offered
// only what can be done: no "hide the member", suspending with its spam flag and end, and nothing to suspend when
// the member is suspended already.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { changeRole } from '../../modules/identity/index.ts';
import { skillswap } from '../../modules/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hydrated } from './browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('suspending members in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let base: string;
  let admin: Page;
  let moderator: Page;
  let spammer: { id: string };
  let rude: { id: string };
  let reportOn: (targetId: string) => Promise<string>;

  async function pageFor(cookie: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    await context.addCookies(
      cookie.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), url: base };
      }),
    );
    return context.newPage();
  }

  beforeAll(async () => {
    if (!existsSync(`${DIST}/server/entry.mjs`))
      throw new Error('the website is not built: run `npm run build`');
    platform = await startTestPlatform(skillswap, { webDistDir: DIST });
    await platform.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(platform.http.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const [ada, mo, reporter, s, r] = await Promise.all([
      signUpAs(platform, { displayName: 'Ada Admin' }),
      signUpAs(platform, { displayName: 'Mo Moderator' }),
      signUpAs(platform, { displayName: 'Rita Reporter' }),
      signUpAs(platform, { displayName: 'Sid Spammer' }),
      signUpAs(platform, { displayName: 'Rob Rude' }),
    ]);
    await changeRole(platform.command, ada.user.email, 'admin', true, { actorId: null });
    await changeRole(platform.command, mo.user.email, 'moderator', true, { actorId: null });
    [spammer, rude] = [s.user, r.user];
    reportOn = async (targetId) => {
      const res = await platform.http.inject({
        method: 'POST',
        url: '/api/reports',
        headers: { cookie: reporter.cookie },
        payload: { targetType: 'user', targetId, reason: 'Sends everyone links to a casino.' },
      });
      expect(res.statusCode).toBe(201);
      return res.json().report.id;
    };
    admin = await pageFor(ada.cookie);
    moderator = await pageFor(mo.cookie);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('offers a moderator only dismiss or suspend on a report about a member, with the spam flag and an end', async () => {
    const id = await reportOn(rude.id);
    await moderator.goto(`${base}/moderation/reports/${id}`);
    await hydrated(moderator);
    expect(await moderator.getByLabel('Dismiss the report').isVisible()).toBe(true);
    expect(await moderator.getByLabel('Hide the member').count()).toBe(0);
    await moderator.getByLabel('Suspend Rob Rude').check();
    expect(await moderator.getByLabel(/This is a spam account/).isChecked()).toBe(false);
    await moderator.getByLabel(/^Ends/).fill('2031-01-02T10:30');
    await moderator.getByLabel('Note for the audit log').fill('Rude to everyone, again.');
    await moderator.getByRole('button', { name: 'Continue…' }).click();
    await moderator.getByText('Suspend Rob Rude until Thu 2 Jan, 10:30 UTC?', { exact: false }).waitFor();
    await Promise.all([
      moderator.waitForURL(/notice=resolved-suspend$/),
      moderator.getByRole('button', { name: 'Yes, suspend Rob Rude' }).click(),
    ]);
    const status = await platform.http.inject({
      method: 'GET',
      url: `/api/moderation/users/${rude.id}/suspension`,
      headers: {
        cookie: (await moderator.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; '),
      },
    });
    expect(status.json().suspension).toMatchObject({
      suspended: true,
      forSpam: false,
      until: '2031-01-02T10:30:00.000Z',
    });
  }, 60_000);

  it('offers nothing to suspend on a report about a member who is suspended already', async () => {
    const id = await reportOn(rude.id);
    await moderator.goto(`${base}/moderation/reports/${id}`);
    await hydrated(moderator);
    expect(await moderator.getByLabel('Suspend Rob Rude').count()).toBe(0);
    expect(await moderator.getByText('Rob Rude is suspended already.').isVisible()).toBe(true);
  });

  it('lets an admin suspend a member until a date as a spam account, then shows it and offers only to lift it', async () => {
    await admin.goto(`${base}/admin/members?member=${spammer.id}`);
    await hydrated(admin);
    expect(await admin.getByText('Active', { exact: true }).isVisible()).toBe(true);
    expect(await admin.getByRole('button', { name: 'Lift suspension…' }).count()).toBe(0);
    await admin.getByRole('button', { name: 'Suspend…' }).click();
    await admin.getByLabel('Reason').fill('Casino links in every message.');
    await admin.getByLabel(/This is a spam account/).check();
    await admin.getByLabel(/^Ends/).fill('2031-03-03T14:05');
    expect(await admin.getByText('Suspended until Mon 3 Mar, 14:05 UTC.').isVisible()).toBe(true);
    await Promise.all([
      admin.waitForURL(/notice=suspended$/),
      admin.getByRole('button', { name: 'Yes, suspend Sid Spammer' }).click(),
    ]);
    expect(await admin.getByText('Suspended', { exact: true }).isVisible()).toBe(true);
    expect(await admin.getByText('Spam account', { exact: true }).isVisible()).toBe(true);
    // Its end, as a time the page shows in the viewer's zone.
    const status = admin.locator('.status', { hasText: 'Until' });
    expect(await status.locator('time[datetime="2031-03-03T14:05:00.000Z"]').isVisible()).toBe(true);
    expect(await admin.getByText('“Casino links in every message.”').isVisible()).toBe(true);
    expect(await admin.getByRole('button', { name: 'Suspend…' }).count()).toBe(0);
    expect(await admin.getByRole('button', { name: 'Lift suspension…' }).isVisible()).toBe(true);
  }, 60_000);

  it('shows an end in the past as the server refuses it, on the end field', async () => {
    const other = await signUpAs(platform, { displayName: 'Pat Past' });
    await admin.goto(`${base}/admin/members?member=${other.user.id}`);
    await hydrated(admin);
    await admin.getByRole('button', { name: 'Suspend…' }).click();
    await admin.getByLabel('Reason').fill('Testing the past.');
    await admin.getByLabel(/^Ends/).fill('2020-01-01T00:00');
    await admin.getByRole('button', { name: 'Yes, suspend Pat Past' }).click();
    await admin.getByText('The end must be in the future.').waitFor();
    expect(await admin.getByLabel(/^Ends/).getAttribute('aria-invalid')).toBe('true');
  }, 60_000);
});
