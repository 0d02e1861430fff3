import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { readStreamOf } from '../../infra/event-store/index.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { SessionEvent } from './events.ts';

type Mail = { to: string[]; subject: string; text: string };
type Mailed = RunOf<
  SessionEvent,
  'MemberRegistered' | 'WaitlistPromoted' | 'SessionRescheduled' | 'SessionCancelled' | 'ReminderDue'
>[number];

/** Where to write to each member, and how to greet them (the sessions module is handed it at start). */
export type Addresses = (
  db: Queryable,
  memberIds: string[],
) => Promise<Map<string, { email: string; displayName: string }>>;

/** Events whose email goes to the one member they name. */
const ONE_RECIPIENT: ReadonlySet<string> = new Set(['MemberRegistered', 'WaitlistPromoted']);

/**
 * Sends the emails that go with session notifications (registration, promotion, changes, cancellation,
 * reminders). Email is a side effect outside our transaction: after a crash it may be sent again, never lost.
 */
export function sessionMailer(addresses: Addresses) {
  const mail = async (_client: PoolClient, run: Mailed[], { store, pool, mailer, log }: ReactorContext) => {
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
      mails.push(compose(event, title, [...registered], [...waitlisted], first.data.hostId));
    }
    const accounts = await addresses(
      pool,
      mails.flatMap((m) => m.to),
    );
    for (const mail of mails) {
      for (const memberId of mail.to) {
        const account = accounts.get(memberId);
        if (!account) continue;
        await mailer
          .send({
            to: account.email,
            subject: mail.subject,
            text: `Hello ${account.displayName},\n\n${mail.text}\n\n— SkillSwap`,
          })
          .catch((err: { responseCode?: number }) => {
            // Only a permanent refusal (SMTP 5xx, no such mailbox) is logged and skipped: no retry helps.
            // Anything else (451 "try later", server down) was logged and dropped too, losing the email;
            // now it fails the batch and the reactor retries from its checkpoint: late, maybe twice.
            if (typeof err.responseCode === 'number' && err.responseCode >= 500) {
              log.error({ err, memberId }, 'email refused permanently; not sent');
            } else throw err;
          });
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
    },
  });
}

function compose(
  event: Mailed,
  title: string,
  registered: string[],
  waitlisted: string[],
  hostId: string,
): Mail {
  switch (event.type) {
    case 'MemberRegistered':
      return {
        to: [event.data.memberId],
        subject: `You're registered: ${title}`,
        text: `You have a seat in “${title}”.`,
      };
    case 'WaitlistPromoted':
      return {
        to: [event.data.memberId],
        subject: `A seat opened up: ${title}`,
        text: `You moved from the waitlist into “${title}”.`,
      };
    case 'SessionRescheduled':
      return {
        to: [...registered, ...waitlisted],
        subject: `New time: ${title}`,
        text: `“${title}” now starts at ${event.data.startsAt} (UTC). See the session page for your local time.`,
      };
    case 'SessionCancelled':
      return {
        to: [...registered, ...waitlisted],
        subject: `Cancelled: ${title}`,
        text: `“${title}” was cancelled.${event.data.reason ? ` Reason: ${event.data.reason}` : ''}`,
      };
    case 'ReminderDue':
      return {
        to: [hostId, ...registered],
        subject: `Starting in ${event.data.kind === '24h' ? '24 hours' : '1 hour'}: ${title}`,
        text: `“${title}” starts at ${event.data.startsAt} (UTC).`,
      };
  }
}
