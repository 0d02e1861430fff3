import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';
import { inRuns } from '../shared/runs.ts';
import { completeSessions, insertSessions, nameHosts, RUN_GROUPS } from './batches.ts';
import { applyRegistrations } from './registrations.ts';

type E<K extends keyof SessionEventData> = SessionEventData[K];

const SEARCH = `setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', skill), 'A')
  || setweight(to_tsvector('english', description), 'B')`;

async function apply(client: PoolClient, event: StoredEvent) {
  switch (event.type) {
    case 'MemberSignedUp': {
      const d = event.data as IdentityEventData['MemberSignedUp'];
      await client.query(
        `INSERT INTO session_hosts (member_id, display_name) VALUES ($1, $2)
         ON CONFLICT (member_id) DO UPDATE SET display_name = $2`,
        [d.memberId, d.displayName],
      );
      return;
    }
    case 'MemberDeleted':
    case 'ProfileUpdated': {
      const d =
        event.type === 'MemberDeleted'
          ? { memberId: (event.data as { memberId: string }).memberId, displayName: DELETED_NAME }
          : (event.data as IdentityEventData['ProfileUpdated']);
      if (d.displayName === undefined) return;
      await client.query('UPDATE session_hosts SET display_name = $2 WHERE member_id = $1', [
        d.memberId,
        d.displayName,
      ]);
      await client.query('UPDATE session_listings SET host_display_name = $2 WHERE host_id = $1', [
        d.memberId,
        d.displayName,
      ]);
      return;
    }
    case 'SessionScheduled': {
      const d = event.data as E<'SessionScheduled'>;
      await client.query(
        `INSERT INTO session_listings (session_id, title, skill, skill_key, description, difficulty, prerequisites,
           starts_at, ends_at, duration_minutes, capacity, status, host_id, host_display_name, timezone, meeting_url,
           series_id, scheduled_at, search)
         SELECT $1, $2, $3, lower($3), $4, $5, $6, $7::timestamptz, $7::timestamptz + make_interval(mins => $8), $8, $9,
           'scheduled', $10, coalesce((SELECT display_name FROM session_hosts WHERE member_id = $10), ''), $11, $12, $13, $14,
           setweight(to_tsvector('english', $2), 'A') || setweight(to_tsvector('english', $3), 'A')
             || setweight(to_tsvector('english', $4), 'B')
         ON CONFLICT (session_id) DO NOTHING`,
        [
          d.sessionId,
          d.title,
          d.skill,
          d.description,
          d.difficulty,
          d.prerequisites,
          d.startsAt,
          d.durationMinutes,
          d.capacity,
          d.hostId,
          d.timezone,
          d.meetingUrl,
          d.seriesId,
          event.recordedAt,
        ],
      );
      return;
    }
    case 'SessionDetailsChanged': {
      const d = event.data as E<'SessionDetailsChanged'>;
      await client.query(
        `UPDATE session_listings SET
           title = coalesce($2, title), skill = coalesce($3, skill), skill_key = lower(coalesce($3, skill)),
           description = coalesce($4, description), difficulty = coalesce($5, difficulty),
           prerequisites = coalesce($6, prerequisites), meeting_url = coalesce($7, meeting_url),
           capacity = coalesce($8, capacity)
         WHERE session_id = $1`,
        [
          d.sessionId,
          d.title ?? null,
          d.skill ?? null,
          d.description ?? null,
          d.difficulty ?? null,
          d.prerequisites ?? null,
          d.meetingUrl ?? null,
          d.capacity ?? null,
        ],
      );
      await client.query(`UPDATE session_listings SET search = ${SEARCH} WHERE session_id = $1`, [
        d.sessionId,
      ]);
      return;
    }
    case 'SessionRescheduled': {
      const d = event.data as E<'SessionRescheduled'>;
      await client.query(
        `UPDATE session_listings SET starts_at = $2, duration_minutes = $3,
           ends_at = $2::timestamptz + make_interval(mins => $3) WHERE session_id = $1`,
        [d.sessionId, d.startsAt, d.durationMinutes],
      );
      return;
    }
    case 'SessionCancelled': {
      const d = event.data as E<'SessionCancelled'>;
      await client.query(
        `UPDATE session_listings SET status = 'cancelled', cancel_reason = $2 WHERE session_id = $1`,
        [d.sessionId, d.reason],
      );
      return;
    }
    case 'SessionCompleted': {
      const d = event.data as E<'SessionCompleted'>;
      await client.query(
        `UPDATE session_listings SET status = 'completed', completed_at = $2 WHERE session_id = $1`,
        [d.sessionId, event.recordedAt],
      );
      await client.query(
        `UPDATE session_registrations SET attended = (member_id = ANY($2))
          WHERE session_id = $1 AND status = 'registered'`,
        [d.sessionId, d.attendeeIds],
      );
      return;
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data as { targetType: string; targetId: string };
      if (d.targetType !== 'session') return;
      await client.query('UPDATE session_listings SET hidden = $2 WHERE session_id = $1', [
        d.targetId,
        event.type === 'ContentHidden',
      ]);
      return;
    }
  }
}

/** Session listings: what browse, session pages and "My learning" show, seats and waitlists included. */
export const sessionListingsProjector: Projector = {
  name: 'session_listings',
  kind: 'read-model',
  tables: ['session_listings', 'session_registrations', 'session_hosts'],
  eventTypes: [
    'MemberSignedUp',
    'ProfileUpdated',
    'MemberDeleted',
    'SessionScheduled',
    'SessionDetailsChanged',
    'SessionRescheduled',
    'SessionCancelled',
    'SessionCompleted',
    'MemberRegistered',
    'MemberWaitlisted',
    'RegistrationCancelled',
    'WaitlistPromoted',
    'ContentHidden',
    'ContentRestored',
  ],
  handle: async (client, events) => {
    await inRuns(
      events,
      RUN_GROUPS,
      async (run, group) => {
        if (group === 'registrations') return applyRegistrations(client, run);
        if (group === 'scheduled') return insertSessions(client, run);
        if (group === 'completed') return completeSessions(client, run);
        return nameHosts(client, run);
      },
      (event) => apply(client, event),
    );
  },
};
