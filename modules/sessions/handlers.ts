import { randomUUID } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { CommandContext } from '../../infra/deps.ts';
import {
  CommandRejected,
  type EventMetadata,
  type EventStore,
  loadState,
  readStreamOf,
  runCommand,
  runCommandExclusive,
} from '../../infra/event-store/index.ts';
import { decide, type SessionCommand } from './decide.ts';
import type { ReminderKind, SessionEvent } from './events.ts';
import { occurrences } from './series.ts';
import { evolve, initialSession, type Session, type SessionDetails } from './session.ts';

export const sessionStream = (id: string) => `session-${id}`;
export const seriesStream = (id: string) => `series-${id}`;
const decider = { initialState: initialSession, evolve, decide };

export type Actor = { memberId: string; isModerator: boolean };

/** A session to schedule, complete: the edge has filled in the host's time zone and the skill's spelling. */
export type NewSession = {
  hostId: string;
  details: Omit<SessionDetails, 'hostId'>;
  /** A series: this many sessions, every week or every other week, at the same local time. */
  repeat?: { everyWeeks: 1 | 2; count: number } | undefined;
  now: Date;
};

export async function loadSession(ctx: Pick<CommandContext, 'store'>, sessionId: string): Promise<Session> {
  return (await loadState<Session, SessionEvent>(ctx.store, sessionStream(sessionId), decider)).state;
}

/**
 * Schedules a session, or with `repeat` a series of up to 12 (each occurrence its own session), all in one
 * transaction: the series exists whole or not at all.
 */
export async function scheduleSession(
  ctx: CommandContext,
  { hostId, details: given, repeat, now }: NewSession,
  metadata: EventMetadata,
): Promise<{ sessionIds: string[]; seriesId: string | null }> {
  const details: SessionDetails = { ...given, hostId };
  const starts = repeat
    ? occurrences(details.startsAt, details.timezone, repeat.everyWeeks, repeat.count)
    : [details.startsAt];
  const seriesId = repeat ? randomUUID() : null;
  const sessionIds = starts.map(() => randomUUID());
  const written = await ctx.store.transaction(async (client) => {
    const results = [];
    for (const [i, startsAt] of starts.entries()) {
      const command: SessionCommand = {
        type: 'Schedule',
        data: {
          sessionId: sessionIds[i]!,
          hostId,
          details: { ...details, startsAt },
          seriesId,
          clonedFrom: null,
          swap: null,
        },
        now,
      };
      results.push(
        await runCommand(ctx.store, sessionStream(sessionIds[i]!), decider, command, metadata, client),
      );
    }
    if (seriesId && repeat) {
      results.push({
        appended: await ctx.store.append(
          seriesStream(seriesId),
          0,
          [
            {
              type: 'SeriesScheduled',
              data: { seriesId, hostId, everyWeeks: repeat.everyWeeks, sessionIds },
            },
          ],
          { metadata, client },
        ),
      });
    }
    return results;
  });
  await ctx.waitForReadModels(written[written.length - 1]!.appended!);
  return { sessionIds, seriesId };
}

/** A swap's session to schedule: `hostId` teaches `swap.partnerId`; the edge has filled in zone and skill. */
export type NewSwapSession = {
  sessionId: string;
  hostId: string;
  details: Omit<SessionDetails, 'hostId' | 'capacity'>;
  swap: { swapId: string; partnerId: string };
  now: Date;
};

/**
 * Schedules a swap's session with its partner registered, in the caller's transaction: the swap decides in the
 * same transaction that it may have this session, so both streams change together or neither does.
 */
export async function appendSwapSession(
  store: EventStore,
  client: PoolClient,
  { sessionId, hostId, details, swap, now }: NewSwapSession,
  metadata: EventMetadata,
) {
  const command: SessionCommand = {
    type: 'Schedule',
    data: {
      sessionId,
      hostId,
      details: { ...details, hostId, capacity: 1 },
      seriesId: null,
      clonedFrom: null,
      swap,
    },
    now,
  };
  const { appended } = await runCommand(store, sessionStream(sessionId), decider, command, metadata, client);
  return appended!;
}

