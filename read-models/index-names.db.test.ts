import { beforeAll, expect, it } from 'vitest';
import type { Platform } from '../infra/platform.ts';
import { startTestPlatform } from '../infra/testing/database.ts';
import { skillswap } from '../modules/index.ts';

let app: Platform;
beforeAll(async () => {
  app = await startTestPlatform(skillswap);
});

it('keeps every index and constraint name the migrations gave, through a rebuild', async () => {
  const names = async () =>
    (
      await app.pool.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'member_profiles' ORDER BY 1`,
      )
    ).rows.map((r) => r.indexname);
  const before = await names();
  expect(before).toContain('member_profiles_by_reliable_rating');
  expect(before).toContain('member_profiles_pkey');
  await app.rebuild('member_profiles');
  expect(await names()).toEqual(before);
});
