import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { FeedbackEventData } from '../../modules/feedback/index.ts';
import type { ModerationEventData } from '../../modules/moderation/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';
import { inRuns } from '../shared/runs.ts';
import { directSink, insertSessions, runSink, type Sink, when } from './writes.ts';

/** Runs of these are written set-based: sessions by insertSessions, the others through runSink. */
const RUN_GROUPS: Readonly<Record<string, string>> = {
  SessionScheduled: 'scheduled',
  MemberRegistered: 'registrations',
  MemberWaitlisted: 'registrations',
  RegistrationCancelled: 'registrations',
  WaitlistPromoted: 'registrations',
  ReminderDue: 'reminders',
};

type D<K extends keyof SessionEventData> = SessionEventData[K];
async function apply(client: PoolClient, event: StoredEvent, sink: Sink) {
  if (event.type === 'NotificationsRead') {
    const d = event.data as { memberId: string; ids: string[] | null };
    await client.query(
      `UPDATE notifications SET read_at = $2 WHERE member_id = $1 AND read_at IS NULL
         AND ($3::text[] IS NULL OR notification_id = ANY($3)) AND created_at <= $2`,
      [d.memberId, event.recordedAt, d.ids],
    );
    return;
  }
  if (event.type === 'SessionScheduled') {
    const d = event.data as D<'SessionScheduled'>;
    await client.query(
      `INSERT INTO notification_sessions (session_id, title, host_id, starts_at, timezone) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (session_id) DO NOTHING`,
      [d.sessionId, d.title, d.hostId, d.startsAt, d.timezone],
    );
    return;
  }
  if (REVIEW_EVENTS.has(event.type)) return reviewNotification(client, event, sink);
  const sessionId = (event.data as { sessionId: string }).sessionId;
  const s = await sink.session(sessionId);
  if (!s) return;
  const base = { sessionId };
  switch (event.type) {
    case 'MemberRegistered': {
      const d = event.data as D<'MemberRegistered'>;
      await sink.setAudience(sessionId, d.memberId, 'registered');
      return sink.notify(event, [d.memberId], {
        ...base,
        kind: 'registered',
        title: `You're registered for “${s.title}”`,
        body: `It starts ${when(s.starts_at, s.timezone)}.`,
      });
    }
    case 'MemberWaitlisted': {
      const d = event.data as D<'MemberWaitlisted'>;
      await sink.setAudience(sessionId, d.memberId, 'waitlisted');
      return sink.notify(event, [d.memberId], {
        ...base,
        kind: 'waitlisted',
        title: `You're on the waitlist for “${s.title}”`,
        body: `You are number ${d.position} in line. We'll tell you when a seat frees up.`,
      });
    }
    case 'WaitlistPromoted': {
      const d = event.data as D<'WaitlistPromoted'>;
      await sink.setAudience(sessionId, d.memberId, 'registered');
      return sink.notify(event, [d.memberId], {
        ...base,
        kind: 'promoted',
        title: `A seat opened up: you're in “${s.title}”`,
        body: `You moved from the waitlist to registered. It starts ${when(s.starts_at, s.timezone)}.`,
      });
    }
    case 'RegistrationCancelled': {
      const d = event.data as D<'RegistrationCancelled'>;
      await sink.setAudience(sessionId, d.memberId, 'cancelled');
      return;
    }
    case 'SessionRescheduled': {
      const d = event.data as D<'SessionRescheduled'>;
      await client.query('UPDATE notification_sessions SET starts_at = $2 WHERE session_id = $1', [
        sessionId,
        d.startsAt,
      ]);
      return sink.notify(event, await sink.audience(sessionId), {
        ...base,
        kind: 'rescheduled',
        title: `“${s.title}” has a new time`,
        body: `It now starts ${when(d.startsAt, s.timezone)} (was ${when(d.previousStartsAt, s.timezone)}).`,
      });
    }
    case 'SessionDetailsChanged': {
      const d = event.data as D<'SessionDetailsChanged'>;
      if (d.title)
        await client.query('UPDATE notification_sessions SET title = $2 WHERE session_id = $1', [
          sessionId,
          d.title,
        ]);
      const changed = Object.keys(d).filter((k) => k !== 'sessionId' && k !== 'capacity');
      if (changed.length === 0) return;
      return sink.notify(event, await sink.audience(sessionId), {
        ...base,
        kind: 'changed',
        title: `The host updated “${d.title ?? s.title}”`,
        body: `Changed: ${changed.join(', ').replace('meetingUrl', 'meeting link')}.`,
      });
    }
    case 'SessionCancelled': {
      const d = event.data as D<'SessionCancelled'>;
      return sink.notify(event, await sink.audience(sessionId), {
        ...base,
        kind: 'cancelled',
        title: `“${s.title}” was cancelled`,
        body: d.reason ? `Reason: ${d.reason}` : 'The session will not take place.',
      });
    }
    case 'SessionCompleted': {
      const d = event.data as D<'SessionCompleted'>;
      // Those marked present: the ones who may review it.
      return sink.notify(event, d.attendeeIds, {
        ...base,
        kind: 'rate-session',
        title: `How was “${s.title}”?`,
        body: 'Rate your session: a review helps the host, and members choosing their next session.',
      });
    }
    case 'ReminderDue': {
      const d = event.data as D<'ReminderDue'>;
      const recipients = [s.host_id, ...(await sink.audience(sessionId, ['registered']))];
      return sink.notify(event, recipients, {
        ...base,
        kind: `reminder-${d.kind}`,
        title: `“${s.title}” starts in ${d.kind === '24h' ? '24 hours' : '1 hour'}`,
        body: `It starts ${when(d.startsAt, s.timezone)}.`,
      });
    }
  }
}

