import type { PoolClient } from '../../infra/db/index.ts';
import { CommandRejected, runCommand } from '../../infra/event-store/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import { decide } from './decide.ts';
import { evolve, initialSession } from './session.ts';

const decider = { initialState: initialSession, evolve, decide };

export const HIDDEN_SESSIONS_REACTOR = 'sessions_hidden_by_moderation';

async function recordVisibility(
  client: PoolClient,
  run: RunOf<ModerationEvent, 'ContentHidden' | 'ContentRestored'>,
  { store }: ReactorContext,
) {
  for (const event of run) {
    if (event.data.targetType !== 'session') continue;
    const stream = `session-${event.data.targetId}`;
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [stream]);
    const hidden = event.type === 'ContentHidden';
    await runCommand(
      store,
      stream,
      decider,
      {
        type: 'RecordVisibility',
        data: { hidden, cause: event.type === 'ContentHidden' ? event.data.cause : 'moderator' },
      },
      causedBy(event, HIDDEN_SESSIONS_REACTOR),
      client,
    ).catch((err) => {
      // A session that does not exist (moderation checks that it does) has nothing to learn.
      if (!(err instanceof CommandRejected)) throw err;
    });
  }
}

/**
 * Copies moderation's verdict on a session (ContentHidden / ContentRestored in `content-session-<id>`) into
 * the session's own stream, so that the session decider refuses registering for, editing and copying hidden
 * sessions from its own state, whoever sends the command.
 *
 * Why an event and not a fact the edge reads from moderation and passes in the command: moderation depends
 * on this module (it looks up who hosts what it moderates), so a call back into moderation would close a
 * dependency cycle; facts that flow the other way travel as events, as a member's suspension does
 * (departures.ts). The rule then holds for every path that runs a session command, and for sessions hidden
 * before this reactor existed (it starts from the beginning of the log). Moderation's hide answers only once
 * this reactor has run (see its handlers), so the moderator's "hidden" and the host's next command agree.
 *
 * Exactly once: the session's event is appended in this reactor's transaction, with its checkpoint, under
 * the session stream's lock (as commands on a session take it), and recording a visibility it already has is
 * a no-op.
 */
export const hiddenSessions = defineReactor<ModerationEvent>({
  name: HIDDEN_SESSIONS_REACTOR,
  on: { ContentHidden: recordVisibility, ContentRestored: recordVisibility },
});
