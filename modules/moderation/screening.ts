import type { PoolClient } from '../../infra/db/index.ts';
import { type EventStore, loadState, type StoredEvent } from '../../infra/event-store/index.ts';
import type { Reactor } from '../../infra/projections/index.ts';
import {
  decideReport,
  evolveReport,
  initialReport,
  type Report,
  type ReportEvent,
  screen,
} from './decide.ts';
import type { TargetType } from './events.ts';
import { reportIdFor } from './handlers.ts';

type Found = { targetType: TargetType; targetId: string; ownerId: string; text: string };

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
        ownerId: (d.hostId as string) ?? '',
        text: join(d.title, d.description, d.meetingUrl),
      };
    case 'ReviewSubmitted':
    case 'ReviewEdited':
      return {
        targetType: 'review',
        targetId: d.reviewId as string,
        ownerId: (d.authorId as string) ?? '',
        text: join(d.comment),
      };
    case 'ProfileUpdated':
      return {
        targetType: 'user',
        targetId: d.memberId as string,
        ownerId: d.memberId as string,
        text: join(d.displayName, d.bio),
      };
  }
  return null;
}

async function ownerOf(store: EventStore, client: PoolClient, found: Found): Promise<string> {
  if (found.ownerId) return found.ownerId;
  // Edits do not repeat who owns the content: the first event of its stream says.
  const stream = found.targetType === 'session' ? `session-${found.targetId}` : `review-${found.targetId}`;
  const [first] = await store.readStream(stream, client);
  const d = (first?.data ?? {}) as { hostId?: string; authorId?: string };
  return (found.targetType === 'session' ? d.hostId : d.authorId) ?? '';
}

/**
 * Flags new content that contains a blocked word or link domain (BLOCKED_WORDS, BLOCKED_DOMAINS) into the
 * moderation queue as a report filed by `system`, in the same transaction as this reactor's checkpoint.
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
      const reportId = reportIdFor('system', found.targetType, found.targetId);
      const stream = `report-${reportId}`;
      const decider = { initialState: initialReport, evolve: evolveReport, decide: decideReport };
      const { state, version } = await loadState<Report, ReportEvent>(store, stream, decider, client);
      const decision = decideReport(
        {
          type: 'File',
          data: {
            reportId,
            reporterId: 'system',
            targetType: found.targetType,
            targetId: found.targetId,
            ownerId: await ownerOf(store, client, found),
            reason: `contains blocked ${hits.length > 1 ? 'terms' : 'term'}: ${hits.join(', ')}`,
            weight: 1,
            source: 'system',
          },
        },
        state,
      );
      // Still open from an earlier flag: one open report is enough.
      if (!Array.isArray(decision)) continue;
      await store.append(stream, version, decision, {
        client,
        metadata: {
          actorId: null,
          causationId: `${event.streamId}:${event.streamVersion}`,
          reactor: 'content_screening',
        },
      });
    }
  },
};
