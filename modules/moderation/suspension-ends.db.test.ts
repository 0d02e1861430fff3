// A suspension's end is kept as a pg-boss job in the database: a server stopped before the end and started after
// it still lifts the suspension, once; and a job that runs again (a retry, a duplicate) changes nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../infra/platform.ts';
import { createTestDatabase, testConfig, testLogger } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { endSuspension } from './suspensions.ts';
import { call, type Member, member, withRole } from './testing.ts';

const running: Platform[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
});

async function start(url: string) {
  const platform = await startPlatform(testConfig(url, { signupLimitPerIp: 1000 }), testLogger(), skillswap);
  running.push(platform);
  return platform;
}

async function stop(platform: Platform) {
  await platform.stop();
  running.splice(running.indexOf(platform), 1);
}

const eventsOf = async (app: Platform, m: Member) =>
  (await app.store.readStream(`suspension-${m.id}`)).map((e) => e.type);

describe('the end of a suspension', () => {
  it('given the server stopped before the end and started after it, then the suspension is lifted once', async () => {
    const url = await createTestDatabase();
    const first = await start(url);
    const [mod, target] = await Promise.all([withRole(first, 'moderator', 'Mo'), member(first, 'Tess')]);
    const until = new Date(Date.now() + 3000).toISOString();
    const res = await call(first, mod, 'POST', `/api/moderation/users/${target.id}/suspend`, {
      reason: 'cool down',
      until,
    });
    expect(res.statusCode).toBe(200);
    // The reactor has scheduled the job before the server goes: wait for it, then stop.
    const scheduled = async () =>
      (
        await first.pool.query(
          `SELECT 1 FROM pgboss.job WHERE name = 'suspension-ends' AND data->>'memberId' = $1`,
          [target.id],
        )
      ).rowCount;
    for (let i = 0; i < 100 && !(await scheduled()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await scheduled()).toBe(1);
    await stop(first);

    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(until) - Date.now()) + 200));
    const second = await start(url);
    const deadline = Date.now() + 15_000;
    while ((await eventsOf(second, target)).length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await eventsOf(second, target)).toEqual(['MemberSuspended', 'MemberUnsuspended']);
    const login = await second.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: target.email, password: target.password },
    });
    expect(login.statusCode).toBe(200);

    // The job again (pg-boss retries, or a second copy of it): nothing more is recorded.
    await endSuspension(second.command, target.id, until);
    await endSuspension(second.command, target.id, until);
    expect(await eventsOf(second, target)).toEqual(['MemberSuspended', 'MemberUnsuspended']);
  }, 60_000);
});
