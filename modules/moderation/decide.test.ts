// The pure rules of reports and content (open report weights and visibility). The report weight rule is in
// standing.test.ts, suspensions in suspensions.test.ts, screening in screening.test.ts.
import { describe, expect, it } from 'vitest';
import {
  type Content,
  type ContentCommand,
  type ContentEvent,
  decideContent,
  decideReport,
  evolveContent,
  evolveReport,
  initialContent,
  initialReport,
  type Report,
  type ReportCommand,
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
  category: 'other' as const,
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
