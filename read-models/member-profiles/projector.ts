import type { PoolClient } from '../../infra/db/index.ts';
import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import { DELETED_NAME, type IdentityEventData } from '../../modules/identity/index.ts';
import { inRuns } from '../shared/runs.ts';
import { applyCompletions, applyProfiles, applyReviews, applyRewards, RUN_GROUPS } from './batches.ts';
import { applyReputation, REPUTATION_EVENTS } from './reputation.ts';

const PROFILE_COLUMNS = {
  displayName: 'display_name',
  bio: 'bio',
  avatarUrl: 'avatar_url',
  skillsToTeach: 'skills_to_teach',
  skillsToLearn: 'skills_to_learn',
  timezone: 'timezone',
} as const;

async function apply(client: PoolClient, event: StoredEvent) {
  switch (event.type) {
    case 'MemberSignedUp': {
      const d = event.data as IdentityEventData['MemberSignedUp'];
      await client.query(
        `INSERT INTO member_profiles (member_id, email, display_name, timezone, joined_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (member_id) DO NOTHING`,
        [d.memberId, d.email, d.displayName, d.timezone, event.recordedAt],
      );
      return d.memberId;
    }
    case 'ProfileUpdated': {
      const d = event.data as IdentityEventData['ProfileUpdated'];
      const sets: string[] = [];
      const values: unknown[] = [d.memberId];
      for (const [field, column] of Object.entries(PROFILE_COLUMNS)) {
        const value = d[field as keyof typeof PROFILE_COLUMNS];
        if (value === undefined) continue;
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      }
      if (d.skillsToTeach) {
        values.push(d.skillsToTeach.map((s) => s.toLowerCase()));
        sets.push(`teach_keys = $${values.length}`);
      }
      if (sets.length > 0) {
        await client.query(`UPDATE member_profiles SET ${sets.join(', ')} WHERE member_id = $1`, values);
      }
      return d.memberId;
    }
    case 'RoleGranted': {
      const d = event.data as IdentityEventData['RoleGranted'];
      await client.query(
        `UPDATE member_profiles SET roles = array_append(array_remove(roles, $2), $2) WHERE member_id = $1`,
        [d.memberId, d.role],
      );
      return null;
    }
    case 'MemberDeleted': {
      // Nothing personal stays: the row remains so that history (hosted sessions, ratings) still adds up.
      const d = event.data as { memberId: string };
      await client.query(
        `UPDATE member_profiles SET email = '', display_name = $2, bio = '', avatar_url = NULL, skills_to_teach = '{}',
           skills_to_learn = '{}', teach_keys = '{}' WHERE member_id = $1`,
        [d.memberId, DELETED_NAME],
      );
      // Touched, so its search terms are recomputed from the cleared fields, in a rebuild as live.
      return d.memberId;
    }
    case 'MemberSuspended':
    case 'MemberUnsuspended': {
      const d = event.data as { memberId: string; until?: string | null };
      await client.query(
        'UPDATE member_profiles SET suspended = $2, suspended_until = $3 WHERE member_id = $1',
        [
          d.memberId,
          event.type === 'MemberSuspended',
          event.type === 'MemberSuspended' ? (d.until ?? null) : null,
        ],
      );
      return null;
    }
    case 'RoleRevoked': {
      const d = event.data as IdentityEventData['RoleRevoked'];
      await client.query(`UPDATE member_profiles SET roles = array_remove(roles, $2) WHERE member_id = $1`, [
        d.memberId,
        d.role,
      ]);
      return null;
    }
  }
  return null;
}

/** Member profiles: the public profile, reputation figures and roles of every member (the mentor directory). */
export const memberProfilesProjector: Projector = {
  name: 'member_profiles',
  kind: 'read-model',
  tables: [
    'member_profiles',
    'reputation_students',
    'reputation_ratings',
    'mentor_skill_stats',
    'member_badges',
  ],
  eventTypes: [
    'MemberSignedUp',
    'ProfileUpdated',
    'RoleGranted',
    'RoleRevoked',
    'MemberSuspended',
    'MemberUnsuspended',
    'MemberDeleted',
    ...REPUTATION_EVENTS,
  ],
  handle: async (client, events) => {
    const touched = new Set<string>();
    await inRuns(
      events,
      RUN_GROUPS,
      async (run, group) => {
        if (group === 'profiles') for (const id of await applyProfiles(client, run)) touched.add(id);
        else if (group === 'rewards') await applyRewards(client, run);
        else if (group === 'reviews') await applyReviews(client, run);
        else await applyCompletions(client, run);
      },
      async (event) => {
        if (REPUTATION_EVENTS.includes(event.type)) return applyReputation(client, event);
        const id = await apply(client, event);
        if (id) touched.add(id);
      },
    );
    if (touched.size === 0) return;
    // Full-text search over name (most weight), skills, then bio.
    await client.query(
      `UPDATE member_profiles SET search =
          setweight(to_tsvector('simple', display_name), 'A')
       || setweight(to_tsvector('english', array_to_string(skills_to_teach || skills_to_learn, ' ')), 'B')
       || setweight(to_tsvector('english', bio), 'C')
       WHERE member_id = ANY($1)`,
      [[...touched]],
    );
  },
};
