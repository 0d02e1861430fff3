import type { PoolClient } from '../../infra/db/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { IdentityEvent } from '../identity/events.ts';
import type { ModerationEvent } from '../moderation/events.ts';
import { appendSwapCommand } from './handlers.ts';

type Departure = RunOf<ModerationEvent | IdentityEvent, 'MemberSuspended' | 'MemberDeleted'>;

/** A swap with one of these has ended already: nothing to end there. */
const CLOSED = ['SwapDeclined', 'SwapWithdrawn', 'SwapExpired', 'SwapEnded'];

/**
 * When a member deletes their account or is suspended, the swaps still open with them (proposed or accepted)
 * end: the other member is told, and the pair may swap again should the member come back. Found in the log
 * itself, since a read model could trail this reactor and miss a proposal. The ends are appended in the
 * transaction that moves this reactor's checkpoint, so they land exactly once; a member's command racing one
 * conflicts on the swap's version, and the run is tried again from the new state.
 */
export const swapDepartures = defineReactor<ModerationEvent | IdentityEvent>({
  name: 'swap_departures',
  on: { MemberSuspended: depart, MemberDeleted: depart },
});

async function depart(client: PoolClient, run: Departure, { store }: ReactorContext) {
  const now = new Date();
  for (const event of run) {
    const { memberId } = event.data;
    const streams = new Set<string>();
    for (const field of ['proposerId', 'receiverId']) {
      const found = await store.streamsWhere(
        { types: ['SwapProposed'], field, value: memberId, unless: CLOSED },
        client,
      );
      for (const s of found) streams.add(s);
    }
    const reason = event.type === 'MemberSuspended' ? 'suspended' : 'left';
    const metadata = causedBy(
      event,
      'swap_departures',
      event.type === 'MemberSuspended' ? event.data.moderatorId : memberId,
    );
    for (const stream of [...streams].sort()) {
      const swapId = stream.slice('swap-'.length);
      await appendSwapCommand(
        store,
        client,
        swapId,
        { type: 'End', data: { memberId, reason }, now },
        metadata,
      );
    }
  }
}
