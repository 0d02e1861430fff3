import { createHash } from 'node:crypto';
import { CommandRejected, type EventMetadata, runCommand } from '../../infra/event-store/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { getProfile } from '../../read-models/member-profiles/queries.ts';
import { getReport, openWeight, upheldReports } from '../../read-models/moderation-queue/queries.ts';
import { loadReview } from '../feedback/index.ts';
import { loadMember } from '../identity/index.ts';
import { HIDDEN_SESSIONS_REACTOR, loadSession } from '../sessions/index.ts';
import {
  type ContentCommand,
  decideContent,
  decideReport,
  decideSuspension,
  evolveContent,
  evolveReport,
  evolveSuspension,
  initialContent,
  initialReport,
  initialSuspension,
  reportWeight,
  type SuspensionCommand,
} from './decide.ts';
import type { TargetType } from './events.ts';

const reportDecider = { initialState: initialReport, evolve: evolveReport, decide: decideReport };
const contentDecider = { initialState: initialContent, evolve: evolveContent, decide: decideContent };
const suspensionDecider = {
  initialState: initialSuspension,
  evolve: evolveSuspension,
  decide: decideSuspension,
};

/** A member's report on a target has one id: refiling it after resolution reopens the same report. */
export function reportIdFor(reporterId: string, targetType: TargetType, targetId: string) {
  return createHash('sha256').update(`${reporterId}:${targetType}:${targetId}`).digest('hex').slice(0, 32);
}
const reportStream = (id: string) => `report-${id}`;
const contentStream = (type: string, id: string) => `content-${type}-${id}`;
const suspensionStream = (memberId: string) => `suspension-${memberId}`;

type Target = { ownerId: string; hostId: string | null };

/** Who a target belongs to, from its own module's events; null when it does not exist. */
async function resolveTarget(deps: Deps, type: TargetType, id: string): Promise<Target | null> {
  if (type === 'session') {
    const s = await loadSession(deps, id);
    return s.status === 'none' ? null : { ownerId: s.hostId, hostId: s.hostId };
  }
  if (type === 'review') {
    const r = await loadReview(deps, id);
    return r.status !== 'visible' ? null : { ownerId: r.authorId, hostId: r.hostId };
  }
  const m = await loadMember(deps, id);
  return m.status === 'none' ? null : { ownerId: id, hostId: null };
}

async function settled<
  T extends { appended: { checkpoint: { transactionId: string; position: number } } | null },
>(deps: Deps, result: T) {
  if (result.appended) await deps.settle(result.appended);
  return result;
}

export async function changeVisibility(deps: Deps, command: ContentCommand, metadata: EventMetadata) {
  const { targetType, targetId } = command.data;
  const result = await runCommand(
    deps.store,
    contentStream(targetType, targetId),
    contentDecider,
    command,
    metadata,
  );
  // The session learns that it is hidden from this event (sessions' reactor); answer once it has.
  if (result.appended) await deps.settle(result.appended, { also: [HIDDEN_SESSIONS_REACTOR] });
  return result;
}

export async function fileReport(
  deps: Deps,
  reporterId: string,
  input: { targetType: TargetType; targetId: string; reason: string },
  metadata: EventMetadata,
  source: 'member' | 'system' = 'member',
): Promise<string> {
  const target = await resolveTarget(deps, input.targetType, input.targetId);
  if (!target)
    throw new CommandRejected({ reason: 'not_found', message: 'What you reported was not found.' });
  const reporter = source === 'member' ? await getProfile(deps.pool, reporterId) : null;
  const weight = reportWeight({
    upheldReports: source === 'member' ? await upheldReports(deps.pool, reporterId) : 0,
    averageRating: reporter?.reputation.averageRating ?? null,
  });
  const reportId = reportIdFor(reporterId, input.targetType, input.targetId);
  const filing = { reportId, reporterId, ...input, ownerId: target.ownerId, weight, source };
  await settled(
    deps,
    await runCommand(
      deps.store,
      reportStream(reportId),
      reportDecider,
      { type: 'File', data: filing },
      metadata,
    ),
  );
  // Enough weight of open reports hides a session or review at once, until a moderator looks at it. Reports filed
  // before a moderator restored it do not count again: they did, and one new report re-hid restored content.
  const visibility =
    input.targetType === 'user'
      ? []
      : await deps.store.readStream(contentStream(input.targetType, input.targetId));
  const restoredAt = visibility.findLast((e) => e.type === 'ContentRestored')?.recordedAt ?? null;
  if (
    input.targetType !== 'user' &&
    (await openWeight(deps.pool, input.targetType, input.targetId, restoredAt)) >=
      deps.config.reportHideThreshold
  ) {
    await changeVisibility(
      deps,
      {
        type: 'Hide',
        data: {
          targetType: input.targetType,
          targetId: input.targetId,
          ownerId: target.ownerId,
          hostId: target.hostId,
          cause: 'report-weight',
          note: `hidden pending review: open reports weigh ${deps.config.reportHideThreshold} or more`,
          moderatorId: null,
        },
      },
      { ...metadata, actorId: null },
    );
  }
  return reportId;
}

export async function changeSuspension(deps: Deps, command: SuspensionCommand, metadata: EventMetadata) {
  const member = await loadMember(deps, command.data.memberId);
  if (member.status === 'none')
    throw new CommandRejected({ reason: 'not_found', message: 'That member was not found.' });
  return settled(
    deps,
    await runCommand(
      deps.store,
      suspensionStream(command.data.memberId),
      suspensionDecider,
      command,
      metadata,
    ),
  );
}

/** Resolves a report and carries out its action: hide the content, or suspend its owner. */
export async function resolveReport(
  deps: Deps,
  moderatorId: string,
  reportId: string,
  input: { action: 'dismiss' | 'hide' | 'suspend'; note: string },
  metadata: EventMetadata,
) {
  const result = await runCommand(
    deps.store,
    reportStream(reportId),
    reportDecider,
    { type: 'Resolve', data: { ...input, moderatorId } },
    metadata,
  );
  await settled(deps, result);
  const resolved = result.events[0];
  if (resolved?.type !== 'ReportResolved') return;
  const { targetType, targetId, ownerId } = resolved.data;
  if (input.action === 'hide' && targetType !== 'user') {
    const target = await resolveTarget(deps, targetType, targetId);
    await changeVisibility(
      deps,
      {
        type: 'Hide',
        data: {
          targetType,
          targetId,
          ownerId,
          hostId: target?.hostId ?? null,
          cause: 'moderator',
          note: input.note,
          moderatorId,
        },
      },
      metadata,
    );
  }
  if (input.action === 'suspend') {
    const current = await getProfile(deps.pool, ownerId);
    if (current) {
      await changeSuspension(
        deps,
        {
          type: 'Suspend',
          data: { memberId: ownerId, reason: input.note, moderatorId, forSpam: /\bspam\b/i.test(input.note) },
        },
        metadata,
      ).catch((err) => {
        // Already suspended by an earlier report: the report is resolved all the same.
        if (!(err instanceof CommandRejected && err.rejection.reason === 'conflict')) throw err;
      });
    }
  }
  return getReport(deps.pool, reportId);
}

export { resolveTarget };
