// The pure rules of moderation: reports, content visibility, suspensions, report weights and screening.
import { describe, expect, it } from 'vitest';
import {
  type Content,
  type ContentCommand,
  decideContent,
  decideReport,
  decideSuspension,
  evolveReport,
  initialContent,
  initialReport,
  initialSuspension,
  type Report,
  type ReportCommand,
  reportWeight,
  screen,
} from './decide.ts';

const filing = (over: Partial<Extract<ReportCommand, { type: 'File' }>['data']> = {}) => ({
  reportId: 'r1',
  reporterId: 'ann',
  targetType: 'review' as const,
  targetId: 'rev1',
  ownerId: 'bob',
  reason: 'rude and off-topic',
  weight: 1,
  source: 'member' as const,
  ...over,
});
const file = (over: Parameters<typeof filing>[0] = {}): ReportCommand => ({
  type: 'File',
  data: filing(over),
});
const resolve = (action: 'dismiss' | 'hide' | 'suspend', moderatorId = 'mo'): ReportCommand => ({
  type: 'Resolve',
  data: { action, note: 'looked at it', moderatorId },
});
const open = (over: Parameters<typeof filing>[0] = {}): Report => ({ status: 'open', filing: filing(over) });
const reason = (result: unknown) =>
  Array.isArray(result) ? 'accepted' : (result as { reason: string }).reason;

describe('decideReport', () => {
  it('given no report yet, when a member files one, then ReportFiled carries the filing as given', () => {
    expect(decideReport(file(), initialReport)).toEqual([{ type: 'ReportFiled', data: filing() }]);
  });

  it('given a member reporting themselves or their own content, then it is forbidden', () => {
    expect(reason(decideReport(file({ reporterId: 'bob' }), initialReport))).toBe('forbidden');
    expect(
      reason(decideReport(file({ targetType: 'user', targetId: 'bob', reporterId: 'bob' }), initialReport)),
    ).toBe('forbidden');
  });

  it('given the system flags content, then the owner check does not apply (its reporter is `system`)', () => {
    const result = decideReport(
      file({ reporterId: 'system', ownerId: 'system', source: 'system' }),
      initialReport,
    );
    expect(reason(result)).toBe('accepted');
  });

  it('given an open report by the same member on the same target, when filed again, then 409 conflict', () => {
    expect(reason(decideReport(file(), open()))).toBe('conflict');
  });

  it('given a resolved report, when the member files again, then it is accepted (refiled)', () => {
    const resolved = evolveReport(open(), {
      type: 'ReportResolved',
      data: { ...filing(), action: 'dismiss', note: 'fine', moderatorId: 'mo' },
    });
    expect(resolved.status).toBe('resolved');
    expect(decideReport(file({ reason: 'worse now' }), resolved)).toEqual([
      { type: 'ReportFiled', data: filing({ reason: 'worse now' }) },
    ]);
  });

  it('given an open report, when a moderator resolves it, then ReportResolved names the target and the moderator', () => {
    expect(decideReport(resolve('hide'), open())).toEqual([
      {
        type: 'ReportResolved',
        data: {
          reportId: 'r1',
          reporterId: 'ann',
          targetType: 'review',
          targetId: 'rev1',
          ownerId: 'bob',
          action: 'hide',
          note: 'looked at it',
          moderatorId: 'mo',
        },
      },
    ]);
  });

  it('given a report about the moderator themselves, when they act on it, then 403 whatever the action', () => {
    for (const action of ['dismiss', 'hide', 'suspend'] as const) {
      expect(reason(decideReport(resolve(action, 'bob'), open()))).toBe('forbidden');
    }
  });

  it('given a report on a member, when a moderator chooses hide, then 400 (members are suspended, not hidden)', () => {
    const result = decideReport(resolve('hide'), open({ targetType: 'user', targetId: 'bob' }));
    expect(reason(result)).toBe('validation_failed');
    expect(reason(decideReport(resolve('suspend'), open({ targetType: 'user', targetId: 'bob' })))).toBe(
      'accepted',
    );
  });

  it('given a resolved report, when resolved again, then 409; given none, then 404', () => {
    expect(reason(decideReport(resolve('dismiss'), { status: 'resolved' }))).toBe('conflict');
    expect(reason(decideReport(resolve('dismiss'), initialReport))).toBe('not_found');
  });
});

