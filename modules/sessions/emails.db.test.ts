// Session emails: without SMTP_URL each message goes to the log; with it, over SMTP (here to a fake server that
// speaks just enough of RFC 5321 and keeps what it is sent).
import net from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../infra/mail.ts';
import { type Platform, startPlatform } from '../../infra/platform.ts';
import { createTestDatabase, startTestPlatform, testConfig } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';
import { sendReminder } from './index.ts';

type Received = { from: string; to: string[]; data: string };

/** A fake SMTP server. After `refuse(n)` it refuses the next n recipients (451 try again later, or `reply`). */
async function fakeSmtp() {
  const received: Received[] = [];
  let failures = 0;
  let refusal = '451 4.3.0 try again later';
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let mail: Received = { from: '', to: [], data: '' };
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 fake.test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          received.push(mail);
          mail = { from: '', to: [], data: '' };
          say('250 2.0.0 queued');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') say('250-fake.test\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (verb === 'HELO') say('250 fake.test');
        else if (verb === 'MAIL') {
          mail = { from: /<(.*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
          say('250 2.1.0 ok');
        } else if (verb === 'RCPT') {
          if (failures > 0) {
            failures--;
            say(refusal);
          } else {
            mail.to.push(/<(.*)>/.exec(line)?.[1] ?? '');
            say('250 2.1.5 ok');
          }
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'RSET' || verb === 'NOOP') say('250 ok');
        else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 5.5.2 not implemented');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse: (n: number, reply = '451 4.3.0 try again later') => {
      failures = n;
      refusal = reply;
    },
  };
}

async function eventually<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function hostAndRegister(app: Platform, title: string) {
  const [host, member] = await Promise.all([signUpAs(app), signUpAs(app)]);
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie: host.cookie },
    payload: {
      title,
      skill: 'Gardening',
      difficulty: 'beginner',
      startsAt: '2030-04-01T08:00:00Z',
      durationMinutes: 60,
      capacity: 5,
      meetingUrl: 'https://meet.example.com/garden',
    },
  });
  expect(res.statusCode).toBe(201);
  const id = res.json().session.id;
  const reg = await app.http.inject({
    method: 'POST',
    url: `/api/sessions/${id}/registration`,
    headers: { cookie: member.cookie },
  });
  expect(reg.statusCode).toBe(201);
  return { host, member, sessionId: id };
}

describe('without SMTP_URL: the log transport', () => {
  const lines: Record<string, unknown>[] = [];
  let app: Platform;

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await startPlatform(testConfig(await createTestDatabase()), logger, skillswap);
  });
  afterAll(() => app?.stop());

  it('writes one log line per email, with the member address and the subject', async () => {
    expect(app.mailer.kind).toBe('log');
    const { member } = await hostAndRegister(app, 'Pruning roses');
    const mails = () =>
      lines.filter((l) => (l.mail as { to?: string } | undefined)?.to === member.user.email);
    const found = await eventually(mails, (m) => m.length > 0);
    expect(found).toHaveLength(1);
    expect(found[0]!.mail).toEqual({ to: member.user.email, subject: "You're registered: Pruning roses" });
    expect(String(found[0]!.msg)).toContain(`Hello ${member.user.displayName}`);
    expect(String(found[0]!.msg)).toContain('Pruning roses');
  });
});

describe('with SMTP_URL: over SMTP', () => {
  it('createMailer delivers a message to the SMTP server: envelope, headers and text', async () => {
    const smtp = await fakeSmtp();
    const mailer = createMailer(smtp.url, 'SkillSwap <no-reply@skillswap.local>', pino({ level: 'silent' }));
    expect(mailer.kind).toBe('smtp');
    await mailer.send({
      to: 'ada@example.com',
      subject: 'Hello from the test',
      text: 'The body of the message.',
    });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.from).toBe('no-reply@skillswap.local');
    expect(mail!.to).toEqual(['ada@example.com']);
    expect(mail!.data).toMatch(/^Subject: Hello from the test\r$/m);
    expect(mail!.data).toMatch(/^To: ada@example\.com\r$/m);
    expect(mail!.data).toContain('The body of the message.');
  });

  it('createMailer rejects when the server refuses the message', async () => {
    const smtp = await fakeSmtp();
    smtp.refuse(1);
    const mailer = createMailer(smtp.url, 'SkillSwap <no-reply@skillswap.local>', pino({ level: 'silent' }));
    await expect(mailer.send({ to: 'ada@example.com', subject: 'x', text: 'y' })).rejects.toThrow(/451/);
    expect(smtp.received).toHaveLength(0);
  });
});

