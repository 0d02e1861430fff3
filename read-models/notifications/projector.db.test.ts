import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import { notificationsProjector } from './projector.ts';

const spec = await projectorSpec(notificationsProjector);

const scheduled = (sessionId: string): SessionEvent => ({
  type: 'SessionScheduled',
  data: {
    sessionId,
    hostId: 'ana',
    title: 'Sourdough',
    skill: 'Baking',
    description: '',
    difficulty: 'beginner',
    prerequisites: [],
    meetingUrl: 'https://meet.example.org/1',
    capacity: 1,
    startsAt: '2026-03-01T10:00:00.000Z',
    durationMinutes: 60,
    timezone: 'Europe/Madrid',
    seriesId: null,
    clonedFrom: null,
    swap: null,
  },
});

const history: (SessionEvent & { streamId?: string; recordedAt?: string })[] = [
  scheduled('s1'),
  scheduled('s2'),
  { type: 'MemberRegistered', data: { sessionId: 's1', memberId: 'ben' } },
  { type: 'MemberWaitlisted', data: { sessionId: 's1', memberId: 'cy', position: 1 } },
  { type: 'MemberRegistered', data: { sessionId: 's2', memberId: 'cy' } },
  { type: 'MemberRegistered', data: { sessionId: 'unknown', memberId: 'cy' } },
  { type: 'SessionDetailsChanged', data: { sessionId: 's1', title: 'Rye sourdough', capacity: 2 } },
  { type: 'SessionDetailsChanged', data: { sessionId: 's1', capacity: 3 } },
  {
    type: 'SessionRescheduled',
    data: {
      sessionId: 's1',
      startsAt: '2026-03-02T10:00:00.000Z',
      durationMinutes: 60,
      previousStartsAt: '2026-03-01T10:00:00.000Z',
    },
  },
  { type: 'NotificationsRead', data: { memberId: 'ben', ids: null }, recordedAt: '2026-01-01T00:00:08.500Z' },
  { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'ben', wasWaitlisted: false } },
  { type: 'WaitlistPromoted', data: { sessionId: 's1', memberId: 'cy' } },
  {
    type: 'ReminderDue',
    data: { sessionId: 's1', kind: '1h', startsAt: '2026-03-02T10:00:00.000Z', memberIds: null },
  },
  {
    type: 'SessionCancelled',
    data: { sessionId: 's2', reason: 'ill', cancelledBy: 'ana', byModerator: false },
  },
  { type: 'NotificationsRead', data: { memberId: 'cy', ids: [] } },
  { type: 'NotificationsRead', data: { memberId: 'ben', ids: null } },
];

describe('notifications', () => {
  it('tells members about their seats, changes, cancellations and reminders, and marks what they read', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        `SELECT member_id, kind, session_id, title, body, read_at IS NOT NULL AS read
           FROM notifications ORDER BY created_at, member_id`,
      ),
    ).toEqual([
      {
        member_id: 'ben',
        kind: 'registered',
        session_id: 's1',
        title: "You're registered for “Sourdough”",
        body: 'It starts Sun 1 Mar, 11:00 CET.',
        read: true,
      },
      {
        member_id: 'cy',
        kind: 'waitlisted',
        session_id: 's1',
        title: "You're on the waitlist for “Sourdough”",
        body: "You are number 1 in line. We'll tell you when a seat frees up.",
        read: false,
      },
      {
        member_id: 'cy',
        kind: 'registered',
        session_id: 's2',
        title: "You're registered for “Sourdough”",
        body: 'It starts Sun 1 Mar, 11:00 CET.',
        read: false,
      },
      {
        member_id: 'ben',
        kind: 'changed',
        session_id: 's1',
        title: 'The host updated “Rye sourdough”',
        body: 'Changed: title.',
        read: true,
      },
      {
        member_id: 'cy',
        kind: 'changed',
        session_id: 's1',
        title: 'The host updated “Rye sourdough”',
        body: 'Changed: title.',
        read: false,
      },
      {
        member_id: 'ben',
        kind: 'rescheduled',
        session_id: 's1',
        title: '“Rye sourdough” has a new time',
        body: 'It now starts Mon 2 Mar, 11:00 CET (was Sun 1 Mar, 11:00 CET).',
        read: true,
      },
      {
        member_id: 'cy',
        kind: 'rescheduled',
        session_id: 's1',
        title: '“Rye sourdough” has a new time',
        body: 'It now starts Mon 2 Mar, 11:00 CET (was Sun 1 Mar, 11:00 CET).',
        read: false,
      },
      {
        member_id: 'cy',
        kind: 'promoted',
        session_id: 's1',
        title: "A seat opened up: you're in “Rye sourdough”",
        body: 'You moved from the waitlist to registered. It starts Mon 2 Mar, 11:00 CET.',
        read: false,
      },
      {
        member_id: 'ana',
        kind: 'reminder-1h',
        session_id: 's1',
        title: '“Rye sourdough” starts in 1 hour',
        body: 'It starts Mon 2 Mar, 11:00 CET.',
        read: false,
      },
      {
        member_id: 'cy',
        kind: 'reminder-1h',
        session_id: 's1',
        title: '“Rye sourdough” starts in 1 hour',
        body: 'It starts Mon 2 Mar, 11:00 CET.',
        read: false,
      },
      {
        member_id: 'cy',
        kind: 'cancelled',
        session_id: 's2',
        title: '“Sourdough” was cancelled',
        body: 'Reason: ill',
        read: false,
      },
    ]);
  });

  it('marks a notification read at the first read that covers it', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(`SELECT kind, read_at FROM notifications WHERE member_id = 'ben' ORDER BY created_at`),
    ).toEqual([
      { kind: 'registered', read_at: new Date('2026-01-01T00:00:08.500Z') },
      { kind: 'changed', read_at: new Date('2026-01-01T00:00:08.500Z') },
      { kind: 'rescheduled', read_at: new Date('2026-01-01T00:00:16.000Z') },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });
});

