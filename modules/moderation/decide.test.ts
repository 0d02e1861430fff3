// The pure rules of moderation: reports, content (open report weights and visibility), suspensions, screening.
// The report weight rule itself is in standing.test.ts.
import { describe, expect, it } from 'vitest';
import {
  type Content,
  type ContentCommand,
  type ContentEvent,
  decideContent,
  decideReport,
  decideSuspension,
  evolveContent,
  evolveReport,
  evolveSuspension,
  initialContent,
  initialReport,
  initialSuspension,
  type Report,
  type ReportCommand,
  type Suspension,
  type SuspensionCommand,
  screen,
} from './decide.ts';
import type { Standing } from './standing.ts';

const record = (over: Partial<Standing> = {}): Standing => ({
  accountAgeDays: 0,
  sessionsAttended: 0,
  sessionsHosted: 0,
  upheldReports: 0,
  dismissedReports: 0,
  ...over,
});
type Filing = Extract<ReportCommand, { type: 'File' }>['data'];
const filing = (over: Partial<Filing> = {}): Filing => ({
  reportId: 'r1',
  reporterId: 'ann',
  targetType: 'review' as const,
  targetId: 'rev1',
  ownerId: 'bob',
  reason: 'rude and off-topic',
  source: 'member' as const,
  standing: record(),
  ...over,
});
const file = (over: Partial<Filing> = {}): ReportCommand => ({ type: 'File', data: filing(over) });
const resolve = (action: 'dismiss' | 'hide' | 'suspend', moderatorId = 'mo'): ReportCommand => ({
  type: 'Resolve',
  data: { action, note: 'looked at it', moderatorId },
});
const open = (over: Partial<Filing> = {}): Report => ({
  status: 'open',
  filing: { ...filing(over), weight: 0.1 },
});
const reason = (result: unknown) =>
  Array.isArray(result) ? 'accepted' : (result as { reason: string }).reason;

