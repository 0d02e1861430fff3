import type { PoolClient } from '../../infra/db/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { SessionEvent } from '../sessions/events.ts';
import { loadSession } from '../sessions/index.ts';
import { recordSwapSession } from './handlers.ts';

type Outcome = RunOf<SessionEvent, 'SessionCompleted' | 'SessionCancelled' | 'SessionNotHeld'>;

const OUTCOME = {
  SessionCompleted: 'completed',
  SessionCancelled: 'cancelled',
  SessionNotHeld: 'not_held',
} as const;

/**
 * What became of a swap's sessions, recorded on the swap: a completed one counts towards the swap's completion, a
 * cancelled or not-held one is dropped (its host may schedule another). Which swap a session belongs to is in the
 * session's own stream (SessionScheduled v2), so nothing here trails a read model. The records are appended in the
 * transaction that moves this reactor's checkpoint: each lands once.
 */
export const swapSessionOutcomes = defineReactor<SessionEvent>({
  name: 'swap_session_outcomes',
  on: { SessionCompleted: record, SessionCancelled: record, SessionNotHeld: record },
});

async function record(client: PoolClient, run: Outcome, { store }: ReactorContext) {
  for (const event of run) {
    const session = await loadSession({ store }, event.data.sessionId);
    if (session.status === 'none' || !session.swap) continue;
    await recordSwapSession(
      store,
      client,
      session.swap.swapId,
      { sessionId: event.data.sessionId, outcome: OUTCOME[event.type] },
      causedBy(event, 'swap_session_outcomes'),
    );
  }
}
