import { CommandRejected, type StoredEvent } from '../../infra/event-store/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import { screen } from './decide.ts';
import type { TargetType } from './events.ts';
import { recordReport, reportIdFor, resolveTarget } from './handlers.ts';

type Found = { targetType: TargetType; targetId: string; text: string };

/** The text that new or edited content adds, with what it belongs to. */
function textOf(event: StoredEvent): Found | null {
  const d = event.data as Record<string, unknown>;
  const join = (...parts: unknown[]) => parts.filter((p) => typeof p === 'string').join('\n');
  switch (event.type) {
    case 'SessionScheduled':
    case 'SessionDetailsChanged':
      return {
        targetType: 'session',
        targetId: d.sessionId as string,
        text: join(d.title, d.description, d.meetingUrl),
      };
    case 'ReviewSubmitted':
    case 'ReviewEdited':
      return {
        targetType: 'review',
        targetId: d.reviewId as string,
        text: join(d.comment),
      };
    case 'ProfileUpdated':
      return {
        targetType: 'user',
        targetId: d.memberId as string,
        text: join(d.displayName, d.bio),
      };
  }
  return null;
}

/**
 * Flags new content that contains a blocked word or link domain (BLOCKED_WORDS, BLOCKED_DOMAINS) into the
 * moderation queue as a report filed by `system` (weight SYSTEM_FLAG_WEIGHT, counted towards hiding like any
 * report), in the same transaction as this reactor's checkpoint. Copies (SessionScheduled with clonedFrom)
 * and edits (SessionDetailsChanged, ReviewEdited, ProfileUpdated carry what changed) are screened as new
 * content is.
 */
export const contentScreener: Reactor = {
  name: 'content_screening',
  kind: 'reactor',
  eventTypes: [
    'SessionScheduled',
    'SessionDetailsChanged',
    'ReviewSubmitted',
    'ReviewEdited',
    'ProfileUpdated',
  ],
  handle: async (client, events, { store, config }) => {
    const { blocked } = config;
    if (blocked.words.length === 0 && blocked.domains.length === 0) return;
    for (const event of events) {
      const found = textOf(event);
      if (!found) continue;
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
      const metadata = {
        actorId: null,
        causationId: `${event.streamId}:${event.streamVersion}`,
        reactor: 'content_screening',
      };
      await recordReport(store, client, filing, target, config.reportHideThreshold, metadata).catch((err) => {
        // Still open from an earlier flag: one open report is enough.
        if (!(err instanceof CommandRejected && err.rejection.reason === 'conflict')) throw err;
      });
    }
  },
};