describe('decideReport', () => {
  it('given no report yet, when a new member files one, then ReportFiled weighs 0.1 and keeps their record', () => {
    expect(decideReport(file(), initialReport)).toEqual([
      { type: 'ReportFiled', data: { ...filing(), weight: 0.1 } },
    ]);
  });

  it('given a reporter with a record, then the weight follows from it (reportWeight)', () => {
    const standing = record({ accountAgeDays: 30, sessionsAttended: 3 });
    const [event] = decideReport(file({ standing }), initialReport) as { data: { weight: number } }[];
    expect(event!.data.weight).toBe(1.45);
  });

  it('given a system flag, then it weighs 1 whatever its (absent) record', () => {
    const result = decideReport(
      file({ reporterId: 'system', ownerId: 'system', source: 'system', standing: null }),
      initialReport,
    );
    expect(result).toMatchObject([{ type: 'ReportFiled', data: { weight: 1, standing: null } }]);
  });

  it('given a member reporting themselves or their own content, then it is forbidden', () => {
    expect(reason(decideReport(file({ reporterId: 'bob' }), initialReport))).toBe('forbidden');
    expect(
      reason(decideReport(file({ targetType: 'user', targetId: 'bob', reporterId: 'bob' }), initialReport)),
    ).toBe('forbidden');
  });

  it('given an open report by the same member on the same target, when filed again, then 409 conflict', () => {
    expect(reason(decideReport(file(), open()))).toBe('conflict');
  });

  it('given a resolved report, when the member files again, then it is accepted (refiled)', () => {
    const resolved = evolveReport(open(), {
      type: 'ReportResolved',
      data: {
        reportId: 'r1',
        reporterId: 'ann',
        targetType: 'review',
        targetId: 'rev1',
        ownerId: 'bob',
        action: 'dismiss',
        note: 'fine',
        moderatorId: 'mo',
      },
    });
    expect(resolved.status).toBe('resolved');
    expect(reason(decideReport(file({ reason: 'worse now' }), resolved))).toBe('accepted');
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

  it('given a report on a member, when a moderator chooses hide, then 400 on action (members are suspended)', () => {
    const result = decideReport(resolve('hide'), open({ targetType: 'user', targetId: 'bob' }));
    expect(result).toMatchObject({ reason: 'validation_failed', details: [{ path: 'action' }] });
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
  const THRESHOLD = 3;
  const given = (...events: ContentEvent[]): Content => events.reduce(evolveContent, initialContent);
  const counted = (reportId: string, weight: number): ContentEvent => ({
    type: 'ReportCounted',
    data: { targetType: 'review', targetId: 'rev1', reportId, weight },
  });
  const closed = (reportId: string): ContentEvent => ({
    type: 'ReportClosed',
    data: { targetType: 'review', targetId: 'rev1', reportId, action: 'dismiss' },
  });
  const hiddenBy = (moderatorId: string | null): ContentEvent => ({
    type: 'ContentHidden',
    data: {
      ...ref,
      cause: moderatorId ? 'moderator' : 'report-weight',
      note: 'n',
      moderatorId,
    },
  });
  const restored: ContentEvent = { type: 'ContentRestored', data: { ...ref, note: 'n', moderatorId: 'mo' } };
  const report = (reportId: string, weight: number, threshold = THRESHOLD): ContentCommand => ({
    type: 'CountReport',
    data: { ...ref, reportId, weight, threshold },
  });
  const close = (
    reportId: string,
    action: 'dismiss' | 'hide' | 'suspend',
    moderatorId = 'mo',
  ): ContentCommand => ({
    type: 'CloseReport',
    data: { ...ref, reportId, action, note: 'looked', moderatorId },
  });
  const hide = (moderatorId = 'mo'): ContentCommand => ({
    type: 'Hide',
    data: { ...ref, note: 'n', moderatorId },
  });
  const restore = (moderatorId = 'mo'): ContentCommand => ({
    type: 'Restore',
    data: { ...ref, note: 'n', moderatorId },
  });
  const types = (result: unknown) => (result as ContentEvent[]).map((e) => e.type);

  it('given open reports weighing 2.9, when a report of 0.1 comes, then it is counted and hides the content', () => {
    const result = decideContent(report('r3', 0.1), given(counted('r1', 1.45), counted('r2', 1.45)));
    expect(result).toEqual([
      counted('r3', 0.1),
      {
        type: 'ContentHidden',
        data: {
          ...ref,
          cause: 'report-weight',
          note: 'hidden pending review: open reports weigh 3 (the threshold is 3)',
          moderatorId: null,
        },
      },
    ]);
  });

  it('given twenty reports of 0.1, when a twenty-first comes, then it is counted and nothing is hidden', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => counted(`r${i}`, 0.1));
    expect(decideContent(report('r20', 0.1), given(...twenty))).toEqual([counted('r20', 0.1)]);
  });

  it('given reports that reached the threshold and were dismissed, then they weigh nothing any more', () => {
    const state = given(counted('r1', 1.5), counted('r2', 1.4), closed('r1'), closed('r2'));
    expect(types(decideContent(report('r3', 1.5), state))).toEqual(['ReportCounted']);
  });

  it('given content a moderator restored, then the reports filed before do not count again', () => {
    const state = given(counted('r1', 1.5), counted('r2', 1.5), hiddenBy(null), restored);
    expect(types(decideContent(report('r3', 1), state))).toEqual(['ReportCounted']);
    const after = given(counted('r1', 1.5), counted('r2', 1.5), hiddenBy(null), restored, counted('r3', 1));
    expect(types(decideContent(report('r4', 2), after))).toEqual(['ReportCounted', 'ContentHidden']);
  });

  it('given hidden content, when more reports come, then they are counted and it is not hidden twice', () => {
    expect(types(decideContent(report('r2', 2), given(counted('r1', 2), hiddenBy('mo'))))).toEqual([
      'ReportCounted',
    ]);
  });

  it('given a report already counted, when counted again, then nothing happens', () => {
    expect(decideContent(report('r1', 2), given(counted('r1', 2)))).toEqual([]);
  });

  it('given a counted report, when a moderator resolves it, then it is closed; with hide, the content is hidden', () => {
    expect(decideContent(close('r1', 'dismiss'), given(counted('r1', 1)))).toEqual([closed('r1')]);
    expect(types(decideContent(close('r1', 'hide'), given(counted('r1', 1))))).toEqual([
      'ReportClosed',
      'ContentHidden',
    ]);
  });

  it('given a report counted before a restore, when resolved, then nothing is closed (it no longer counts)', () => {
    const state = given(counted('r1', 1), hiddenBy('mo'), restored);
    expect(decideContent(close('r1', 'dismiss'), state)).toEqual([]);
  });

  it('given visible content, when hidden by a moderator, then ContentHidden; when hidden again, then nothing', () => {
    expect(decideContent(hide(), initialContent)).toEqual([hiddenBy('mo')]);
    expect(decideContent(hide(), given(hiddenBy('mo')))).toEqual([]);
  });

  it('given hidden content, when restored, then ContentRestored; given visible content, then 409', () => {
    expect(decideContent(restore(), given(hiddenBy('mo')))).toEqual([restored]);
    expect(reason(decideContent(restore(), initialContent))).toBe('conflict');
  });

  it('given a moderator who owns the content, when they hide, restore or resolve with hide, then 403', () => {
    expect(reason(decideContent(hide('bob'), initialContent))).toBe('forbidden');
    expect(reason(decideContent(restore('bob'), given(hiddenBy('mo'))))).toBe('forbidden');
    expect(reason(decideContent(close('r1', 'hide', 'bob'), given(counted('r1', 1))))).toBe('forbidden');
  });
});

describe('decideSuspension', () => {
  const now = new Date('2026-05-01T12:00:00Z');
  const suspended = (until: string | null = null): Suspension =>
    evolveSuspension(initialSuspension, {
      type: 'MemberSuspended',
      data: { memberId: 'bob', reason: 'spam', moderatorId: 'mo', forSpam: false, until },
    });
  const suspend = (
    over: Partial<Extract<SuspensionCommand, { type: 'Suspend' }>['data']> = {},
  ): SuspensionCommand => ({
    type: 'Suspend',
    data: {
      memberId: 'bob',
      reason: 'spam',
      moderatorId: 'mo',
      byAdmin: false,
      memberIsStaff: false,
      forSpam: false,
      until: null,
      ...over,
    },
    now,
  });
  const unsuspend = (
    over: Partial<Extract<SuspensionCommand, { type: 'Unsuspend' }>['data']> = {},
  ): SuspensionCommand => ({
    type: 'Unsuspend',
    data: {
      memberId: 'bob',
      note: 'appeal granted',
      moderatorId: 'mo',
      byAdmin: false,
      memberIsStaff: false,
      ...over,
    },
  });
  const end = (until: string): SuspensionCommand => ({
    type: 'EndSuspension',
    data: { memberId: 'bob', until },
  });

  it('given an active member, when suspended, then MemberSuspended with the spam flag and end as given', () => {
    const until = '2026-05-08T12:00:00.000Z';
    expect(decideSuspension(suspend({ forSpam: true, until }), initialSuspension)).toEqual([
      {
        type: 'MemberSuspended',
        data: { memberId: 'bob', reason: 'spam', moderatorId: 'mo', forSpam: true, until },
      },
    ]);
    expect(reason(decideSuspension(suspend(), suspended()))).toBe('conflict');
  });

  it('given an end that is not in the future, then 400 on until', () => {
    for (const until of ['2026-05-01T12:00:00.000Z', '2020-01-01T00:00:00.000Z']) {
      expect(decideSuspension(suspend({ until }), initialSuspension)).toMatchObject({
        reason: 'validation_failed',
        details: [{ path: 'until', message: 'must be in the future' }],
      });
    }
  });

  it('given a moderator, when they suspend or unsuspend a moderator or an admin, then 403; an admin may', () => {
    expect(reason(decideSuspension(suspend({ memberIsStaff: true }), initialSuspension))).toBe('forbidden');
    expect(reason(decideSuspension(unsuspend({ memberIsStaff: true }), suspended()))).toBe('forbidden');
    expect(reason(decideSuspension(suspend({ memberIsStaff: true, byAdmin: true }), initialSuspension))).toBe(
      'accepted',
    );
    expect(reason(decideSuspension(unsuspend({ memberIsStaff: true, byAdmin: true }), suspended()))).toBe(
      'accepted',
    );
  });

  it('given anyone, admins included, when they suspend or unsuspend themselves, then 403', () => {
    const self = { memberId: 'mo', byAdmin: true, memberIsStaff: true };
    expect(reason(decideSuspension(suspend(self), initialSuspension))).toBe('forbidden');
    expect(reason(decideSuspension(unsuspend(self), suspended()))).toBe('forbidden');
  });

  it('given a suspended member, when unsuspended, then MemberUnsuspended; when not suspended, then 409', () => {
    expect(decideSuspension(unsuspend(), suspended())).toEqual([
      { type: 'MemberUnsuspended', data: { memberId: 'bob', note: 'appeal granted', moderatorId: 'mo' } },
    ]);
    expect(reason(decideSuspension(unsuspend(), initialSuspension))).toBe('conflict');
  });

  it('given a suspension with an end, when its end comes, then the system lifts it, once', () => {
    const until = '2026-05-08T12:00:00.000Z';
    const result = decideSuspension(end(until), suspended(until));
    expect(result).toEqual([
      {
        type: 'MemberUnsuspended',
        data: { memberId: 'bob', note: 'The suspension ended.', moderatorId: null },
      },
    ]);
    const lifted = (result as Parameters<typeof evolveSuspension>[1][]).reduce(
      evolveSuspension,
      suspended(until),
    );
    expect(decideSuspension(end(until), lifted)).toEqual([]);
  });

  it('given a suspension lifted early or replaced by another, when the old end comes, then nothing happens', () => {
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), initialSuspension)).toEqual([]);
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), suspended(null))).toEqual([]);
    expect(decideSuspension(end('2026-05-08T12:00:00.000Z'), suspended('2026-06-01T00:00:00.000Z'))).toEqual(
      [],
    );
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
