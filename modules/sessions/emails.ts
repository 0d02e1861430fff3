import { emailLinkOrigin } from '../../infra/config.ts';
import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { readStreamOf } from '../../infra/event-store/index.ts';
import { localDateTime } from '../../infra/local-time.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { SessionEvent } from './events.ts';

type Mail = {
  event: Mailed;
  to: string[];
  subject: string;
  /** The text for one recipient: times in their own zone. */
  text: (timezone: string) => string;
  /** A reminder carries the session's calendar file. */
  calendar?: boolean;
};
type Mailed = RunOf<
  SessionEvent,
  | 'MemberRegistered'
  | 'WaitlistPromoted'
  | 'SessionRescheduled'
  | 'SessionCancelled'
  | 'ReminderDue'
  | 'SessionNotHeld'
>[number];

/** Where to write to each member, how to greet them, and their time zone (the module is handed it at start). */
export type Addresses = (
  db: Queryable,
  memberIds: string[],
) => Promise<Map<string, { email: string; displayName: string; timezone: string }>>;

/** The `.ics` of one session as the calendar route builds it (without the meeting link), or null if gone. */
export type SessionCalendar = (
  db: Queryable,
  sessionId: string,
  siteOrigin: string,
) => Promise<string | null>;

/** Events whose email goes to the one member they name. */
const ONE_RECIPIENT: ReadonlySet<string> = new Set(['MemberRegistered', 'WaitlistPromoted']);

/**
 * Sends the emails that go with session notifications (registration, promotion, changes, cancellation,
 * reminders, a session not held). Email is a side effect outside our transaction, so each one handed to the mail
 * server is recorded at once (session_emails_sent, by event and recipient) and skipped when the reactor retries
 * those events: only a crash between the server's acceptance and that record can send one twice; none is lost.
 */
