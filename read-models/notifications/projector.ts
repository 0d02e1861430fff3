import { createHash } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';

type D<K extends keyof SessionEventData> = SessionEventData[K];
type SessionInfo = { title: string; host_id: string; starts_at: Date; timezone: string };

// Ids come from the event and the recipient, so a rebuild recreates the same notifications (and read marks).
const notificationId = (event: StoredEvent, memberId: string) =>
  createHash('sha256')
    .update(`${event.streamId}:${event.streamVersion}:${memberId}`)
    .digest('hex')
    .slice(0, 32);

function when(startsAt: Date | string, timezone: string) {
  const text = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: timezone,
  }).format(new Date(startsAt));
  return `${text} (${timezone})`;
}

async function notify(
  client: PoolClient,
  event: StoredEvent,
  memberIds: string[],
  n: { kind: string; sessionId: string; title: string; body: string },
) {
  if (memberIds.length === 0) return;
  await client.query(
    `INSERT INTO notifications (notification_id, member_id, kind, session_id, title, body, created_at)
     SELECT unnest($1::text[]), unnest($2::text[]), $3, $4, $5, $6, $7
     ON CONFLICT (notification_id) DO NOTHING`,
    [
      memberIds.map((m) => notificationId(event, m)),
      memberIds,
      n.kind,
      n.sessionId,
      n.title,
      n.body,
      event.recordedAt,
    ],
  );
}

async function audience(client: PoolClient, sessionId: string, statuses = ['registered', 'waitlisted']) {
  const { rows } = await client.query<{ member_id: string }>(
    'SELECT member_id FROM notification_audience WHERE session_id = $1 AND status = ANY($2)',
    [sessionId, statuses],
  );
  return rows.map((r) => r.member_id);
}

async function session(client: PoolClient, sessionId: string): Promise<SessionInfo | null> {
  const { rows } = await client.query<SessionInfo>(
    'SELECT title, host_id, starts_at, timezone FROM notification_sessions WHERE session_id = $1',
    [sessionId],
  );
  return rows[0] ?? null;
}

async function setAudience(client: PoolClient, sessionId: string, memberId: string, status: string) {
  await client.query(
    `INSERT INTO notification_audience (session_id, member_id, status) VALUES ($1, $2, $3)
     ON CONFLICT (session_id, member_id) DO UPDATE SET status = $3`,
    [sessionId, memberId, status],
  );
}

async function apply(client: PoolClient, event: StoredEvent) {
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
  const sessionId = (event.data as { sessionId: string }).sessionId;
  const s = await session(client, sessionId);
  if (!s) return;
  const base = { sessionId };
  switch (event.type) {
    case 'MemberRegistered': {
      const d = event.data as D<'MemberRegistered'>;
      await setAudience(client, sessionId, d.memberId, 'registered');
      return notify(client, event, [d.memberId], {
        ...base,
        kind: 'registered',
        title: `You're registered for “${s.title}”`,
        body: `It starts ${when(s.starts_at, s.timezone)}.`,
      });
    }
    case 'MemberWaitlisted': {
      const d = event.data as D<'MemberWaitlisted'>;
      await setAudience(client, sessionId, d.memberId, 'waitlisted');
      return notify(client, event, [d.memberId], {
        ...base,
        kind: 'waitlisted',
        title: `You're on the waitlist for “${s.title}”`,
        body: `You are number ${d.position} in line. We'll tell you when a seat frees up.`,
      });
    }
    case 'WaitlistPromoted': {
      const d = event.data as D<'WaitlistPromoted'>;
      await setAudience(client, sessionId, d.memberId, 'registered');
      return notify(client, event, [d.memberId], {
        ...base,
        kind: 'promoted',
        title: `A seat opened up: you're in “${s.title}”`,
        body: `You moved from the waitlist to registered. It starts ${when(s.starts_at, s.timezone)}.`,
      });
    }
    case 'RegistrationCancelled': {
      const d = event.data as D<'RegistrationCancelled'>;
      await setAudience(client, sessionId, d.memberId, 'cancelled');
      return;
    }
    case 'SessionRescheduled': {
      const d = event.data as D<'SessionRescheduled'>;
      await client.query('UPDATE notification_sessions SET starts_at = $2 WHERE session_id = $1', [
        sessionId,
        d.startsAt,
      ]);
      return notify(client, event, await audience(client, sessionId), {
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
      return notify(client, event, await audience(client, sessionId), {
        ...base,
        kind: 'changed',
        title: `The host updated “${d.title ?? s.title}”`,
        body: `Changed: ${changed.join(', ').replace('meetingUrl', 'meeting link')}.`,
      });
    }
    case 'SessionCancelled': {
      const d = event.data as D<'SessionCancelled'>;
      return notify(client, event, await audience(client, sessionId), {
        ...base,
        kind: 'cancelled',
        title: `“${s.title}” was cancelled`,
        body: d.reason ? `Reason: ${d.reason}` : 'The session will not take place.',
      });
    }
    case 'ReminderDue': {
      const d = event.data as D<'ReminderDue'>;
      const recipients = [s.host_id, ...(await audience(client, sessionId, ['registered']))];
      return notify(client, event, recipients, {
        ...base,
        kind: `reminder-${d.kind}`,
        title: `“${s.title}” starts in ${d.kind === '24h' ? '24 hours' : '1 hour'}`,
        body: `It starts ${when(d.startsAt, s.timezone)}.`,
      });
    }
  }
}

/** In-app notifications about registrations, waitlists, changes, cancellations and reminders. */
export const notificationsProjector: Projector = {
  name: 'notifications',
  kind: 'read-model',
  tables: ['notifications', 'notification_sessions', 'notification_audience'],
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
  ],
  handle: async (client, events) => {
    for (const event of events) await apply(client, event);
  },
};
