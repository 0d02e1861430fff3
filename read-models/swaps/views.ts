import { z } from 'zod';
import type { SwapStatus } from '../../modules/swaps/events.ts';

// What swap queries return, routes answer with, and web imports as types.

// The module's statuses, named here as a value without importing the module (its routes import this file); the
// record makes the compiler check that both lists agree.
const STATUSES: Record<SwapStatus, true> = {
  proposed: true,
  accepted: true,
  declined: true,
  withdrawn: true,
  expired: true,
  completed: true,
};

const person = z.object({ id: z.string(), displayName: z.string() });

export const swapView = z.object({
  id: z.string(),
  proposer: person,
  receiver: person,
  offerSkill: z.string().describe('What the proposer teaches the receiver'),
  wantSkill: z.string().describe('What the receiver teaches the proposer'),
  status: z.enum(Object.keys(STATUSES) as [SwapStatus, ...SwapStatus[]]),
  sessionIds: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().describe('When an unanswered proposal expires'),
});
export type SwapView = z.infer<typeof swapView>;

export const messageView = z.object({
  id: z.string(),
  author: person,
  body: z.string(),
  sentAt: z.string(),
});
export type MessageView = z.infer<typeof messageView>;

/**
 * A member's swap as "Download my data" holds it: the swap, when its status last changed, and its whole thread,
 * the messages a moderator hid too (marked), as the export holds hidden reviews.
 */
export const swapExportView = swapView.extend({
  updatedAt: z.string().describe('When the status last changed'),
  messages: z.array(messageView.extend({ hiddenByModeration: z.boolean() })),
});
export type SwapExportView = z.infer<typeof swapExportView>;
