// Admins find members by name or email: GET /api/admin/members.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';
import { changeRole } from './handlers.ts';

let app: Platform;
let admin: { cookie: string };
beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const a = await signUpAs(app, { email: 'boss@example.com', displayName: 'Boss' });
  await changeRole(app, a.user.email, 'admin', true, { actorId: null });
  admin = a;
});

const find = (q: string, cookie = admin.cookie) =>
  app.http.inject({
    method: 'GET',
    url: `/api/admin/members?q=${encodeURIComponent(q)}`,
    headers: { cookie },
  });
const names = async (q: string) =>
  (await find(q)).json().items.map((m: { displayName: string }) => m.displayName);

describe('finding members', () => {
  it('by part of the display name, in any letter case, and by the start of the address', async () => {
    await signUpAs(app, { email: 'ada.l@example.com', displayName: 'Ada Lovelace' });
    await signUpAs(app, { email: 'grace@navy.example', displayName: 'Grace Hopper' });
    await signUpAs(app, { email: 'alan@example.com', displayName: 'Alan Turing' });
    expect(await names('LOVE')).toEqual(['Ada Lovelace']);
    expect(await names('grace@')).toEqual(['Grace Hopper']);
    const [match] = (await find('Grace@Navy.Example')).json().items;
    expect(match).toMatchObject({
      displayName: 'Grace Hopper',
      email: 'grace@navy.example',
      suspended: false,
    });
  });

  it('takes % and _ as themselves, and finds no deleted account', async () => {
    await signUpAs(app, { displayName: '100% Bob' });
    expect(await names('0%')).toEqual(['100% Bob']);
    expect(await names('a_a')).toEqual([]);
    const gone = await signUpAs(app, { email: 'gone@example.com', displayName: 'Gone Soon' });
    const del = await app.http.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { cookie: gone.cookie },
      payload: { password: gone.password },
    });
    expect(del.statusCode).toBe(204);
    expect(await names('gone')).toEqual([]);
    expect(await names('Deleted member')).toEqual([]);
  });

  it('is for admins only, and wants at least two characters', async () => {
    const plain = await signUpAs(app);
    expect((await find('ada', plain.cookie)).statusCode).toBe(403);
    const short = await find('a');
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details[0].path).toBe('querystring.q');
  });
});
