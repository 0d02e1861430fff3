import { createHash } from 'node:crypto';
import { type EventMetadata, loadState, runCommand } from '../../infra/event-store/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { loadSession } from '../sessions/index.ts';
import { decide, type FeedbackCommand, type ReviewedSession } from './decide.ts';
import { evolve, initialReview } from './review.ts';

const decider = { initialState: initialReview, evolve, decide };

/** One review per member and session: the id follows from the pair, so a second one lands on the same stream. */
export function reviewIdFor(sessionId: string, authorId: string): string {
  const h = createHash('sha256').update(`${sessionId}:${authorId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
export const reviewStream = (reviewId: string) => `review-${reviewId}`;

async function reviewedSession(deps: Deps, sessionId: string): Promise<ReviewedSession> {
  const s = await loadSession(deps, sessionId);
  if (s.status === 'none') return { sessionId, hostId: '', skill: '', status: 'none', attendeeIds: [] };
  return { sessionId, hostId: s.hostId, skill: s.skill, status: s.status, attendeeIds: s.attendees };
}

async function execute(deps: Deps, reviewId: string, command: FeedbackCommand, metadata: EventMetadata) {
  const result = await runCommand(deps.store, reviewStream(reviewId), decider, command, metadata);
  if (result.appended) await deps.settle(result.appended);
  return result;
}

export async function submitReview(
  deps: Deps,
  authorId: string,
  sessionId: string,
  input: { rating: number; comment: string },
  metadata: EventMetadata,
) {
  const reviewId = reviewIdFor(sessionId, authorId);
  const session = await reviewedSession(deps, sessionId);
  await execute(
    deps,
    reviewId,
    { type: 'Submit', data: { reviewId, authorId, ...input, session } },
    metadata,
  );
  return reviewId;
}

export const editReview = (
  deps: Deps,
  reviewId: string,
  actorId: string,
  changes: { rating?: number | undefined; comment?: string | undefined },
  metadata: EventMetadata,
) => execute(deps, reviewId, { type: 'Edit', data: { actorId, ...changes }, now: new Date() }, metadata);

export const deleteReview = (deps: Deps, reviewId: string, actorId: string, metadata: EventMetadata) =>
  execute(deps, reviewId, { type: 'Delete', data: { actorId }, now: new Date() }, metadata);

export const replyToReview = (
  deps: Deps,
  reviewId: string,
  actorId: string,
  reply: string,
  metadata: EventMetadata,
) => execute(deps, reviewId, { type: 'Reply', data: { actorId, reply } }, metadata);

export async function loadReview(deps: Pick<Deps, 'store'>, reviewId: string) {
  return (await loadState(deps.store, reviewStream(reviewId), decider)).state;
}
