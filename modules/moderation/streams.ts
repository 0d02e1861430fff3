import type { AppendResult } from '../../infra/event-store/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { HIDDEN_SESSIONS_REACTOR } from '../sessions/index.ts';

// Moderation's streams: `report-<id>` per (reporter, target) pair, `content-<type>-<id>` per session or review,
// `suspension-<memberId>` per member (events.ts says what each holds).
export const reportStream = (id: string) => `report-${id}`;
export const contentStream = (type: string, id: string) => `content-${type}-${id}`;
export const suspensionStream = (memberId: string) => `suspension-${memberId}`;

/** Read-your-writes for moderation: the read models, and a session's own knowledge that it is hidden. */
export const settled = (deps: Deps, appended: AppendResult | null) =>
  appended ? deps.settle(appended, { also: [HIDDEN_SESSIONS_REACTOR] }) : Promise.resolve();
