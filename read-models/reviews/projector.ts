import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { FeedbackEventData } from '../../modules/feedback/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import type { SessionEventData } from '../../modules/sessions/index.ts';
import { inRuns } from '../shared/runs.ts';
import { addReviews, namePeople, RUN_GROUPS, titleSessions } from './batches.ts';

async function apply(client: PoolClient, event: StoredEvent) {
  switch (event.type) {
    case 'MemberSignedUp':
    case 'MemberDeleted':
    case 'ProfileUpdated': {
      const d =
        event.type === 'MemberDeleted'
          ? { memberId: (event.data as { memberId: string }).memberId, displayName: DELETED_NAME }
          : (event.data as IdentityEventData['ProfileUpdated']);
      if (d.displayName === undefined) return;
      await client.query(
        `INSERT INTO review_people (member_id, display_name) VALUES ($1, $2)
         ON CONFLICT (member_id) DO UPDATE SET display_name = $2`,
        [d.memberId, d.displayName],
      );
      await client.query('UPDATE reviews SET author_display_name = $2 WHERE author_id = $1', [
        d.memberId,
        d.displayName,
      ]);
      return;
    }
    case 'SessionScheduled':
    case 'SessionDetailsChanged': {
      const d = event.data as SessionEventData['SessionDetailsChanged'];
      if (!d.title) return;
      await client.query(
        `INSERT INTO review_sessions (session_id, title) VALUES ($1, $2) ON CONFLICT (session_id) DO UPDATE SET title = $2`,
        [d.sessionId, d.title],
      );
      await client.query('UPDATE reviews SET session_title = $2 WHERE session_id = $1', [
        d.sessionId,
        d.title,
      ]);
      return;
    }
    case 'ReviewSubmitted': {
      const d = event.data as FeedbackEventData['ReviewSubmitted'];
      await client.query(
        `INSERT INTO reviews (review_id, session_id, session_title, host_id, author_id, author_display_name, skill, rating,
           comment, created_at)
         VALUES ($1, $2, coalesce((SELECT title FROM review_sessions WHERE session_id = $2), ''), $3, $4,
           coalesce((SELECT display_name FROM review_people WHERE member_id = $4), 'Member'), $5, $6, $7, $8)
         ON CONFLICT (review_id) DO NOTHING`,
        [d.reviewId, d.sessionId, d.hostId, d.authorId, d.skill, d.rating, d.comment, event.recordedAt],
      );
      return;
    }
    case 'ReviewEdited': {
      const d = event.data as FeedbackEventData['ReviewEdited'];
      await client.query(
        `UPDATE reviews SET rating = coalesce($2, rating), comment = coalesce($3, comment), edited_at = $4
          WHERE review_id = $1`,
        [d.reviewId, d.rating ?? null, d.comment ?? null, event.recordedAt],
      );
      return;
    }
    case 'ReviewDeleted': {
      const d = event.data as FeedbackEventData['ReviewDeleted'];
      await client.query('UPDATE reviews SET deleted = true WHERE review_id = $1', [d.reviewId]);
      return;
    }
    case 'HostReplied': {
      const d = event.data as FeedbackEventData['HostReplied'];
      await client.query('UPDATE reviews SET reply = $2, replied_at = $3 WHERE review_id = $1', [
        d.reviewId,
        d.reply,
        event.recordedAt,
      ]);
      return;
    }
    case 'ContentHidden':
    case 'ContentRestored': {
      const d = event.data as { targetType: string; targetId: string };
      if (d.targetType !== 'review') return;
      await client.query('UPDATE reviews SET hidden = $2 WHERE review_id = $1', [
        d.targetId,
        event.type === 'ContentHidden',
      ]);
      return;
    }
  }
}

/** Reviews with their authors' names, session titles and the host's reply. */
export const reviewsProjector: Projector = {
  name: 'reviews',
  kind: 'read-model',
  tables: ['reviews', 'review_people', 'review_sessions'],
  eventTypes: [
    'MemberSignedUp',
    'ProfileUpdated',
    'MemberDeleted',
    'SessionScheduled',
    'SessionDetailsChanged',
    'ReviewSubmitted',
    'ReviewEdited',
    'ReviewDeleted',
    'HostReplied',
    'ContentHidden',
    'ContentRestored',
  ],
  handle: async (client, events) => {
    await inRuns(
      events,
      RUN_GROUPS,
      async (run, group) => {
        if (group === 'people') return namePeople(client, run);
        if (group === 'sessions') return titleSessions(client, run);
        return addReviews(client, run);
      },
      (event) => apply(client, event),
    );
  },
};
