import { createHash } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { CommandContext } from '../../infra/deps.ts';
import {
  type AppendResult,
  CommandRejected,
  type EventMetadata,
  type EventStore,
  loadState,
  type Recorded,
  runCommand,
} from '../../infra/event-store/index.ts';
import { loadReview } from '../feedback/index.ts';
import { loadMember } from '../identity/index.ts';
import { loadSession } from '../sessions/index.ts';
import { messageStream, type SwapEvent, swapStream } from '../swaps/events.ts';
import {
  type ContentCommand,
  decideContent,
  decideReport,
  evolveContent,
  evolveReport,
  initialContent,
  initialReport,
  type Report,
  type ReportCommand,
  type ReportEvent,
} from './decide.ts';
import type { ReportCategory, TargetType } from './events.ts';
import type { Standing } from './standing.ts';
import { contentStream, reportStream, suspensionStream, waitForModerationReadModels } from './streams.ts';
import { type ByModerator, memberToSuspend, suspensionDecider } from './suspensions.ts';

const reportDecider = { initialState: initialReport, evolve: evolveReport, decide: decideReport };
const contentDecider = { initialState: initialContent, evolve: evolveContent, decide: decideContent };

/** A member's report on a target has one id: refiling it after resolution reopens the same report. */
export function reportIdFor(reporterId: string, targetType: TargetType, targetId: string) {
  return createHash('sha256').update(`${reporterId}:${targetType}:${targetId}`).digest('hex').slice(0, 32);
}

type Target = { ownerId: string; hostId: string | null };

/** Who a target belongs to, from its own module's events; null when it does not exist. */
export async function resolveTarget(
  ctx: Pick<CommandContext, 'store'>,
  type: TargetType,
  id: string,
): Promise<Target | null> {
  if (type === 'session') {
    const s = await loadSession(ctx, id);
    return s.status === 'none' ? null : { ownerId: s.hostId, hostId: s.hostId };
  }
  if (type === 'review') {
    const r = await loadReview(ctx, id);
    return r.status !== 'visible' ? null : { ownerId: r.authorId, hostId: r.hostId };
  }
  if (type === 'message') {
    // A swap message's author, from the swaps module's published streams and events. The proposal's message has
    // the swap's id.
    const [sent] = (await ctx.store.readStream(messageStream(id))) as Recorded<SwapEvent>[];
    if (sent?.type === 'SwapMessageSent') return { ownerId: sent.data.authorId, hostId: null };
    const [proposed] = (await ctx.store.readStream(swapStream(id))) as Recorded<SwapEvent>[];
    if (proposed?.type === 'SwapProposed') return { ownerId: proposed.data.proposerId, hostId: null };
    return null;
  }
  const m = await loadMember(ctx, id);
  return m.status === 'none' ? null : { ownerId: id, hostId: null };
}

/** Serialises what changes one piece of content (its reports' weights, hiding) for the rest of the transaction. */
const lockStream = (client: PoolClient, streamId: string) =>
  client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [streamId]);

/** A moderator hides or restores content (in turn with reports being counted on it, under the same lock). */
export async function changeVisibility(
  ctx: CommandContext,
  command: ContentCommand,
  metadata: EventMetadata,
) {
  const stream = contentStream(command.data.targetType, command.data.targetId);
  const result = await ctx.store.transaction(async (client) => {
    await lockStream(client, stream);
    return runCommand(ctx.store, stream, contentDecider, command, metadata, client);
  });
  await waitForModerationReadModels(ctx, result.appended);
  return result;
}

type Filing = Extract<ReportCommand, { type: 'File' }>['data'];

/**
 * Files a report and, for a session or review, counts its weight in the content's stream in the same transaction:
 * that stream's decider hides the content when the open weight reaches the threshold, from its own state, so two
 * reports filed at once are counted one after the other (the content stream is locked) and neither is missed.
 * Throws CommandRejected (an open report by the same reporter: conflict). Returns where the last event landed.
 */
export async function recordReport(
  store: EventStore,
  client: PoolClient,
  filing: Filing,
  target: Target,
  threshold: number,
  metadata: EventMetadata,
): Promise<AppendResult | null> {
  const { reportId, targetType, targetId, ownerId } = filing;
  const content = targetType === 'user' ? null : contentStream(targetType, targetId);
  if (content) await lockStream(client, content);
  const filed = await runCommand(
    store,
    reportStream(reportId),
    reportDecider,
    { type: 'File', data: filing },
    metadata,
    client,
  );
  const event = filed.events[0];
  if (!content || targetType === 'user' || event?.type !== 'ReportFiled' || !filed.appended) {
    return filed.appended;
  }
  const counted = await runCommand(
    store,
    content,
    contentDecider,
    {
      type: 'CountReport',
      data: {
        targetType,
        targetId,
        ownerId,
        hostId: target.hostId,
        reportId,
        weight: event.data.weight,
        threshold,
      },
    },
    // Hiding by weight is nobody's act: the audit log must not name the last reporter as its actor.
    {
      ...metadata,
      actorId: null,
      causationId: `${reportStream(reportId)}:${filed.appended.nextExpectedVersion}`,
    },
    client,
  );
  return counted.appended ?? filed.appended;
}

