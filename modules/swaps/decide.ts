import type { Rejection } from '../../infra/event-store/index.ts';
import { skillKey } from '../identity/index.ts';
import { PROPOSAL_DAYS } from './events.ts';
import type { MessageEvent, Pair, PairEvent, Swap, SwapStreamEvent } from './swap.ts';

/** What the swaps module is told of the member a swap is proposed to (from identity and moderation). */
export type Partner = {
  memberId: string;
  status: 'active' | 'suspended' | 'gone';
  /** The skills they teach, as on their profile. */
  teaches: string[];
};

export type SwapCommand =
  | {
      type: 'Propose';
      data: {
        swapId: string;
        proposerId: string;
        /** The skills the proposer teaches, as on their profile. */
        proposerTeaches: string[];
        receiver: Partner;
        offerSkill: string;
        wantSkill: string;
        message: string;
      };
      now: Date;
    }
  | { type: 'Accept' | 'Decline' | 'Withdraw'; data: { actorId: string }; now: Date }
  | { type: 'Expire'; now: Date }
  /** `actorId` hosts `sessionId` for the other member (appended with the session, in one transaction). */
  | { type: 'ScheduleSession'; data: { actorId: string; sessionId: string }; now: Date }
  /** What became of one of the swap's sessions (decided by a reactor from the session's stream). */
  | {
      type: 'RecordSession';
      data: { sessionId: string; outcome: 'completed' | 'cancelled' | 'not_held' };
      now: Date;
    }
  /** A member of the swap left SkillSwap or was suspended (decided by a reactor, not asked by a member). */
  | { type: 'End'; data: { memberId: string; reason: 'left' | 'suspended' }; now: Date };

const reject = (reason: Rejection['reason'], message: string, path?: string): Rejection =>
  path ? { reason, message, details: [{ path, message }] } : { reason, message };

/** The profile's spelling of `skill` among `skills` (case and spacing aside), or null. */
const among = (skills: string[], skill: string) =>
  skills.find((s) => skillKey(s) === skillKey(skill)) ?? null;

const lapsed = (state: Extract<Swap, { swapId: string }>, now: Date): boolean =>
  state.status === 'proposed' && now.getTime() >= Date.parse(state.expiresAt);

/** The member's session in the swap that still counts (scheduled or completed), if any. */
const liveSessionOf = (state: Extract<Swap, { swapId: string }>, hostId: string) =>
  state.sessions.find((s) => s.hostId === hostId && s.status !== 'dropped');

/**
 * Pure: the lifecycle of one swap, proposed -> accepted | declined | withdrawn | expired, or ended by a departure;
 * accepted -> completed once each member has hosted a completed session for the other.
 */
