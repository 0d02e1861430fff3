import type { PoolClient, Queryable } from '../../infra/db/index.ts';
import { type EventStore, loadState } from '../../infra/event-store/index.ts';
import { defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import { blockedSignupOf, emailHash } from './email.ts';
import { type IdentityEvent, memberStream } from './events.ts';

/** The address a member signed up with, from their own stream (erased with their key once deleted: ''). */
async function signUpEmail(store: EventStore, client: PoolClient, memberId: string) {
  const { state } = await loadState<string | null, IdentityEvent>(
    store,
    memberStream(memberId),
    { initialState: null, evolve: (email, e) => (e.type === 'MemberSignedUp' ? e.data.email : email) },
    client,
  );
  return state;
}

async function enforce(
  client: PoolClient,
  run: RunOf<ModerationEvent, 'MemberSuspended' | 'MemberUnsuspended'>,
  { store }: ReactorContext,
) {
  for (const event of run) {
    const { memberId } = event.data;
    if (event.type === 'MemberUnsuspended') {
      await client.query('DELETE FROM blocked_signups WHERE member_id = $1', [memberId]);
      continue;
    }
    await client.query(
      'UPDATE auth_sessions SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL',
      [memberId],
    );
    if (!event.data.forSpam) continue;
    const email = await signUpEmail(store, client, memberId);
    if (!email) continue;
    await client.query(
      `INSERT INTO blocked_signups (email_hash, member_id, blocked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [blockedSignupOf(await emailHash(client, email)), memberId, event.recordedAt],
    );
  }
}

/**
 * Enforces moderation's suspensions on the identity side: every sign-in session of a suspended member ends at
 * once, and the email of an account suspended for spam is barred from signing up again (until unsuspended).
 */
export const suspensionEnforcer = defineReactor<ModerationEvent>({
  name: 'identity_suspensions',
  on: { MemberSuspended: enforce, MemberUnsuspended: enforce },
});

export async function isBlockedEmail(db: Queryable, email: string) {
  const { rowCount } = await db.query('SELECT 1 FROM blocked_signups WHERE email_hash = $1', [
    blockedSignupOf(await emailHash(db, email)),
  ]);
  return (rowCount ?? 0) > 0;
}