const REVIEW_EVENTS = new Set(['ReviewSubmitted', 'HostReplied', 'ContentHidden', 'ContentRestored']);

/**
 * Reviews: a new one tells the host, a reply tells its author, and so does a moderator hiding or restoring it
 * (the author would otherwise find their review gone, and the form refusing a second one). No names and no
 * review text in the notification: those are the author's, and stay where moderation and erasure reach them.
 */
async function reviewNotification(client: PoolClient, event: StoredEvent, sink: Sink) {
  if (event.type === 'ReviewSubmitted') {
    const d = event.data as FeedbackEventData['ReviewSubmitted'];
    await client.query(
      `INSERT INTO notification_reviews (review_id, session_id, author_id, host_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (review_id) DO NOTHING`,
      [d.reviewId, d.sessionId, d.authorId, d.hostId],
    );
    const s = await sink.session(d.sessionId);
    if (!s) return;
    return sink.notify(event, [d.hostId], {
      kind: 'review',
      sessionId: d.sessionId,
      title: `New review of “${s.title}”`,
      body: `Rated ${d.rating} out of 5. Read it, and reply if you like, on the session page.`,
    });
  }
  const d = event.data as
    | FeedbackEventData['HostReplied']
    | ModerationEventData['ContentHidden']
    | ModerationEventData['ContentRestored'];
  const reviewId = 'reviewId' in d ? d.reviewId : d.targetType === 'review' ? d.targetId : null;
  if (!reviewId) return;
  const { rows } = await client.query<{ session_id: string; author_id: string }>(
    'SELECT session_id, author_id FROM notification_reviews WHERE review_id = $1',
    [reviewId],
  );
  const review = rows[0];
  const s = review && (await sink.session(review.session_id));
  if (!review || !s) return;
  const base = { sessionId: review.session_id };
  const note =
    event.type === 'HostReplied'
      ? {
          kind: 'review-reply',
          title: `The host replied to your review of “${s.title}”`,
          body: 'Read the reply on the session page.',
        }
      : event.type === 'ContentHidden'
        ? {
            kind: 'review-hidden',
            title: `Your review of “${s.title}” was hidden`,
            body:
              'A moderator hid it after reports: nobody else sees it, and it no longer counts in the host’s ' +
              'rating. It stays your review of this session; a moderator may restore it.',
          }
        : {
            kind: 'review-restored',
            title: `Your review of “${s.title}” is visible again`,
            body: 'A moderator restored it: it shows on the session page and counts in the host’s rating.',
          };
  return sink.notify(event, [review.author_id], { ...base, ...note });
}

/** In-app notifications about registrations, waitlists, changes, cancellations and reminders. */
export const notificationsProjector: Projector = {
  name: 'notifications',
  kind: 'read-model',
  tables: ['notifications', 'notification_sessions', 'notification_audience', 'notification_reviews'],
  eventTypes: [
    'SessionScheduled',
    'SessionDetailsChanged',
    'SessionRescheduled',
    'SessionCancelled',
    'MemberRegistered',
    'MemberWaitlisted',
    'RegistrationCancelled',
    'WaitlistPromoted',
    'ReminderDue',
    'NotificationsRead',
    'SessionCompleted',
    'ReviewSubmitted',
    'HostReplied',
    'ContentHidden',
    'ContentRestored',
  ],
  handle: async (client, events) => {
    const direct = directSink(client);
    await inRuns(
      events,
      RUN_GROUPS,
      async (run, group) => {
        if (group === 'scheduled') return insertSessions(client, run);
        const { sink, flush } = await runSink(client, run, group === 'reminders');
        for (const event of run) await apply(client, event, sink);
        await flush();
      },
      (event) => apply(client, event, direct),
    );
  },
};
