// SESSIONS_PER_DAY counts sessions, not requests: each occurrence of a series is one, and the count holds when
// requests race.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { call, type Member, signUp, validSession } from './testing.ts';

let app: Platform;
const PER_DAY = 10;

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: {
      limits: { sessionsPerDay: PER_DAY, reviewsPerDay: 1000, reportsPerDay: 1000, swapsPerDay: 1000 },
    },
  });
});

const series = (who: Member, count: number, startsAt = '2031-01-06T18:00:00Z') =>
  call(app, who, 'POST', '/api/sessions', validSession({ startsAt, repeat: { every: 'week', count } }));

const hosting = async (who: Member) =>
  (await call(app, who, 'GET', '/api/me/sessions')).json().hosting as unknown[];

describe('SESSIONS_PER_DAY and series', () => {
  it('refuses a series of 12 with 10 left: 429 naming the limit and what is left, and schedules nothing', async () => {
    const ada = await signUp(app, 'Ada');
    const res = await series(ada, 12);
    expect(res.statusCode).toBe(429);
    expect(res.json().error).toEqual({
      code: 'rate_limited',
      message:
        'You can schedule at most 10 sessions a day (each occurrence of a series counts): 10 left today. ' +
        'This series has 12.',
      details: { limit: 10, left: 10, requested: 12 },
    });
    expect(await hosting(ada)).toEqual([]);
    // Nothing was spent: a series of 10 still fits, and then nothing more does.
    expect((await series(ada, 10)).statusCode).toBe(201);
    expect(await hosting(ada)).toHaveLength(10);
    const more = await call(app, ada, 'POST', '/api/sessions', validSession());
    expect(more.statusCode).toBe(429);
    expect(more.json().error.message).toMatch(/at most 10 sessions a day .*: 0 left today\.$/);
  });

  it('spends the count of a series: 3 then 7 fit, then 2 more do not', async () => {
    const ben = await signUp(app, 'Ben');
    expect((await series(ben, 3)).statusCode).toBe(201);
    expect((await series(ben, 7, '2031-03-03T18:00:00Z')).statusCode).toBe(201);
    const res = await series(ben, 2, '2031-06-02T18:00:00Z');
    expect(res.statusCode).toBe(429);
    expect(res.json().error.details).toEqual({ limit: 10, left: 0, requested: 2 });
  });

  it('lets only one of two racing series of 6 through when 10 are left', async () => {
    const cy = await signUp(app, 'Cy');
    const answers = await Promise.all([series(cy, 6), series(cy, 6, '2031-09-01T18:00:00Z')]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 429]);
    expect(answers.find((a) => a.statusCode === 429)!.json().error.details).toEqual({
      limit: 10,
      left: 4,
      requested: 6,
    });
    expect(await hosting(cy)).toHaveLength(6);
  });

  it('gives the allowance back when the session is refused after all (a start in the past)', async () => {
    const dee = await signUp(app, 'Dee');
    expect((await series(dee, 9)).statusCode).toBe(201);
    const past = await call(
      app,
      dee,
      'POST',
      '/api/sessions',
      validSession({ startsAt: '2020-01-01T10:00:00Z' }),
    );
    expect(past.statusCode).toBe(400);
    expect(past.json().error.details).toEqual([{ path: 'startsAt', message: 'must be in the future' }]);
    expect((await call(app, dee, 'POST', '/api/sessions', validSession())).statusCode).toBe(201);
    expect((await call(app, dee, 'POST', '/api/sessions', validSession())).statusCode).toBe(429);
  });
});
