import type { CommandContext, ModuleContext } from '../../infra/deps.ts';
import {
  CommandRejected,
  type EventMetadata,
  readStreamOf,
  runCommand,
} from '../../infra/event-store/index.ts';
import { defineReactor } from '../../infra/projections/index.ts';
import { loadMember } from '../identity/index.ts';
import {
  decideSuspension,
  evolveSuspension,
  initialSuspension,
  type SuspensionCommand,
  type SuspensionEvent,
} from './decide.ts';
import type { Suspension } from './schemas.ts';
import { suspensionStream, waitForModerationReadModels } from './streams.ts';

export const suspensionDecider = {
  initialState: initialSuspension,
  evolve: evolveSuspension,
  decide: decideSuspension,
};

/** The facts a suspension decision needs beyond the command: whether the member is staff (from identity). */
export async function memberToSuspend(ctx: Pick<CommandContext, 'store'>, memberId: string) {
  const member = await loadMember(ctx, memberId);
  if (member.status === 'none')
    throw new CommandRejected({ reason: 'not_found', message: 'That member was not found.' });
  const memberIsStaff =
    member.status === 'active' && member.roles.some((r) => r === 'moderator' || r === 'admin');
  return { member, memberIsStaff };
}

export type ByModerator = { id: string; isAdmin: boolean };

/** A moderator suspends a member, or lifts a suspension. */
export async function changeSuspension(
  ctx: CommandContext,
  moderator: ByModerator,
  change:
    | { type: 'Suspend'; memberId: string; reason: string; forSpam: boolean; until: string | null }
    | { type: 'Unsuspend'; memberId: string; note: string },
  metadata: EventMetadata,
) {
  const { memberIsStaff } = await memberToSuspend(ctx, change.memberId);
  const hierarchy = { moderatorId: moderator.id, byAdmin: moderator.isAdmin, memberIsStaff };
  const command: SuspensionCommand =
    change.type === 'Suspend'
      ? {
          type: 'Suspend',
          data: {
            ...hierarchy,
            memberId: change.memberId,
            reason: change.reason,
            forSpam: change.forSpam,
            until: change.until,
          },
          now: ctx.now(),
        }
      : { type: 'Unsuspend', data: { ...hierarchy, memberId: change.memberId, note: change.note } };
  const result = await runCommand(
    ctx.store,
    suspensionStream(change.memberId),
    suspensionDecider,
    command,
    metadata,
  );
  await waitForModerationReadModels(ctx, result.appended);
  return result.state;
}

/** A suspension's end has come: the system lifts it, unless it was lifted or replaced since (then nothing). */
export async function endSuspension(ctx: CommandContext, memberId: string, until: string) {
  const result = await runCommand(
    ctx.store,
    suspensionStream(memberId),
    suspensionDecider,
    { type: 'EndSuspension', data: { memberId, until } },
    { actorId: null },
  );
  await waitForModerationReadModels(ctx, result.appended);
}

/** Where a member's suspension stands, from their suspension stream. */
export async function suspensionOf(
  ctx: Pick<CommandContext, 'store'>,
  memberId: string,
): Promise<Suspension> {
  const last = (await readStreamOf<SuspensionEvent>(ctx.store, suspensionStream(memberId))).at(-1);
  if (last?.type !== 'MemberSuspended') {
    return { suspended: false, until: null, since: null, reason: null, forSpam: false };
  }
  const { until, reason, forSpam } = last.data;
  return { suspended: true, until, since: last.recordedAt.toISOString(), reason, forSpam };
}

export const SUSPENSION_END_QUEUE = 'suspension-ends';
type SuspensionEndJob = { memberId: string; until: string };

/**
 * Schedules the end of every suspension that has one, as a pg-boss job at its `until` (kept in the database:
 * it survives a restart, and one that comes due while the server is down runs when it is back). However
 * often a job runs, the member's suspension stream records the lifting once (decideSuspension's
 * EndSuspension), and a job for a suspension lifted or replaced since changes nothing.
 */
export const suspensionEndScheduler = defineReactor<SuspensionEvent>({
  name: 'suspension_ends',
  on: {
    MemberSuspended: async (_db, run, { jobs }) => {
      for (const { data } of run) {
        if (!data.until) continue;
        await jobs.send(
          SUSPENSION_END_QUEUE,
          { memberId: data.memberId, until: data.until } satisfies SuspensionEndJob,
          {
            singletonKey: `${data.memberId}:${data.until}`,
            startAfter: new Date(data.until),
          },
        );
      }
    },
  },
});

export async function startSuspensionEndWorker({ jobs, command }: ModuleContext) {
  await jobs.define<SuspensionEndJob>(SUSPENSION_END_QUEUE, async ({ memberId, until }) => {
    await endSuspension(command, memberId, until);
  });
}
