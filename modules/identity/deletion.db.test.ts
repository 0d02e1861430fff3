import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { submitReview } from '../feedback/index.ts';
import { skillswap } from '../index.ts';
import { runSessionCommand, scheduleSession, withHostingFacts } from '../sessions/index.ts';
import { cookieOf, signUpAs } from '../testing.ts';

const EMAIL = 'zelda.quixote@example.com';
const NAME = 'Zelda Quixote';
const BIO = 'Ask me about quixotic zebras';

let app: Platform;
let zelda: Awaited<ReturnType<typeof signUpAs>>;
let student: Awaited<ReturnType<typeof signUpAs>>;
let sessionId: string;

/** Every row of every table in the database, as text, with where it came from. */
async function everyRow(): Promise<{ table: string; text: string }[]> {
  const { rows: tables } = await app.pool.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const out: { table: string; text: string }[] = [];
  for (const t of tables) {
    const { rows } = await app.pool.query<{ r: string }>(
      `SELECT t::text AS r FROM "${t.schema}"."${t.name}" t`,
    );
    for (const r of rows) out.push({ table: `${t.schema}.${t.name}`, text: r.r });
  }
  return out;
}

const mentions = (rows: { table: string; text: string }[]) =>
  rows.filter((r) => /zelda|quixote/i.test(r.text)).map((r) => `${r.table}: ${r.text.slice(0, 120)}`);

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  zelda = await signUpAs(app, { email: EMAIL, displayName: NAME, password: 'zelda password 1' });
  await app.http.inject({
    method: 'PATCH',
    url: '/api/me/profile',
    headers: { cookie: zelda.cookie },
    payload: { bio: BIO, skillsToTeach: ['Lute'] },
  });
  student = await signUpAs(app);
  const then = new Date(Date.now() - 3 * 86400_000);
  const scheduled = await scheduleSession(
    app.command,
    {
      hostId: zelda.user.id,
      details: await withHostingFacts(app.pool, zelda.user.id, {
        title: 'Lute for beginners',
        skill: 'Lute',
        description: '',
        difficulty: 'beginner',
        prerequisites: [],
        startsAt: new Date(Date.now() - 86400_000).toISOString(),
        durationMinutes: 60,
        capacity: 5,
        meetingUrl: 'https://meet.example.com/lute',
      }),
      now: then,
    },
    { actorId: zelda.user.id },
  );
  sessionId = scheduled.sessionIds[0]!;
  await runSessionCommand(
    app.command,
    sessionId,
    { type: 'Register', data: { memberId: student.user.id }, now: then },
    {},
  );
  await runSessionCommand(
    app.command,
    sessionId,
    { type: 'Complete', data: { actor: { memberId: zelda.user.id, isModerator: false } }, now: new Date() },
    {},
  );
  await submitReview(app.command, student.user.id, sessionId, { rating: 4, comment: 'Lovely' }, {});
  // Wait for the gamification reactor's points, so that the history is complete before the deletion.
  for (
    let i = 0;
    i < 100 &&
    (await app.http.inject({ url: `/api/users/${zelda.user.id}` })).json().profile.reputation.points === 0;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

describe('deleting an account', () => {
  it('is refused with the wrong password, and changes nothing', async () => {
    const res = await app.http.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { cookie: zelda.cookie },
      payload: { password: 'not it' },
    });
    expect(res.statusCode).toBe(403);
    expect((await app.http.inject({ url: `/api/users/${zelda.user.id}` })).json().profile.displayName).toBe(
      NAME,
    );
  });

  it("leaves the member's email and name nowhere in the database, the events table included", async () => {
    expect(mentions(await everyRow()).length).toBeGreaterThan(0);
    const res = await app.http.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { cookie: zelda.cookie },
      payload: { password: 'zelda password 1' },
    });
    expect(res.statusCode).toBe(204);
    expect(mentions(await everyRow())).toEqual([]);
  });

  it('signs the member out everywhere and refuses their old credentials', async () => {
    expect((await app.http.inject({ url: '/api/me', headers: { cookie: zelda.cookie } })).statusCode).toBe(
      401,
    );
    const login = await app.http.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: EMAIL, password: 'zelda password 1' },
    });
    expect(login.statusCode).toBe(401);
  });

  it('shows a deleted member while the history stays: hosted session, rating, students taught', async () => {
    const profile = (await app.http.inject({ url: `/api/users/${zelda.user.id}` })).json().profile;
    expect(profile).toMatchObject({
      displayName: 'Deleted member',
      bio: '',
      avatarUrl: null,
      skillsToTeach: [],
    });
    expect(profile.reputation).toMatchObject({
      sessionsHosted: 1,
      studentsTaught: 1,
      averageRating: 4,
      ratingCount: 1,
    });
    const session = (await app.http.inject({ url: `/api/sessions/${sessionId}` })).json().session;
    expect(session.host.displayName).toBe('Deleted member');
    const mentors = (await app.http.inject({ url: '/api/mentors?skill=lute' })).json();
    expect(mentors.items).toEqual([]);
  });

  it('gives the same tables after every projection is rebuilt from the log', async () => {
    const dump = async () => {
      const out: Record<string, string> = {};
      for (const p of skillswap.readModels) {
        if (p.kind !== 'read-model') continue;
        for (const table of p.tables) {
          const { rows } = await app.pool.query(
            `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${table} t`,
          );
          out[table] = rows[0].h;
        }
      }
      return out;
    };
    const before = await dump();
    for (const p of skillswap.readModels) await app.rebuild(p.name);
    expect(await dump()).toEqual(before);
    expect(mentions(await everyRow())).toEqual([]);
  });

  it('frees the email address for a new account', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: EMAIL, password: 'a new password 2', displayName: 'Someone New' },
    });
    expect(res.statusCode).toBe(201);
    expect(cookieOf(res)).toMatch(/skillswap_session=/);
  });
});
