// Email claims made the old way (streams named by an unsalted SHA-256 of the address, blocked sign-ups and the
// login throttle keyed by it) are keyed by HMAC at the next start: no stream id, blocked sign-up or throttle key
// is a plain hash of an address any more, and members notice nothing (they sign in, their address stays theirs,
// an erased member's address is free). An export of such a log is upgraded the same way when imported.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate, type Pool } from '../../infra/db/index.ts';
import { createCatalog, createEventStore, shredPersonalData } from '../../infra/event-store/index.ts';
import { type Platform, startPlatform } from '../../infra/platform.ts';
import type { Projector } from '../../infra/projections/index.ts';
import { createTestDatabase, testConfig, testLogger } from '../../infra/testing/database.ts';
import { exportEvents } from '../../scripts/admin/event-log-file.ts';
import { importEvents } from '../../scripts/admin/event-log-import.ts';
import { skillswap } from '../index.ts';
import { emailClaimsKeyed } from './email-claims-upgrade.ts';
import { hashPassword } from './passwords.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PASSWORD = 'correct horse battery staple';
const catalog = createCatalog(skillswap.modules.flatMap((m) => m.events));

// ada keeps her account, bob deleted his (his key is gone), cyd was suspended for spam.
const ADA = 'ada@example.com';
const BOB = 'bob@example.com';
const CYD = 'cyd@example.com';
const ADDRESSES = [ADA, BOB, CYD];

/** Writes members as the code before keyed hashes did: the claim stream is `email-<sha256(address)>`. */
async function signUpTheOldWay(pool: Pool, email: string): Promise<string> {
  const store = createEventStore(pool, catalog);
  const memberId = randomUUID();
  const metadata = { actorId: null };
  await store.append(`email-${sha256(email)}`, 0, [{ type: 'EmailClaimed', data: { memberId } }], {
    metadata,
  });
  await store.append(
    `member-${memberId}`,
    0,
    [
      {
        type: 'MemberSignedUp',
        data: {
          memberId,
          email,
          displayName: email.split('@')[0],
          passwordHash: await hashPassword(PASSWORD),
          timezone: 'UTC',
        },
      },
    ],
    { metadata },
  );
  return memberId;
}

/** Every place a hash of an address could sit: stream ids, blocked sign-ups, throttle keys (and events' data). */
async function keysInDatabase(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ key: string }>(
    `SELECT stream_id AS key FROM events UNION SELECT stream_id FROM streams
     UNION SELECT email_hash FROM blocked_signups UNION SELECT key FROM throttle_hits
     UNION SELECT data::text || metadata::text FROM events WHERE stream_id LIKE 'email-%'`,
  );
  return rows.map((r) => r.key);
}

function expectNoPlainHashes(keys: string[]) {
  expect(keys.length).toBeGreaterThan(0);
  for (const address of ADDRESSES) {
    expect(keys).not.toContain(`email-${sha256(address)}`);
    expect(
      keys.filter((k) => k.includes(sha256(address))),
      address,
    ).toEqual([]);
  }
}

async function login(app: Platform, email: string) {
  return app.http.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: PASSWORD } });
}

async function signUp(app: Platform, email: string) {
  return app.http.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: PASSWORD, displayName: 'Again' },
  });
}

/** The claims of this database, old and new: stream id and event types. */
async function claimStreams(pool: Pool) {
  const { rows } = await pool.query<{ stream_id: string; types: string[] }>(
    `SELECT stream_id, array_agg(type ORDER BY stream_version) AS types FROM events
      WHERE stream_id LIKE 'email-%' GROUP BY stream_id ORDER BY stream_id`,
  );
  return rows;
}

let dir: string;
let oldUrl: string;
let oldPool: Pool;
const pools: Pool[] = [];
const platforms: Platform[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skillswap-email-claims-'));
  oldUrl = await createTestDatabase();
  oldPool = createPool(oldUrl, { max: 4 });
  pools.push(oldPool);
  await migrate(oldPool);

  await signUpTheOldWay(oldPool, ADA);
  const bob = await signUpTheOldWay(oldPool, BOB);
  const cyd = await signUpTheOldWay(oldPool, CYD);
  // Bob deleted his account as the old code did: released the claim, destroyed his key.
  const store = createEventStore(oldPool, catalog);
  await store.append(`member-${bob}`, 1, [{ type: 'MemberDeleted', data: { memberId: bob } }]);
  await store.append(`email-${sha256(BOB)}`, 1, [{ type: 'EmailReleased', data: { memberId: bob } }]);
  await shredPersonalData(oldPool, bob);
  // Cyd's address is barred, and somebody failed to sign in as Ada a moment ago: both keyed by the plain hash.
  await oldPool.query(
    'INSERT INTO blocked_signups (email_hash, member_id, blocked_at) VALUES ($1, $2, now())',
    [sha256(CYD), cyd],
  );
  await oldPool.query('INSERT INTO throttle_hits (key) VALUES ($1)', [`login-failure:email:${sha256(ADA)}`]);
  // The old log as a backup, before any upgrade.
  await exportEvents(oldPool, path.join(dir, 'old.ndjson'), { keysFile: path.join(dir, 'old.keys.ndjson') });
  expect(
    (await keysInDatabase(oldPool)).filter((k) => ADDRESSES.some((a) => k.includes(sha256(a)))),
  ).toHaveLength(5);
}, 60_000);

