// Browsing over HTTP: GET /api/sessions filters, status, order and cursor pagination.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../infra/http/cursor.ts';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import type { SessionView } from '../../read-models/session-listings/views.ts';
import { skillswap } from '../index.ts';
import { call, host, type Member, signUp, waitUntil } from './testing.ts';

let app: Platform;
let ada: Member;
let ben: Member;
const ids: Record<string, string> = {};
let finishedStartsAt: string;

const at = (day: number, hour = 18) =>
  `2031-05-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

async function list(query = '', who: Member | null = null) {
  const res = await call(app, who, 'GET', `/api/sessions${query ? `?${query}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page<SessionView>;
}
const idsOf = async (query = '') => (await list(query)).items.map((i) => i.id);
const named = (...names: string[]) => names.map((n) => ids[n]);

beforeAll(async () => {
  app = await startTestPlatform(skillswap);
  [ada, ben] = await Promise.all([signUp(app, 'Ada'), signUp(app, 'Ben')]);
  finishedStartsAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toISOString();
  const plan: [string, Member, Record<string, unknown>][] = [
    ['finished', ada, { title: 'Already over', skill: 'Chess', startsAt: finishedStartsAt }],
    [
      'python',
      ada,
      { title: 'Python for data', skill: 'Python', difficulty: 'intermediate', startsAt: at(1) },
    ],
    ['twin', ben, { title: 'Knitting circle', skill: 'Knitting', startsAt: at(1) }],
    ['sourdough', ada, { title: 'Sourdough basics', skill: 'Baking', startsAt: at(2) }],
    [
      'knife',
      ben,
      {
        title: 'Advanced knife work',
        skill: 'Cooking',
        difficulty: 'advanced',
        description: 'Julienne and brunoise.',
        startsAt: at(3),
      },
    ],
    ['micro', ben, { title: 'Odd start', skill: 'Baking', startsAt: '2031-05-03T18:00:00.123456Z' }],
    ['cancelled', ada, { title: 'Called off', skill: 'Baking', startsAt: at(4) }],
    [
      'rust',
      ben,
      { title: 'Ownership and borrowing', skill: 'Rust', difficulty: 'advanced', startsAt: at(5) },
    ],
    ['bread', ben, { title: 'Scoring loaves', skill: 'baking', startsAt: at(6) }],
  ];
  for (const [name, who, overrides] of plan) ids[name] = (await host(app, who, overrides)).id;
  await call(app, ada, 'POST', `/api/sessions/${ids.cancelled}/cancel`, { reason: 'Flu' });
});

const SCHEDULED = ['python', 'twin', 'sourdough', 'knife', 'micro', 'rust', 'bread'];
/** Two sessions start at the same instant: their order is by id. */
const scheduledInOrder = () => {
  const [a, b] = [ids.python!, ids.twin!].sort();
  return [a, b, ...named('sourdough', 'knife', 'micro', 'rust', 'bread')];
};

describe('GET /api/sessions', () => {
  it('by default lists scheduled sessions only, soonest first (ties by id)', async () => {
    await waitUntil(finishedStartsAt);
    expect((await call(app, ada, 'POST', `/api/sessions/${ids.finished}/complete`)).statusCode).toBe(200);
    expect(await idsOf()).toEqual(scheduledInOrder());
  });

  it('filters by status: cancelled, completed, all', async () => {
    expect(await idsOf('status=cancelled')).toEqual(named('cancelled'));
    expect(await idsOf('status=completed')).toEqual(named('finished'));
    expect((await idsOf('status=all')).sort()).toEqual(Object.values(ids).sort());
  });

  it('filters by skill, case-insensitively', async () => {
    for (const skill of ['baking', 'BAKING', ' Baking ']) {
      expect(await idsOf(`skill=${encodeURIComponent(skill)}`)).toEqual(named('sourdough', 'micro', 'bread'));
    }
    expect(await idsOf('skill=bak')).toEqual([]);
  });

  it('filters by difficulty and by host', async () => {
    expect(await idsOf('difficulty=advanced')).toEqual(named('knife', 'rust'));
    expect(await idsOf(`hostId=${ben.id}`)).toEqual(named('twin', 'knife', 'micro', 'rust', 'bread'));
    expect(await idsOf(`hostId=${ben.id}&difficulty=intermediate`)).toEqual([]);
  });

  it('searches the title, the description and the skill (q)', async () => {
    expect(await idsOf('q=sourdough')).toEqual(named('sourdough'));
    expect(await idsOf('q=julienne')).toEqual(named('knife'));
    expect(await idsOf('q=rust')).toEqual(named('rust'));
    expect(await idsOf('q=knitting')).toEqual(named('twin'));
    expect(await idsOf('q=nothing+like+this')).toEqual([]);
  });

  it('filters by start time: from inclusive, to exclusive', async () => {
    const q = `from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(5))}`;
    expect(await idsOf(q)).toEqual(named('sourdough', 'knife', 'micro'));
  });

  it('pages with limit=2 through every session without gaps or duplicates', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual(scheduledInOrder());
    expect(seen).toHaveLength(SCHEDULED.length);
  });

  it('pages with filters too (limit=1 across the sub-millisecond start)', async () => {
    const first = await list('skill=baking&limit=1');
    const second = await list(`skill=baking&limit=1&cursor=${first.nextCursor}`);
    const third = await list(`skill=baking&limit=1&cursor=${second.nextCursor}`);
    expect([...first.items, ...second.items, ...third.items].map((i) => i.id)).toEqual(
      named('sourdough', 'micro', 'bread'),
    );
    expect(third.nextCursor).toBeNull();
  });

  it.each([
    ['a garbage cursor', 'cursor=garbage!!'],
    ['a cursor of the wrong shape', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`],
    ['a cursor with the wrong types', `cursor=${Buffer.from('["x","y"]').toString('base64url')}`],
    [
      'a cursor with an impossible date',
      `cursor=${Buffer.from('["2031-02-31T00:00:00Z","y"]').toString('base64url')}`,
    ],
    ['limit=0', 'limit=0'],
    ['limit=101', 'limit=101'],
    ['limit=abc', 'limit=abc'],
    ['an unknown status', 'status=maybe'],
    ['from without an offset', 'from=2031-05-01T00:00:00'],
  ])('answers 400 validation_failed to %s', async (_, query) => {
    const res = await call(app, null, 'GET', `/api/sessions?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
  });

  it('accepts limit=100 and defaults to 20', async () => {
    expect((await list('limit=100')).items).toHaveLength(SCHEDULED.length);
    expect((await list()).nextCursor).toBeNull();
  });

  it('shows meetingUrl to the host in the list, and to nobody else', async () => {
    const anonymous = await list(`hostId=${ada.id}`);
    expect(anonymous.items.map((i) => i.meetingUrl)).toEqual([null, null]);
    const asHost = await list(`hostId=${ada.id}`, ada);
    expect(asHost.items.every((i) => i.meetingUrl === 'https://meet.example.com/bread')).toBe(true);
    const asOther = await list(`hostId=${ada.id}`, ben);
    expect(asOther.items.map((i) => i.meetingUrl)).toEqual([null, null]);
  });
});
