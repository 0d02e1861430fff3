// Pure unit tests of the swap lifecycle and of the pair's one open swap: decide and evolve, time in the commands.
import { describe, expect, it } from 'vitest';
import { decide, decideMessage, decidePair, type Partner, type SwapCommand } from './decide.ts';
import { PROPOSAL_DAYS, type SwapEvent } from './events.ts';
import {
  evolve,
  evolvePair,
  initialPair,
  initialSwap,
  type Pair,
  type Swap,
  type SwapStreamEvent,
} from './swap.ts';

const DAY = 86400_000;
const NOW = new Date('2026-06-01T10:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const EXPIRES = later(PROPOSAL_DAYS * DAY).toISOString();
const parties = { swapId: 'sw1', proposerId: 'ana', receiverId: 'ben' };

const ben: Partner = { memberId: 'ben', status: 'active', teaches: ['Guitar', 'Spanish'] };
const propose = (
  overrides: Partial<Extract<SwapCommand, { type: 'Propose' }>['data']> = {},
): SwapCommand => ({
  type: 'Propose',
  data: {
    swapId: 'sw1',
    proposerId: 'ana',
    proposerTeaches: ['TypeScript', 'Baking'],
    receiver: ben,
    offerSkill: 'typescript',
    wantSkill: 'guitar ',
    message: 'Shall we?',
    ...overrides,
  },
  now: NOW,
});
const proposed: SwapStreamEvent = {
  type: 'SwapProposed',
  data: {
    ...parties,
    offerSkill: 'TypeScript',
    wantSkill: 'Guitar',
    message: 'Shall we?',
    expiresAt: EXPIRES,
  },
};
const given = (...events: SwapStreamEvent[]): Swap => events.reduce(evolve, initialSwap);
const by = (type: 'Accept' | 'Decline' | 'Withdraw', actorId: string, now = later(DAY)): SwapCommand => ({
  type,
  data: { actorId },
  now,
});
const outcome = (result: ReturnType<typeof decide>) =>
  Array.isArray(result) ? result.map((e) => e.type) : result.reason;

describe('proposing a swap', () => {
  it('records the proposal in the profiles’ spelling of the skills, expiring after 14 days', () => {
    expect(decide(propose(), initialSwap)).toEqual([proposed]);
  });

  it.each([
    ['to oneself', propose({ receiver: { ...ben, memberId: 'ana' } }), 'validation_failed'],
    ['to a deleted or unknown member', propose({ receiver: { ...ben, status: 'gone' } }), 'not_found'],
    ['to a suspended member', propose({ receiver: { ...ben, status: 'suspended' } }), 'conflict'],
    ['offering a skill the proposer does not teach', propose({ offerSkill: 'Welding' }), 'validation_failed'],
    ['asking for a skill the receiver does not teach', propose({ wantSkill: 'Baking' }), 'validation_failed'],
  ])('refuses a proposal %s', (_, command, reason) => {
    expect(outcome(decide(command, initialSwap))).toBe(reason);
  });

  it('names the field at fault', () => {
    const result = decide(propose({ wantSkill: 'Baking' }), initialSwap);
    expect(Array.isArray(result) ? null : result.details).toEqual([
      { path: 'wantSkill', message: 'must be a skill this member teaches' },
    ]);
  });
});

describe('answering a proposal', () => {
  it('lets the receiver accept or decline, and the proposer withdraw', () => {
    expect(outcome(decide(by('Accept', 'ben'), given(proposed)))).toEqual(['SwapAccepted']);
    expect(outcome(decide(by('Decline', 'ben'), given(proposed)))).toEqual(['SwapDeclined']);
    expect(outcome(decide(by('Withdraw', 'ana'), given(proposed)))).toEqual(['SwapWithdrawn']);
  });

  it('refuses the other member of the pair, and anyone else', () => {
    expect(outcome(decide(by('Accept', 'ana'), given(proposed)))).toBe('forbidden');
    expect(outcome(decide(by('Withdraw', 'ben'), given(proposed)))).toBe('forbidden');
    expect(outcome(decide(by('Accept', 'carl'), given(proposed)))).toBe('forbidden');
  });

  it('allows one answer: a second one conflicts', () => {
    const accepted = given(proposed, { type: 'SwapAccepted', data: parties });
    expect(accepted.status).toBe('accepted');
    expect(outcome(decide(by('Decline', 'ben'), accepted))).toBe('conflict');
    expect(outcome(decide(by('Withdraw', 'ana'), accepted))).toBe('conflict');
    const declined = given(proposed, { type: 'SwapDeclined', data: parties });
    expect(outcome(decide(by('Accept', 'ben'), declined))).toBe('conflict');
  });

  it('cannot answer a proposal after 14 days, even before the expiry job has run', () => {
    expect(outcome(decide(by('Accept', 'ben', later(PROPOSAL_DAYS * DAY)), given(proposed)))).toBe(
      'conflict',
    );
  });

  it('knows no swap that was never proposed', () => {
    expect(outcome(decide(by('Accept', 'ben'), initialSwap))).toBe('not_found');
  });
});

describe('expiry', () => {
  it('expires an unanswered proposal once its 14 days are up, and nothing earlier', () => {
    expect(outcome(decide({ type: 'Expire', now: later(DAY) }, given(proposed)))).toEqual([]);
    const due = { type: 'Expire' as const, now: later(PROPOSAL_DAYS * DAY) };
    expect(outcome(decide(due, given(proposed)))).toEqual(['SwapExpired']);
    expect(given(proposed, { type: 'SwapExpired', data: parties }).status).toBe('expired');
  });

  it('leaves an answered proposal as it is', () => {
    const due = { type: 'Expire' as const, now: later(PROPOSAL_DAYS * DAY) };
    expect(outcome(decide(due, given(proposed, { type: 'SwapAccepted', data: parties })))).toEqual([]);
  });
});

describe('a member who leaves or is suspended', () => {
  const end = (memberId: string, now = later(DAY)): SwapCommand => ({
    type: 'End',
    data: { memberId, reason: 'left' },
    now,
  });
  const accepted = { type: 'SwapAccepted' as const, data: parties };

  it('ends their open swaps, proposed or accepted, whichever side they are on; then they read as withdrawn', () => {
    expect(outcome(decide(end('ana'), given(proposed)))).toEqual(['SwapEnded']);
    expect(outcome(decide(end('ben'), given(proposed)))).toEqual(['SwapEnded']);
    const ended = decide(end('ben', later(30 * DAY)), given(proposed, accepted));
    expect(ended).toEqual([{ type: 'SwapEnded', data: { ...parties, memberId: 'ben', reason: 'left' } }]);
    expect(given(proposed, accepted, ...(ended as SwapStreamEvent[])).status).toBe('withdrawn');
  });

  it('leaves closed and lapsed swaps, and swaps of other members, as they are', () => {
    for (const type of ['SwapDeclined', 'SwapWithdrawn', 'SwapExpired'] as const) {
      expect(outcome(decide(end('ana'), given(proposed, { type, data: parties })))).toEqual([]);
    }
    expect(outcome(decide(end('ana', later(PROPOSAL_DAYS * DAY)), given(proposed)))).toEqual([]);
    expect(outcome(decide(end('carl'), given(proposed)))).toEqual([]);
    expect(outcome(decide(end('ana'), initialSwap))).toBe('not_found');
  });

  it('frees the pair', () => {
    const opened = {
      type: 'SwapPairOpened' as const,
      data: { swapId: 'sw1', memberIds: ['ana', 'ben'], expiresAt: EXPIRES },
    };
    const ended = {
      type: 'SwapEnded' as const,
      data: { ...parties, memberId: 'ana', reason: 'suspended' as const },
    };
    expect(decidePair([ended], evolvePair(initialPair, opened), later(DAY))).toEqual([
      { type: 'SwapPairReleased', data: { swapId: 'sw1' } },
    ]);
  });
});

describe('one open swap per pair', () => {
  const pair = (...events: Extract<SwapEvent, { type: `SwapPair${string}` }>[]): Pair =>
    events.reduce(evolvePair, initialPair);
  const opened = {
    type: 'SwapPairOpened' as const,
    data: { swapId: 'sw1', memberIds: ['ana', 'ben'], expiresAt: EXPIRES },
  };
  const second: SwapStreamEvent = { ...proposed, data: { ...proposed.data, swapId: 'sw2' } };

  it('opens the pair with the first proposal', () => {
    expect(decidePair([proposed], initialPair, NOW)).toEqual([opened]);
  });

  it('refuses a second proposal while the first is open or accepted, in either direction', () => {
    const reversed = { ...second, data: { ...second.data, proposerId: 'ben', receiverId: 'ana' } };
    expect(decidePair([second], pair(opened), later(DAY))).toMatchObject({ reason: 'conflict' });
    expect(decidePair([reversed], pair(opened), later(DAY))).toMatchObject({ reason: 'conflict' });
    const committed = pair(opened, { type: 'SwapPairCommitted', data: { swapId: 'sw1' } });
    expect(decidePair([second], committed, later(30 * DAY))).toMatchObject({ reason: 'conflict' });
  });

  it('frees the pair when the swap is declined, withdrawn or expired, or its 14 days are up', () => {
    for (const type of ['SwapDeclined', 'SwapWithdrawn', 'SwapExpired'] as const) {
      const released = decidePair([{ type, data: parties }], pair(opened), later(DAY));
      expect(released).toEqual([{ type: 'SwapPairReleased', data: { swapId: 'sw1' } }]);
      const free = pair(opened, ...(released as [{ type: 'SwapPairReleased'; data: { swapId: string } }]));
      expect(decidePair([second], free, later(DAY))).toHaveLength(1);
    }
    expect(decidePair([second], pair(opened), later(PROPOSAL_DAYS * DAY))).toHaveLength(1);
  });

  it('keeps a newer swap open when an older one expires late', () => {
    const reopened = pair(opened, { type: 'SwapPairOpened', data: { ...opened.data, swapId: 'sw2' } });
    expect(
      decidePair([{ type: 'SwapExpired', data: parties }], reopened, later(PROPOSAL_DAYS * DAY)),
    ).toEqual([]);
    expect(evolvePair(reopened, { type: 'SwapPairReleased', data: { swapId: 'sw1' } }).open?.swapId).toBe(
      'sw2',
    );
  });
});

describe('messages in a swap’s thread', () => {
  const send = (authorId: string, now = later(DAY)) => ({
    type: 'SendMessage' as const,
    data: { messageId: 'm1', authorId, body: 'Tuesday?' },
    now,
  });
  const kinds = (result: ReturnType<typeof decideMessage>) =>
    Array.isArray(result) ? result.map((e) => e.data.recipientId) : result.reason;

  it('goes from one member of the swap to the other', () => {
    expect(kinds(decideMessage(send('ana'), given(proposed)))).toEqual(['ben']);
    expect(
      kinds(decideMessage(send('ben'), given(proposed, { type: 'SwapAccepted', data: parties }))),
    ).toEqual(['ana']);
  });

  it('is refused from anyone else, and once the swap is closed or lapsed', () => {
    expect(kinds(decideMessage(send('carl'), given(proposed)))).toBe('forbidden');
    expect(kinds(decideMessage(send('ana'), given(proposed, { type: 'SwapDeclined', data: parties })))).toBe(
      'conflict',
    );
    expect(kinds(decideMessage(send('ana', later(PROPOSAL_DAYS * DAY)), given(proposed)))).toBe('conflict');
    expect(kinds(decideMessage(send('ana'), initialSwap))).toBe('not_found');
  });
});

describe('the sessions of an accepted swap', () => {
  const accepted: SwapStreamEvent = { type: 'SwapAccepted', data: parties };
  const schedule = (actorId: string, sessionId: string): SwapCommand => ({
    type: 'ScheduleSession',
    data: { actorId, sessionId },
    now: later(2 * DAY),
  });
  const scheduled = (hostId: string, sessionId: string): SwapStreamEvent => ({
    type: 'SwapSessionScheduled',
    data: { ...parties, sessionId, hostId },
  });
  const record = (sessionId: string, o: 'completed' | 'cancelled' | 'not_held'): SwapCommand => ({
    type: 'RecordSession',
    data: { sessionId, outcome: o },
    now: later(9 * DAY),
  });
  const completed = (hostId: string, sessionId: string): SwapStreamEvent => ({
    type: 'SwapSessionCompleted',
    data: { ...parties, sessionId, hostId },
  });

  it('lets each member schedule one session for the other once the swap is accepted', () => {
    expect(decide(schedule('ana', 's-ana'), given(proposed, accepted))).toEqual([scheduled('ana', 's-ana')]);
    expect(
      outcome(decide(schedule('ben', 's-ben'), given(proposed, accepted, scheduled('ana', 's-ana')))),
    ).toEqual(['SwapSessionScheduled']);
  });

  it('refuses a session before acceptance, after the swap closed, a second live one, and anyone else', () => {
    expect(outcome(decide(schedule('ana', 's1'), given(proposed)))).toBe('conflict');
    const declined: SwapStreamEvent = { type: 'SwapDeclined', data: parties };
    expect(outcome(decide(schedule('ana', 's1'), given(proposed, declined)))).toBe('conflict');
    expect(outcome(decide(schedule('ana', 's2'), given(proposed, accepted, scheduled('ana', 's1'))))).toBe(
      'conflict',
    );
    expect(outcome(decide(schedule('cleo', 's1'), given(proposed, accepted)))).toBe('forbidden');
  });

  it('lets a member schedule again once their session was cancelled or not held', () => {
    for (const reason of ['cancelled', 'not_held'] as const) {
      const dropped: SwapStreamEvent = {
        type: 'SwapSessionDropped',
        data: { ...parties, sessionId: 's1', hostId: 'ana', reason },
      };
      expect(decide(record('s1', reason), given(proposed, accepted, scheduled('ana', 's1')))).toEqual([
        dropped,
      ]);
      expect(
        outcome(decide(schedule('ana', 's2'), given(proposed, accepted, scheduled('ana', 's1'), dropped))),
      ).toEqual(['SwapSessionScheduled']);
    }
  });

  it('completes the swap when the second of the two sessions is completed, and frees the pair', () => {
    const one = given(proposed, accepted, scheduled('ana', 's-ana'), scheduled('ben', 's-ben'));
    expect(decide(record('s-ana', 'completed'), one)).toEqual([completed('ana', 's-ana')]);
    const both = decide(record('s-ben', 'completed'), [completed('ana', 's-ana')].reduce(evolve, one));
    expect(both).toEqual([
      completed('ben', 's-ben'),
      { type: 'SwapCompleted', data: { ...parties, sessionIds: ['s-ana', 's-ben'] } },
    ]);
    const done = (both as SwapStreamEvent[]).reduce(evolve, [completed('ana', 's-ana')].reduce(evolve, one));
    expect(done.status).toBe('completed');
    const pair: Pair = { open: { swapId: 'sw1', expiresAt: null } };
    expect(decidePair(both as SwapStreamEvent[], pair, later(9 * DAY))).toEqual([
      { type: 'SwapPairReleased', data: { swapId: 'sw1' } },
    ]);
  });

  it('records each outcome once, and nothing for a session that is not the swap’s', () => {
    const one = given(proposed, accepted, scheduled('ana', 's-ana'), completed('ana', 's-ana'));
    expect(decide(record('s-ana', 'completed'), one)).toEqual([]);
    expect(decide(record('s-ana', 'cancelled'), one)).toEqual([]);
    expect(decide(record('other', 'completed'), one)).toEqual([]);
  });

  it('does not complete a swap with two sessions by the same member', () => {
    const dropped: SwapStreamEvent = {
      type: 'SwapSessionDropped',
      data: { ...parties, sessionId: 's1', hostId: 'ana', reason: 'cancelled' },
    };
    const state = given(proposed, accepted, scheduled('ana', 's1'), dropped, scheduled('ana', 's2'));
    expect(outcome(decide(record('s2', 'completed'), state))).toEqual(['SwapSessionCompleted']);
  });
});