afterAll(async () => {
  for (const p of platforms) await p.stop();
  await Promise.all(pools.map((p) => p.end()));
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the first start after the upgrade', () => {
  let app: Platform;

  beforeAll(async () => {
    app = await startPlatform(testConfig(oldUrl), testLogger(), skillswap);
    platforms.push(app);
  }, 60_000);

  // Each platform holds a few dozen connections: the next describe's start needs them back.
  afterAll(async () => {
    for (const p of platforms.splice(0)) await p.stop();
  });

  it('leaves no unsalted hash of an address in any stream id, blocked sign-up or throttle key', async () => {
    expectNoPlainHashes(await keysInDatabase(app.pool));
    const claims = await claimStreams(app.pool);
    expect(claims.map((c) => c.types)).toEqual(
      expect.arrayContaining([['EmailClaimed'], ['EmailClaimed'], ['EmailClaimed', 'EmailReleased']]),
    );
    expect(claims).toHaveLength(3);
    // Bob's address is unknowable now: his claim's new id is random, the others' are keyed hashes.
    expect(claims.filter((c) => /^email-hmac-[0-9a-f]{64}$/.test(c.stream_id))).toHaveLength(2);
    expect(claims.filter((c) => /^email-erased-[0-9a-f-]{36}$/.test(c.stream_id))).toEqual([
      expect.objectContaining({ types: ['EmailClaimed', 'EmailReleased'] }),
    ]);
    // The streams table agrees with the events.
    const { rows } = await app.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM streams s
        WHERE s.version <> (SELECT max(stream_version) FROM events e WHERE e.stream_id = s.stream_id)`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('records what it did, once', async () => {
    const { rows } = await app.pool.query<{ name: string; outcome: string }>(
      'SELECT name, outcome FROM data_upgrades',
    );
    expect(rows).toEqual([
      {
        name: emailClaimsKeyed.name,
        outcome:
          '2 email claims keyed by HMAC, 1 of erased members renamed at random; 1 blocked sign-ups keyed by HMAC, ' +
          '0 of erased members dropped; 1 login-failure counts reset',
      },
    ]);
  });

  it('still signs Ada in with her address, in any letter case', async () => {
    expect((await login(app, ADA)).statusCode).toBe(200);
    expect((await login(app, 'ADA@Example.com')).statusCode).toBe(200);
  });

  it('still refuses a second account for a claimed address (409) and a barred one (403)', async () => {
    const again = await signUp(app, ADA);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
    expect((await signUp(app, CYD)).statusCode).toBe(403);
  });

  it("lets the erased member's address sign up again", async () => {
    expect((await signUp(app, BOB)).statusCode).toBe(201);
    expect((await login(app, BOB)).statusCode).toBe(200);
    expect((await signUp(app, BOB)).statusCode).toBe(409);
    expectNoPlainHashes(await keysInDatabase(app.pool));
  });

  it('does not run again at the next start', async () => {
    const before = await claimStreams(app.pool);
    const again = await startPlatform(testConfig(oldUrl), testLogger(), skillswap);
    platforms.push(again);
    expect(await claimStreams(again.pool)).toEqual(before);
    const { rows } = await again.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM data_upgrades');
    expect(rows[0]!.n).toBe(1);
    expect((await login(again, ADA)).statusCode).toBe(200);
  });
});

describe('an export made before the upgrade, imported', () => {
  it('is keyed by HMAC as it loads: no plain hash, Ada signs in, her address stays hers, Bob’s is free', async () => {
    // As `events import` does it: the new database is migrated and upgraded (with nothing to upgrade) first.
    const url = await createTestDatabase();
    const app = await startPlatform(testConfig(url), testLogger(), skillswap, { runProjectors: false });
    await app.stop();
    const pool = createPool(url, { max: 2 });
    pools.push(pool);
    await importEvents(pool, path.join(dir, 'old.ndjson'), {
      store: createEventStore(pool, catalog),
      readModels: skillswap.readModels.filter((c): c is Projector => c.kind === 'read-model'),
      reactors: [],
      upgrades: [emailClaimsKeyed],
      keysFile: path.join(dir, 'old.keys.ndjson'),
    });
    expectNoPlainHashes(await keysInDatabase(pool));

    const restored = await startPlatform(testConfig(url), testLogger(), skillswap);
    platforms.push(restored);
    expect((await login(restored, ADA)).statusCode).toBe(200);
    expect((await signUp(restored, ADA)).statusCode).toBe(409);
    expect((await signUp(restored, BOB)).statusCode).toBe(201);
  }, 60_000);
});
