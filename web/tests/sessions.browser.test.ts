// Sessions from both sides, in Chromium against the real app: a mentor schedules a session through the
// form, a student finds it by searching, registers and gets the meeting link; once it has started the
// mentor records attendance and completes it, and the student finds it in their history.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { runSessionCommand } from '../../modules/sessions/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hydrated } from './browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`sessions browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const TITLE = `Regex golf for curious minds ${Date.now().toString(36)}`;
const MEETING = 'https://meet.example.com/regex-golf';
// Far enough ahead for the student to find and book it, near enough that the test can wait for it.
const LEAD_MS = 30_000;

/** A datetime-local value (with seconds) for an instant, read in UTC: the zone the mentor picks. */
function utcWallTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

describe.skipIf(!hasChromium)('hosting, finding, joining and completing a session in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let base: string;
  let mentor: Page;
  let student: Page;
  let sessionPath = '';
  let startsAt = 0;
  let mentorId = '';

  /** A browser context already signed in as a member created through the API. */
  async function signedIn(cookie: string, timezoneId: string): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId });
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
    const mentorMember = await signUpAs(platform, { displayName: 'Margo Mentor', timezone: 'UTC' });
    mentorId = mentorMember.user.id;
    const studentMember = await signUpAs(platform, { displayName: 'Stu Dent', timezone: 'Asia/Tokyo' });
    mentor = await (await signedIn(mentorMember.cookie, 'UTC')).newPage();
    student = await (await signedIn(studentMember.cookie, 'Asia/Tokyo')).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('lets a mentor schedule a session through the form', async () => {
    await mentor.goto(`${base}/sessions/new`);
    await hydrated(mentor);
    expect(await mentor.getByRole('heading', { level: 1 }).textContent()).toBe('Host a session');

    // Sending the empty form names what is missing, on the fields themselves.
    await mentor.getByRole('button', { name: 'Schedule session' }).click();
    await expect
      .poll(() => mentor.getByText('Title must be at least 3 characters.').first().isVisible())
      .toBe(true);
    expect(await mentor.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');

    await mentor.getByLabel('Title').fill(TITLE);
    await mentor.getByLabel('Skill').fill('Regular expressions');
    await mentor.getByLabel('Description').fill('Short puzzles, shorter patterns.');
    await mentor.getByRole('button', { name: '+ Add a prerequisite' }).click();
    await mentor.getByLabel('Prerequisite 1').fill('A text editor');
    await mentor.getByLabel('Time zone').selectOption('UTC');
    startsAt = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    await mentor.getByLabel('Starts (date and time)').fill(utcWallTime(startsAt));
    await mentor.getByLabel('Duration (minutes)').fill('30');
    await mentor.getByLabel('Seats').fill('5');
    await mentor.getByLabel('Meeting link').fill(MEETING);
    await Promise.all([
      mentor.waitForURL(/\/sessions\/[^/?]+\?notice=created$/),
      mentor.getByRole('button', { name: 'Schedule session' }).click(),
    ]);
    sessionPath = new URL(mentor.url()).pathname;

    expect(await mentor.getByRole('heading', { level: 1 }).textContent()).toBe(TITLE);
    expect(await mentor.getByText('Your session is scheduled.').isVisible()).toBe(true);
    expect(await mentor.getByText('A text editor').isVisible()).toBe(true);
    // The mentor's zone is the session's zone, so the page says so instead of showing the time twice.
    expect(await mentor.getByText('UTC · your time too').isVisible()).toBe(true);
  }, 60_000);

  it('lets a student find it by searching, register and see the meeting link', async () => {
    await student.goto(`${base}/sessions?q=${encodeURIComponent('regex golf')}`);
    const card = student.locator('article', { has: student.getByRole('link', { name: TITLE }) });
    expect(await card.isVisible()).toBe(true);
    // Both clocks, labelled: the student's (Tokyo) and the session's own (UTC).
    expect(await card.getByText('Your time').isVisible()).toBe(true);
    expect(await card.getByText(/^Tokyo \(Japan/).isVisible()).toBe(true);
    expect(await card.getByText('Session time').isVisible()).toBe(true);
    expect(await card.getByText('5 seats left').isVisible()).toBe(true);

    await Promise.all([
      student.waitForURL(`${base}${sessionPath}`),
      card.getByRole('link', { name: TITLE }).click(),
    ]);
    await hydrated(student);
    // No meeting link before registering.
    expect(await student.getByRole('link', { name: /Join the session/ }).count()).toBe(0);
    await student.getByRole('button', { name: 'Register' }).click();

    await expect.poll(() => student.getByText('You’re registered. See you there!').isVisible()).toBe(true);
    // The panel reads the session again after the answer (the notice may show a moment before the seats do).
    await expect.poll(() => student.getByText('4 seats left').isVisible()).toBe(true);
    // Inside the join window (it starts in under 15 minutes): the Join button is the join link, which records the
    // join and redirects to the meeting; the URL itself is shown beside it.
    const join = student.getByRole('link', { name: /Join the session/ });
    expect(await join.getAttribute('href')).toBe(`${sessionPath}/join`);
    expect(await student.getByText(MEETING).isVisible()).toBe(true);
    expect(await student.getByRole('button', { name: 'Leave this session' }).isVisible()).toBe(true);
  }, 60_000);

  it('lets the mentor record attendance once it has started, and complete it once it has ended', async () => {
    await mentor.reload();
    await hydrated(mentor);
    expect(await mentor.getByRole('link', { name: 'Stu Dent' }).isVisible()).toBe(true);
    // The dashboard switches to the attendance step by itself when the start time passes.
    const attended = mentor.getByLabel('Stu Dent');
    await attended.waitFor({ timeout: Math.max(0, startsAt - Date.now()) + 20_000 });
    // The form starts from the joins: Stu never used the join link, so is not ticked (the host may tick him).
    expect(await attended.isChecked()).toBe(false);
    // Completing waits for the end (everyday.browser.test.ts completes one in the browser): here the command does,
    // with the clock of the session's end.
    expect(await mentor.getByRole('button', { name: /Complete session/ }).count()).toBe(0);
    expect(await mentor.getByText(/complete the session once it ends/).isVisible()).toBe(true);
    const sessionId = decodeURIComponent(sessionPath.split('/').pop() ?? '');
    await runSessionCommand(
      platform.command,
      sessionId,
      {
        type: 'Complete',
        data: { actor: { memberId: mentorId, isModerator: false } },
        now: new Date(startsAt + 30 * 60_000),
      },
      {},
    );
    await mentor.reload();
    expect(await mentor.getByText('This session has taken place.').isVisible()).toBe(true);
    expect(await mentor.getByText('Attended', { exact: true }).isVisible()).toBe(true);
  }, 90_000);

  it('shows the student the session in their history, with the hours learned and the balance', async () => {
    await student.goto(`${base}/me/learning`);
    const history = student.locator('#history');
    expect(await history.getByRole('link', { name: TITLE }).isVisible()).toBe(true);
    expect(await history.getByText('Completed').isVisible()).toBe(true);
    const progress = student.locator('.stats');
    expect(await progress.getByText('0.5 h', { exact: true }).isVisible()).toBe(true);
    // Give and take: the half hour learned, nothing taught yet.
    expect(await progress.getByText('0.5 h more learned than taught').isVisible()).toBe(true);
    expect(await progress.getByText('Regular expressions').isVisible()).toBe(true);
    expect(await student.locator('#upcoming').getByText('No sessions booked').isVisible()).toBe(true);
  }, 30_000);
});
