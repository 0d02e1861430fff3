// The "unread messages" email: an hour after a message its recipient has not read, one email per burst, once
// however often or however concurrently its jobs run; reading the thread in the meantime means no email.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Email } from '../../infra/mail.ts';
import type { Platform } from '../../infra/platform.ts';
import { untilCaughtUp } from '../../infra/testing/caught-up.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { emailUnreadMessages, UNREAD_EMAIL_AFTER_MS, UNREAD_MESSAGE_QUEUE, unreadFacts } from './index.ts';
import { call, type Member, member, propose } from './testing.ts';

let app: Platform;
let ana: Member;
let ben: Member;
let swapId: string;
let firstMessage: string;
const sent: Email[] = [];
const mailer = { kind: 'log' as const, send: async (email: Email) => void sent.push(email) };

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  ana = await member(app, 'Ana', { teach: ['Chess'], learn: ['Guitar'] });
  ben = await member(app, 'Ben', { teach: ['Guitar'], learn: ['Chess'] });
  swapId = (await propose(app, ana, ben, 'Chess', 'Guitar')).json().swap.id;
  expect((await call(app, ben, 'POST', `/api/swaps/${swapId}/accept`)).statusCode).toBe(200);
});

async function write(from: Member, body: string): Promise<string> {
  const res = await call(app, from, 'POST', `/api/swaps/${swapId}/messages`, { body });
  expect(res.statusCode).toBe(201);
  return res.json().message.id;
}

/** The jobs queued for these messages, as pg-boss holds them. */
async function jobsFor(messageIds: string[]) {
  await untilCaughtUp(app);
  const { rows } = await app.pool.query<{
    data: { messageId: string; memberId: string; sentAt: string; swapId: string };
    start_after: Date;
  }>(`SELECT data, start_after FROM pgboss.job WHERE name = $1 AND data->>'messageId' = ANY($2)`, [
    UNREAD_MESSAGE_QUEUE,
    messageIds,
  ]);
  return messageIds.map((id) => rows.find((r) => r.data.messageId === id)!);
}

const run = (job: Awaited<ReturnType<typeof jobsFor>>[number]) =>
  emailUnreadMessages({ pool: app.pool, config: app.config, mailer }, unreadFacts, job.data);

describe('a message left unread for an hour', () => {
  it('queues a check an hour after each message, for its recipient', async () => {
    const id = await write(ana, 'Saturday at ten?');
    firstMessage = id;
    const [job] = await jobsFor([id]);
    expect(job!.data.memberId).toBe(ben.id);
    const wait = job!.start_after.getTime() - Date.parse(job!.data.sentAt);
    expect(Math.abs(wait - UNREAD_EMAIL_AFTER_MS)).toBeLessThan(1000);
  });

  it('brings one email for a burst, counting the messages, with the link and without their text, however the jobs run', async () => {
    sent.length = 0;
    const ids = [await write(ana, 'Or Sunday?'), await write(ana, 'I have a board.')];
    const jobs = await jobsFor(ids);
    // The earlier message's job (from the test above) and these, twice and at once.
    const [first] = await jobsFor([firstMessage]);
    await Promise.all([run(first!), run(first!), ...jobs.map(run), ...jobs.map(run)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(ben.email);
    expect(sent[0]!.subject).toBe('3 messages wait for you in your swap (Guitar for Chess)');
    expect(sent[0]!.text).toContain(`/swaps/${swapId}`);
    expect(sent[0]!.text).not.toContain('board');
  });

  it('sends nothing once the recipient has read the thread', async () => {
    sent.length = 0;
    const id = await write(ana, 'See you then.');
    const [job] = await jobsFor([id]);
    expect((await call(app, ben, 'GET', `/api/swaps/${swapId}/messages`)).statusCode).toBe(200);
    await untilCaughtUp(app);
    await run(job!);
    expect(sent).toEqual([]);
    const inbox = (await call(app, ben, 'GET', '/api/me/notifications?limit=100')).json().items;
    expect(
      inbox.filter((n: { kind: string; read: boolean }) => n.kind === 'swap-message' && !n.read),
    ).toEqual([]);
  });

  it('emails again about a later message left unread, and never the author', async () => {
    sent.length = 0;
    const id = await write(ben, 'Bring the board!');
    const [job] = await jobsFor([id]);
    expect(job!.data.memberId).toBe(ana.id);
    await run(job!);
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      [ana.email, 'A message waits for you in your swap (Guitar for Chess)'],
    ]);
  });
});
