// A swap's state, folded from its stream, and a pair's, folded from the pair's stream (events: events.ts).
import type { SwapEvent, SwapStatus } from './events.ts';

/** The events of a swap's own stream. */
export type SwapStreamEvent = Extract<
  SwapEvent,
  {
    type:
      | 'SwapProposed'
      | 'SwapAccepted'
      | 'SwapDeclined'
      | 'SwapWithdrawn'
      | 'SwapExpired'
      | 'SwapEnded'
      | 'SwapSessionScheduled'
      | 'SwapSessionCompleted'
      | 'SwapSessionDropped'
      | 'SwapCompleted';
  }
>;

/** A session of the swap: its host teaches the other member. */
export type SwapSession = {
  sessionId: string;
  hostId: string;
  status: 'scheduled' | 'completed' | 'dropped';
};

export type Swap =
  | { status: 'none' }
  | {
      status: SwapStatus;
      swapId: string;
      proposerId: string;
      receiverId: string;
      offerSkill: string;
      wantSkill: string;
      expiresAt: string;
      sessions: SwapSession[];
    };

export const initialSwap: Swap = { status: 'none' };

export function evolve(state: Swap, event: SwapStreamEvent): Swap {
  if (event.type === 'SwapProposed') {
    const { swapId, proposerId, receiverId, offerSkill, wantSkill, expiresAt } = event.data;
    return {
      status: 'proposed',
      swapId,
      proposerId,
      receiverId,
      offerSkill,
      wantSkill,
      expiresAt,
      sessions: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'SwapAccepted':
      return { ...state, status: 'accepted' };
    case 'SwapDeclined':
      return { ...state, status: 'declined' };
    case 'SwapWithdrawn':
    case 'SwapEnded':
      return { ...state, status: 'withdrawn' };
    case 'SwapExpired':
      return { ...state, status: 'expired' };
    case 'SwapSessionScheduled': {
      const { sessionId, hostId } = event.data;
      return { ...state, sessions: [...state.sessions, { sessionId, hostId, status: 'scheduled' }] };
    }
    case 'SwapSessionCompleted':
    case 'SwapSessionDropped': {
      const status: SwapSession['status'] = event.type === 'SwapSessionCompleted' ? 'completed' : 'dropped';
      const sessions = state.sessions.map((s) =>
        s.sessionId === event.data.sessionId ? { ...s, status } : s,
      );
      return { ...state, sessions };
    }
    case 'SwapCompleted':
      return { ...state, status: 'completed' };
  }
}

/** The events of a pair's stream. */
export type PairEvent = Extract<
  SwapEvent,
  { type: 'SwapPairOpened' | 'SwapPairCommitted' | 'SwapPairReleased' }
>;

/** The pair's open swap, if any: a proposal (which lapses at its expiry) or an accepted swap (which does not). */
export type Pair = { open: { swapId: string; expiresAt: string | null } | null };

export const initialPair: Pair = { open: null };

export function evolvePair(state: Pair, event: PairEvent): Pair {
  switch (event.type) {
    case 'SwapPairOpened':
      return { open: { swapId: event.data.swapId, expiresAt: event.data.expiresAt } };
    case 'SwapPairCommitted':
      return state.open?.swapId === event.data.swapId
        ? { open: { swapId: event.data.swapId, expiresAt: null } }
        : state;
    // A late release of an older swap (its expiry job ran after a new proposal) leaves the new one open.
    case 'SwapPairReleased':
      return state.open?.swapId === event.data.swapId ? { open: null } : state;
  }
}

/** The event of a message's own stream. */
export type MessageEvent = Extract<SwapEvent, { type: 'SwapMessageSent' }>;
export { messageStream, pairStream, swapStream } from './events.ts';
