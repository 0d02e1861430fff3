import type { Queryable } from '../../infra/db/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import { blockedSignupOf, emailHash } from './email.ts';

/**
 * Enforces moderation's suspensions on the identity side: every sign-in session of a suspended member ends at
 * once, and the email of an account suspended for spam is barred from signing up again (until unsuspended).
 */
export const suspensionEnforcer: Reactor = {
  name: 'identity_suspensions',
  kind: 'reactor',
  eventTypes: ['MemberSuspended', 'MemberUnsuspended'],
  handle: async (client, events, { store }) => {
    for (const event of events) {
      const d = event.data as { memberId: string; forSpam?: boolean };
      if (event.type === 'MemberUnsuspended') {
        await client.query('DELETE FROM blocked_signups WHERE member_id = $1', [d.memberId]);
        continue;
      }
      await client.query(
        'UPDATE auth_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL',
        [d.memberId],
      );
      if (!d.forSpam) continue;
      const [signedUp] = await store.readStream(`member-${d.memberId}`, client);
      const email = (signedUp?.data as { email?: string } | undefined)?.email;
      if (!email) continue;
      await client.query(
        `INSERT INTO blocked_signups (email_hash, member_id, blocked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [blockedSignupOf(await emailHash(client, email)), d.memberId, event.recordedAt],
      );
    }
  },
};

export async function isBlockedEmail(db: Queryable, email: string) {
  const { rowCount } = await db.query('SELECT 1 FROM blocked_signups WHERE email_hash = $1', [
    blockedSignupOf(await emailHash(db, email)),
  ]);
  return (rowCount ?? 0) > 0;
}
