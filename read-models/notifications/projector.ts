import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';
import type { SwapEventData } from '../../modules/swaps/index.ts';
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

/**
 * Swap news for the other member. Without names or message text: those are personal data, erased with their author,
 * and a notification outlives its event's key. The skills say which swap it is.
 */
function swapNote(event: StoredEvent): { to: string; kind: string; title: string; body: string } | null {
  switch (event.type) {
    case 'SwapProposed': {
      const d = event.data as SwapEventData['SwapProposed'];
      return {
        to: d.receiverId,
        kind: 'swap-proposed',
        title: `Swap proposal: ${d.wantSkill} for ${d.offerSkill}`,
        body: `A member would teach you ${d.offerSkill} for ${d.wantSkill}. Answer it on your swaps page within 14 days.`,
      };
    }
    case 'SwapAccepted':
    case 'SwapDeclined': {
      const d = event.data as SwapEventData['SwapAccepted'];
      const accepted = event.type === 'SwapAccepted';
      return {
        to: d.proposerId,
        kind: accepted ? 'swap-accepted' : 'swap-declined',
        title: accepted ? 'Your swap proposal was accepted' : 'Your swap proposal was declined',
        body: accepted
          ? 'Plan your sessions together on the swap’s page.'
          : 'You can find other matches on your matches page.',
      };
    }
    case 'SwapMessageSent': {
      const d = event.data as SwapEventData['SwapMessageSent'];
      return {
        to: d.recipientId,
        kind: 'swap-message',
        title: 'New message in a swap',
        body: 'Read it on the swap’s page.',
      };
    }
  }
  return null;
}

async function apply(client: PoolClient, event: StoredEvent, sink: Sink) {
  const swap = swapNote(event);
  if (swap) {
    const { to, ...note } = swap;
    return sink.notify(event, [to], { ...note, sessionId: null });
  }
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
    'SwapProposed',
    'SwapAccepted',
    'SwapDeclined',
    'SwapMessageSent',
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
