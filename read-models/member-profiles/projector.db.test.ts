import { describe, expect, it } from 'vitest';
import { projectorSpec } from '../../infra/testing/projector-spec.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { GamificationEvent } from '../../modules/gamification/events.ts';
import type { IdentityEvent } from '../../modules/identity/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';
import { memberProfilesProjector } from './projector.ts';

type Event = IdentityEvent | ModerationEvent | SessionEvent | FeedbackEvent | GamificationEvent | SwapEvent;
const spec = await projectorSpec(memberProfilesProjector);

const signedUp = (memberId: string, displayName: string): Event => ({
  type: 'MemberSignedUp',
  data: { memberId, displayName, email: `${memberId}@example.org`, passwordHash: 'x', timezone: 'UTC' },
});
const completed = (sessionId: string, skill: string, attendeeIds: string[]): Event => ({
  type: 'SessionCompleted',
  data: {
    sessionId,
    hostId: 'ana',
    skill,
    attendeeIds,
    startsAt: '2026-03-01T10:00:00.000Z',
    durationMinutes: 60,
  },
});
const review = (reviewId: string, authorId: string, rating: number): Event => ({
  type: 'ReviewSubmitted',
  data: {
    reviewId,
    sessionId: 's1',
    hostId: 'ana',
    authorId,
    skill: 'Baking',
    rating,
    comment: '',
    swapId: null,
  },
});
const verdict = (type: 'ContentHidden' | 'ContentRestored', targetId: string): Event =>
  type === 'ContentHidden'
    ? {
        type,
        data: {
          targetType: 'review',
          targetId,
          ownerId: 'ben',
          hostId: 'ana',
          cause: 'moderator',
          note: '',
          moderatorId: 'mod',
        },
      }
    : {
        type,
        data: { targetType: 'review', targetId, ownerId: 'ben', hostId: 'ana', note: '', moderatorId: 'mod' },
      };
const points = (type: 'PointsAwarded' | 'PointsWithdrawn', memberId: string, n: number): Event =>
  type === 'PointsAwarded'
    ? { type, data: { memberId, points: n, reason: 'hosted', ref: 's1', skill: 'Baking' } }
    : {
        type,
        data: {
          memberId,
          points: n,
          reason: 'hosted',
          ref: 's1',
          skill: 'Baking',
          awardedAt: null,
          cause: 'x:1',
        },
      };