describe('decideContent', () => {
  const ref = { targetType: 'review' as const, targetId: 'rev1', ownerId: 'bob', hostId: 'hal' };
  const hide = (moderatorId: string | null = 'mo'): ContentCommand => ({
    type: 'Hide',
    data: { ...ref, cause: moderatorId ? 'moderator' : 'report-weight', note: 'n', moderatorId },
  });
  const restore = (moderatorId = 'mo'): ContentCommand => ({
    type: 'Restore',
    data: { ...ref, note: 'n', moderatorId },
  });
  const hidden: Content = { hidden: true };

  it('given visible content, when hidden by a moderator or by report weight, then ContentHidden', () => {
    expect(decideContent(hide(), initialContent)).toEqual([{ type: 'ContentHidden', data: hide().data }]);
    expect(decideContent(hide(null), initialContent)).toEqual([
      { type: 'ContentHidden', data: hide(null).data },
    ]);
  });

  it('given hidden content, when hidden again, then nothing happens (no event, no error)', () => {
    expect(decideContent(hide(), hidden)).toEqual([]);
  });

  it('given hidden content, when restored, then ContentRestored; given visible content, then 409', () => {
    expect(decideContent(restore(), hidden)).toEqual([{ type: 'ContentRestored', data: restore().data }]);
    expect(reason(decideContent(restore(), initialContent))).toBe('conflict');
  });

  it('given a moderator who owns the content, when they hide or restore it, then 403', () => {
    expect(reason(decideContent(hide('bob'), initialContent))).toBe('forbidden');
    expect(reason(decideContent(restore('bob'), hidden))).toBe('forbidden');
  });
});

describe('decideSuspension', () => {
  const suspend = (memberId = 'bob', moderatorId = 'mo') => ({
    type: 'Suspend' as const,
    data: { memberId, reason: 'spam', moderatorId, forSpam: true },
  });
  const unsuspend = (memberId = 'bob', moderatorId = 'mo') => ({
    type: 'Unsuspend' as const,
    data: { memberId, note: 'appeal granted', moderatorId },
  });

  it('given an active member, when suspended, then MemberSuspended; when suspended twice, then 409', () => {
    expect(decideSuspension(suspend(), initialSuspension)).toEqual([
      { type: 'MemberSuspended', data: suspend().data },
    ]);
    expect(reason(decideSuspension(suspend(), { suspended: true }))).toBe('conflict');
  });

  it('given a suspended member, when unsuspended, then MemberUnsuspended; when not suspended, then 409', () => {
    expect(decideSuspension(unsuspend(), { suspended: true })).toEqual([
      { type: 'MemberUnsuspended', data: unsuspend().data },
    ]);
    expect(reason(decideSuspension(unsuspend(), initialSuspension))).toBe('conflict');
  });

  it('given a moderator, when they suspend or unsuspend themselves, then 403', () => {
    expect(reason(decideSuspension(suspend('mo', 'mo'), initialSuspension))).toBe('forbidden');
    expect(reason(decideSuspension(unsuspend('mo', 'mo'), { suspended: true }))).toBe('forbidden');
  });
});

describe('reportWeight', () => {
  it.each([
    ['a new member', 0, null, 1],
    ['one upheld report', 1, null, 1.25],
    ['three upheld reports', 3, 3.9, 1.75],
    ['four upheld reports (the cap)', 4, null, 2],
    ['ten upheld reports (still the cap)', 10, null, 2],
    ['a mentor rated 4 or more', 0, 4, 1.5],
    ['a mentor rated below 4', 0, 3.99, 1],
    ['the most trusted reporter (both caps)', 12, 5, 2.5],
  ])('given %s, then the weight is as expected', (_who, upheldReports, averageRating, weight) => {
    expect(reportWeight({ upheldReports, averageRating })).toBe(weight);
  });
});

describe('screen', () => {
  const blocked = { words: ['casino', 'Free Money'], domains: ['spam.example'] };

  it('given blocked words in any letter case, then each is found once, as configured', () => {
    expect(screen('Best CASINO in town. casino! Get free money now', blocked)).toEqual([
      'casino',
      'Free Money',
    ]);
  });

  it('given a blocked word inside another word, then it is not a match', () => {
    expect(screen('Casinos and precasino talk; casino2 and freemoney', blocked)).toEqual([]);
    expect(screen('café-casino', blocked)).toEqual(['casino']);
    expect(screen('écasino', { words: ['casino'], domains: [] })).toEqual([]);
  });

  it('given links to a blocked domain or its subdomains, in any case, then the domain is found', () => {
    expect(screen('see https://spam.example/deal', blocked)).toEqual(['spam.example']);
    expect(screen('see HTTP://Promo.Spam.Example:8080/x', blocked)).toEqual(['spam.example']);
  });

  it('given lookalike domains, then they are not matches', () => {
    const text =
      'https://notspam.example https://spam.example.org/x https://spam-example.com https://spam.exampl';
    expect(screen(text, blocked)).toEqual([]);
  });

  it('given a link whose user-info names a trusted host, then the real host still counts', () => {
    expect(screen('https://trusted.example@spam.example/x', blocked)).toEqual(['spam.example']);
    expect(screen('https://user:pw@promo.spam.example', blocked)).toEqual(['spam.example']);
  });

  it('given the domain written without a scheme, then it is found too', () => {
    expect(screen('visit www.spam.example or spam.example/deal today', blocked)).toEqual(['spam.example']);
    expect(screen('an email: me@notspam.example.org', blocked)).toEqual([]);
  });

  it('given nothing blocked, then nothing is found', () => {
    expect(screen('casino https://spam.example', { words: [], domains: [] })).toEqual([]);
  });

  it('given regex characters in a blocked word, then they are taken literally', () => {
    expect(screen('price: $5 (cheap)', { words: ['(cheap)', 'c.eap'], domains: [] })).toEqual(['(cheap)']);
  });
});
