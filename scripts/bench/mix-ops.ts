// What the members of the member mix do, one operation at a time (mix-load.ts sends them): browse, open sessions
// and profiles, register and leave, review what they attended. The members' registrations and reviews are
// remembered from operation to operation (and from step to step), so that a leave follows a register and every
// review is of a completed session the member attended and has not reviewed yet.
import type { Random } from './stats.ts';
import { COMMENTS } from './words.ts';

export const KINDS = ['browse', 'open', 'register/leave', 'review'] as const;
export type MixKind = (typeof KINDS)[number];
export type MixMember = { id: string; cookie: string; unreviewed: string[] };
export type MixSetup = {
  url: string;
  connections: number;
  members: MixMember[];
  upcoming: { id: string; hostId: string }[];
  /** Sessions and profiles to open (ids). */
  sessions: string[];
  profiles: string[];
  skills: string[];
  /** Whether the site is built: without it the page operations become their API routes. */
  pages: boolean;
  reviewsPerDay: number;
  /** A write answered after this long (ms) counts as one that waited out the read-your-writes timeout. */
  slowWriteMs: number;
  /** How long a step waits for its last answers before it gives them up as unanswered. */
  drainMs: number;
};
export type Op = {
  route: string;
  kind: MixKind;
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  cookie: string;
  body?: string;
  /** Statuses that are a correct answer to this request but not a success (counted apart, never as errors). */
  refusals?: number[];
};

const WORDS = ['practice', 'project', 'mistakes', 'fundamentals', 'habits'];
const DIFFICULTIES = ['beginner', 'intermediate', 'advanced'];
type Pair = { member: MixMember; sessionId: string };

export function createWorkload(setup: MixSetup) {
  /** Pairs registered or waitlisted, as far as this generator knows (its own registrations). */
  const joined = new Map<string, Pair>();
  const reviewsLeft = new Map(setup.members.map((m) => [m.id, setup.reviewsPerDay]));
  const reviewers = setup.members.filter((m) => m.unreviewed.length > 0);
  const reviewed: Pair[] = [];

  const get = (m: MixMember, route: string, kind: MixKind, path: string): Op => ({
    route,
    kind,
    method: 'GET',
    path,
    cookie: m.cookie,
  });
  const withQuery = (path: string, params: Record<string, string>) =>
    Object.keys(params).length > 0 ? `${path}?${new URLSearchParams(params)}` : path;
  const sessionFilters = (r: Random): Record<string, string> => {
    const roll = r.next();
    if (roll < 0.3) return {};
    if (roll < 0.6) return { skill: r.pick(setup.skills) };
    if (roll < 0.8) return { skill: r.pick(setup.skills), difficulty: r.pick(DIFFICULTIES) };
    return { q: r.pick(WORDS) };
  };
  const mentorFilters = (r: Random): Record<string, string> =>
    r.chance(0.5) ? { skill: r.pick(setup.skills) } : {};
  // A page, or (site not built) the API route it is made from.
  const page = (m: MixMember, route: string, kind: MixKind, path: string) =>
    setup.pages ? get(m, `page ${route}`, kind, path) : get(m, `GET /api${route}`, kind, `/api${path}`);

  /** A third of these leave a session some member joined here (when there is one); the rest register. */
  function registerOrLeave(r: Random): Op {
    const known = [...joined.values()];
    let pair: Pair;
    if (known.length > 0 && r.chance(1 / 3)) pair = r.pick(known);
    else {
      const member = r.pick(setup.members);
      let s = r.pick(setup.upcoming);
      for (let i = 0; i < 5 && s.hostId === member.id; i++) s = r.pick(setup.upcoming);
      pair = { member, sessionId: s.id };
    }
    const path = `/api/sessions/${pair.sessionId}/registration`;
    const key = `${pair.member.id} ${pair.sessionId}`;
    const leave = joined.delete(key);
    if (!leave) joined.set(key, pair);
    // Noted as the request leaves, so the next operation on the same pair does the other thing. 409 is a correct
    // answer to both: a register when already in (from the generated history) or no longer open, a leave when
    // not in; a register for a full session is a 201 "waitlisted".
    const method = leave ? 'DELETE' : 'POST';
    const route = `${method} /api/sessions/:id/registration`;
    return { route, kind: 'register/leave', method, path, cookie: pair.member.cookie, refusals: [409] };
  }

  function review(r: Random): Op | null {
    const op = (p: Pair, refusals: number[]): Op => {
      reviewsLeft.set(p.member.id, reviewsLeft.get(p.member.id)! - 1);
      return {
        route: 'POST /api/sessions/:id/reviews',
        kind: 'review',
        method: 'POST',
        path: `/api/sessions/${p.sessionId}/reviews`,
        cookie: p.member.cookie,
        body: JSON.stringify({ rating: 1 + r.int(5), comment: r.pick(COMMENTS) }),
        refusals,
      };
    };
    while (reviewers.length > 0) {
      const k = r.int(reviewers.length);
      const member = reviewers[k]!;
      if (reviewsLeft.get(member.id)! <= 0 || member.unreviewed.length === 0) {
        reviewers.splice(k, 1);
        continue;
      }
      const sessionId = member.unreviewed.splice(r.int(member.unreviewed.length), 1)[0]!;
      reviewed.push({ member, sessionId });
      return op({ member, sessionId }, []);
    }
    // Every attended session reviewed: a second review of one (409), while the member's daily allowance lasts.
    const again = reviewed.filter((p) => reviewsLeft.get(p.member.id)! > 0);
    return again.length > 0 ? op(r.pick(again), [409]) : null;
  }

  /** Share of operations per 100: browsing 60, opening sessions and profiles 20, register/leave 15, reviews 5. */
  const mix: [number, (r: Random, m: MixMember) => Op | null][] = [
    [20, (r, m) => page(m, '/sessions', 'browse', withQuery('/sessions', sessionFilters(r)))],
    [10, (r, m) => page(m, '/mentors', 'browse', withQuery('/mentors', mentorFilters(r)))],
    [
      20,
      (r, m) => get(m, 'GET /api/sessions?filters', 'browse', withQuery('/api/sessions', sessionFilters(r))),
    ],
    [10, (r, m) => get(m, 'GET /api/mentors?filters', 'browse', withQuery('/api/mentors', mentorFilters(r)))],
    [6, (r, m) => page(m, '/sessions/:id', 'open', `/sessions/${r.pick(setup.sessions)}`)],
    [4, (r, m) => page(m, '/users/:id', 'open', `/users/${r.pick(setup.profiles)}`)],
    [6, (r, m) => get(m, 'GET /api/sessions/:id', 'open', `/api/sessions/${r.pick(setup.sessions)}`)],
    [4, (r, m) => get(m, 'GET /api/users/:id', 'open', `/api/users/${r.pick(setup.profiles)}`)],
    [15, (r) => registerOrLeave(r)],
    [5, (r) => review(r)],
  ];

  /** The next operation, by a member picked at random (a review: by one with something left to review). */
  return (r: Random): Op => {
    let roll = r.int(100);
    const member = r.pick(setup.members);
    for (const [weight, build] of mix) {
      if (roll < weight) return build(r, member) ?? mix[2]![1](r, member)!;
      roll -= weight;
    }
    throw new Error('the weights of the member mix add up to less than 100');
  };
}