describe('notifications about reviews', () => {
  it('asks attendees to rate, tells the host of a review and its author of a reply, a hide and a restore', async () => {
    await spec.reset();
    const events = [
      scheduled('s9'),
      {
        type: 'SessionCompleted',
        data: {
          sessionId: 's9',
          hostId: 'ana',
          skill: 'Baking',
          attendeeIds: ['ben'],
          startsAt: '2026-03-01T10:00:00.000Z',
          durationMinutes: 60,
        },
      },
      {
        type: 'ReviewSubmitted',
        data: {
          reviewId: 'r9',
          sessionId: 's9',
          hostId: 'ana',
          authorId: 'ben',
          skill: 'Baking',
          rating: 5,
          comment: 'Great',
          swapId: null,
        },
      },
      // In the same run as the review: the reply finds its author.
      { type: 'HostReplied', data: { reviewId: 'r9', hostId: 'ana', reply: 'Thanks' } },
      {
        type: 'ContentHidden',
        data: {
          targetType: 'review',
          targetId: 'r9',
          ownerId: 'ben',
          hostId: 'ana',
          cause: 'moderator',
          note: 'x',
          moderatorId: 'mo',
        },
      },
      {
        type: 'ContentRestored',
        data: {
          targetType: 'review',
          targetId: 'r9',
          ownerId: 'ben',
          hostId: 'ana',
          note: 'ok',
          moderatorId: 'mo',
        },
      },
      // A review of a session unknown here, and a hidden session: nobody to tell.
      { type: 'HostReplied', data: { reviewId: 'nope', hostId: 'ana', reply: 'x' } },
      {
        type: 'ContentHidden',
        data: {
          targetType: 'session',
          targetId: 's9',
          ownerId: 'ana',
          hostId: null,
          cause: 'moderator',
          note: 'x',
          moderatorId: 'mo',
        },
      },
    ] as unknown as SessionEvent[];
    await spec.given(events);
    expect(
      await spec.rows('SELECT member_id, kind, title FROM notifications ORDER BY created_at, member_id'),
    ).toEqual([
      { member_id: 'ben', kind: 'rate-session', title: 'How was “Sourdough”?' },
      { member_id: 'ana', kind: 'review', title: 'New review of “Sourdough”' },
      { member_id: 'ben', kind: 'review-reply', title: 'The host replied to your review of “Sourdough”' },
      { member_id: 'ben', kind: 'review-hidden', title: 'Your review of “Sourdough” was hidden' },
      { member_id: 'ben', kind: 'review-restored', title: 'Your review of “Sourdough” is visible again' },
    ]);
  });
});

describe('notifications about a swap’s reviews', () => {
  const swapReview = (reviewId: string, sessionId: string, hostId: string, authorId: string) => ({
    type: 'ReviewSubmitted',
    data: { reviewId, sessionId, hostId, authorId, skill: 'Baking', rating: 5, comment: '', swapId: 'sw1' },
  });
  const revealed = (reviewIds: string[]) => ({
    type: 'SwapReviewsRevealed',
    data: { swapId: 'sw1', reviewIds, reason: 'both' },
  });
  // Ana hosts s1 for Ben, Ben hosts s2 for Ana; a second swap's lone review (s3, Cy's) is deleted, then revealed.
  const events = [
    scheduled('s1'),
    { ...scheduled('s2'), data: { ...scheduled('s2').data, hostId: 'ben' } },
    scheduled('s3'),
    swapReview('r1', 's1', 'ana', 'ben'),
    swapReview('r2', 's2', 'ben', 'ana'),
    revealed(['r1', 'r2']),
    swapReview('r3', 's3', 'ana', 'cy'),
    { type: 'ReviewDeleted', data: { reviewId: 'r3', hostId: 'ana' } },
    revealed(['r3']),
  ] as unknown as SessionEvent[];

  it('tells each host of the review they received when it is revealed, not when written, and not if deleted', async () => {
    await spec.reset();
    await spec.given(events.slice(0, 5));
    expect(await spec.rows('SELECT member_id FROM notifications')).toEqual([]);
    await spec.given(events.slice(5));
    expect(
      await spec.rows('SELECT member_id, kind, session_id FROM notifications ORDER BY member_id'),
    ).toEqual([
      { member_id: 'ana', kind: 'review', session_id: 's1' },
      { member_id: 'ben', kind: 'review', session_id: 's2' },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(events);
    expect(oneByOne).toEqual(batched);
  });
});