const history: Event[] = [
  signedUp('ana', 'Ana'),
  signedUp('ben', 'Ben'),
  signedUp('cy', 'Cy'),
  { type: 'ProfileUpdated', data: { memberId: 'ana', bio: 'Baker', skillsToTeach: ['Baking', 'Rust'] } },
  { type: 'ProfileUpdated', data: { memberId: 'ana', displayName: 'Ana B.', avatarUrl: null } },
  { type: 'RoleGranted', data: { memberId: 'ana', role: 'admin' } },
  { type: 'RoleGranted', data: { memberId: 'ana', role: 'moderator' } },
  { type: 'RoleRevoked', data: { memberId: 'ana', role: 'admin' } },
  { type: 'RoleGranted', data: { memberId: 'ana', role: 'admin' } },
  completed('s1', 'Baking', ['ben', 'cy']),
  completed('s2', 'baking', ['ben']),
  review('r1', 'ben', 4),
  review('r2', 'cy', 2),
  { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', rating: 5 } },
  { type: 'ReviewEdited', data: { reviewId: 'r2', hostId: 'ana', comment: 'meh' } },
  verdict('ContentHidden', 'r2'),
  verdict('ContentHidden', 'r1'),
  verdict('ContentRestored', 'r1'),
  points('PointsAwarded', 'ana', 10),
  points('PointsWithdrawn', 'ana', 3),
  { type: 'BadgeAwarded', data: { memberId: 'ana', badge: 'first-session-hosted' } },
  {
    type: 'MemberSuspended',
    data: {
      memberId: 'cy',
      reason: 'spam',
      moderatorId: 'ana',
      forSpam: true,
      until: '2026-05-01T00:00:00.000Z',
    },
  },
  {
    type: 'MemberSuspended',
    data: { memberId: 'ben', reason: 'rude', moderatorId: 'ana', forSpam: false, until: null },
  },
  { type: 'MemberUnsuspended', data: { memberId: 'ben', note: '', moderatorId: 'ana' } },
  { type: 'MemberDeleted', data: { memberId: 'cy' } },
];

describe('member profiles', () => {
  it('keeps each profile, its roles, suspension and reputation', async () => {
    await spec.reset();
    await spec.given(history);
    expect(
      await spec.rows(
        `SELECT member_id, display_name, bio, skills_to_teach, teach_keys, roles, suspended, suspended_until,
                average_rating, rating_count, sessions_hosted, students_taught, points
           FROM member_profiles ORDER BY member_id`,
      ),
    ).toEqual([
      {
        member_id: 'ana',
        display_name: 'Ana B.',
        bio: 'Baker',
        skills_to_teach: ['Baking', 'Rust'],
        teach_keys: ['baking', 'rust'],
        roles: ['member', 'moderator', 'admin'],
        suspended: false,
        suspended_until: null,
        average_rating: 5,
        rating_count: 1,
        sessions_hosted: 2,
        students_taught: 2,
        points: 7,
      },
      {
        member_id: 'ben',
        display_name: 'Ben',
        bio: '',
        skills_to_teach: [],
        teach_keys: [],
        roles: ['member'],
        suspended: false,
        suspended_until: null,
        average_rating: null,
        rating_count: 0,
        sessions_hosted: 0,
        students_taught: 0,
        points: 0,
      },
      {
        member_id: 'cy',
        display_name: 'Deleted member',
        bio: '',
        skills_to_teach: [],
        teach_keys: [],
        roles: ['member'],
        suspended: true,
        suspended_until: new Date('2026-05-01T00:00:00.000Z'),
        average_rating: null,
        rating_count: 0,
        sessions_hosted: 0,
        students_taught: 0,
        points: 0,
      },
    ]);
    expect(
      await spec.rows(
        'SELECT member_id, skill, sessions_hosted, average_rating, rating_count FROM mentor_skill_stats',
      ),
    ).toEqual([
      { member_id: 'ana', skill: 'Baking', sessions_hosted: 2, average_rating: 5, rating_count: 1 },
    ]);
    expect(await spec.rows('SELECT member_id, badge FROM member_badges')).toEqual([
      { member_id: 'ana', badge: 'first-session-hosted' },
    ]);
  });

  it('finds a member by name, skill or bio, and a deleted one by none of them', async () => {
    await spec.reset();
    await spec.given(history);
    const found = async (q: string) =>
      (
        await spec.rows<{ member_id: string }>(
          `SELECT member_id FROM member_profiles WHERE search @@ plainto_tsquery('english', $1) ORDER BY 1`,
          [q],
        )
      ).map((r) => r.member_id);
    expect(await found('rust')).toEqual(['ana']);
    expect(await found('baker')).toEqual(['ana']);
    expect(await found('cy')).toEqual([]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(history);
    expect(oneByOne).toEqual(batched);
  });
});

describe('the ratings of a swap’s reviews', () => {
  const swapReview = (reviewId: string, hostId: string, authorId: string, rating: number): Event => ({
    type: 'ReviewSubmitted',
    data: {
      reviewId,
      sessionId: `s-${hostId}`,
      hostId,
      authorId,
      skill: 'Baking',
      rating,
      comment: '',
      swapId: 'sw1',
    },
  });
  const revealed = (reviewIds: string[]): Event => ({
    type: 'SwapReviewsRevealed',
    data: { swapId: 'sw1', reviewIds, reason: 'both' },
  });
  const swapHistory: Event[] = [
    signedUp('ana', 'Ana'),
    signedUp('ben', 'Ben'),
    review('r0', 'cy', 3),
    swapReview('r1', 'ana', 'ben', 5),
    { type: 'ReviewEdited', data: { reviewId: 'r1', hostId: 'ana', rating: 1 } },
    swapReview('r2', 'ben', 'ana', 4),
    revealed(['r1', 'r2']),
  ];
  const ratings = () =>
    spec.rows(
      `SELECT member_id, average_rating::float AS average, rating_count FROM member_profiles ORDER BY member_id`,
    );

  it('counts none while sealed, edits included, and both from their reveal on', async () => {
    await spec.reset();
    await spec.given(swapHistory.slice(0, 6));
    expect(await ratings()).toEqual([
      { member_id: 'ana', average: 3, rating_count: 1 },
      { member_id: 'ben', average: null, rating_count: 0 },
    ]);
    await spec.given(swapHistory.slice(6));
    expect(await ratings()).toEqual([
      { member_id: 'ana', average: 2, rating_count: 2 },
      { member_id: 'ben', average: 4, rating_count: 1 },
    ]);
  });

  it('leaves the same rows whether the events come in one batch or one at a time', async () => {
    const { batched, oneByOne } = await spec.batchedAndOneByOne(swapHistory);
    expect(oneByOne).toEqual(batched);
  });
});
