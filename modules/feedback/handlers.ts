import { createHash } from 'node:crypto';
import type { CommandContext } from '../../infra/deps.ts';
import { type EventMetadata, loadState, runCommand } from '../../infra/event-store/index.ts';
import { loadSession } from '../sessions/index.ts';
import { decide, type FeedbackCommand, type ReviewedSession } from './decide.ts';
import { reviewStream } from './events.ts';
import { evolve, initialReview } from './review.ts';

const decider = { initialState: initialReview, evolve, decide };

/** One review per member and session: the id follows from the pair, so a second one lands on the same stream. */
export function reviewIdFor(sessionId: string, authorId: string): string {
  const h = createHash('sha256').update(`${sessionId}:${authorId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

async function reviewedSession(
  ctx: Pick<CommandContext, 'store'>,
  sessionId: string,
): Promise<ReviewedSession> {
  const s = await loadSession(ctx, sessionId);
  if (s.status === 'none')
    return { sessionId, hostId: '', skill: '', status: 'none', attendeeIds: [], swapId: null };
  const { hostId, skill, status, attendees: attendeeIds } = s;
  return { sessionId, hostId, skill, status, attendeeIds, swapId: s.swap?.swapId ?? null };
}

async function execute(
  ctx: CommandContext,
  reviewId: string,
  command: FeedbackCommand,
  metadata: EventMetadata,
) {
  const result = await runCommand(ctx.store, reviewStream(reviewId), decider, command, metadata);
  if (result.appended) await ctx.waitForReadModels(result.appended);
  return result;
}

export async function submitReview(
  ctx: CommandContext,
  authorId: string,
  sessionId: string,
  input: { rating: number; comment: string },
  metadata: EventMetadata,
) {
  const reviewId = reviewIdFor(sessionId, authorId);
  const session = await reviewedSession(ctx, sessionId);
  await execute(ctx, reviewId, { type: 'Submit', data: { reviewId, authorId, ...input, session } }, metadata);
  return reviewId;
}

export const editReview = (
  ctx: CommandContext,
  reviewId: string,
  actorId: string,
  changes: { rating?: number | undefined; comment?: string | undefined },
  metadata: EventMetadata,
) => execute(ctx, reviewId, { type: 'Edit', data: { actorId, ...changes }, now: ctx.now() }, metadata);

export const deleteReview = (
  ctx: CommandContext,
  reviewId: string,
  actorId: string,
  metadata: EventMetadata,
) => execute(ctx, reviewId, { type: 'Delete', data: { actorId }, now: ctx.now() }, metadata);

export const replyToReview = (
  ctx: CommandContext,
  reviewId: string,
  actorId: string,
  reply: string,
  metadata: EventMetadata,
) => execute(ctx, reviewId, { type: 'Reply', data: { actorId, reply } }, metadata);

export async function loadReview(ctx: Pick<CommandContext, 'store'>, reviewId: string) {
  return (await loadState(ctx.store, reviewStream(reviewId), decider)).state;
}
