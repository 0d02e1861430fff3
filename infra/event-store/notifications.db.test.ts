import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../db/index.ts';
import { createTestDatabase } from '../testing/database.ts';
import { startFaultyLink } from '../testing/proxy.ts';
import { listenForAppends } from './notifications.ts';

// The one LISTEN connection of a process against a database that goes away and comes back.

let url: string;
let direct: Pool;

beforeAll(async () => {
  url = await createTestDatabase();
  direct = createPool(url, { max: 1, applicationName: 'notifications-test' });
});
afterAll(() => direct.end());

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

describe('the append listener', () => {
  it('replaces a lost connection, retrying while the database refuses, and hears appends again', async () => {
    const link = await startFaultyLink(url);
    const lost: Error[] = [];
    const signal = await listenForAppends(link.url, { onLost: (err) => lost.push(err) });
    /** A NOTIFY from another connection (another process appending) wakes this process's waiters. */
    const hears = async () => {
      const seen = signal.seen();
      await direct.query(`SELECT pg_notify('skillswap_events', '')`);
      await until(() => signal.seen() !== seen, 3000);
    };
    try {
      await hears();
      // Lost, and every new connection refused for a while: several attempts fail.
      await link.cut();
      await until(() => lost.length >= 3);
      await expect(signal.notify()).rejects.toThrow();
      await link.restore();
      await until(() =>
        signal.notify().then(
          () => true,
          () => false,
        ),
      );
      await sleep(200);
      await hears();

      // Ended by the server itself (pg_terminate_backend, as a restart does): replaced again.
      const before = lost.length;
      await direct.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'skillswap-listener' AND datname = current_database()`,
      );
      await until(() => lost.length > before);
      await until(() =>
        signal.notify().then(
          () => true,
          () => false,
        ),
      );
      await sleep(200);
      await hears();
    } finally {
      await signal.close();
      await link.close();
    }
  });

  it('closes for good: no reconnect after close, even with the connection lost meanwhile', async () => {
    const signal = await listenForAppends(url);
    await signal.close();
    await direct.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'skillswap-listener' AND datname = current_database()`,
    );
    await sleep(1000);
    const { rows } = await direct.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = 'skillswap-listener' AND datname = current_database()`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
