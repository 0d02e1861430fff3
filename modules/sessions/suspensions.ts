import { CommandRejected, runCommandExclusive } from '../../infra/event-store/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import { decide } from './decide.ts';
import { evolve, initialSession } from './session.ts';

const decider = { initialState: initialSession, evolve, decide };

/**
 * When moderation suspends a member, or a member deletes their account, their upcoming sessions are cancelled
 * (attendees are notified like for any cancellation). Cancelling is idempotent, so a replayed suspension changes nothing.
 */
export const suspendedHostSessions: Reactor = {
  name: 'sessions_of_suspended_hosts',
  kind: 'reactor',
  eventTypes: ['MemberSuspended', 'MemberDeleted'],
  handle: async (client, events, { store, pool }) => {
    for (const event of events) {
      // A suspension names its moderator; a deleted account cancels its own sessions, as their host.
      const { memberId, moderatorId = memberId } = event.data as { memberId: string; moderatorId?: string };
      const { rows } = await client.query<{ session_id: string }>(
        `SELECT session_id FROM session_listings WHERE host_id = $1 AND status = 'scheduled' AND starts_at > $2`,
        [memberId, event.recordedAt],
      );
      for (const { session_id } of rows) {
        await runCommandExclusive(
          pool,
          store,
          `session-${session_id}`,
          decider,
          {
            type: 'Cancel',
            data: {
              actor: { memberId: moderatorId, isModerator: true },
              reason: "The host's account was suspended.",
            },
          },
          { actorId: moderatorId, causationId: `${event.streamId}:${event.streamVersion}` },
        ).catch((err) => {
          if (!(err instanceof CommandRejected)) throw err;
        });
      }
    }
  },
};
