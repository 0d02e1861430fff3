import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../infra/config.ts';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../../modules/index.ts';
import { signUpAs } from '../../modules/testing.ts';
import { connectAdmin } from './database.ts';
import { type AdminIo, runAdmin } from './dispatch.ts';
import { roles } from './roles.ts';

let app: Platform;
/** A database whose server is stopped: no process runs its projectors. */
let idle: Platform;

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
});

async function admin(on: Platform, argv: string[], config: Partial<Config> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: AdminIo = { out: (l) => out.push(l), err: (l) => err.push(l), progress: process.stderr };
  const code = await runAdmin(argv, {
    groups: [roles],
    app: skillswap,
    io,
    connect: () => connectAdmin(testConfig(on.url, config), skillswap, io.err),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function rolesSeenBy(on: Platform, cookie: string): Promise<string[]> {
  const me = await on.http.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  return (me.json().user.roles as string[]).sort();
}

async function grantsIn(on: Platform): Promise<number> {
  const { rows } = await on.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE type = 'RoleGranted'`,
  );
  return rows[0]!.n;
}

describe('npm run admin -- roles', () => {
  it('grants and revokes moderator, and returns once the running server shows it in GET /api/me', async () => {
    const { cookie } = await signUpAs(app, { email: 'mod@example.com' });
    for (let round = 0; round < 3; round++) {
      const granted = await admin(app, ['roles', 'grant', 'MOD@example.com', 'moderator']);
      expect(granted).toMatchObject({ code: 0, out: 'MOD@example.com is now moderator.' });
      expect(await rolesSeenBy(app, cookie)).toEqual(['member', 'moderator']);

      const revoked = await admin(app, ['roles', 'revoke', 'mod@example.com', 'moderator']);
      expect(revoked).toMatchObject({ code: 0, out: 'mod@example.com is no longer moderator.' });
      expect(await rolesSeenBy(app, cookie)).toEqual(['member']);
    }
  });

  it('with no server running, does not wait, and says the change shows once the server runs', async () => {
    idle = await startTestPlatform(skillswap);
    await signUpAs(idle, { email: 'later@example.com' });
    await signUpAs(idle, { email: 'stuck@example.com' });
    await idle.runner.stop(); // its projectors' advisory locks go with it, as when the server is stopped
    const started = Date.now();
    const granted = await admin(idle, ['roles', 'grant', 'later@example.com', 'moderator'], {
      readYourWritesTimeoutMs: 10_000,
    });
    expect(granted.code).toBe(0);
    expect(granted.out).toBe(
      'later@example.com is now moderator.\n' +
        'No SkillSwap server is running on this database: the change shows once one runs.',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('when the running server does not show the change in time, says so and exits 0: the role is granted', async () => {
    const stuck = idle;
    const grantsBefore = await grantsIn(stuck);
    // A server that holds the member profiles' projector but does not move it (busy, or failing).
    const holder = new pg.Client({ connectionString: stuck.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtext('skillswap:projector:member_profiles'))`);
      const granted = await admin(stuck, ['roles', 'grant', 'stuck@example.com', 'moderator'], {
        readYourWritesTimeoutMs: 300,
      });
      expect(granted.code).toBe(0);
      expect(granted.out).toMatch(
        /^stuck@example\.com is now moderator\.\nThe running server's read models have not shown it within 300 ms .*projections status/,
      );
    } finally {
      await holder.end();
    }
    expect(await grantsIn(stuck)).toBe(grantsBefore + 1);
  });

  it('says so when the member already has the role, and exits 1', async () => {
    await signUpAs(app, { email: 'admin@example.com' });
    expect((await admin(app, ['roles', 'grant', 'admin@example.com', 'admin'])).code).toBe(0);
    const again = await admin(app, ['roles', 'grant', 'admin@example.com', 'admin']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already admin/);
  });

  it('refuses an unknown email, an unknown role and a bad command line', async () => {
    const unknown = await admin(app, ['roles', 'grant', 'nobody@example.com', 'admin']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No member has the email nobody@example.com/);
    const badRole = await admin(app, ['roles', 'grant', 'admin@example.com', 'wizard']);
    expect(badRole.code).toBe(1);
    expect(badRole.err).toMatch(/unknown role "wizard"/);
    expect((await admin(app, ['roles', 'promote', 'admin@example.com', 'admin'])).code).toBe(1);
  });

  it('does not make the first account on an empty deployment an admin', async () => {
    const fresh = await startTestPlatform(skillswap);
    const first = await signUpAs(fresh, { email: 'first@example.com' });
    expect(first.user.roles).toEqual(['member']);
  });
});