export function decide(cmd: SwapCommand, state: Swap): SwapStreamEvent[] | Rejection {
  if (cmd.type === 'Propose') {
    const d = cmd.data;
    if (state.status !== 'none') return reject('conflict', 'That swap exists already.');
    if (d.receiver.memberId === d.proposerId)
      return reject('validation_failed', 'You cannot propose a swap to yourself.', 'toMemberId');
    if (d.receiver.status === 'gone') return reject('not_found', 'That member was not found.');
    if (d.receiver.status === 'suspended')
      return reject('conflict', 'That member cannot take part in swaps now.');
    const offerSkill = among(d.proposerTeaches, d.offerSkill);
    if (!offerSkill)
      return reject('validation_failed', 'must be a skill you teach (on your profile)', 'offerSkill');
    const wantSkill = among(d.receiver.teaches, d.wantSkill);
    if (!wantSkill) return reject('validation_failed', 'must be a skill this member teaches', 'wantSkill');
    const expiresAt = new Date(cmd.now.getTime() + PROPOSAL_DAYS * 86400_000).toISOString();
    const { swapId, proposerId, message } = d;
    return [
      {
        type: 'SwapProposed',
        data: {
          swapId,
          proposerId,
          receiverId: d.receiver.memberId,
          offerSkill,
          wantSkill,
          message,
          expiresAt,
        },
      },
    ];
  }
  if (state.status === 'none') return reject('not_found', 'That swap was not found.');
  const parties = { swapId: state.swapId, proposerId: state.proposerId, receiverId: state.receiverId };
  switch (cmd.type) {
    case 'Expire':
      return lapsed(state, cmd.now) ? [{ type: 'SwapExpired', data: parties }] : [];
    case 'ScheduleSession': {
      const { actorId, sessionId } = cmd.data;
      if (actorId !== state.proposerId && actorId !== state.receiverId)
        return reject('forbidden', 'Only the two members of a swap schedule its sessions.');
      if (state.status !== 'accepted')
        return reject(
          'conflict',
          state.status === 'proposed'
            ? 'Sessions are scheduled once the swap is accepted.'
            : `This swap is ${state.status}.`,
        );
      const mine = liveSessionOf(state, actorId);
      if (mine)
        return reject(
          'conflict',
          mine.status === 'completed'
            ? 'You have taught your session in this swap already.'
            : 'You have a session scheduled in this swap already: edit or cancel that one.',
        );
      return [{ type: 'SwapSessionScheduled', data: { ...parties, sessionId, hostId: actorId } }];
    }
    case 'RecordSession': {
      const { sessionId, outcome } = cmd.data;
      const session = state.sessions.find((s) => s.sessionId === sessionId);
      // Once per session, and only while it counts: a replayed outcome, or one after the swap closed, is nothing.
      if (session?.status !== 'scheduled' || state.status !== 'accepted') return [];
      const data = { ...parties, sessionId, hostId: session.hostId };
      if (outcome !== 'completed')
        return [{ type: 'SwapSessionDropped', data: { ...data, reason: outcome } }];
      const taught = (memberId: string) =>
        memberId === session.hostId
          ? sessionId
          : state.sessions.find((s) => s.hostId === memberId && s.status === 'completed')?.sessionId;
      const sessionIds = [taught(state.proposerId), taught(state.receiverId)];
      const both = sessionIds.every((id) => id !== undefined);
      return [
        { type: 'SwapSessionCompleted', data },
        ...(both
          ? [{ type: 'SwapCompleted' as const, data: { ...parties, sessionIds: sessionIds as string[] } }]
          : []),
      ];
    }
    case 'End': {
      // Only an open swap ends; a lapsed proposal is left to its expiry, a closed swap is history.
      const open = state.status === 'accepted' || (state.status === 'proposed' && !lapsed(state, cmd.now));
      const party = cmd.data.memberId === state.proposerId || cmd.data.memberId === state.receiverId;
      return open && party ? [{ type: 'SwapEnded', data: { ...parties, ...cmd.data } }] : [];
    }
    case 'Accept':
    case 'Decline':
    case 'Withdraw': {
      const { actorId } = cmd.data;
      if (actorId !== state.proposerId && actorId !== state.receiverId)
        return reject('forbidden', 'Only the two members of a swap can answer it.');
      const allowed = cmd.type === 'Withdraw' ? state.proposerId : state.receiverId;
      if (actorId !== allowed) {
        return reject(
          'forbidden',
          cmd.type === 'Withdraw'
            ? 'Only the member who proposed this swap can withdraw it.'
            : 'Only the member this swap was proposed to can answer it.',
        );
      }
      if (lapsed(state, cmd.now)) return reject('conflict', 'This proposal has expired.');
      if (state.status !== 'proposed') return reject('conflict', `This swap is ${state.status}.`);
      if (cmd.type === 'Accept') return [{ type: 'SwapAccepted', data: parties }];
      if (cmd.type === 'Decline') return [{ type: 'SwapDeclined', data: parties }];
      return [{ type: 'SwapWithdrawn', data: parties }];
    }
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}

export type MessageCommand = {
  type: 'SendMessage';
  data: { messageId: string; authorId: string; body: string };
  now: Date;
};

/** Pure: a message in a swap's thread, decided from the swap: its two members write while it is alive. */
export function decideMessage(cmd: MessageCommand, swap: Swap): MessageEvent[] | Rejection {
  if (swap.status === 'none') return reject('not_found', 'That swap was not found.');
  const { messageId, authorId, body } = cmd.data;
  if (authorId !== swap.proposerId && authorId !== swap.receiverId)
    return reject('forbidden', 'Only the two members of a swap write in its thread.');
  const open = swap.status === 'accepted' || swap.status === 'completed' || swap.status === 'proposed';
  if (!open || lapsed(swap, cmd.now))
    return reject(
      'conflict',
      `This swap is ${lapsed(swap, cmd.now) ? 'expired' : swap.status}: its thread is closed.`,
    );
  const recipientId = authorId === swap.proposerId ? swap.receiverId : swap.proposerId;
  return [{ type: 'SwapMessageSent', data: { messageId, swapId: swap.swapId, authorId, recipientId, body } }];
}

/** Pure: what a swap's events mean for its pair's stream, where at most one swap is open at a time. */
export function decidePair(events: SwapStreamEvent[], state: Pair, now: Date): PairEvent[] | Rejection {
  const out: PairEvent[] = [];
  for (const event of events) {
    const { swapId } = event.data;
    switch (event.type) {
      case 'SwapProposed': {
        const open = state.open;
        const stillOpen = open && (open.expiresAt === null || Date.parse(open.expiresAt) > now.getTime());
        if (stillOpen) return reject('conflict', 'You two have an open swap already.');
        const memberIds = [event.data.proposerId, event.data.receiverId];
        out.push({ type: 'SwapPairOpened', data: { swapId, memberIds, expiresAt: event.data.expiresAt } });
        break;
      }
      case 'SwapAccepted':
        out.push({ type: 'SwapPairCommitted', data: { swapId } });
        break;
      case 'SwapDeclined':
      case 'SwapWithdrawn':
      case 'SwapExpired':
      case 'SwapEnded':
      case 'SwapCompleted':
        if (state.open?.swapId === swapId) out.push({ type: 'SwapPairReleased', data: { swapId } });
        break;
    }
  }
  return out;
}
