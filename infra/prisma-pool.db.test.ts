// Prisma's typed client runs on the one shared pool: its queries wait for a connection like every other request,
// and it never opens connections of its own (issue 14: a second pool of 10 nobody used).
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { AppDefinition } from './deps.ts';
import { startTestPlatform } from './testing/database.ts';

const nothing: AppDefinition = { modules: [], readModels: [], authenticate: () => async () => null };

it('given every connection of the shared pool in use, then a Prisma query waits until one is given back', async () => {
  const platform = await startTestPlatform(nothing, { runProjectors: false });
  const held = await Promise.all(
    Array.from({ length: platform.pool.options.max }, () => platform.pool.connect()),
  );
  let answered = false;
  const query = platform.prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`.then((rows) => {
    answered = true;
    return rows;
  });
  await sleep(500);
  expect(answered).toBe(false);
  for (const client of held) client.release();
  expect(await query).toEqual([{ one: 1 }]);
});
