// The admin page when a read model has set an event aside: the service reads Degraded, the event is listed with
// its error, and Retry applies it once the bug is fixed (the projector throws on members named "Poison" until then).
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineProjector } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import { skillswap } from '../../modules/index.ts';
import { type Member, withRole } from '../../modules/moderation/testing.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hasChromium, hydrated, type Site, startSite } from './browser.ts';

const SHOTS = '/tmp/shots-12b';
// The machine running the suite may be busy: the page's answers get more than expect.poll's default second.
const WAIT = { timeout: 10_000 };
const bug = { on: true };
const fussy = defineProjector<IdentityEvent>({
  name: 'fussy_names',
  tables: [],
  on: {
    MemberSignedUp: async (_db, run) => {
      if (bug.on && run.some((e) => e.data.displayName === 'Poison'))
        throw new Error('fussy_names cannot take Poison');
    },
  },
});

let site: Site;
let admin: Member;

describe.skipIf(!hasChromium)('admin page with set-aside events', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    site = await startSite({ app: { ...skillswap, readModels: [...skillswap.readModels, fussy] } });
    admin = await withRole(site.platform, 'admin', 'Ada');
    await signUpAs(site.platform, { displayName: 'Poison' });
  });

  it('shows the service degraded, lists the event with its error, and retries it after the fix', async () => {
    const context = await site.contextFor(admin.cookie);
    const page = await context.newPage();
    await page.goto(`${site.base}/admin`);
    await hydrated(page);
    await expect.poll(() => page.getByText('Degraded', { exact: true }).count(), WAIT).toBe(1);
    await expect.poll(() => page.getByRole('link', { name: '1 event set aside' }).count(), WAIT).toBe(1);
    const section = page.getByRole('region', { name: 'fussy_names 1 set aside' });
    await expect.poll(() => section.getByText('fussy_names cannot take Poison').count(), WAIT).toBe(1);
    expect(await section.getByText('MemberSignedUp').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/admin-set-aside-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: `${SHOTS}/admin-set-aside-390.png`, fullPage: true });
    await page
      .locator('section[aria-labelledby="health-title"]')
      .screenshot({ path: `${SHOTS}/health-390.png` });
    await page
      .locator('section[aria-labelledby="set-aside-title"]')
      .screenshot({ path: `${SHOTS}/set-aside-390.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Still broken: the retry says so and the event stays
    await page.getByRole('button', { name: 'Retry the set-aside events of fussy_names' }).click();
    await expect.poll(() => page.getByText('0 applied, 1 still failing.').count(), WAIT).toBe(1);

    bug.on = false;
    await page.getByRole('button', { name: 'Retry the set-aside events of fussy_names' }).click();
    await expect
      .poll(
        () => page.getByText('None: every projector and reactor has applied every event it reads.').count(),
        WAIT,
      )
      .toBe(1);
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByText('Healthy', { exact: true }).count();
      }, WAIT)
      .toBe(1);
    await context.close();
  });
});
