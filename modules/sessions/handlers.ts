import { randomUUID } from 'node:crypto';
import { withTransaction } from '../../infra/db/index.ts';
import {
  CommandRejected,
  type EventMetadata,
  loadState,
  runCommand,
  runCommandExclusive,
} from '../../infra/event-store/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { getProfile } from '../../read-models/member-profiles/queries.ts';
import { canonicalSpellings } from '../../read-models/skill-catalogue/queries.ts';
import { tidySkill } from '../identity/index.ts';
import { decide, type SessionCommand } from './decide.ts';
import type { ReminderKind, SessionEvent } from './events.ts';
import { occurrences } from './series.ts';
import { evolve, initialSession, type Session, type SessionDetails } from './session.ts';

export const sessionStream = (id: string) => `session-${id}`;
export const seriesStream = (id: string) => `series-${id}`;
const decider = { initialState: initialSession, evolve, decide };

export type Actor = { memberId: string; isModerator: boolean };
export type NewSession = Omit<SessionDetails, 'hostId' | 'timezone'> & { timezone?: string | undefined };

export async function loadSession(deps: Pick<Deps, 'store'>, sessionId: string): Promise<Session> {
  return (await loadState<Session, SessionEvent>(deps.store, sessionStream(sessionId), decider)).state;
}

/** The skill in the catalogue's spelling, so listings filter and group one skill under one name. */
async function canonicalSkill(deps: Deps, skill: string) {
  const tidy = tidySkill(skill);
  return (await canonicalSpellings(deps.pool, [tidy])).get(tidy.toLowerCase()) ?? tidy;
}

async function hostTimezone(deps: Deps, hostId: string, given: string | undefined) {
  return given ?? (await getProfile(deps.pool, hostId))?.timezone ?? 'UTC';
}

/**
 * Schedules a session, or with `repeat` a series of up to 12 (each occurrence its own session), all in one
 * transaction: the series exists whole or not at all.
 */
export async function scheduleSession(
  deps: Deps,
  hostId: string,
  input: NewSession,
  repeat: { everyWeeks: 1 | 2; count: number } | undefined,
  metadata: EventMetadata,
  now = new Date(),
  clonedFrom: string | null = null,
): Promise<{ sessionIds: string[]; seriesId: string | null }> {
  const timezone = await hostTimezone(deps, hostId, input.timezone);
  const details: SessionDetails = {
    ...input,
    hostId,
    timezone,
    skill: await canonicalSkill(deps, input.skill),
  };
  const starts = repeat
    ? occurrences(input.startsAt, timezone, repeat.everyWeeks, repeat.count)
    : [input.startsAt];
  const seriesId = repeat ? randomUUID() : null;
  const sessionIds = starts.map(() => randomUUID());
  const written = await withTransaction(deps.pool, async (client) => {
    const results = [];
    for (const [i, startsAt] of starts.entries()) {
      const command: SessionCommand = {
        type: 'Schedule',
        data: { sessionId: sessionIds[i]!, hostId, details: { ...details, startsAt }, seriesId, clonedFrom },
        now,
      };
      results.push(
        await runCommand(deps.store, sessionStream(sessionIds[i]!), decider, command, metadata, client),
      );
    }
    if (seriesId && repeat) {
      results.push({
        appended: await deps.store.append(
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
  await deps.settle(written[written.length - 1]!.appended!);
  return { sessionIds, seriesId };
}

/** Runs one command on one session, with the session's stream locked, and waits for the read models. */
export async function onSession(
  deps: Deps,
  sessionId: string,
  command: SessionCommand,
  metadata: EventMetadata,
) {
  const result = await runCommandExclusive(deps.store, sessionStream(sessionId), decider, command, metadata);
  if (result.appended) await deps.settle(result.appended);
  return result;
}

/** A new session with the details of `sourceId` and another start, decided by the source session's own state. */
export async function cloneSession(
  deps: Deps,
  actor: Actor,
  sourceId: string,
  startsAt: string,
  metadata: EventMetadata,
) {
  const { state: source } = await loadState<Session, SessionEvent>(
    deps.store,
    sessionStream(sourceId),
    decider,
  );
  const sessionId = randomUUID();
  const decision = decide({ type: 'Clone', data: { actor, sessionId, startsAt }, now: new Date() }, source);
  if (!Array.isArray(decision)) throw new CommandRejected(decision);
  const appended = await deps.store.append(sessionStream(sessionId), 0, decision, { metadata });
  await deps.settle(appended);
  return { sessionIds: [sessionId], seriesId: null };
}

export async function cancelSeries(
  deps: Deps,
  actor: Actor,
  seriesId: string,
  reason: string,
  metadata: EventMetadata,
) {
  const [scheduled] = await deps.store.readStream(seriesStream(seriesId));
  if (!scheduled) throw new CommandRejected({ reason: 'not_found', message: 'That series was not found.' });
  const { sessionIds, hostId } = scheduled.data as { sessionIds: string[]; hostId: string };
  if (hostId !== actor.memberId && !actor.isModerator) {
    throw new CommandRejected({
      reason: 'forbidden',
      message: 'Only the host or a moderator can cancel this series.',
    });
  }
  const cancelled: string[] = [];
  for (const id of sessionIds) {
    const session = await loadSession(deps, id);
    // Past and already cancelled occurrences stay as they are; the rest of the series is called off.
    if (session.status !== 'scheduled' || Date.parse(session.startsAt) <= Date.now()) continue;
    await onSession(deps, id, { type: 'Cancel', data: { actor, reason } }, metadata);
    cancelled.push(id);
  }
  return cancelled;
}

export async function sendReminder(deps: Deps, sessionId: string, kind: ReminderKind, startsAt: string) {
  return onSession(deps, sessionId, { type: 'SendReminder', data: { kind, startsAt } }, { actorId: null });
}
