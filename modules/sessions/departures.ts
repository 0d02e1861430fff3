import type { PoolClient } from '../../infra/db/index.ts';
import { type EventMetadata, type EventStore, loadState } from '../../infra/event-store/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../identity/events.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import { decide, type SessionCommand } from './decide.ts';
import type { SessionEvent } from './events.ts';
import { evolve, initialSession, type Session } from './session.ts';

const decider = { initialState: initialSession, evolve, decide };

/** Sessions that can no longer change hands: nothing to release there. */
const ENDED = ['SessionCompleted', 'SessionCancelled'];

const HOST_LEFT = 'The host has left SkillSwap.';
const HOST_SUSPENDED = "The host's account was suspended.";

type Departure = RunOf<ModerationEvent | IdentityEvent, 'MemberSuspended' | 'MemberDeleted'>;

/** The sessions a member hosts and those they hold a seat or a waitlist place in, found in the log itself. */
async function sessionsOf(store: EventStore, client: PoolClient, memberId: string) {
  const hosted = await store.streamsWhere(
    { types: ['SessionScheduled'], field: 'hostId', value: memberId, unless: ENDED },
    client,
  );
  const held = await store.streamsWhere(
    { types: ['MemberRegistered', 'MemberWaitlisted'], field: 'memberId', value: memberId, unless: ENDED },
    client,
  );
  return { hosted, held };
}

/** One command on a session still to come, in the reactor's transaction; a refusal means nothing is left to do. */
async function onUpcoming(
  store: EventStore,
  client: PoolClient,
  streamId: string,
  command: SessionCommand,
  metadata: EventMetadata,
  now: Date,
) {
  const { state, version } = await loadState<Session, SessionEvent>(store, streamId, decider, client);
  if (state.status !== 'scheduled' || Date.parse(state.startsAt) <= now.getTime()) return;
  const decision = decide(command, state);
  if (!Array.isArray(decision) || decision.length === 0) return;
  await store.append(streamId, version, decision, { metadata, client });
}

/**
 * When a member deletes their account or is suspended, what they held in sessions still to come goes: their
 * seats and waitlist places are released as if they had left (the waitlist moves up and the promoted member is
 * told), the sessions they host are cancelled (attendees are told, with the reason), and their calendar feed
 * URL stops working (after a suspension is lifted the member gets a new one). Sessions under way or over stay as
 * they were: that is history.
 *
 * The commands are appended in the transaction that moves this reactor's checkpoint, each with its session's
 * stream locked as every session command locks it: they land exactly once. All the locks are taken before the
 * first write, so no session command can commit between this transaction getting its id and its append (the
 * event store refuses a stream whose order would go backwards).
 */
export const memberDepartures = defineReactor<ModerationEvent | IdentityEvent>({
  name: 'member_departures',
  on: { MemberSuspended: depart, MemberDeleted: depart },
});

async function depart(client: PoolClient, run: Departure, { store }: ReactorContext) {
  const plans = [];
  for (const event of run) {
    plans.push({ event, ...(await sessionsOf(store, client, event.data.memberId)) });
  }
  const streams = [...new Set(plans.flatMap((p) => [...p.hosted, ...p.held]))].sort();
  for (const stream of streams) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stream]);
  const now = new Date();
  for (const { event, hosted, held } of plans) {
    const { memberId } = event.data;
    const suspended = event.type === 'MemberSuspended';
    // A suspension names its moderator; a member who leaves cancels their own sessions, as their host.
    const actor = suspended
      ? { memberId: event.data.moderatorId, isModerator: true }
      : { memberId, isModerator: false };
    const metadata = causedBy(event, 'member_departures', actor.memberId);
    const reason = suspended ? HOST_SUSPENDED : HOST_LEFT;
    const cancel: SessionCommand = { type: 'Cancel', data: { actor, reason } };
    for (const stream of hosted) await onUpcoming(store, client, stream, cancel, metadata, now);
    // Released, not left: a seat given up by a deletion or a suspension is never a no-show.
    const leave: SessionCommand = { type: 'Unregister', data: { memberId, lateLeaveHours: null }, now };
    for (const stream of held) await onUpcoming(store, client, stream, leave, metadata, now);
    await client.query('DELETE FROM calendar_feeds WHERE member_id = $1', [memberId]);
  }
}
