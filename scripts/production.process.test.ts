// The real server in production mode (NODE_ENV=production, TRUST_PROXY=1, as behind the reverse proxy of a
// deployment): no demo community even when SEED_DEMO asks for it, JSON log lines, and a session cookie that is
// Secure exactly when the proxy says the request came over https.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachOrStartEmbedded, createPool } from '../infra/db/index.ts';
import { cleanUpProcesses, makeDataDir, type ServerProcess, startServer } from './testing/processes.ts';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer(await makeDataDir(), { env: { TRUST_PROXY: '1', SEED_DEMO: '1' } });
}, 120_000);
afterAll(cleanUpProcesses, 60_000);

async function signUp(email: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${server.port}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password: 'a perfectly good password', displayName: 'Prod Tester' }),
  });
}

describe('a production server', () => {
  it('creates no demo community on an empty embedded database, even with SEED_DEMO=1', async () => {
    const pg = await attachOrStartEmbedded(server.dataDir);
    expect(pg.owned).toBe(false);
    const pool = createPool(pg.url, { max: 1 });
    try {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*) AS n FROM events');
      expect(rows[0]!.n).toBe(0);
    } finally {
      await pool.end();
    }
    expect(server.output()).not.toContain('demo community');
  });

  it('behind a trusted proxy that says https, sets the session cookie Secure (and HttpOnly, SameSite=Lax)', async () => {
    const res = await signUp('secure@example.com', { 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^skillswap_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    // HSTS only makes sense where https is the rule: it is on with TRUST_PROXY=1.
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('over plain http (no X-Forwarded-Proto), sets the cookie without Secure, so local http still signs in', async () => {
    const res = await signUp('plain@example.com');
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^skillswap_session=/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('logs JSON lines only (pino: level, time, msg), with the request id on request lines', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    for (const entry of parsed)
      expect(entry).toMatchObject({ level: expect.any(Number), time: expect.any(Number) });
    expect(parsed.some((e) => typeof e.msg === 'string' && e.msg.startsWith('SkillSwap is at'))).toBe(true);
    expect(parsed.some((e) => typeof e.reqId === 'string')).toBe(true);
  });
});
