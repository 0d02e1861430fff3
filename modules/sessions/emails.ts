import type { Reactor } from '../../infra/projections/index.ts';
import { getAccounts } from '../../read-models/member-profiles/queries.ts';
import type { SessionEventData } from './events.ts';

type Mail = { to: string[]; subject: string; text: string };

/**
 * Sends the emails that go with session notifications (registration, promotion, changes, cancellation,
 * reminders). Email is a side effect outside our transaction: after a crash it may be sent again, never lost.
 */
export const sessionMailer: Reactor = {
  name: 'session_mailer',
  kind: 'reactor',
  eventTypes: [
    'MemberRegistered',
    'WaitlistPromoted',
    'SessionRescheduled',
    'SessionCancelled',
    'ReminderDue',
  ],
  handle: async (_client, events, { store, pool, mailer, log }) => {
    const mails: Mail[] = [];
    for (const event of events) {
      // Who is in at this event, and the title then: replay the session's stream up to it. A registration or a
      // promotion mails only that member, so it needs the title alone: two events, not the whole stream (that
      // re-read per registration was the projection lag's largest single cost under load).
      const sessionEvents = await store.readStream(event.streamId, pool, {
        toVersion: event.streamVersion,
        ...(ONE_RECIPIENT.has(event.type) ? { types: ['SessionScheduled', 'SessionDetailsChanged'] } : {}),
      });
      const scheduled = sessionEvents[0]?.data as SessionEventData['SessionScheduled'] | undefined;
      if (sessionEvents[0]?.type !== 'SessionScheduled' || !scheduled) continue;
      const registered = new Set<string>();
      const waitlisted = new Set<string>();
      let title = scheduled.title;
      for (const e of sessionEvents) {
        const d = e.data as { memberId?: string; title?: string };
        if (e.type === 'SessionDetailsChanged' && d.title) title = d.title;
        if (e.type === 'MemberRegistered' || e.type === 'WaitlistPromoted') {
          registered.add(d.memberId!);
          waitlisted.delete(d.memberId!);
        }
        if (e.type === 'MemberWaitlisted') waitlisted.add(d.memberId!);
        if (e.type === 'RegistrationCancelled') {
          registered.delete(d.memberId!);
          waitlisted.delete(d.memberId!);
        }
      }
      const mail = compose(event.type, event.data, title, [...registered], [...waitlisted], scheduled.hostId);
      if (mail) mails.push(mail);
    }
    const accounts = await getAccounts(
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
  },
};

/** Events whose email goes to the one member they name. */
const ONE_RECIPIENT = new Set(['MemberRegistered', 'WaitlistPromoted']);

function compose(
  type: string,
  data: unknown,
  title: string,
  registered: string[],
  waitlisted: string[],
  hostId: string,
): Mail | null {
  const d = data as { memberId?: string; reason?: string; startsAt?: string; kind?: string };
  switch (type) {
    case 'MemberRegistered':
      return {
        to: [d.memberId!],
        subject: `You're registered: ${title}`,
        text: `You have a seat in “${title}”.`,
      };
    case 'WaitlistPromoted':
      return {
        to: [d.memberId!],
        subject: `A seat opened up: ${title}`,
        text: `You moved from the waitlist into “${title}”.`,
      };
    case 'SessionRescheduled':
      return {
        to: [...registered, ...waitlisted],
        subject: `New time: ${title}`,
        text: `“${title}” now starts at ${d.startsAt} (UTC). See the session page for your local time.`,
      };
    case 'SessionCancelled':
      return {
        to: [...registered, ...waitlisted],
        subject: `Cancelled: ${title}`,
        text: `“${title}” was cancelled.${d.reason ? ` Reason: ${d.reason}` : ''}`,
      };
    case 'ReminderDue':
      return {
        to: [hostId, ...registered],
        subject: `Starting in ${d.kind === '24h' ? '24 hours' : '1 hour'}: ${title}`,
        text: `“${title}” starts at ${d.startsAt} (UTC).`,
      };
  }
  return null;
}
