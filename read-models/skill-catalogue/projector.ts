import type { PoolClient } from '../../infra/db/index.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';

type Side = 'teaches' | 'learns';

/**
 * A run of profile changes and deletions, with the result of applying its events one by one: each member's rows
 * are read once, every event is folded in memory, and the rows are written back once (a rebuild did seven round
 * trips per profile change). New skills keep the spelling and time of their first appearance, in log order.
 */
async function countSkills(
  client: PoolClient,
  run: RunOf<IdentityEvent, 'ProfileUpdated' | 'MemberDeleted'>,
) {
  const changes = run
    .map((event) => ({
      event,
      // A deleted account stops counting as a teacher or learner of anything.
      d:
        event.type === 'MemberDeleted'
          ? { memberId: event.data.memberId, skillsToTeach: [], skillsToLearn: [] }
          : event.data,
    }))
    .filter(({ d }) => d.skillsToTeach || d.skillsToLearn);
  if (changes.length === 0) return;
  const members = [...new Set(changes.map(({ d }) => d.memberId))];
  const { rows } = await client.query<{
    member_id: string;
    skill_key: string;
    teaches: boolean;
    learns: boolean;
  }>('SELECT member_id, skill_key, teaches, learns FROM skill_members WHERE member_id = ANY($1)', [members]);
  const state = new Map(members.map((m) => [m, new Map<string, Record<Side, boolean>>()]));
  for (const r of rows) state.get(r.member_id)!.set(r.skill_key, { teaches: r.teaches, learns: r.learns });
  const affected = new Set<string>();
  const firstSeen: { key: string; name: string; at: Date }[] = [];
  for (const { event, d } of changes) {
    const mine = state.get(d.memberId)!;
    for (const k of mine.keys()) affected.add(k);
    const sides: [Side, string[] | undefined][] = [
      ['teaches', d.skillsToTeach],
      ['learns', d.skillsToLearn],
    ];
    for (const [side, skills] of sides) {
      if (!skills) continue;
      const keys = skills.map((s) => s.toLowerCase());
      skills.forEach((name, i) => {
        affected.add(keys[i]!);
        firstSeen.push({ key: keys[i]!, name, at: event.recordedAt });
      });
      for (const [k, row] of mine) if (!keys.includes(k)) row[side] = false;
      for (const k of keys) {
        const row = mine.get(k) ?? { teaches: false, learns: false };
        row[side] = true;
        mine.set(k, row);
      }
    }
    for (const [k, row] of mine) if (!row.teaches && !row.learns) mine.delete(k);
  }
  await client.query(
    `INSERT INTO skill_catalogue (skill_key, name, first_seen_at)
       SELECT k, n, a FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS s(k, n, a, i) ORDER BY i
       ON CONFLICT (skill_key) DO NOTHING`,
    [firstSeen.map((f) => f.key), firstSeen.map((f) => f.name), firstSeen.map((f) => f.at)],
  );
  const final = [...state].flatMap(([m, mine]) => [...mine].map(([k, row]) => ({ m, k, ...row })));
  await client.query('DELETE FROM skill_members WHERE member_id = ANY($1)', [members]);
  await client.query(
    `INSERT INTO skill_members (skill_key, member_id, teaches, learns)
       SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::boolean[])`,
    [final.map((f) => f.k), final.map((f) => f.m), final.map((f) => f.teaches), final.map((f) => f.learns)],
  );
  if (affected.size === 0) return;
  // Recount exactly the skills this batch touched: the ones members gained and the ones they dropped.
  await client.query(
    `UPDATE skill_catalogue c SET
          teachers = (SELECT count(*) FROM skill_members m WHERE m.skill_key = c.skill_key AND m.teaches),
          learners = (SELECT count(*) FROM skill_members m WHERE m.skill_key = c.skill_key AND m.learns)
        WHERE c.skill_key = ANY($1)`,
    [[...affected]],
  );
}

/**
 * The skill catalogue: every skill any member teaches or wants to learn, in the spelling it was first written,
 * with teacher and learner counts kept exact through skill_members (who has which skill on which side).
 */
export const skillCatalogueProjector = defineProjector<IdentityEvent>({
  name: 'skill_catalogue',
  tables: ['skill_catalogue', 'skill_members'],
  on: { ProfileUpdated: countSkills, MemberDeleted: countSkills },
});