export function sessionMailer(addresses: Addresses, calendarOf: SessionCalendar) {
  const mail = async (
    _client: PoolClient,
    run: Mailed[],
    { store, pool, mailer, log, config }: ReactorContext,
  ) => {
    const siteOrigin = emailLinkOrigin(config);
    const mails: Mail[] = [];
    for (const event of run) {
      // Who is in at this event, and the title then: replay the session's stream up to it. A registration or a
      // promotion mails only that member, so it needs the title alone: two events, not the whole stream (that
      // re-read per registration was the projection lag's largest single cost under load).
      const sessionEvents = await readStreamOf<SessionEvent>(store, event.streamId, pool, {
        toVersion: event.streamVersion,
        ...(ONE_RECIPIENT.has(event.type) ? { types: ['SessionScheduled', 'SessionDetailsChanged'] } : {}),
      });
      const first = sessionEvents[0];
      if (first?.type !== 'SessionScheduled') continue;
      const registered = new Set<string>();
      const waitlisted = new Set<string>();
      let title = first.data.title;
      for (const e of sessionEvents) {
        if (e.type === 'SessionDetailsChanged' && e.data.title) title = e.data.title;
        if (e.type === 'MemberRegistered' || e.type === 'WaitlistPromoted') {
          registered.add(e.data.memberId);
          waitlisted.delete(e.data.memberId);
        }
        if (e.type === 'MemberWaitlisted') waitlisted.add(e.data.memberId);
        if (e.type === 'RegistrationCancelled') {
          registered.delete(e.data.memberId);
          waitlisted.delete(e.data.memberId);
        }
      }
      mails.push(compose(event, title, [...registered], [...waitlisted], first.data.hostId, siteOrigin));
    }
    const accounts = await addresses(
      pool,
      mails.flatMap((m) => m.to),
    );
    const { rows: sent } = await pool.query<{ k: string }>(
      `SELECT stream_id || ':' || stream_version || ':' || member_id AS k FROM session_emails_sent
        WHERE (stream_id, stream_version) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
      [mails.map((m) => m.event.streamId), mails.map((m) => m.event.streamVersion)],
    );
    const done = new Set(sent.map((r) => r.k));
    for (const mail of mails) {
      const { streamId, streamVersion } = mail.event;
      const calendar = mail.calendar ? await calendarOf(pool, mail.event.data.sessionId, siteOrigin) : null;
      for (const memberId of mail.to) {
        const account = accounts.get(memberId);
        if (!account || done.has(`${streamId}:${streamVersion}:${memberId}`)) continue;
        await mailer
          .send({
            to: account.email,
            subject: mail.subject,
            text: `Hello ${account.displayName},\n\n${mail.text(account.timezone)}\n\n— SkillSwap`,
            ...(calendar
              ? {
                  attachments: [
                    {
                      filename: `skillswap-${mail.event.data.sessionId}.ics`,
                      content: calendar,
                      contentType: 'text/calendar; charset=utf-8',
                    },
                  ],
                }
              : {}),
          })
          .catch((err: { responseCode?: number }) => {
            // Only a permanent refusal (SMTP 5xx, no such mailbox) is logged and skipped: no retry helps.
            // Anything else (451 "try later", server down) was logged and dropped too, losing the email;
            // now it fails the batch and the reactor retries from its checkpoint: late, maybe twice.
            if (typeof err.responseCode === 'number' && err.responseCode >= 500) {
              log.error({ err, memberId }, 'email refused permanently; not sent');
            } else throw err;
          });
        await pool.query(
          `INSERT INTO session_emails_sent (stream_id, stream_version, member_id) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING`,
          [streamId, streamVersion, memberId],
        );
      }
    }
  };
  return defineReactor<SessionEvent>({
    name: 'session_mailer',
    on: {
      MemberRegistered: mail,
      WaitlistPromoted: mail,
      SessionRescheduled: mail,
      SessionCancelled: mail,
      ReminderDue: mail,
      SessionNotHeld: mail,
    },
  });
}

function compose(
  event: Mailed,
  title: string,
  registered: string[],
  waitlisted: string[],
  hostId: string,
  siteOrigin: string,
): Mail {
  switch (event.type) {
    case 'MemberRegistered':
      return {
        event,
        to: [event.data.memberId],
        subject: `You're registered: ${title}`,
        text: () => `You have a seat in “${title}”.`,
      };
    case 'WaitlistPromoted':
      return {
        event,
        to: [event.data.memberId],
        subject: `A seat opened up: ${title}`,
        text: () => `You moved from the waitlist into “${title}”.`,
      };
    case 'SessionRescheduled':
      return {
        event,
        to: [...registered, ...waitlisted],
        subject: `New time: ${title}`,
        text: (tz) => `“${title}” now starts ${localDateTime(event.data.startsAt, tz)}.`,
      };
    case 'SessionCancelled':
      return {
        event,
        to: [...registered, ...waitlisted],
        subject: `Cancelled: ${title}`,
        text: () => `“${title}” was cancelled.${event.data.reason ? ` Reason: ${event.data.reason}` : ''}`,
      };
    case 'ReminderDue': {
      const { sessionId, kind, startsAt, memberIds } = event.data;
      const join = `${siteOrigin}/sessions/${sessionId}/join`;
      return {
        event,
        // v2 names who this reminder is for (a late registration's: that member alone); v1 everyone then in.
        to: memberIds ?? [hostId, ...registered],
        subject: `Starting in ${kind === '24h' ? '24 hours' : '1 hour'}: ${title}`,
        text: (tz) =>
          `“${title}” starts ${localDateTime(startsAt, tz)}.\n\nJoin it here when it starts: ${join}\n\n` +
          'The calendar file attached adds it to your calendar.',
        calendar: true,
      };
    }
    case 'SessionNotHeld':
      return {
        event,
        to: event.data.attendeeIds,
        subject: `Did not take place: ${title}`,
        text: (tz) =>
          `“${title}”, which was to start ${localDateTime(event.data.startsAt, tz)}, did not take place: ` +
          "the host neither held nor completed it. We are sorry; it counts against the host's reliability.",
      };
  }
}
