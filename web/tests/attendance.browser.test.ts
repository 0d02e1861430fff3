// Attendance in Chromium against the real app: one member joins through the Join button inside the join window,
// another never does; once the session ends, the host's completion form comes pre-filled from who joined, the host
// completes it, and the member who never came reads "You were marked absent" with no review form.
// The session is scheduled through the commands with the clock they would have had (two days ago), to start a
// few seconds short of 15 minutes ago and last 15 minutes: its join window is open, and it ends within the test.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../../modules/sessions/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hasChromium, hydrated, type Site, startSite } from './browser.ts';

const DAY = 86400_000;
const MEETING = 'https://meet.example.com/attendance-room';
const TITLE = `Reading the weather ${Date.now().toString(36)}`;

describe.skipIf(!hasChromium)('joining, then completing from joins, in Chromium', () => {
  let site: Site;
  let sessionId = '';
  let endsAt = 0;
  const cookies: Record<'host' | 'joiner' | 'absent', string> = { host: '', joiner: '', absent: '' };

  const signUp = async (displayName: string) => {
    const { user, cookie } = await signUpAs(site.platform, { displayName });
    return { id: user.id, cookie };
  };

  async function pageAs(who: keyof typeof cookies): Promise<Page> {
    return (await site.contextFor(cookies[who])).newPage();
  }

  beforeAll(async () => {
    site = await startSite();
    const host = await signUp('Hana Host');
    const joiner = await signUp('Jo Joiner');
    const absent = await signUp('Abe Absent');
    Object.assign(cookies, { host: host.cookie, joiner: joiner.cookie, absent: absent.cookie });
    const then = new Date(Date.now() - 2 * DAY);
    const startsAt = new Date(Date.now() - 15 * 60_000 + 45_000);
    endsAt = startsAt.getTime() + 15 * 60_000;
    const { sessionIds } = await scheduleSession(
      site.platform.command,
      {
        hostId: host.id,
        details: await withHostingFacts(site.platform.pool, host.id, {
          title: TITLE,
          skill: 'Meteorology',
          description: 'Clouds, fronts and the barometer.',
          difficulty: 'beginner',
          prerequisites: [],
          startsAt: startsAt.toISOString(),
          durationMinutes: 15,
          capacity: 4,
          meetingUrl: MEETING,
          timezone: 'UTC',
        }),
        now: then,
      },
      { actorId: host.id },
    );
    sessionId = sessionIds[0] ?? '';
    for (const m of [joiner, absent]) {
      await runSessionCommand(
        site.platform.command,
        sessionId,
        { type: 'Register', data: { memberId: m.id }, now: then },
        { actorId: m.id },
      );
    }
  }, 120_000);

  it('a registered member joins with the Join button and lands in the meeting', async () => {
    const page = await pageAs('joiner');
    await page.goto(`${site.base}/sessions/${sessionId}`);
    await hydrated(page);
    // The meeting is elsewhere (and unreachable here): the join link's redirect, and the new tab heading there,
    // are what the member sees happen.
    const [joinAnswer, meetingRequest] = await Promise.all([
      page.context().waitForEvent('response', (r) => r.url().endsWith(`/sessions/${sessionId}/join`)),
      page.context().waitForEvent('request', (r) => r.url() === MEETING),
      page.getByRole('link', { name: 'Join the session (opens in a new tab)' }).click(),
    ]);
    expect(joinAnswer.status()).toBe(302);
    expect(joinAnswer.headers().location).toBe(MEETING);
    expect(meetingRequest.isNavigationRequest()).toBe(true);
    await page.reload();
    expect(await page.getByText('You joined this session.').isVisible()).toBe(true);
  }, 60_000);

  it('the host completes with the form pre-filled from who joined; the absent member sees it and no review form', async () => {
    // Completing waits for the end of the session.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endsAt - Date.now() + 500)));
    const host = await pageAs('host');
    await host.goto(`${site.base}/sessions/${sessionId}`);
    await hydrated(host);
    const form = host.getByRole('group', { name: /Who attended\?/ });
    expect(await form.getByLabel('Jo Joiner').isChecked()).toBe(true);
    expect(await form.getByLabel('Abe Absent').isChecked()).toBe(false);
    expect(await host.locator('.attendance-rate').first().textContent()).toBe('no sessions yet');
    await host.getByRole('button', { name: 'Complete session…' }).click();
    expect(await host.getByText('Complete the session with 1 attended and 1 absent?').isVisible()).toBe(true);
    await host.getByRole('button', { name: 'Yes, complete it' }).click();
    await host.waitForURL(/notice=completed/);

    const absent = await pageAs('absent');
    await absent.goto(`${site.base}/sessions/${sessionId}`);
    await hydrated(absent);
    expect(await absent.getByText('You were marked absent from this session.').isVisible()).toBe(true);
    expect(await absent.getByRole('heading', { name: 'Reviews' }).isVisible()).toBe(true);
    expect(await absent.getByRole('heading', { name: 'Your review' }).count()).toBe(0);
    expect(await absent.getByRole('button', { name: 'Publish review' }).count()).toBe(0);
    await absent.goto(`${site.base}/me/learning`);
    expect(await absent.getByText('You were marked absent').first().isVisible()).toBe(true);
  }, 90_000);
});
