// Migration 0033 fills the new hours taught and learned from the sessions completed before it, counting only
// what the member_profiles projector had applied: what it applies afterwards it counts itself, so nothing counts
// twice.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startTestPlatform } from '../infra/testing/database.ts';
import { member, pastSession, untilCaughtUp } from '../modules/gamification/testing.ts';
import { skillswap } from '../modules/index.ts';

const backfill = readFileSync(
  new URL('./migrations/0033_hours_taught_learned/migration.sql', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => !line.startsWith('ALTER TABLE') && !line.startsWith('  ADD COLUMN'))
  .join('\n');

it('given sessions completed before the migration, then each member has the hours the projector would give', async () => {
  const app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  const [host, ada, ben] = await Promise.all(['Host', 'Ada', 'Ben'].map((n) => member(app, n)));
  await pastSession(app, host!, '2025-03-03T10:00:00Z', 'Baking', [ada!, ben!], [ada!]);
  await pastSession(app, host!, '2025-03-10T10:00:00Z', 'Baking', [ada!, ben!]);
  await untilCaughtUp(app);
  // The projectors stand still from here: the checkpoint is moved by hand below, as a migration finds it.
  await app.runner.stop();
  const hours = async () =>
    (
      await app.pool.query<{ member_id: string; minutes_taught: number; minutes_learned: number }>(
        'SELECT member_id, minutes_taught, minutes_learned FROM member_profiles WHERE member_id = ANY($1) ORDER BY member_id',
        [[host!.id, ada!.id, ben!.id]],
      )
    ).rows;
  const projected = await hours();
  expect(projected.find((r) => r.member_id === ada!.id)).toMatchObject({
    minutes_taught: 0,
    minutes_learned: 120,
  });
  expect(projected.find((r) => r.member_id === ben!.id)).toMatchObject({ minutes_learned: 60 });
  expect(projected.find((r) => r.member_id === host!.id)).toMatchObject({ minutes_taught: 120 });

  // As before the migration: no hours yet, and the projector's checkpoint one session short of the log's end.
  await app.pool.query('UPDATE member_profiles SET minutes_taught = 0, minutes_learned = 0');
  const { rows } = await app.pool.query<{ tx: string; pos: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS pos FROM events
      WHERE type = 'SessionCompleted' ORDER BY transaction_id, global_position`,
  );
  const last = rows.at(-1)!;
  await app.pool.query(
    `UPDATE projection_checkpoints SET transaction_id = $1::xid8, position = $2 WHERE name = 'member_profiles'`,
    [rows[0]!.tx, rows[0]!.pos],
  );
  await app.pool.query(backfill);
  const afterFirst = await hours();
  expect(afterFirst.find((r) => r.member_id === host!.id)).toMatchObject({ minutes_taught: 60 });
  expect(afterFirst.find((r) => r.member_id === ben!.id)).toMatchObject({ minutes_learned: 0 });
  // With the checkpoint at the end, the figures are the projector's.
  await app.pool.query(
    `UPDATE projection_checkpoints SET transaction_id = $1::xid8, position = $2 WHERE name = 'member_profiles'`,
    [last.tx, last.pos],
  );
  await app.pool.query(backfill);
  expect(await hours()).toEqual(projected);
  await app.stop();
});
