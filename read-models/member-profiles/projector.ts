import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { GamificationEvent } from '../../modules/gamification/events.ts';
import { DELETED_NAME, type IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';
import { applyProfiles, applyRewards, searchTerms } from './batches.ts';
import { applyCompletions, applyNotHeld, applyReviews, changeRatings } from './reputation.ts';

/** Nothing personal stays: the row remains so that history (hosted sessions, ratings) still adds up. */
async function erase(db: PoolClient, run: RunOf<IdentityEvent, 'MemberDeleted'>) {
  const ids = run.map((e) => e.data.memberId);
  await db.query(
    `UPDATE member_profiles SET email = '', display_name = $2, bio = '', avatar_url = NULL, skills_to_teach = '{}',
       skills_to_learn = '{}', teach_keys = '{}' WHERE member_id = ANY($1)`,
    [ids, DELETED_NAME],
  );
  // Its search terms are recomputed from the cleared fields, in a rebuild as live.
  await searchTerms(db, ids);
}

/**
 * Roles folded per member in log order from the stored ones: a grant puts the role last (once), a revocation
 * takes it out, so the array reads as one grant or revocation at a time would have left it.
 */
async function changeRoles(db: PoolClient, run: RunOf<IdentityEvent, 'RoleGranted' | 'RoleRevoked'>) {
  const ids = [...new Set(run.map((e) => e.data.memberId))];
  const { rows } = await db.query<{ member_id: string; roles: string[] }>(
    'SELECT member_id, roles FROM member_profiles WHERE member_id = ANY($1)',
    [ids],
  );
  const roles = new Map(rows.map((r) => [r.member_id, r.roles]));
  for (const { type, data } of run) {
    const now = roles.get(data.memberId);
    if (!now) continue;
    const without = now.filter((r) => r !== data.role);
    roles.set(data.memberId, type === 'RoleGranted' ? [...without, data.role] : without);
  }
  const list = [...roles];
  await db.query(
    `UPDATE member_profiles p SET roles = ARRAY(SELECT jsonb_array_elements_text(v.roles))
       FROM unnest($1::text[], $2::jsonb[]) AS v(id, roles) WHERE p.member_id = v.id`,
    [list.map(([id]) => id), list.map(([, r]) => JSON.stringify(r))],
  );
}

/** Whether each member is suspended, and until when: the last suspension or lifting of each stays. */
async function suspend(db: PoolClient, run: RunOf<ModerationEvent, 'MemberSuspended' | 'MemberUnsuspended'>) {
  const last = new Map<string, string | null | false>();
  for (const e of run) last.set(e.data.memberId, e.type === 'MemberSuspended' ? e.data.until : false);
  const list = [...last];
  await db.query(
    `UPDATE member_profiles p SET suspended = v.suspended, suspended_until = v.until
       FROM unnest($1::text[], $2::boolean[], $3::timestamptz[]) AS v(id, suspended, until) WHERE p.member_id = v.id`,
    [list.map(([id]) => id), list.map(([, s]) => s !== false), list.map(([, s]) => (s === false ? null : s))],
  );
}

/** Member profiles: the public profile, reputation figures and roles of every member (the mentor directory). */
export const memberProfilesProjector = defineProjector<
  IdentityEvent | ModerationEvent | SessionEvent | FeedbackEvent | GamificationEvent | SwapEvent
>({
  name: 'member_profiles',
  tables: [
    'member_profiles',
    'reputation_students',
    'reputation_ratings',
    'mentor_skill_stats',
    'member_badges',
  ],
  on: {
    MemberSignedUp: applyProfiles,
    ProfileUpdated: applyProfiles,
    MemberDeleted: erase,
    RoleGranted: changeRoles,
    RoleRevoked: changeRoles,
    MemberSuspended: suspend,
    MemberUnsuspended: suspend,
    SessionCompleted: applyCompletions,
    SessionNotHeld: applyNotHeld,
    ReviewSubmitted: applyReviews,
    // Each sets one thing of a rating (its value, deleted, hidden, sealed), then the hosts' figures are recounted.
    ReviewEdited: changeRatings,
    ReviewDeleted: changeRatings,
    ContentHidden: changeRatings,
    ContentRestored: changeRatings,
    SwapReviewsRevealed: changeRatings,
    PointsAwarded: applyRewards,
    PointsWithdrawn: applyRewards,
    BadgeAwarded: applyRewards,
  },
});
