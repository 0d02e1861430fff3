import type { StoredEvent } from '../../infra/event-store/index.ts';
import type { Projector } from '../../infra/projections/index.ts';
import type { IdentityEventData } from '../../modules/identity/index.ts';

type Side = 'teaches' | 'learns';

/**
 * The skill catalogue: every skill any member teaches or wants to learn, in the spelling it was first written,
 * with teacher and learner counts kept exact through skill_members (who has which skill on which side).
 */
export const skillCatalogueProjector: Projector = {
  name: 'skill_catalogue',
  kind: 'read-model',
  tables: ['skill_catalogue', 'skill_members'],
  eventTypes: ['ProfileUpdated', 'MemberDeleted'],
  handle: async (client, events: StoredEvent[]) => {
    const affected = new Set<string>();
    for (const event of events) {
      // A deleted account stops counting as a teacher or learner of anything.
      const d =
        event.type === 'MemberDeleted'
          ? { memberId: (event.data as { memberId: string }).memberId, skillsToTeach: [], skillsToLearn: [] }
          : (event.data as IdentityEventData['ProfileUpdated']);
      if (!d.skillsToTeach && !d.skillsToLearn) continue;
      const before = await client.query<{ skill_key: string }>(
        'SELECT skill_key FROM skill_members WHERE member_id = $1',
        [d.memberId],
      );
      for (const r of before.rows) affected.add(r.skill_key);
      const sides: [Side, string[] | undefined][] = [
        ['teaches', d.skillsToTeach],
        ['learns', d.skillsToLearn],
      ];
      for (const [side, skills] of sides) {
        if (!skills) continue;
        const keys = skills.map((s) => s.toLowerCase());
        for (const k of keys) affected.add(k);
        await client.query(
          `INSERT INTO skill_catalogue (skill_key, name, first_seen_at)
           SELECT k, n, $3 FROM unnest($1::text[], $2::text[]) AS s(k, n)
           ON CONFLICT (skill_key) DO NOTHING`,
          [keys, skills, event.recordedAt],
        );
        await client.query(
          `UPDATE skill_members SET ${side} = false WHERE member_id = $1 AND NOT (skill_key = ANY($2))`,
          [d.memberId, keys],
        );
        await client.query(
          `INSERT INTO skill_members (skill_key, member_id, ${side})
           SELECT k, $2, true FROM unnest($1::text[]) AS k
           ON CONFLICT (skill_key, member_id) DO UPDATE SET ${side} = true`,
          [keys, d.memberId],
        );
      }
      await client.query('DELETE FROM skill_members WHERE member_id = $1 AND NOT teaches AND NOT learns', [
        d.memberId,
      ]);
    }
    if (affected.size === 0) return;
    // Recount exactly the skills this batch touched: the ones members gained and the ones they dropped.
    await client.query(
      `UPDATE skill_catalogue c SET
          teachers = (SELECT count(*) FROM skill_members m WHERE m.skill_key = c.skill_key AND m.teaches),
          learners = (SELECT count(*) FROM skill_members m WHERE m.skill_key = c.skill_key AND m.learns)
        WHERE c.skill_key = ANY($1)`,
      [[...affected]],
    );
  },
};
