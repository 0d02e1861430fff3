// Series and clones over HTTP: repeat → one session per occurrence sharing a seriesId, series cancel, clone.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { call, DAY, fromNow, getSession, host, type Member, signUp, validSession } from './testing.ts';

let app: Platform;
let ada: Member; // hosts
let eve: Member; // does not

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  [ada, eve] = await Promise.all([signUp(app, 'Ada'), signUp(app, 'Eve')]);
});

describe('series', () => {
  it('repeat count 3 makes 3 sessions a week apart sharing a seriesId; cancelling the series cancels them', async () => {
    const res = await call(
      app,
      ada,
      'POST',
      '/api/sessions',
      validSession({ startsAt: '2030-03-04T18:00:00Z', repeat: { every: 'week', count: 3 } }),
    );
    expect(res.statusCode).toBe(201);
    const { series, session } = res.json();
    expect(series.sessionIds).toHaveLength(3);
    expect(session.id).toBe(series.sessionIds[0]);
    const all = await Promise.all(series.sessionIds.map((id: string) => getSession(app, null, id)));
    expect(all.map((s) => s.seriesId)).toEqual([series.id, series.id, series.id]);
    expect(all.map((s) => s.startsAt)).toEqual([
      '2030-03-04T18:00:00.000Z',
      '2030-03-11T18:00:00.000Z',
      '2030-03-18T18:00:00.000Z',
    ]);

    expect(
      (await call(app, eve, 'POST', `/api/series/${series.id}/cancel`, { reason: 'Mine?' })).statusCode,
    ).toBe(403);
    expect(
      (await call(app, ada, 'POST', `/api/series/${crypto.randomUUID()}/cancel`, { reason: 'x' })).statusCode,
    ).toBe(404);
    const cancel = await call(app, ada, 'POST', `/api/series/${series.id}/cancel`, { reason: 'Moving away' });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().cancelled.sort()).toEqual([...series.sessionIds].sort());
    for (const id of series.sessionIds) expect((await getSession(app, null, id)).status).toBe('cancelled');
  });

  it('GET /api/series/:id lists every session of the series in order, for anyone; 404 for an unknown one', async () => {
    const res = await call(
      app,
      ada,
      'POST',
      '/api/sessions',
      validSession({
        title: 'Weekly kata',
        startsAt: '2030-05-06T18:00:00Z',
        repeat: { every: 'week', count: 3 },
      }),
    );
    const { series } = res.json();
    const got = await call(app, null, 'GET', `/api/series/${series.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json().series).toMatchObject({ id: series.id, title: 'Weekly kata', host: { id: ada.id } });
    expect(got.json().series.sessions.map((s: { id: string }) => s.id)).toEqual(series.sessionIds);
    expect((await call(app, null, 'GET', `/api/series/${crypto.randomUUID()}`)).statusCode).toBe(404);
  });

  it('every two weeks spaces them 14 days apart', async () => {
    const res = await call(
      app,
      ada,
      'POST',
      '/api/sessions',
      validSession({ startsAt: '2030-03-04T18:00:00Z', repeat: { every: 'two-weeks', count: 2 } }),
    );
    const [, second] = res.json().series.sessionIds;
    expect((await getSession(app, null, second)).startsAt).toBe('2030-03-18T18:00:00.000Z');
  });
});

describe('POST /api/sessions/:id/clone', () => {
  it('copies the details to a new session at a new time (host only, future only)', async () => {
    const s = await host(app, ada, { title: 'Clone me', capacity: 7 });
    const startsAt = fromNow(10 * DAY);
    expect((await call(app, eve, 'POST', `/api/sessions/${s.id}/clone`, { startsAt })).statusCode).toBe(403);
    expect(
      (await call(app, ada, 'POST', `/api/sessions/${crypto.randomUUID()}/clone`, { startsAt })).statusCode,
    ).toBe(404);
    expect(
      (await call(app, ada, 'POST', `/api/sessions/${s.id}/clone`, { startsAt: '2020-01-01T00:00:00Z' }))
        .statusCode,
    ).toBe(400);
    const res = await call(app, ada, 'POST', `/api/sessions/${s.id}/clone`, { startsAt });
    expect(res.statusCode).toBe(201);
    const copy = res.json().session;
    expect(copy.id).not.toBe(s.id);
    expect(copy).toMatchObject({
      title: 'Clone me',
      capacity: 7,
      startsAt: new Date(startsAt).toISOString(),
      registeredCount: 0,
    });
  });
});
