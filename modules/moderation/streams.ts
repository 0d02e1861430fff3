import type { CommandContext } from '../../infra/deps.ts';
import type { AppendResult } from '../../infra/event-store/index.ts';
import { HIDDEN_SESSIONS_REACTOR } from '../sessions/index.ts';

// Moderation's streams: `report-<id>` per (reporter, target) pair, `content-<type>-<id>` per session or review,
// `suspension-<memberId>` per member (events.ts says what each holds).
export const reportStream = (id: string) => `report-${id}`;
export const contentStream = (type: string, id: string) => `content-${type}-${id}`;
export const suspensionStream = (memberId: string) => `suspension-${memberId}`;

/** Read-your-writes for moderation: the read models, and a session's own knowledge that it is hidden. */
export const waitForModerationReadModels = (
  ctx: Pick<CommandContext, 'waitForReadModels'>,
  appended: AppendResult | null,
) => (appended ? ctx.waitForReadModels(appended, { also: [HIDDEN_SESSIONS_REACTOR] }) : Promise.resolve());
