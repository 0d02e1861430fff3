import type { Rejection } from '../../infra/event-store/index.ts';
import { EDIT_WINDOW_DAYS, type Review, type ReviewEvent } from './review.ts';

/** What the feedback module knows of the session being reviewed (from the sessions module's events). */
export type ReviewedSession = {
  sessionId: string;
  hostId: string;
  skill: string;
  status: 'none' | 'scheduled' | 'cancelled' | 'completed' | 'not_held';
  attendeeIds: string[];
  /** The swap the session belongs to, if any: its reviews are sealed until both are written. */
  swapId: string | null;
};

export type FeedbackCommand =
  | {
      type: 'Submit';
      data: { reviewId: string; authorId: string; rating: number; comment: string; session: ReviewedSession };
    }
  | {
      type: 'Edit';
      data: { actorId: string; rating?: number | undefined; comment?: string | undefined };
      now: Date;
    }
  | { type: 'Delete'; data: { actorId: string }; now: Date }
  | { type: 'Reply'; data: { actorId: string; reply: string } };

const reject = (reason: Rejection['reason'], message: string): Rejection => ({ reason, message });

function withinWindow(state: Extract<Review, { status: 'visible' | 'deleted' }>, now: Date) {
  return now.getTime() - Date.parse(state.submittedAt) <= EDIT_WINDOW_DAYS * 86400_000;
}

/** Pure: the rules of reviews. */
export function decide(cmd: FeedbackCommand, state: Review): ReviewEvent[] | Rejection {
  if (cmd.type === 'Submit') {
    const { session, authorId, reviewId, rating, comment } = cmd.data;
    if (session.status === 'none') return reject('not_found', 'That session was not found.');
    if (session.hostId === authorId) return reject('forbidden', 'Hosts cannot review their own session.');
    if (session.status !== 'completed')
      return reject('conflict', 'A session can be reviewed once it is completed.');
    if (!session.attendeeIds.includes(authorId))
      return reject('forbidden', 'Only attendees can review this session.');
    if (state.status !== 'none') return reject('conflict', 'You have already reviewed this session.');
    const { sessionId, hostId, skill, swapId } = session;
    return [
      {
        type: 'ReviewSubmitted',
        data: { reviewId, sessionId, hostId, authorId, skill, rating, comment, swapId },
      },
    ];
  }
  if (state.status !== 'visible') return reject('not_found', 'That review was not found.');
  switch (cmd.type) {
    case 'Edit':
    case 'Delete': {
      if (cmd.data.actorId !== state.authorId)
        return reject('forbidden', 'Only the author can change this review.');
      if (!withinWindow(state, cmd.now)) {
        return reject(
          'conflict',
          `Reviews can be changed for ${EDIT_WINDOW_DAYS} days after they are written.`,
        );
      }
      if (cmd.type === 'Delete')
        return [{ type: 'ReviewDeleted', data: { reviewId: state.reviewId, hostId: state.hostId } }];
      const changes = {
        ...(cmd.data.rating !== undefined && cmd.data.rating !== state.rating
          ? { rating: cmd.data.rating }
          : {}),
        ...(cmd.data.comment !== undefined && cmd.data.comment !== state.comment
          ? { comment: cmd.data.comment }
          : {}),
      };
      if (Object.keys(changes).length === 0) return [];
      return [{ type: 'ReviewEdited', data: { reviewId: state.reviewId, hostId: state.hostId, ...changes } }];
    }
    case 'Reply': {
      if (cmd.data.actorId !== state.hostId)
        return reject('forbidden', 'Only the host can reply to this review.');
      if (state.reply !== null) return reject('conflict', 'You have already replied to this review.');
      return [
        {
          type: 'HostReplied',
          data: { reviewId: state.reviewId, hostId: state.hostId, reply: cmd.data.reply },
        },
      ];
    }
    default: {
      const unreachable: never = cmd;
      return unreachable;
    }
  }
}