describe('with SMTP_URL: the app', () => {
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  let app: Platform;
  const mailsTo = (email: string) =>
    eventually(
      () => smtp.received.filter((m) => m.to.includes(email)),
      (m) => m.length > 0,
    );

  beforeAll(async () => {
    smtp = await fakeSmtp();
    app = await startTestPlatform(skillswap, { config: { smtpUrl: smtp.url, signupLimitPerIp: 1000 } });
  });

  it('sends the registration email over SMTP', async () => {
    expect(app.mailer.kind).toBe('smtp');
    const { member } = await hostAndRegister(app, 'Composting');
    const mails = await mailsTo(member.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toBe('no-reply@skillswap.local');
    expect(mails[0]!.data).toMatch(/^Subject: You're registered: Composting\r$/m);
    expect(mails[0]!.data).toContain(`Hello ${member.user.displayName}`);
  });

  it('does not lose an email the server refuses for now (451): it is sent again', async () => {
    smtp.refuse(1);
    const { member } = await hostAndRegister(app, 'Seed saving');
    const mails = await mailsTo(member.user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.data).toMatch(/^Subject: You're registered: Seed saving\r$/m);
  });

  it('skips an address the server refuses for good (550) and goes on with the next email', async () => {
    smtp.refuse(1, '550 5.1.1 no such mailbox');
    const refused = await hostAndRegister(app, 'Hedge laying');
    const next = await hostAndRegister(app, 'Pond digging');
    expect(await mailsTo(next.member.user.email)).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to.includes(refused.member.user.email))).toEqual([]);
  });
});

describe('reminders by email: once per member, with two server processes and after a restart', () => {
  const HOUR = 3600_000;
  const ORIGIN = 'https://skillswap.example';
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  let databaseUrl: string;
  const processes: Platform[] = [];
  const start = async () => {
    const config = testConfig(databaseUrl, {
      smtpUrl: smtp.url,
      signupLimitPerIp: 1000,
      publicOrigin: ORIGIN,
    });
    const p = await startPlatform(config, pino({ level: 'silent' }), skillswap);
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    smtp = await fakeSmtp();
    databaseUrl = await createTestDatabase();
  });
  afterAll(async () => {
    for (const p of processes) await p.stop().catch(() => {});
  });

  const subjectOf = (m: Received) => /^Subject: (.*)\r$/m.exec(m.data)?.[1];
  const reminderMails = (email: string, sessionTitle: string) =>
    smtp.received.filter(
      (m) =>
        m.to.includes(email) &&
        subjectOf(m)?.startsWith('Starting in') &&
        subjectOf(m)?.endsWith(sessionTitle),
    );

  async function hostSession(app: Platform, cookie: string, title: string, startsAt: string) {
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: { cookie },
      payload: {
        title,
        skill: 'Gardening',
        difficulty: 'beginner',
        startsAt,
        durationMinutes: 60,
        capacity: 5,
        meetingUrl: 'https://meet.example.com/garden',
      },
    });
    expect(res.statusCode).toBe(201);
    return res.json().session.id as string;
  }

  async function notificationCount(app: Platform, sessionId: string, memberId: string, kind: string) {
    const { rows } = await app.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM notifications WHERE session_id = $1 AND member_id = $2 AND kind = $3',
      [sessionId, memberId, kind],
    );
    return rows[0]!.n;
  }

  it('the 1-hour job run by two processes at once, and again after a restart, mails and notifies each member once, with the join link, their own time and the calendar file', async () => {
    const a = await start();
    const b = await start();
    const host = await signUpAs(a, { timezone: 'Europe/Berlin' });
    const member = await signUpAs(a, { timezone: 'Asia/Tokyo' });
    const startsAt = new Date(Math.ceil((Date.now() + 48 * HOUR) / HOUR) * HOUR).toISOString();
    const id = await hostSession(a, host.cookie, 'Pricking out', startsAt);
    const reg = await a.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/registration`,
      headers: { cookie: member.cookie },
    });
    expect(reg.statusCode).toBe(201);
    const stored = (await a.store.readStream(`session-${id}`))[0]!.data as { startsAt: string };
    // A fake clock: the job's moment, an hour before the start.
    const at = (p: Platform) => ({ ...p.command, now: () => new Date(Date.parse(startsAt) - HOUR) });

    await Promise.all([
      sendReminder(at(a), id, '1h', stored.startsAt),
      sendReminder(at(b), id, '1h', stored.startsAt),
    ]);
    await b.stop();
    const c = await start();
    await sendReminder(at(c), id, '1h', stored.startsAt);

    const mails = await eventually(
      () => reminderMails(member.user.email, 'Pricking out'),
      (m) => m.length > 0,
    );
    expect(
      await eventually(
        () => reminderMails(host.user.email, 'Pricking out'),
        (m) => m.length > 0,
      ),
    ).toHaveLength(1);
    // Give a second email the time to arrive, were one on its way.
    await new Promise((r) => setTimeout(r, 1500));
    expect(reminderMails(member.user.email, 'Pricking out')).toHaveLength(1);
    expect(reminderMails(host.user.email, 'Pricking out')).toHaveLength(1);
    expect(await notificationCount(c, id, member.user.id, 'reminder-1h')).toBe(1);
    expect(await notificationCount(c, id, host.user.id, 'reminder-1h')).toBe(1);

    const mail = mails[0]!.data.replace(/=\r\n/g, '');
    expect(mail).toContain(`${ORIGIN}/sessions/${id}/join`);
    const tokyo = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone: 'Asia/Tokyo',
    }).format(new Date(startsAt));
    expect(mail).toContain(`starts ${tokyo}`);
    // Headers unfolded (RFC 5322 §2.2.3): the attachment's part, then its base64 body.
    const unfolded = mail.replace(/\r\n[ \t]+/g, ' ');
    expect(unfolded).toContain(`Content-Type: text/calendar; charset=utf-8; name=skillswap-${id}.ics`);
    const part = `Content-Disposition: attachment; filename=skillswap-${id}.ics\r\n\r\n`;
    expect(unfolded).toContain(part);
    const encoded = unfolded.slice(unfolded.indexOf(part) + part.length).split('\r\n--')[0]!;
    const body = Buffer.from(encoded.replace(/\s/g, ''), 'base64').toString().replace(/\r\n /g, '');
    expect(body).toContain('BEGIN:VCALENDAR');
    expect(body).toContain(`${ORIGIN}/sessions/${id}`);
    expect(body).not.toContain('meet.example.com');
  });

  it('gives a member who registers half an hour before the start the 1-hour reminder at once, and never the 24-hour one', async () => {
    const app = processes.at(-1)!;
    const host = await signUpAs(app);
    const member = await signUpAs(app, { timezone: 'America/New_York' });
    const id = await hostSession(
      app,
      host.cookie,
      'Late sowing',
      new Date(Date.now() + HOUR / 2).toISOString(),
    );
    const reg = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/registration`,
      headers: { cookie: member.cookie },
    });
    expect(reg.statusCode).toBe(201);
    const mails = await eventually(
      () => reminderMails(member.user.email, 'Late sowing'),
      (m) => m.length > 0,
    );
    expect(mails.map(subjectOf)).toEqual(['Starting in 1 hour: Late sowing']);
    expect(await notificationCount(app, id, member.user.id, 'reminder-1h')).toBe(1);
    expect(await notificationCount(app, id, member.user.id, 'reminder-24h')).toBe(0);
    // The host is not reminded by another member's registration.
    expect(reminderMails(host.user.email, 'Late sowing')).toEqual([]);
  });
});
