// The shapes of the swaps API (read-models/swaps/views.ts and read-models/matches/views.ts, by type only) and the
// few rules the swap pages and islands share about them.

import type { MatchView } from '../../../read-models/matches/views.ts';
import type { MessageView, SwapView } from '../../../read-models/swaps/views.ts';

export type Swap = SwapView;
export type SwapStatus = SwapView['status'];
export type Message = MessageView;
export type Match = MatchView;

export const STATUS_LABELS: Record<SwapStatus, string> = {
  proposed: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  expired: 'Expired',
  completed: 'Completed',
};

/** The link that opens the proposal form, with the skills filled in when they are known. */
export function proposeHref(memberId: string, skills: { want?: string; offer?: string } = {}): string {
  const q = new URLSearchParams({ to: memberId });
  if (skills.want) q.set('want', skills.want);
  if (skills.offer) q.set('offer', skills.offer);
  return `/swaps/new?${q}`;
}

/** "3 hours apart", "same time zone", "5.5 hours apart". */
export function apart(hours: number): string {
  if (hours === 0) return 'Same time zone';
  return `${Number.isInteger(hours) ? hours : hours.toFixed(1).replace(/\.0$/, '')} ${hours === 1 ? 'hour' : 'hours'} apart`;
}

/** "active today", "active 3 days ago". */
export function lastActive(iso: string, now = Date.now()): string {
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (days <= 0) return 'Active today';
  if (days === 1) return 'Active yesterday';
  if (days < 30) return `Active ${days} days ago`;
  return `Active ${Math.floor(days / 30)} ${days < 60 ? 'month' : 'months'} ago`;
}
