// `npm run admin -- roles grant|revoke` beside a real running server: the command returns only once the server's
// read models show the change, so the member's very next request already has (or no longer has) the role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUpProcesses,
  makeDataDir,
  type ServerProcess,
  serverEnv,
  spawnTracked,
  startServer,
  within,
} from './testing/processes.ts';

const TIMEOUT = 180_000;

let server: ServerProcess;
let cookie: string;
const email = 'moderator-to-be@example.com';

beforeAll(async () => {
  server = await startServer(await makeDataDir());
  const res = await fetch(`http://127.0.0.1:${server.port}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'a perfectly good password', displayName: 'Mo' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}, TIMEOUT);

afterAll(cleanUpProcesses, 120_000);

async function admin(...args: string[]) {
  const run = spawnTracked('npm', ['run', '--silent', 'admin', '--', ...args], {
    ...serverEnv(server.dataDir, server.port),
  });
  const { code } = await within(60_000, `admin ${args.join(' ')}`, run.exited);
  return { code, output: run.output() };
}

/** The moderation queue: 200 for a moderator, 403 for anyone else signed in. */
async function moderationQueueStatus() {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/moderation/reports`, { headers: { cookie } });
  return res.status;
}

describe('npm run admin -- roles beside a running server', () => {
  it('returns once the change shows: the member’s next request is answered with the new role', {
    timeout: TIMEOUT,
  }, async () => {
    expect(await moderationQueueStatus()).toBe(403);
    for (let round = 1; round <= 4; round++) {
      const granted = await admin('roles', 'grant', email, 'moderator');
      expect(granted.code, granted.output).toBe(0);
      expect(granted.output).toContain(`${email} is now moderator.`);
      expect(await moderationQueueStatus(), `round ${round}, right after the grant`).toBe(200);

      const revoked = await admin('roles', 'revoke', email, 'moderator');
      expect(revoked.code, revoked.output).toBe(0);
      expect(await moderationQueueStatus(), `round ${round}, right after the revoke`).toBe(403);
    }
  });
});
