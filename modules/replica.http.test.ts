// Reads from a real hot standby (initdb + pg_basebackup -R with Debian's PostgreSQL, on free ports): read-only
// requests are answered from the replica, a member's own writes are never missing from their next read, and a
// replica that stops is skipped within seconds while reads go on from the primary.
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../infra/platform.ts';
import { testConfig, testLogger } from '../infra/testing/database.ts';
import { type StreamingPair, serverBinDir, startStreamingPair } from '../infra/testing/streaming-replica.ts';
import { skillswap } from './index.ts';
import { signUpAs } from './testing.ts';

const available = serverBinDir() !== null;
if (!available)
  console.warn('no PostgreSQL server programs (pg_config --bindir): the replica tests are skipped');

/** The cookies a browser would hold after `res`, merged into `jar`. */
function keep(jar: Map<string, string>, res: LightMyRequestResponse) {
  const raw = res.headers['set-cookie'];
  for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    const [pair] = c.split(';');
    const [name, value] = pair!.split('=');
    jar.set(name!, value!);
  }
}
const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

describe.skipIf(!available)('reads from a streaming replica', () => {
  let pair: StreamingPair;
  let app: Platform;
  let replicaStats: pg.Client;

  async function replicaTransactions(): Promise<number> {
    const { rows } = await replicaStats.query<{ n: string }>(
      `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = 'skillswap'`,
    );
    return Number(rows[0]!.n);
  }
  // The test's own look at the replica: a stopped replica ends it, which must not end the run.
  const statsClient = () => {
    const c = new pg.Client({ connectionString: pair.replicaUrl('skillswap') });
    c.on('error', () => {});
    return c;
  };
  const replicaStatus = async () =>
    ((await app.http.inject({ method: 'GET', url: '/healthz' })).json().replicas ?? [])[0]?.status;

  beforeAll(async () => {
    // Every write reaches the replica 30 ms late: a read of it there right away would miss it.
    pair = await startStreamingPair({ applyDelayMs: 30 });
    const admin = new pg.Client({ connectionString: pair.primaryUrl() });
    await admin.connect();
    await admin.query('CREATE DATABASE skillswap');
    await admin.end();
    app = await startPlatform(
      testConfig(pair.primaryUrl('skillswap'), {
        replicas: { urls: [pair.replicaUrl('skillswap')], maxLagMs: 5000 },
      }),
      testLogger(),
      skillswap,
    );
    replicaStats = statsClient();
    await replicaStats.connect();
    for (let i = 0; (await replicaStatus()) !== 'up'; i++) {
      if (i > 100) throw new Error('the replica never came up');
      await sleep(100);
    }
  }, 120_000);
  afterAll(async () => {
    await replicaStats?.end().catch(() => {});
    await app?.stop();
    await pair?.stop();
  });

  it('answers a member, 200 times in a row, their own write at once, reading from the replica', async () => {
    const member = await signUpAs(app);
    const jar = new Map<string, string>();
    jar.set('skillswap_session', member.cookie.split('=')[1]!);
    const before = await replicaTransactions();
    for (let i = 0; i < 200; i++) {
      const bio = `Bio number ${i}`;
      const write = await app.http.inject({
        method: 'PATCH',
        url: '/api/me/profile',
        headers: { cookie: header(jar) },
        payload: { bio },
      });
      expect(write.statusCode).toBe(200);
      keep(jar, write);
      const read = await app.http.inject({
        method: 'GET',
        url: `/api/users/${member.user.id}`,
        headers: { cookie: header(jar) },
      });
      expect(read.statusCode).toBe(200);
      expect(read.json().profile.bio, `read ${i}`).toBe(bio);
    }
    const fromReplica = (await replicaTransactions()) - before;
    // The reads went to the replica (each at least one transaction there), not quietly to the primary.
    expect(fromReplica).toBeGreaterThanOrEqual(200);
  }, 120_000);

  it('skips a stopped replica within seconds, reads going on from the primary, and uses it again once back', async () => {
    const member = await signUpAs(app);
    await pair.stopReplica();
    const started = Date.now();
    while ((await replicaStatus()) === 'up') {
      expect(Date.now() - started).toBeLessThan(5000);
      // Reads during the switch are answered all the same (the primary takes over a failed replica read).
      const res = await app.http.inject({ method: 'GET', url: `/api/users/${member.user.id}` });
      expect(res.statusCode).toBe(200);
      await sleep(50);
    }
    expect(await replicaStatus()).toBe('down');
    for (let i = 0; i < 20; i++) {
      const res = await app.http.inject({ method: 'GET', url: `/api/users/${member.user.id}?n=${i}` });
      expect(res.statusCode).toBe(200);
    }
    await pair.startReplica();
    await replicaStats.end().catch(() => {});
    replicaStats = statsClient();
    await replicaStats.connect();
    for (let i = 0; (await replicaStatus()) !== 'up'; i++) {
      expect(i).toBeLessThan(100);
      await sleep(100);
    }
  }, 60_000);
});
