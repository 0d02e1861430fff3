// A swap's thread through HTTP: who reads and writes it, oldest first with the proposal first, screened, rate
// limited, closed with the swap; and deleting a member erases their messages' text from every table.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { MESSAGES_PER_10_MINUTES } from './http/messages.ts';
import { call, type Member, member, moderator, propose } from './testing.ts';

let app: Platform;
let ana: Member;
let ben: Member;
let carl: Member;
let mod: Member;
let swapId: string;

type Message = { id: string; author: { id: string; displayName: string }; body: string; sentAt: string };
const thread = async (who: Member, query = '') => {
  const res = await call(app, who, 'GET', `/api/swaps/${swapId}/messages${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { items: Message[]; nextCursor: string | null };
};
const write = (who: Member | null, body: unknown, id = swapId) =>
  call(app, who, 'POST', `/api/swaps/${id}/messages`, { body });

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { blocked: { words: ['casino'], domains: [] } } });
  ana = await member(app, 'Ana', { teach: ['TypeScript'], learn: ['Guitar'] });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['TypeScript'] });
  carl = await member(app, 'Carl');
  mod = await moderator(app);
  const res = await propose(app, ana, ben, 'TypeScript', 'Guitar', 'Hello Ben, shall we swap?');
  swapId = res.json().swap.id;
});

describe('a swap’s thread', () => {
  it('starts with the proposal’s message', async () => {
    const { items } = await thread(ben);
    expect(items.map((m) => [m.author.displayName, m.body])).toEqual([['Ana', 'Hello Ben, shall we swap?']]);
  });

  it('takes messages from its two members, answered 201 with the message, listed oldest first', async () => {
    const res = await write(ben, 'Yes! Tuesdays?');
    expect(res.statusCode).toBe(201);
    expect(res.json().message).toMatchObject({
      author: { id: ben.id, displayName: 'Ben' },
      body: 'Yes! Tuesdays?',
    });
    expect((await write(ana, 'Tuesdays at 7.')).statusCode).toBe(201);
    const { items } = await thread(ana);
    expect(items.map((m) => m.body)).toEqual([
      'Hello Ben, shall we swap?',
      'Yes! Tuesdays?',
      'Tuesdays at 7.',
    ]);
  });

  it('is read by its two members and moderators only; written by its two members only', async () => {
    expect((await thread(mod)).items).toHaveLength(3);
    expect((await call(app, carl, 'GET', `/api/swaps/${swapId}/messages`)).statusCode).toBe(404);
    expect((await call(app, null, 'GET', `/api/swaps/${swapId}/messages`)).statusCode).toBe(401);
    expect((await write(carl, 'Hi both')).statusCode).toBe(404);
    expect((await write(mod, 'Moderator here')).statusCode).toBe(403);
    expect((await write(null, 'Anyone?')).statusCode).toBe(401);
    expect((await write(ana, 'To nowhere', 'no-such-swap')).statusCode).toBe(404);
  });

  it('tells the other member in-app: the proposal, the answer, each message (no names or text in them)', async () => {
    const kinds = async (who: Member) =>
      (
        (await call(app, who, 'GET', '/api/me/notifications')).json().items as {
          kind: string;
          title: string;
        }[]
      ).map((n) => n.kind);
    expect(await kinds(ben)).toEqual(['swap-message', 'swap-proposed']);
    expect(await kinds(ana)).toEqual(['swap-message']);
    const proposal = (await call(app, ben, 'GET', '/api/me/notifications')).json().items[1];
    expect(proposal).toMatchObject({
      title: 'Swap proposal: Guitar for TypeScript',
      sessionId: null,
      read: false,
    });
  });

  it('pages oldest first with a cursor', async () => {
    const first = await thread(ana, '?limit=2');
    expect(first.items.map((m) => m.body)).toEqual(['Hello Ben, shall we swap?', 'Yes! Tuesdays?']);
    const rest = await thread(ana, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(rest.items.map((m) => m.body)).toEqual(['Tuesdays at 7.']);
    expect(rest.nextCursor).toBeNull();
    expect((await call(app, ana, 'GET', `/api/swaps/${swapId}/messages?cursor=bad`)).statusCode).toBe(400);
  });

  it.each([
    ['empty', '   '],
    ['too long', 'x'.repeat(4001)],
    ['with a NUL', 'a\u0000b'],
    ['not text', 42],
  ])('refuses a message %s (400 naming body)', async (_, body) => {
    const res = await write(ana, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toContain('body');
  });

  it('closes with the swap: no messages on a declined swap', async () => {
    const dee = await member(app, 'Dee', { teach: ['Chess'] });
    const declined = (await propose(app, dee, ben, 'Chess', 'Guitar', 'Chess for guitar?')).json().swap.id;
    await call(app, ben, 'POST', `/api/swaps/${declined}/decline`);
    expect((await write(dee, 'Why not?', declined)).statusCode).toBe(409);
  });

  it(`allows ${MESSAGES_PER_10_MINUTES} messages in ten minutes, then answers 429`, async () => {
    const eve = await member(app, 'Eve', { teach: ['Knitting'] });
    const fay = await member(app, 'Fay', { teach: ['Origami'] });
    const id = (await propose(app, eve, fay, 'Knitting', 'Origami', 'Hi')).json().swap.id;
    for (let i = 0; i < MESSAGES_PER_10_MINUTES; i++) {
      expect((await write(eve, `Message ${i}`, id)).statusCode).toBe(201);
    }
    const over = await write(eve, 'One more', id);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
  }, 60_000);
});

describe('reporting and hiding a message', () => {
  it('lets a member report a message (targetType message) and a moderator hide it from the thread and restore it', async () => {
    const sent = await write(ben, 'Buy followers at my shop');
    const messageId = sent.json().message.id as string;
    const report = await call(app, ana, 'POST', '/api/reports', {
      targetType: 'message',
      targetId: messageId,
      reason: 'spam',
    });
    expect(report.statusCode).toBe(201);
    expect(report.json().report.target).toMatchObject({ type: 'message', id: messageId, ownerId: ben.id });
    expect(
      (
        await call(app, ana, 'POST', '/api/reports', {
          targetType: 'message',
          targetId: 'nope',
          reason: 'spam',
        })
      ).statusCode,
    ).toBe(404);

    const url = `/api/moderation/content/message/${messageId}`;
    expect((await call(app, ana, 'POST', `${url}/hide`, { note: 'spam' })).statusCode).toBe(403);
    expect((await call(app, mod, 'POST', `${url}/hide`, { note: 'spam' })).statusCode).toBe(200);
    for (const who of [ana, ben, mod]) {
      expect((await thread(who)).items.map((m) => m.id)).not.toContain(messageId);
    }
    expect((await call(app, mod, 'POST', `${url}/restore`, { note: 'fine after all' })).statusCode).toBe(200);
    expect((await thread(ana)).items.map((m) => m.id)).toContain(messageId);
  });

  it('can report the proposal’s message too: it has the swap’s id', async () => {
    const report = await call(app, ben, 'POST', '/api/reports', {
      targetType: 'message',
      targetId: swapId,
      reason: 'rude',
    });
    expect(report.statusCode).toBe(201);
    expect(report.json().report.target).toMatchObject({ ownerId: ana.id });
  });
});

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

describe('deleting a member', () => {
  it('erases the text of their proposal and messages from every table, the events table included', async () => {
    const zed = await member(app, 'Zed', { teach: ['Juggling'] });
    const id = (await propose(app, zed, ben, 'Juggling', 'Guitar', 'Zanzibarian juggling for you')).json()
      .swap.id;
    expect((await write(zed, 'My number is xyloquartz 555', id)).statusCode).toBe(201);
    expect((await write(ben, 'Great, see you', id)).statusCode).toBe(201);
    const mentions = (rows: { table: string; text: string }[]) =>
      rows
        .filter((r) => /zanzibarian|xyloquartz/i.test(r.text))
        .map((r) => `${r.table}: ${r.text.slice(0, 100)}`);
    expect(mentions(await everyRow()).length).toBeGreaterThan(0);

    const res = await app.http.inject({
      method: 'DELETE',
      url: '/api/me',
      headers: { cookie: zed.cookie },
      payload: { password: 'a perfectly good password' },
    });
    expect(res.statusCode).toBe(204);
    expect(mentions(await everyRow())).toEqual([]);
    // The thread keeps its shape: the other member's words stay, the deleted member's are gone.
    const { items } = (await call(app, ben, 'GET', `/api/swaps/${id}/messages`)).json() as {
      items: Message[];
    };
    expect(items.map((m) => [m.author.displayName, m.body])).toEqual([
      ['Deleted member', ''],
      ['Deleted member', ''],
      ['Ben', 'Great, see you'],
    ]);
  });
});
