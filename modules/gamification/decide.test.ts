// Pure unit tests of the gamification rules: reward(fact, state) and the helpers in rules.ts. No database.
import { describe, expect, it } from 'vitest';
import { type Fact, reward } from './decide.ts';
import { evolve, initialRewards, type RewardEvent, type Rewards } from './rewards.ts';
import { hasStreak, pointsForRating, weekNumber } from './rules.ts';

const M = 'member-1';

/** Feeds facts through reward and evolve, as the reactor does: the state and every event produced. */
function replay(facts: Fact[], start: Rewards = initialRewards()) {
  let state = start;
  const events: RewardEvent[] = [];
  for (const fact of facts) {
    const produced = reward(fact, state);
    events.push(...produced);
    state = produced.reduce(evolve, state);
  }
  return { state, events };
}

const badgesOf = (events: RewardEvent[]) =>
  events.flatMap((e) => (e.type === 'BadgeAwarded' ? [e.data.badge] : []));
const pointsOf = (events: RewardEvent[]) =>
  events.reduce((sum, e) => sum + (e.type === 'PointsAwarded' ? e.data.points : 0), 0);

const hosted = (n: number, attendeeIds: string[] = [], skill = 'Baking'): Fact => ({
  kind: 'hosted',
  memberId: M,
  sessionId: `s${n}`,
  skill,
  attendeeIds,
});
const attended = (n: number, week: number, skill = 'Baking'): Fact => ({
  kind: 'attended',
  memberId: M,
  sessionId: `a${n}`,
  skill,
  week,
});
const rated = (n: number, rating: number): Fact => ({
  kind: 'rated',
  memberId: M,
  reviewId: `r${n}`,
  skill: 'Baking',
  rating,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('points', () => {
  it('gives a host 10 plus 2 per attendee', () => {
    // Given a new member; When a session they hosted is completed with three attendees
    const { events } = replay([hosted(1, ['x', 'y', 'z'])]);
    // Then 10 + 2 × 3 = 16 points, for that session, with the students listed
    expect(events[0]).toEqual({
      type: 'PointsAwarded',
      data: {
        memberId: M,
        points: 16,
        reason: 'hosted',
        ref: 's1',
        skill: 'Baking',
        students: ['x', 'y', 'z'],
      },
    });
    // And a session with nobody attending earns the base 10
    expect(pointsOf(replay([hosted(2)]).events)).toBe(10);
  });

  it('gives 5 for attending (with the week) and 3 for reviewing', () => {
    const { events } = replay([
      attended(1, 2900),
      { kind: 'reviewed', memberId: M, reviewId: 'r1', skill: 'Baking' },
    ]);
    const awards = events.filter((e) => e.type === 'PointsAwarded').map((e) => e.data);
    expect(awards).toEqual([
      { memberId: M, points: 5, reason: 'attended', ref: 'a1', skill: 'Baking', week: 2900 },
      { memberId: M, points: 3, reason: 'reviewed', ref: 'r1', skill: 'Baking' },
    ]);
  });

  it.each([
    [5, 5],
    [4, 2],
    [3, 0],
    [2, 0],
    [1, 0],
  ])('gives the host %i★ → %i points, and tallies the rating', (rating, points) => {
    const { events, state } = replay([rated(1, rating)]);
    expect(events.find((e) => e.type === 'RatingTallied')?.data).toEqual({
      memberId: M,
      reviewId: 'r1',
      rating,
    });
    expect(pointsOf(events)).toBe(points);
    expect(pointsForRating(rating)).toBe(points);
    expect(state.ratings.get('r1')).toBe(rating);
  });

  it('rewards the same fact only once', () => {
    // Given every kind of fact already rewarded
    const facts: Fact[] = [
      hosted(1, ['x']),
      attended(1, 10),
      { kind: 'reviewed', memberId: M, reviewId: 'r9', skill: 'Baking' },
      rated(1, 5),
    ];
    const { state } = replay(facts);
    // When each is replayed; Then nothing more is earned
    for (const fact of facts) expect(reward(fact, state)).toEqual([]);
    expect(state.points).toBe(12 + 5 + 3 + 5);
    expect(state.hosted).toBe(1);
  });

  it('moves a tallied rating on change and drops it on null; ignores a null for a rating never tallied', () => {
    const { state } = replay([rated(1, 5)]);
    const changed = reward({ kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: 3 }, state);
    // A changed rating earns no points of its own: only the tally moves
    expect(changed).toEqual([{ type: 'RatingTallied', data: { memberId: M, reviewId: 'r1', rating: 3 } }]);
    expect(reward({ kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: 5 }, state)).toEqual([]);
    expect(reward({ kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: null }, state)).toEqual([
      { type: 'RatingTallied', data: { memberId: M, reviewId: 'r1', rating: null } },
    ]);
    expect(reward({ kind: 'rating-changed', memberId: M, reviewId: 'other', rating: null }, state)).toEqual(
      [],
    );
  });

  it('does not count again a rating no longer tallied (hidden) when its review is edited; its restoration does', () => {
    // Given nine 5★ ratings, the first hidden by moderation (untallied) before a tenth: 9 tallied, not top-rated
    const { state } = replay([
      ...range(9).map((n) => rated(n, 5)),
      { kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: null },
      rated(10, 5),
    ]);
    expect(state.ratings.size).toBe(9);
    // When the author edits the hidden review's rating; Then it stays out of the tally, and earns no badge
    expect(reward({ kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: 4 }, state)).toEqual([]);
    // When moderation restores it; Then it counts again, with its current rating
    const restored = reward(
      { kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: 4, restored: true },
      state,
    );
    expect(restored).toEqual([
      { type: 'RatingTallied', data: { memberId: M, reviewId: 'r1', rating: 4 } },
      { type: 'BadgeAwarded', data: { memberId: M, badge: 'top-rated' } }, // (9 × 5 + 4) / 10 = 4.9
    ]);
  });
});

describe('points that follow their review', () => {
  const wrote: Fact = { kind: 'reviewed', memberId: M, reviewId: 'r1', skill: 'Baking' };
  const shown = (visible: boolean, version: number): Fact => ({
    kind: 'review-visibility',
    memberId: M,
    reviewId: 'r1',
    visible,
    cause: `content-review-r1:${version}`,
  });
  const stored = (events: RewardEvent[], at: string) =>
    events.map((e) => ({ ...e, recordedAt: new Date(at) }));

  it('takes back the points of a hidden review, from the month they were awarded in, and gives them again', () => {
    // Given a review written in March (its stored award carries the time)
    const state = stored(reward(wrote, initialRewards()), '2026-03-10T10:00:00Z').reduce(
      evolve,
      initialRewards(),
    );
    // When moderation hides it; Then its 3 points are taken back, naming the award's time and the cause
    const hidden = reward(shown(false, 1), state);
    expect(hidden).toEqual([
      {
        type: 'PointsWithdrawn',
        data: {
          memberId: M,
          points: 3,
          reason: 'reviewed',
          ref: 'r1',
          skill: 'Baking',
          awardedAt: '2026-03-10T10:00:00.000Z',
          cause: 'content-review-r1:1',
        },
      },
    ]);
    const after = hidden.reduce(evolve, state);
    expect(after.points).toBe(0);
    // When it is restored; Then the same 3 points come back
    expect(reward(shown(true, 2), after)).toEqual([
      {
        type: 'PointsAwarded',
        data: {
          memberId: M,
          points: 3,
          reason: 'reviewed',
          ref: 'r1',
          skill: 'Baking',
          cause: 'content-review-r1:2',
        },
      },
    ]);
  });

  it('takes nothing twice: hiding what is hidden, restoring what counts, or an event older than the last', () => {
    const { state } = replay([wrote, shown(false, 1)]);
    expect(reward(shown(false, 2), state)).toEqual([]);
    expect(reward(shown(false, 1), state)).toEqual([]);
    const restored = replay([shown(true, 3)], state).state;
    expect(restored.points).toBe(3);
    expect(reward(shown(true, 4), restored)).toEqual([]);
    // A replay of the hide (version 1) after the restoration (version 3): past, so nothing moves
    expect(reward(shown(false, 1), restored)).toEqual([]);
  });

  it('moves a host’s rating points with the review', () => {
    const { state } = replay([rated(1, 5)]);
    const { state: hidden, events } = replay([shown(false, 1)], state);
    expect(events).toMatchObject([
      { type: 'PointsWithdrawn', data: { reason: 'rated', ref: 'r1', points: 5 } },
    ]);
    expect(hidden.points).toBe(0);
    expect(replay([shown(true, 2)], hidden).state.points).toBe(5);
  });

  it('keeps the badges: a first review hidden is still the first review', () => {
    const { state } = replay([wrote, shown(false, 1)]);
    expect(state.points).toBe(0);
    expect([...state.badges]).toEqual(['first-review']);
  });

  it('has nothing to take back for a rating that earned nothing', () => {
    const { state } = replay([rated(1, 3)]);
    expect(reward(shown(false, 1), state)).toEqual([]);
  });
});

describe('badges, each at its threshold and one below', () => {
  it('first-session-hosted at 1, sessions-10 at 10, sessions-50 at 50', () => {
    const history = replay(range(49).map((n) => hosted(n)));
    expect(badgesOf(replay([hosted(1)]).events)).toEqual(['first-session-hosted']);
    expect(badgesOf(replay(range(9).map((n) => hosted(n))).events)).toEqual(['first-session-hosted']);
    expect(badgesOf(replay(range(10).map((n) => hosted(n))).events)).toEqual([
      'first-session-hosted',
      'sessions-10',
    ]);
    expect(badgesOf(history.events)).toEqual(['first-session-hosted', 'sessions-10']);
    expect(badgesOf(reward(hosted(50), history.state))).toEqual(['sessions-50']);
  });

  it('students-100 counts distinct students across sessions', () => {
    const students = range(100).map((n) => `student-${n}`);
    // Given 99 distinct students over two sessions, one of them taught twice
    const { state } = replay([hosted(1, students.slice(0, 60)), hosted(2, students.slice(59, 99))]);
    expect(state.students.size).toBe(99);
    expect(state.badges.has('students-100')).toBe(false);
    // When a session brings back known students only; Then still no badge
    expect(badgesOf(reward(hosted(3, students.slice(0, 99)), state))).toEqual([]);
    // When the 100th distinct student attends; Then the badge
    expect(badgesOf(reward(hosted(4, ['student-1', 'student-100']), state))).toEqual(['students-100']);
  });

  it('top-rated: an average of at least 4.8 over at least 10 ratings', () => {
    // 9 × 5 + 1 × 3 = 48 over 10 ratings = 4.8 → yes
    const nineFives = range(9).map((n) => rated(n, 5));
    expect(badgesOf(replay([...nineFives, rated(10, 3)]).events)).toEqual(['top-rated']);
    // 9 × 5 + 1 × 2 = 47 over 10 = 4.7 → no
    expect(badgesOf(replay([...nineFives, rated(10, 2)]).events)).toEqual([]);
    // 9 ratings of 5 → average 5.0 but too few → no
    expect(badgesOf(replay(nineFives).events)).toEqual([]);
    // 8 × 5 + 2 × 4 = 48 / 10 = 4.8 → yes, reached through a changed rating too
    const { state } = replay([...range(8).map((n) => rated(n, 5)), rated(9, 4), rated(10, 3)]); // 47 / 10 = 4.7
    expect(state.badges.has('top-rated')).toBe(false);
    expect(
      badgesOf(reward({ kind: 'rating-changed', memberId: M, reviewId: 'r10', rating: 4 }, state)),
    ).toEqual(['top-rated']);
  });

  it('first-review on the first review only', () => {
    const first = replay([{ kind: 'reviewed', memberId: M, reviewId: 'r1', skill: 'Baking' }]);
    expect(badgesOf(first.events)).toEqual(['first-review']);
    expect(
      badgesOf(reward({ kind: 'reviewed', memberId: M, reviewId: 'r2', skill: 'Baking' }, first.state)),
    ).toEqual([]);
    expect(badgesOf(replay([attended(1, 1), hosted(1)]).events)).not.toContain('first-review');
  });

  it('learning-streak at 4 consecutive weeks; 3 or a gap are not enough', () => {
    expect(badgesOf(replay([attended(1, 100), attended(2, 101), attended(3, 102)]).events)).toEqual([]);
    expect(
      badgesOf(replay([attended(1, 100), attended(2, 101), attended(3, 103), attended(4, 104)]).events),
    ).toEqual([]);
    // Two sessions in one week count as one week
    expect(
      badgesOf(replay([attended(1, 100), attended(2, 100), attended(3, 101), attended(4, 102)]).events),
    ).toEqual([]);
    // Out of order, the gap filled last
    const streak = replay([attended(1, 100), attended(2, 101), attended(3, 103), attended(4, 102)]);
    expect(badgesOf(streak.events)).toEqual(['learning-streak']);
  });

  it('five-skills counts distinct skills case-insensitively', () => {
    const four = ['Baking', 'baking', 'BAKING', 'Guitar', 'Spanish', 'Drawing'].map((s, i) =>
      attended(i, 1, s),
    );
    const { state, events } = replay(four);
    expect(state.skills).toEqual(new Set(['baking', 'guitar', 'spanish', 'drawing']));
    expect(badgesOf(events)).toEqual([]);
    expect(badgesOf(reward(attended(9, 1, 'GUITAR'), state))).toEqual([]);
    expect(badgesOf(reward(attended(10, 1, 'TypeScript'), state))).toEqual(['five-skills']);
  });

  it('never awards a badge twice, even after the rule stops holding and holds again', () => {
    // Given a top-rated member whose best rating is deleted (badge kept), then the rating comes back
    const tenFives = range(10).map((n) => rated(n, 5));
    const { state, events } = replay([
      ...tenFives,
      { kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: null },
      { kind: 'rating-changed', memberId: M, reviewId: 'r1', rating: 5, restored: true },
      rated(11, 5),
      hosted(1),
      hosted(2),
    ]);
    expect(state.ratings.size).toBe(11);
    expect(badgesOf(events)).toEqual(['top-rated', 'first-session-hosted']);
  });
});

describe('weekNumber (Monday-based, UTC)', () => {
  it('starts a week on Monday 00:00 UTC', () => {
    // 2025-03-03 is a Monday: the Sunday before is one week earlier, the Sunday after the same week
    const monday = weekNumber('2025-03-03T00:00:00Z');
    expect(weekNumber('2025-03-02T23:59:59.999Z')).toBe(monday - 1);
    expect(weekNumber('2025-03-09T23:59:59Z')).toBe(monday);
    expect(weekNumber('2025-03-10T00:00:00Z')).toBe(monday + 1);
  });

  it('reads offsets as the UTC instant', () => {
    // Monday 00:30 in Paris is Sunday 23:30 UTC: the previous week
    expect(weekNumber('2025-03-03T00:30:00+01:00')).toBe(weekNumber('2025-03-02T12:00:00Z'));
    expect(weekNumber('2025-03-02T20:00:00-05:00')).toBe(weekNumber('2025-03-03T01:00:00Z'));
  });

  it('counts from the week of 1 January 1970 (a Thursday) as week 0, earlier weeks negative', () => {
    expect(weekNumber('1970-01-01T00:00:00Z')).toBe(0);
    expect(weekNumber('1969-12-29T00:00:00Z')).toBe(0); // that week's Monday
    expect(weekNumber('1970-01-04T23:59:59Z')).toBe(0); // its Sunday
    expect(weekNumber('1970-01-05T00:00:00Z')).toBe(1);
    expect(weekNumber('1969-12-28T23:59:59Z')).toBe(-1);
  });

  it('runs across a year end without a jump', () => {
    // Mon 2024-12-30 to Sun 2025-01-05 is one week
    expect(weekNumber('2025-01-05T12:00:00Z')).toBe(weekNumber('2024-12-30T00:00:00Z'));
    expect(weekNumber('2025-01-06T00:00:00Z')).toBe(weekNumber('2024-12-30T00:00:00Z') + 1);
  });
});

describe('hasStreak', () => {
  it.each([
    [[], false],
    [[7], false],
    [[1, 2, 3], false],
    [[1, 2, 3, 4], true],
    [[4, 3, 2, 1], true],
    [[1, 1, 2, 2, 3, 4], true],
    [[1, 2, 4, 5], false],
    [[1, 2, 3, 5, 6, 7], false],
    [[10, 1, 2, 3, 20, 4], true],
    [[-2, -1, 0, 1], true],
  ])('%j → %s', (weeks, expected) => {
    expect(hasStreak(weeks)).toBe(expected);
  });

  it('takes another length', () => {
    expect(hasStreak([1, 2], 2)).toBe(true);
    expect(hasStreak([1, 3], 2)).toBe(false);
    expect(hasStreak(new Set([5]), 1)).toBe(true);
  });
});
