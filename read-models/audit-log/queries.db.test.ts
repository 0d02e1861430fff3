// The audit log's query on its own table: newest first, and pages that together hold every entry exactly once,
// also when entries share a time (one transaction) or fall within one millisecond.
import { beforeAll, describe, expect, it } from 'vitest';
import { BadCursorError } from '../../infra/http/cursor.ts';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { auditLog } from './queries.ts';

let app: Platform;

// [entry id, time]: three share one time to the microsecond, two more are in that same millisecond.
const ENTRIES: [string, string][] = [
  ['a:1', '2026-03-01T10:00:00.000000Z'],
  ['b:1', '2026-03-01T10:00:01.123456Z'],
  ['c:1', '2026-03-01T10:00:01.123456Z'],
  ['d:1', '2026-03-01T10:00:01.123456Z'],
  ['e:1', '2026-03-01T10:00:01.123900Z'],
  ['f:1', '2026-03-01T10:00:01.123100Z'],
  ['g:1', '2026-03-01T10:00:02.500000Z'],
];

beforeAll(async () => {
  // Only the migrated tables are needed: no modules, no projectors (a read model's test does not load the app).
  app = await startTestPlatform(
    { modules: [], readModels: [], authenticate: () => async () => null },
    { runProjectors: false },
  );
  for (const [i, [id, at]] of ENTRIES.entries()) {
    await app.pool.query(
      `INSERT INTO audit_log (entry_id, position, at, actor_id, action, target_type, target_id, note)
       VALUES ($1, $2, $3, NULL, 'report.dismiss', 'user', 'u1', '')`,
      [id, i + 1, at],
    );
  }
});

describe('auditLog', () => {
  it('given one page of everything, then newest first, ties by entry id (descending)', async () => {
    const { items, nextCursor } = await auditLog(app.pool, 100);
    expect(items.map((e) => e.id)).toEqual(['g:1', 'e:1', 'd:1', 'c:1', 'b:1', 'f:1', 'a:1']);
    expect(nextCursor).toBeNull();
  });

  it.each([1, 2, 3])(
    'given pages of %i, then every entry comes exactly once, in the same order',
    async (limit) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await auditLog(app.pool, limit, cursor);
        seen.push(...page.items.map((e) => e.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(['g:1', 'e:1', 'd:1', 'c:1', 'b:1', 'f:1', 'a:1']);
    },
  );

  it('given a cursor that is not ours, then BadCursorError', async () => {
    await expect(auditLog(app.pool, 5, 'bm9wZQ')).rejects.toBeInstanceOf(BadCursorError);
    await expect(auditLog(app.pool, 5, Buffer.from('[1,2]').toString('base64url'))).rejects.toBeInstanceOf(
      BadCursorError,
    );
    // Well formed, but not a time PostgreSQL can read: refused here, not a cast error (500) in SQL.
    const notATime = Buffer.from('["not a time","a:1"]').toString('base64url');
    await expect(auditLog(app.pool, 5, notATime)).rejects.toBeInstanceOf(BadCursorError);
    const noSuchDay = Buffer.from('["2026-02-30T10:00:00.000000Z","a:1"]').toString('base64url');
    await expect(auditLog(app.pool, 5, noSuchDay)).rejects.toBeInstanceOf(BadCursorError);
  });
});
