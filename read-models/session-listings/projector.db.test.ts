import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import { sessionListingsProjector } from './projector.ts';

type Event = IdentityEvent | SessionEvent | ModerationEvent;
const spec = await projectorSpec(sessionListingsProjector);

const signedUp = (memberId: string, displayName: string): Event => ({
  type: 'MemberSignedUp',
  data: { memberId, displayName, email: `${memberId}@example.org`, passwordHash: 'x', timezone: 'UTC' },
});
const scheduled = (sessionId: string, capacity = 1): Event => ({
  type: 'SessionScheduled',
  data: {
    sessionId,
    hostId: 'ana',
    title: 'Sourdough',
    skill: 'Baking',
    description: 'Bread at home',
    difficulty: 'beginner',
    prerequisites: ['an oven'],
    meetingUrl: 'https://meet.example.org/1',
    capacity,
    startsAt: '2026-03-01T10:00:00.000Z',
    durationMinutes: 60,
    timezone: 'Europe/Madrid',
    seriesId: null,
    clonedFrom: null,
    swap: null,
  },
});
const seat = (type: 'MemberRegistered' | 'WaitlistPromoted', sessionId: string, memberId: string): Event => ({
  type,
  data: { sessionId, memberId },
});
const hide = (targetId: string): Event => ({
  type: 'ContentHidden',
  data: {
    targetType: 'session',
    targetId,
    ownerId: 'ana',
    hostId: null,
    cause: 'moderator',
    note: '',
    moderatorId: 'mod',
  },
});

/** A history touching every handler, several runs of each, for the same sessions. */
const history: Event[] = [
  signedUp('ana', 'Ana'),
  scheduled('s1'),
  scheduled('s2', 2),
  seat('MemberRegistered', 's1', 'ben'),
  { type: 'MemberWaitlisted', data: { sessionId: 's1', memberId: 'cy', position: 1 } },
  { type: 'ProfileUpdated', data: { memberId: 'ana', displayName: 'Ana B.' } },
  { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'ben', wasWaitlisted: false } },
  seat('WaitlistPromoted', 's1', 'cy'),
  seat('MemberRegistered', 's2', 'ben'),
  { type: 'SessionDetailsChanged', data: { sessionId: 's1', title: 'Rye sourdough', capacity: 3 } },
  { type: 'SessionDetailsChanged', data: { sessionId: 's1', skill: 'Bread', prerequisites: [] } },
  {
    type: 'SessionRescheduled',
    data: {
      sessionId: 's2',
      startsAt: '2026-03-02T10:00:00.000Z',
      durationMinutes: 90,
      previousStartsAt: '2026-03-01T10:00:00.000Z',
    },
  },
  hide('s2'),
  {
    type: 'ContentRestored',
    data: {
      targetType: 'session',
      targetId: 's2',
      ownerId: 'ana',
      hostId: null,
      note: '',
      moderatorId: 'mod',
    },
  },
  hide('s1'),
  { type: 'MemberJoined', data: { sessionId: 's1', memberId: 'cy', joinedAt: '2026-03-01T09:50:00.000Z' } },
  // A second join is never appended by the decider; were one in the log, the first would stay.
  { type: 'MemberJoined', data: { sessionId: 's1', memberId: 'cy', joinedAt: '2026-03-01T09:55:00.000Z' } },
  {
    type: 'SessionCompleted',
    data: {
      sessionId: 's1',
      hostId: 'ana',
      skill: 'Bread',
      attendeeIds: ['cy'],
      startsAt: '2026-03-01T10:00:00.000Z',
      durationMinutes: 60,
    },
  },
  {
    type: 'SessionCancelled',
    data: { sessionId: 's2', reason: 'ill', cancelledBy: 'ana', byModerator: false },
  },
  seat('MemberRegistered', 's1', 'ben'),
  { type: 'RegistrationCancelled', data: { sessionId: 's1', memberId: 'ben', wasWaitlisted: false } },
  {
    type: 'NoShowsRecorded',
    data: { sessionId: 's1', memberIds: ['ben'], startsAt: '2026-03-01T10:00:00.000Z', cause: 'left-late' },
  },
  { type: 'MemberDeleted', data: { memberId: 'ana' } },
];

describe('session listings', () => {
  it('lists a session with its host, seats, waitlist, changes and moderation', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        `SELECT session_id, title, skill, skill_key, prerequisites, capacity, status, host_display_name, starts_at,
                ends_at, registered_count, waitlist_count, hidden, cancel_reason
           FROM session_listings ORDER BY session_id`,
      ),
    ).toEqual([
      {
        session_id: 's1',
        title: 'Rye sourdough',
        skill: 'Bread',
        skill_key: 'bread',
        prerequisites: [],
        capacity: 3,
        status: 'completed',
        host_display_name: 'Deleted member',
        starts_at: new Date('2026-03-01T10:00:00.000Z'),
        ends_at: new Date('2026-03-01T11:00:00.000Z'),
        registered_count: 1,
        waitlist_count: 0,
        hidden: true,
        cancel_reason: null,
      },
      {
        session_id: 's2',
        title: 'Sourdough',
        skill: 'Baking',
        skill_key: 'baking',
        prerequisites: ['an oven'],
        capacity: 2,
        status: 'cancelled',
        host_display_name: 'Deleted member',
        starts_at: new Date('2026-03-02T10:00:00.000Z'),
        ends_at: new Date('2026-03-02T11:30:00.000Z'),
        registered_count: 1,
        waitlist_count: 0,
        hidden: false,
        cancel_reason: 'ill',
      },
    ]);
    expect(
      await spec.rows(
        `SELECT session_id, member_id, status, attended, joined_at, no_show_at FROM session_registrations
          ORDER BY session_id, member_id`,
      ),
    ).toEqual([
      {
        session_id: 's1',
        member_id: 'ben',
        status: 'cancelled',
        attended: null,
        joined_at: null,
        no_show_at: new Date('2026-03-01T10:00:00.000Z'),
      },
      {
        session_id: 's1',
        member_id: 'cy',
        status: 'registered',
        attended: true,
        joined_at: new Date('2026-03-01T09:50:00.000Z'),
        no_show_at: null,
      },
      {
        session_id: 's2',
        member_id: 'ben',
        status: 'registered',
        attended: null,
        joined_at: null,
        no_show_at: null,
      },
    ]);
  });

  it('finds a session by its changed words', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        `SELECT session_id FROM session_listings WHERE search @@ to_tsquery('english', 'rye & bread')`,
      ),
    ).toEqual([{ session_id: 's1' }]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });
});
