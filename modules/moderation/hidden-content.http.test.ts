// Hidden stays hidden: a session a moderator (or the weight of reports) hid cannot be edited, copied or joined
// until a moderator restores it, right from the moment the hide is answered; and copies and edits of visible
// sessions are screened for blocked terms like new ones.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { MySessionsView, SessionView } from '../../read-models/session-listings/views.ts';
import { skillswap } from '../index.ts';
import { call, DAY, eventually, type Member, member, upcoming, withRole } from './testing.ts';

let app: Platform;
let host: Member, ann: Member, bob: Member, mod: Member;

const HIDDEN = 'A moderator hid this session; it cannot be edited or copied.';
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const moderate = (id: string, action: 'hide' | 'restore') =>
  call(app, mod, 'POST', `/api/moderation/content/session/${id}/${action}`, { note: 'checked' });
const edit = (who: Member, id: string, changes: Record<string, unknown>) =>
  call(app, who, 'PATCH', `/api/sessions/${id}`, changes);
const copy = (who: Member, id: string, startsAt = inDays(10)) =>
  call(app, who, 'POST', `/api/sessions/${id}/clone`, { startsAt });
const register = (who: Member, id: string) => call(app, who, 'POST', `/api/sessions/${id}/registration`);
const sessionsOf = async (hostId: string) =>
  ((await call(app, null, 'GET', `/api/sessions?hostId=${hostId}`)).json().items as SessionView[]).map(
    (s) => s.id,
  );

beforeAll(async () => {
  app = await startTestPlatform(skillswap, {
    config: { signupLimitPerIp: 1000, blocked: { words: ['casino'], domains: ['spam.example'] } },
  });
  [host, ann, bob] = (await Promise.all(['Hal', 'Ann', 'Bob'].map((n) => member(app, n)))) as [
    Member,
    Member,
    Member,
  ];
  mod = await withRole(app, 'moderator', 'Mo');
});

describe('a session a moderator hid', () => {
  let id: string;

  beforeAll(async () => {
    id = await upcoming(app, host, [ann]);
    expect((await moderate(id, 'hide')).statusCode).toBe(200);
  });

  it('cannot be edited by its host: 409 saying a moderator hid it, and nothing changes', async () => {
    const res = await edit(host, id, { title: 'Same session, new name' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'conflict', message: HIDDEN });
    const seen = await call(app, host, 'GET', `/api/sessions/${id}`);
    expect(seen.json().session.title).toBe('Sourdough from scratch');
  });

  it('cannot be copied by its host: 409 saying a moderator hid it, and no new session appears', async () => {
    const listedBefore = await sessionsOf(host.id);
    const res = await copy(host, id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'conflict', message: HIDDEN });
    expect(await sessionsOf(host.id)).toEqual(listedBefore);
    const mine = await call(app, host, 'GET', '/api/me/sessions');
    expect((mine.json() as MySessionsView).hosting.map((s) => s.id)).toEqual([id]);
  });

  it('cannot be joined: 404 as for a session that does not exist, for members and moderators alike', async () => {
    for (const who of [bob, mod]) {
      const res = await register(who, id);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
  });

  it('lets a registered member leave it', async () => {
    expect((await call(app, ann, 'DELETE', `/api/sessions/${id}/registration`)).statusCode).toBe(204);
  });

  it('once restored, can be edited, copied and joined again', async () => {
    expect((await moderate(id, 'restore')).statusCode).toBe(200);
    expect((await edit(host, id, { title: 'Sourdough, fixed' })).statusCode).toBe(200);
    const copied = await copy(host, id);
    expect(copied.statusCode).toBe(201);
    expect(copied.json().session).toMatchObject({ title: 'Sourdough, fixed', status: 'scheduled' });
    expect((await register(bob, id)).statusCode).toBe(201);
  });
});

describe('a session hidden by resolving a report with hide', () => {
  it('cannot be copied or edited either', async () => {
    const id = await upcoming(app, host);
    const filed = await call(app, bob, 'POST', '/api/reports', {
      targetType: 'session',
      targetId: id,
      reason: 'a scam',
    });
    const resolved = await call(
      app,
      mod,
      'POST',
      `/api/moderation/reports/${filed.json().report.id}/resolve`,
      {
        action: 'hide',
        note: 'scam',
      },
    );
    expect(resolved.statusCode).toBe(200);
    expect((await copy(host, id)).json().error).toEqual({ code: 'conflict', message: HIDDEN });
    expect((await edit(host, id, { capacity: 3 })).statusCode).toBe(409);
  });
});

describe('screening of copies and edits', () => {
  type Flag = { source: string; reason: string; target: { type: string; id: string; ownerId: string } };
  const flagsOn = async (targetId: string) => {
    const res = await call(app, mod, 'GET', '/api/moderation/reports?limit=100');
    return (res.json().items as Flag[]).filter((i) => i.target.id === targetId && i.source === 'system');
  };

  it('given a copy of a session with a blocked word, then the copy is flagged as a session of its own', async () => {
    const created = await call(app, host, 'POST', '/api/sessions', {
      title: 'Casino night',
      skill: 'Games',
      difficulty: 'beginner',
      startsAt: inDays(3),
      durationMinutes: 60,
      capacity: 5,
      meetingUrl: 'https://meet.example.com/games',
    });
    expect(created.statusCode).toBe(201);
    const copied = await copy(host, created.json().session.id);
    expect(copied.statusCode).toBe(201);
    const copyId = copied.json().session.id;
    await eventually(async () =>
      expect(await flagsOn(copyId)).toEqual([
        expect.objectContaining({
          reason: expect.stringContaining('casino'),
          target: expect.objectContaining({ type: 'session', id: copyId, ownerId: host.id }),
        }),
      ]),
    );
  });

  it('given an edit that only moves the meeting to a blocked domain, then the session is flagged', async () => {
    const id = await upcoming(app, host);
    expect((await edit(host, id, { meetingUrl: 'https://room.spam.example/x' })).statusCode).toBe(200);
    await eventually(async () => expect((await flagsOn(id))[0]?.reason).toContain('spam.example'));
  });
});
