import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { roles } from './roles.ts';

let app: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
});

async function admin(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: process.stderr };
  const code = await runAdmin(argv, {
    groups: [roles],
    app: skillswap,
    io,
    connect: () => connectAdmin(testConfig(app.url), skillswap, io.err),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function rolesSeenBy(cookie: string): Promise<string[]> {
  const me = await app.http.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  return me.json().user.roles;
}

/** The running server's projector applies the CLI's event moments after it is appended. */
async function waitForRoles(cookie: string, expected: string[]) {
  const deadline = Date.now() + 5000;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = (await rolesSeenBy(cookie)).sort();
    if (JSON.stringify(seen) === JSON.stringify([...expected].sort())) return seen;
    await new Promise((r) => setTimeout(r, 50));
  }
  return seen;
}

describe('npm run admin -- roles', () => {
  it('grants and revokes moderator, and the member sees it in GET /api/me', async () => {
    const { cookie } = await signUpAs(app, { email: 'mod@example.com' });
    const granted = await admin('roles', 'grant', 'MOD@example.com', 'moderator');
    expect(granted).toMatchObject({ code: 0, out: 'MOD@example.com is now moderator.' });
    expect(await waitForRoles(cookie, ['member', 'moderator'])).toEqual(['member', 'moderator']);

    const revoked = await admin('roles', 'revoke', 'mod@example.com', 'moderator');
    expect(revoked.code).toBe(0);
    expect(await waitForRoles(cookie, ['member'])).toEqual(['member']);
  });

  it('says so when the member already has the role, and exits 1', async () => {
    await signUpAs(app, { email: 'admin@example.com' });
    expect((await admin('roles', 'grant', 'admin@example.com', 'admin')).code).toBe(0);
    const again = await admin('roles', 'grant', 'admin@example.com', 'admin');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already admin/);
  });

  it('refuses an unknown email, an unknown role and a bad command line', async () => {
    const unknown = await admin('roles', 'grant', 'nobody@example.com', 'admin');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No member has the email nobody@example.com/);
    const badRole = await admin('roles', 'grant', 'admin@example.com', 'wizard');
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/unknown role "wizard"/);
    expect((await admin('roles', 'promote', 'admin@example.com', 'admin')).code).toBe(1);
  });

  it('does not make the first account on an empty deployment an admin', async () => {
    const fresh = await startTestPlatform(skillswap);
    const first = await signUpAs(fresh, { email: 'first@example.com' });
    expect(first.user.roles).toEqual(['member']);
  });
});
