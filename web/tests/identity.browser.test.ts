import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { hydrated } from './browser.ts';

const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`identity browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const NAME = 'Ada Lovelace';
const EMAIL = `ada-${Date.now()}@example.com`;
const PASSWORD = 'analytical engine 1843';

describe.skipIf(!hasChromium)('sign-up, profile and mentor directory in Chromium', () => {
  let platform: Platform;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let photo: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'skillswap-identity-'));

  beforeAll(async () => {
    if (!existsSync(path.join(DIST, 'server', 'entry.mjs'))) {
      throw new Error(
        `the website is not built (${DIST}/server/entry.mjs is missing): run \`npm run build\``,
      );
    }
    // Uploaded avatars are files under DATA_DIR: keep them out of the repository's ./data.
    platform = await startTestPlatform(skillswap, { webDistDir: DIST, config: { dataDir } });
    await platform.http.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(platform.http.server.address() as AddressInfo).port}`;

    // Another member already teaches Watercolour, so the skill autocomplete has something to offer.
    const grace = await signUpAs(platform, { displayName: 'Grace Hopper' });
    const patch = await platform.http.inject({
      method: 'PATCH',
      url: '/api/me/profile',
      headers: { cookie: grace.cookie },
      payload: { skillsToTeach: ['Watercolour', 'COBOL'] },
    });
    expect(patch.statusCode).toBe(200);
    for (let tries = 0; ; tries++) {
      const known = await platform.http.inject({ url: '/api/skills?q=water' });
      if (known.json().items.length > 0) break;
      if (tries > 50) throw new Error('the skill catalogue never learned about Watercolour');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    photo = path.join(dataDir, 'me.png');
    await sharp({ create: { width: 240, height: 240, channels: 3, background: { r: 13, g: 107, b: 99 } } })
      .png()
      .toFile(photo);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tells a visitor what is wrong with a sign-up, field by field', async () => {
    const visitor = await browser.newPage();
    await visitor.goto(`${base}/signup`);
    await hydrated(visitor);
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await expect
      .poll(() => visitor.getByText('Enter the name other members will see.').isVisible())
      .toBe(true);
    await visitor.getByLabel('Display name').fill(NAME);
    await visitor.getByLabel('Email').fill('ada@example');
    await visitor.getByLabel('Password', { exact: true }).fill('short');
    await visitor.getByRole('button', { name: 'Create account' }).click();
    expect(await visitor.getByText('Enter an email address like name@example.com.').isVisible()).toBe(true);
    expect(await visitor.getByText('Password must be at least 10 characters.').isVisible()).toBe(true);
    expect(await visitor.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await visitor.close();
  }, 60_000);

  it('shows on the password field why the server refuses a password that is too easy to guess', async () => {
    const visitor = await browser.newPage();
    await visitor.goto(`${base}/signup`);
    await hydrated(visitor);
    await visitor.getByLabel('Display name').fill('Anna Weak');
    await visitor.getByLabel('Email').fill(`anna-${Date.now()}@example.com`);
    const password = visitor.getByLabel('Password', { exact: true });
    await password.fill('password12');
    await visitor.getByRole('button', { name: 'Create account' }).click();
    const reason =
      'Password is too easy to guess. This is a commonly used password. Add more words that are less common.';
    await expect.poll(() => visitor.getByText(reason, { exact: true }).isVisible()).toBe(true);
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-describedby')).toContain('signup-password-error');
    expect(visitor.url()).toBe(`${base}/signup`);
    await visitor.close();
  }, 60_000);

  it('signs up, adds a skill from the suggestions and uploads a photo', async () => {
    await page.goto(`${base}/signup`);
    await hydrated(page);
    await page.getByLabel('Display name').fill(NAME);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/me/profile');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Edit your profile');

    const teach = page.getByRole('combobox', { name: 'Skills you can teach' });
    await teach.pressSequentially('water');
    await page.getByRole('option', { name: /Watercolour/ }).waitFor();
    await teach.press('ArrowDown');
    await teach.press('Enter');
    expect(await page.getByRole('list', { name: 'Skills you can teach' }).textContent()).toContain(
      'Watercolour',
    );

    await page.getByLabel('Upload an image').setInputFiles(photo);
    const preview = page.getByRole('img', { name: 'Your photo preview' });
    expect(await preview.getAttribute('src')).toMatch(/^blob:/);

    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^\/api\/avatars\/.+\.webp$/);
  }, 60_000);

  it('shows the skill and the photo on the public profile and in the mentor directory', async () => {
    await page.getByRole('link', { name: 'View public profile' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/users/'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(NAME);
    const avatar = page.locator('.profile-head img');
    expect(await avatar.getAttribute('src')).toMatch(/^\/api\/avatars\/.+\.webp$/);
    await expect
      .poll(() => avatar.evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    expect(await page.getByText('No ratings yet').isVisible()).toBe(true);

    const skill = page
      .getByRole('list', { name: 'Skills taught' })
      .getByRole('link', { name: 'Watercolour' });
    expect(await skill.getAttribute('href')).toBe('/mentors?skill=Watercolour');
    await skill.click();
    await page.waitForURL((url) => url.pathname === '/mentors');
    expect(await page.getByLabel('Skill', { exact: true }).inputValue()).toBe('Watercolour');
    const names = await page.locator('.mentor-card h3').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining([NAME, 'Grace Hopper']));
    expect(await page.getByRole('link', { name: NAME, exact: true }).getAttribute('href')).toMatch(
      /^\/users\//,
    );

    await page.goto(`${base}/mentors?skill=COBOL`);

    await hydrated(page);
    expect(await page.locator('.mentor-card h3').allInnerTexts()).toEqual(['Grace Hopper']);
  }, 60_000);

  it('shows a bio that looks like a script as plain text, and runs nothing', async () => {
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(`${base}/me/profile`);
    await hydrated(page);
    await page.getByLabel('Bio').fill('<script>alert(1)</script>');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();

    await page.getByRole('link', { name: 'View public profile' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/users/'));
    expect(await page.getByText('<script>alert(1)</script>', { exact: true }).isVisible()).toBe(true);
    await page.reload();
    await page.waitForLoadState('load');
    expect(dialogs).toEqual([]);
  }, 60_000);

  it('renders a bio written in Markdown on the profile, links as user content, a script tag as text', async () => {
    await page.goto(`${base}/me/profile`);
    await hydrated(page);
    const bio = page.getByLabel('Bio');
    await bio.waitFor();
    // The form says Markdown works, and screen readers hear it with the field.
    const help = page.locator('#pe-bio-help');
    expect(await help.textContent()).toContain('Markdown works');
    expect(await bio.getAttribute('aria-describedby')).toContain('pe-bio-help');
    await bio.fill(
      'I **teach** COBOL, see [my notes](https://example.com/cobol).\n\n<script>alert(2)</script>',
    );
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();

    await page.getByRole('link', { name: 'View public profile' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/users/'));
    const about = page.locator('.bio');
    expect(await about.locator('strong').textContent()).toBe('teach');
    const link = about.getByRole('link', { name: 'my notes' });
    expect(await link.getAttribute('href')).toBe('https://example.com/cobol');
    expect(await link.getAttribute('rel')).toMatch(/^nofollow ugc\b/);
    expect(await about.locator('script').count()).toBe(0);
    expect(await about.getByText('<script>alert(2)</script>', { exact: true }).isVisible()).toBe(true);
    // The Markdown's own marks are gone from what the visitor reads.
    expect(await about.textContent()).not.toContain('**');
  }, 60_000);

  it('sends a signed-out member to log in, then back to the page they asked for', async () => {
    await page.goto(`${base}/`);
    await hydrated(page);
    // Already on '/', so waiting for that URL would pass at once: wait for the header to show signed-out instead.
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/auth/logout')),
      page.getByRole('button', { name: 'Log out' }).first().click(),
    ]);
    await page.getByRole('link', { name: 'Log in' }).first().waitFor();
    await page.goto(`${base}/me/profile`);
    await hydrated(page);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/login?next=/me/profile');

    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('The email or password is not correct.');

    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/me/profile');
    expect(await page.getByLabel('Display name').inputValue()).toBe(NAME);
  }, 60_000);
});
