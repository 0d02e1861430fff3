import type { PoolClient } from '../../infra/db/index.ts';
import type { Recorded } from '../../infra/event-store/index.ts';
import { defineProjector } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import { type IdentityEvent, skillKey } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';

type Read = IdentityEvent | SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent;

const keys = (skills: string[] | undefined) =>
  skills === undefined ? null : [...new Set(skills.map(skillKey).filter((k) => k !== ''))];

/** A run of profile changes folded per member: each field as its last change in the run left it. */
async function profilesChanged(db: PoolClient, run: Recorded<Extract<Read, { type: 'ProfileUpdated' }>>[]) {
  const last = new Map<string, { teach: string[] | null; learn: string[] | null }>();
  for (const { data } of run) {
    const was = last.get(data.memberId) ?? { teach: null, learn: null };
    last.set(data.memberId, {
      teach: keys(data.skillsToTeach) ?? was.teach,
      learn: keys(data.skillsToLearn) ?? was.learn,
    });
  }
  const ids = [...last.keys()];
  await db.query(
    `UPDATE match_members m
        SET teach_keys = CASE WHEN jsonb_typeof(v.teach) = 'array'
                              THEN ARRAY(SELECT jsonb_array_elements_text(v.teach)) ELSE m.teach_keys END,
            learn_keys = CASE WHEN jsonb_typeof(v.learn) = 'array'
                              THEN ARRAY(SELECT jsonb_array_elements_text(v.learn)) ELSE m.learn_keys END
       FROM unnest($1::text[], $2::jsonb[], $3::jsonb[]) AS v(id, teach, learn)
      WHERE m.member_id = v.id`,
    [
      ids,
      ids.map((id) => JSON.stringify(last.get(id)!.teach)),
      ids.map((id) => JSON.stringify(last.get(id)!.learn)),
    ],
  );
}

/** Whoever did something (the event's actor) was active then. */
async function activity(db: PoolClient, run: Recorded<Read>[]) {
  const latest = new Map<string, Date>();
  for (const e of run) {
    const actor = e.metadata.actorId;
    if (typeof actor !== 'string') continue;
    const was = latest.get(actor);
    if (!was || was < e.recordedAt) latest.set(actor, e.recordedAt);
  }
  if (latest.size === 0) return;
  await db.query(
    `UPDATE match_members m SET last_active_at = greatest(m.last_active_at, v.at)
       FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE m.member_id = v.id`,
    [[...latest.keys()], [...latest.values()]],
  );
}

async function standing(
  db: PoolClient,
  run: Recorded<Extract<Read, { type: 'MemberSuspended' | 'MemberUnsuspended' }>>[],
) {
  const listed = new Map<string, boolean>();
  for (const e of run) listed.set(e.data.memberId, e.type === 'MemberUnsuspended');
  await db.query(
    `UPDATE match_members m SET listed = v.listed FROM unnest($1::text[], $2::boolean[]) AS v(id, listed)
      WHERE m.member_id = v.id`,
    [[...listed.keys()], [...listed.values()]],
  );
}

export const matchesProjector = defineProjector<Read>({
  name: 'matches',
  tables: ['match_members'],
  on: {
    MemberSignedUp: (db, run) =>
      db.query(
        `INSERT INTO match_members (member_id, last_active_at)
         SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT (member_id) DO NOTHING`,
        [run.map((e) => e.data.memberId), run.map((e) => e.recordedAt)],
      ),
    ProfileUpdated: async (db, run) => {
      await profilesChanged(db, run);
      await activity(db, run);
    },
    // A deleted member is never matched again, and nothing of theirs stays here.
    MemberDeleted: (db, run) =>
      db.query('DELETE FROM match_members WHERE member_id = ANY($1)', [run.map((e) => e.data.memberId)]),
    MemberSuspended: standing,
    MemberUnsuspended: standing,
    SessionScheduled: activity,
    MemberRegistered: activity,
    MemberWaitlisted: activity,
    SessionCompleted: activity,
    ReviewSubmitted: activity,
    SwapProposed: activity,
    SwapAccepted: activity,
    SwapDeclined: activity,
    SwapWithdrawn: activity,
  },
});