/** Runs one command on one session, with the session's stream locked, and waits for the read models. */
export async function runSessionCommand(
  ctx: CommandContext,
  sessionId: string,
  command: SessionCommand,
  metadata: EventMetadata,
) {
  const result = await runCommandExclusive(ctx.store, sessionStream(sessionId), decider, command, metadata);
  if (result.appended) await ctx.waitForReadModels(result.appended);
  return result;
}

/** A new session with the details of `sourceId` and another start, decided by the source session's own state. */
export async function cloneSession(
  ctx: CommandContext,
  actor: Actor,
  sourceId: string,
  startsAt: string,
  metadata: EventMetadata,
) {
  const { state: source } = await loadState<Session, SessionEvent>(
    ctx.store,
    sessionStream(sourceId),
    decider,
  );
  const sessionId = randomUUID();
  const decision = decide({ type: 'Clone', data: { actor, sessionId, startsAt }, now: ctx.now() }, source);
  if (!Array.isArray(decision)) throw new CommandRejected(decision);
  const appended = await ctx.store.append(sessionStream(sessionId), 0, decision, { metadata });
  await ctx.waitForReadModels(appended);
  return { sessionIds: [sessionId], seriesId: null };
}

export async function cancelSeries(
  ctx: CommandContext,
  actor: Actor,
  seriesId: string,
  reason: string,
  metadata: EventMetadata,
) {
  const [scheduled] = await readStreamOf<SessionEvent>(ctx.store, seriesStream(seriesId));
  if (scheduled?.type !== 'SeriesScheduled')
    throw new CommandRejected({ reason: 'not_found', message: 'That series was not found.' });
  const { sessionIds, hostId } = scheduled.data;
  if (hostId !== actor.memberId && !actor.isModerator) {
    throw new CommandRejected({
      reason: 'forbidden',
      message: 'Only the host or a moderator can cancel this series.',
    });
  }
  const cancelled: string[] = [];
  for (const id of sessionIds) {
    const session = await loadSession(ctx, id);
    // Past and already cancelled occurrences stay as they are; the rest of the series is called off.
    if (session.status !== 'scheduled' || Date.parse(session.startsAt) <= ctx.now().getTime()) continue;
    await runSessionCommand(ctx, id, { type: 'Cancel', data: { actor, reason } }, metadata);
    cancelled.push(id);
  }
  return cancelled;
}

export async function sendReminder(
  ctx: CommandContext,
  sessionId: string,
  kind: ReminderKind,
  startsAt: string,
) {
  return runSessionCommand(
    ctx,
    sessionId,
    { type: 'SendReminder', data: { kind, startsAt }, now: ctx.now() },
    { actorId: null },
  );
}

/** A day after a session's end (its job): records it as not held unless its host completed it. */
export async function recordNotHeld(ctx: CommandContext, sessionId: string) {
  return runSessionCommand(ctx, sessionId, { type: 'RecordNotHeld', now: ctx.now() }, { actorId: null });
}

/** The member has seen these notifications (all of theirs when `ids` is null). */
export async function markNotificationsRead(
  ctx: CommandContext,
  memberId: string,
  ids: string[] | null,
  metadata: EventMetadata,
) {
  return ctx.store.append(
    `inbox-${memberId}`,
    'any',
    [{ type: 'NotificationsRead', data: { memberId, ids } }],
    {
      metadata,
    },
  );
}

/**
 * The join link: records that the host or a registered member joined (once) and answers the meeting URL, which
 * the session's own state holds (the decider has just let this member in).
 */
export async function joinSession(
  ctx: CommandContext,
  sessionId: string,
  memberId: string,
  metadata: EventMetadata,
): Promise<{ meetingUrl: string }> {
  const { state } = await runSessionCommand(
    ctx,
    sessionId,
    { type: 'Join', data: { memberId }, now: ctx.now() },
    metadata,
  );
  if (state.status === 'none')
    throw new CommandRejected({ reason: 'not_found', message: 'That session was not found.' });
  return { meetingUrl: state.meetingUrl };
}
