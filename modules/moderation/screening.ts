import type { PoolClient } from '../../infra/db/index.ts';
import { CommandRejected } from '../../infra/event-store/index.ts';
import { causedBy, defineReactor, type ReactorContext, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../feedback/events.ts';
import type { IdentityEvent } from '../identity/events.ts';
import type { SessionEvent } from '../sessions/events.ts';
import type { SwapEvent } from '../swaps/events.ts';
import { screen } from './decide.ts';
import type { TargetType } from './events.ts';
import { recordReport, reportIdFor, resolveTarget } from './handlers.ts';

type Screened = RunOf<
  SessionEvent | FeedbackEvent | IdentityEvent | SwapEvent,
  | 'SessionScheduled'
  | 'SessionDetailsChanged'
  | 'ReviewSubmitted'
  | 'ReviewEdited'
  | 'ProfileUpdated'
  | 'SwapProposed'
  | 'SwapMessageSent'
>[number];

type Found = { targetType: TargetType; targetId: string; text: string };

/** The text that new or edited content adds, with what it belongs to. */
function textOf(event: Screened): Found {
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => typeof p === 'string').join('\n');
  switch (event.type) {
    case 'SessionScheduled':
    case 'SessionDetailsChanged': {
      const d = event.data;
      return {
        targetType: 'session',
        targetId: d.sessionId,
        text: join(d.title, d.description, d.meetingUrl),
      };
    }
    case 'ReviewSubmitted':
    case 'ReviewEdited':
      return { targetType: 'review', targetId: event.data.reviewId, text: join(event.data.comment) };
    case 'ProfileUpdated':
      return {
        targetType: 'user',
        targetId: event.data.memberId,
        text: join(event.data.displayName, event.data.bio),
      };
    // A proposal's message is reported and hidden under the swap's id, as members report it.
    case 'SwapProposed':
      return { targetType: 'message', targetId: event.data.swapId, text: event.data.message };
    case 'SwapMessageSent':
      return { targetType: 'message', targetId: event.data.messageId, text: event.data.body };
  }
}

async function screenRun(client: PoolClient, run: Screened[], { store, config }: ReactorContext) {
  const { blocked } = config;
  if (blocked.words.length === 0 && blocked.domains.length === 0) return;
  for (const event of run) {
    const found = textOf(event);
    const hits = screen(found.text, blocked);
    if (hits.length === 0) continue;
    const target = await resolveTarget({ store }, found.targetType, found.targetId);
    if (!target) continue;
    const filing = {
      reportId: reportIdFor('system', found.targetType, found.targetId),
      reporterId: 'system',
      targetType: found.targetType,
      targetId: found.targetId,
      ownerId: target.ownerId,
      reason: `contains blocked ${hits.length > 1 ? 'terms' : 'term'}: ${hits.join(', ')}`,
      source: 'system' as const,
      category: 'other' as const,
      standing: null,
    };
    const metadata = causedBy(event, 'content_screening');
    await recordReport(store, client, filing, target, config.reportHideThreshold, metadata).catch((err) => {
      // Still open from an earlier flag: one open report is enough.
      if (!(err instanceof CommandRejected && err.rejection.reason === 'conflict')) throw err;
    });
  }
}

/**
 * Flags new content that contains a blocked word or link domain (BLOCKED_WORDS, BLOCKED_DOMAINS) into the
 * moderation queue as a report filed by `system` (weight SYSTEM_FLAG_WEIGHT, counted towards hiding like any
 * report), in the same transaction as this reactor's checkpoint. Copies (SessionScheduled with clonedFrom)
 * and edits (SessionDetailsChanged, ReviewEdited, ProfileUpdated carry what changed) are screened as new
 * content is; so are swap proposals and messages, which are private but reach another member all the same.
 */
export const contentScreener = defineReactor<SessionEvent | FeedbackEvent | IdentityEvent | SwapEvent>({
  name: 'content_screening',
  on: {
    SessionScheduled: screenRun,
    SessionDetailsChanged: screenRun,
    ReviewSubmitted: screenRun,
    ReviewEdited: screenRun,
    ProfileUpdated: screenRun,
    SwapProposed: screenRun,
    SwapMessageSent: screenRun,
  },
});