export async function fileReport(
  ctx: CommandContext,
  reporterId: string,
  input: { targetType: TargetType; targetId: string; reason: string; category: ReportCategory },
  /** Gathered by the edge: the reporter's record (their report's weight) and the weight that hides content. */
  facts: { standing: Standing; hideThreshold: number },
  metadata: EventMetadata,
): Promise<string> {
  const target = await resolveTarget(ctx, input.targetType, input.targetId);
  if (!target)
    throw new CommandRejected({ reason: 'not_found', message: 'What you reported was not found.' });
  const reportId = reportIdFor(reporterId, input.targetType, input.targetId);
  const filing: Filing = {
    reportId,
    reporterId,
    ...input,
    ownerId: target.ownerId,
    source: 'member',
    standing: facts.standing,
  };
  const appended = await ctx.store.transaction((client) =>
    recordReport(ctx.store, client, filing, target, facts.hideThreshold, metadata),
  );
  await waitForModerationReadModels(ctx, appended);
  return reportId;
}

export type Resolution = {
  action: 'dismiss' | 'hide' | 'suspend';
  note: string;
  /** With suspend: a spam account (its email cannot sign up again), and when the suspension ends. */
  spam: boolean;
  until: string | null;
};

/**
 * Resolves a report and carries out its action in the same transaction: the report stops counting towards hiding
 * its content; with hide the content is hidden; with suspend its owner is suspended. A refusal of any part (a
 * moderator suspending an admin) leaves everything as it was. An owner already suspended leaves the report
 * resolved all the same.
 */
export async function resolveReport(
  ctx: CommandContext,
  moderator: ByModerator,
  reportId: string,
  input: Resolution,
  metadata: EventMetadata,
) {
  const { state } = await loadState<Report, ReportEvent>(ctx.store, reportStream(reportId), reportDecider);
  const filing = state.status === 'open' ? state.filing : null;
  const target = filing ? await resolveTarget(ctx, filing.targetType, filing.targetId) : null;
  const owner =
    filing && input.action === 'suspend'
      ? await memberToSuspend(ctx, filing.ownerId).catch(() => null)
      : null;
  const appended = await ctx.store.transaction(async (client) => {
    const content =
      filing && filing.targetType !== 'user' ? contentStream(filing.targetType, filing.targetId) : null;
    if (content) await lockStream(client, content);
    const resolved = await runCommand(
      ctx.store,
      reportStream(reportId),
      reportDecider,
      { type: 'Resolve', data: { action: input.action, note: input.note, moderatorId: moderator.id } },
      metadata,
      client,
    );
    let last = resolved.appended;
    const event = resolved.events[0];
    if (event?.type !== 'ReportResolved') return last;
    const { targetType, targetId, ownerId } = event.data;
    if (content && targetType !== 'user') {
      const closed = await runCommand(
        ctx.store,
        content,
        contentDecider,
        {
          type: 'CloseReport',
          data: {
            targetType,
            targetId,
            ownerId,
            hostId: target?.hostId ?? null,
            reportId,
            action: input.action,
            note: input.note,
            moderatorId: moderator.id,
          },
        },
        metadata,
        client,
      );
      last = closed.appended ?? last;
    }
    if (input.action === 'suspend' && owner?.member.status === 'active') {
      const suspended = await runCommand(
        ctx.store,
        suspensionStream(ownerId),
        suspensionDecider,
        {
          type: 'Suspend',
          data: {
            memberId: ownerId,
            reason: input.note,
            moderatorId: moderator.id,
            byAdmin: moderator.isAdmin,
            memberIsStaff: owner.memberIsStaff,
            forSpam: input.spam,
            until: input.until,
          },
          now: ctx.now(),
        },
        metadata,
        client,
      ).catch((err) => {
        // Already suspended by an earlier report: the report is resolved all the same.
        if (err instanceof CommandRejected && err.rejection.reason === 'conflict') return null;
        throw err;
      });
      last = suspended?.appended ?? last;
    }
    return last;
  });
  await waitForModerationReadModels(ctx, appended);
}
