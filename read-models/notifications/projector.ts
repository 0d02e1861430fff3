import type { PoolClient } from '../../infra/db/index.ts';
import { localDateTime } from '../../infra/local-time.ts';
import { defineProjector, type RunOf } from '../../infra/projections/index.ts';
import type { FeedbackEvent } from '../../modules/feedback/events.ts';
import type { ModerationEvent } from '../../modules/moderation/events.ts';
import type { SessionEvent } from '../../modules/sessions/events.ts';
import type { SwapEvent } from '../../modules/swaps/events.ts';
import { audiencesOf, insertNotes, type Note, sessionsOf } from './notes.ts';

type Read = SessionEvent | FeedbackEvent | ModerationEvent | SwapEvent;
type Run<K extends Read['type']> = RunOf<Read, K>;

// Every handler reads what its run needs in a query or two, folds the run in memory in log order, and writes
// each table once, with the result of applying the events one by one.

/** New sessions in one statement (a replayed one keeps its first row, as one by one). */
async function addSessions(db: PoolClient, run: Run<'SessionScheduled'>) {
  const d = run.map((e) => e.data);
  await db.query(
    `INSERT INTO notification_sessions (session_id, title, host_id, starts_at, timezone)
     SELECT s, t, h, a, z FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
       WITH ORDINALITY AS n(s, t, h, a, z, i) ORDER BY i
     ON CONFLICT (session_id) DO NOTHING`,
    [
      d.map((x) => x.sessionId),
      d.map((x) => x.title),
      d.map((x) => x.hostId),
      d.map((x) => x.startsAt),
      d.map((x) => x.timezone),
    ],
  );
}

/**
 * Seats and waitlist places: each (session, member) keeps its last status in the audience, and the member is
 * told. These read sessions but never change them, and write audiences but never read them.
 */
async function seats(
  db: PoolClient,
  run: Run<'MemberRegistered' | 'MemberWaitlisted' | 'WaitlistPromoted' | 'RegistrationCancelled'>,
) {
  const sessions = await sessionsOf(
    db,
    run.map((e) => e.data.sessionId),
  );
  const audience = new Map<string, [string, string, string]>();
  const notes: Note[] = [];
  for (const event of run) {
    const { sessionId, memberId } = event.data;
    const s = sessions.get(sessionId);
    if (!s) continue;
    const status =
      event.type === 'MemberWaitlisted'
        ? 'waitlisted'
        : event.type === 'RegistrationCancelled'
          ? 'cancelled'
          : 'registered';
    audience.set(`${sessionId}\u0000${memberId}`, [sessionId, memberId, status]);
    const note = { event, memberId, sessionId };
    if (event.type === 'MemberRegistered')
      notes.push({
        ...note,
        kind: 'registered',
        title: `You're registered for “${s.title}”`,
        body: `It starts ${localDateTime(s.starts_at, s.timezone)}.`,
      });
    if (event.type === 'MemberWaitlisted')
      notes.push({
        ...note,
        kind: 'waitlisted',
        title: `You're on the waitlist for “${s.title}”`,
        body: `You are number ${event.data.position} in line. We'll tell you when a seat frees up.`,
      });
    if (event.type === 'WaitlistPromoted')
      notes.push({
        ...note,
        kind: 'promoted',
        title: `A seat opened up: you're in “${s.title}”`,
        body: `You moved from the waitlist to registered. It starts ${localDateTime(s.starts_at, s.timezone)}.`,
      });
  }
  const list = [...audience.values()];
  if (list.length > 0) {
    await db.query(
      `INSERT INTO notification_audience (session_id, member_id, status)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
       ON CONFLICT (session_id, member_id) DO UPDATE SET status = excluded.status`,
      [list.map((a) => a[0]), list.map((a) => a[1]), list.map((a) => a[2])],
    );
  }
  await insertNotes(db, notes);
}

/**
 * News about a session for the people in it: a new time, new details, a cancellation, a reminder. These read
 * audiences but never change them; a new title or time is kept in memory for the run's later events, and
 * written once per session at the end.
 */
async function news(
  db: PoolClient,
  run: Run<
    'SessionRescheduled' | 'SessionDetailsChanged' | 'SessionCancelled' | 'ReminderDue' | 'SessionNotHeld'
  >,
) {
  const ids = run.map((e) => e.data.sessionId);
  const sessions = await sessionsOf(db, ids);
  const audience = await audiencesOf(db, ids);
  const changed = new Map<string, { title?: string; startsAt?: string }>();
  const notes: Note[] = [];
  const tell = (
    event: (typeof run)[number],
    memberIds: string[],
    n: Pick<Note, 'kind' | 'title' | 'body'>,
  ) => {
    for (const memberId of memberIds) notes.push({ event, memberId, sessionId: event.data.sessionId, ...n });
  };
  for (const event of run) {
    const { sessionId } = event.data;
    const s = sessions.get(sessionId);
    if (!s) continue;
    switch (event.type) {
      case 'SessionRescheduled': {
        const d = event.data;
        s.starts_at = d.startsAt;
        changed.set(sessionId, { ...changed.get(sessionId), startsAt: d.startsAt });
        tell(event, audience(sessionId), {
          kind: 'rescheduled',
          title: `“${s.title}” has a new time`,
          body: `It now starts ${localDateTime(d.startsAt, s.timezone)} (was ${localDateTime(d.previousStartsAt, s.timezone)}).`,
        });
        break;
      }
      case 'SessionDetailsChanged': {
        const d = event.data;
        const title = d.title ?? s.title;
        if (d.title) {
          s.title = d.title;
          changed.set(sessionId, { ...changed.get(sessionId), title: d.title });
        }
        const fields = Object.keys(d).filter((k) => k !== 'sessionId' && k !== 'capacity');
        if (fields.length === 0) break;
        tell(event, audience(sessionId), {
          kind: 'changed',
          title: `The host updated “${title}”`,
          body: `Changed: ${fields.join(', ').replace('meetingUrl', 'meeting link')}.`,
        });
        break;
      }
      case 'SessionCancelled':
        tell(event, audience(sessionId), {
          kind: 'cancelled',
          title: `“${s.title}” was cancelled`,
          body: event.data.reason ? `Reason: ${event.data.reason}` : 'The session will not take place.',
        });
        break;
      case 'SessionNotHeld':
        tell(event, event.data.attendeeIds, {
          kind: 'not-held',
          title: `“${s.title}” did not take place`,
          body: `The host neither held nor completed it (it was to start ${localDateTime(event.data.startsAt, s.timezone)}).`,
        });
        break;
      case 'ReminderDue': {
        const d = event.data;
        // v2 names its recipients (a late registration's reminder reaches that member alone); v1: all then in.
        tell(event, d.memberIds ?? [s.host_id, ...audience(sessionId, ['registered'])], {
          kind: `reminder-${d.kind}`,
          title: `“${s.title}” starts in ${d.kind === '24h' ? '24 hours' : '1 hour'}`,
          body: `It starts ${localDateTime(d.startsAt, s.timezone)}.`,
        });
        break;
      }
    }
  }
  const list = [...changed];
  if (list.length > 0) {
    await db.query(
      `UPDATE notification_sessions s SET title = coalesce(v.title, s.title), starts_at = coalesce(v.starts, s.starts_at)
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(id, title, starts) WHERE s.session_id = v.id`,
      [list.map(([id]) => id), list.map(([, c]) => c.title ?? null), list.map(([, c]) => c.startsAt ?? null)],
    );
  }
  await insertNotes(db, notes);
}

/**
 * A member read notifications (these ids, or all up to then): each unread one takes the time of the first read
 * in the run that covers it, as one read at a time would have marked it.
 */
async function markRead(db: PoolClient, run: Run<'NotificationsRead'>) {
  await db.query(
    `UPDATE notifications n SET read_at = m.at
       FROM (SELECT DISTINCT ON (x.notification_id) x.notification_id, v.at
               FROM unnest($1::text[], $2::timestamptz[], $3::jsonb[]) WITH ORDINALITY AS v(member_id, at, ids, i)
               JOIN notifications x ON x.member_id = v.member_id AND x.read_at IS NULL AND x.created_at <= v.at
                AND (v.ids IS NULL OR x.notification_id IN (SELECT jsonb_array_elements_text(v.ids)))
              ORDER BY x.notification_id, v.i) m
      WHERE n.notification_id = m.notification_id`,
    [
      run.map((e) => e.data.memberId),
      run.map((e) => e.recordedAt),
      run.map((e) => (e.data.ids ? JSON.stringify(e.data.ids) : null)),
    ],
  );
}

/** After a session is completed, those marked present (who may review it) are asked to rate it. */
async function rateSession(db: PoolClient, run: Run<'SessionCompleted'>) {
  const sessions = await sessionsOf(
    db,
    run.map((e) => e.data.sessionId),
  );
  const notes: Note[] = [];
  for (const event of run) {
    const s = sessions.get(event.data.sessionId);
    if (!s) continue;
    for (const memberId of event.data.attendeeIds) {
      notes.push({
        event,
        memberId,
        sessionId: event.data.sessionId,
        kind: 'rate-session',
        title: `How was “${s.title}”?`,
        body: 'Rate your session: a review helps the host, and members choosing their next session.',
      });
    }
  }
  await insertNotes(db, notes);
}

/**
 * Reviews: a new one tells the host, a reply tells its author, and so does a moderator hiding or restoring it
 * (the author would otherwise find their review gone, and the form refusing a second one). notification_reviews
 * keeps who wrote which review, of which session; it is read and written in log order, so a reply later in the
 * run finds the review it answers. No names and no review text in a notification: those are the author's, and
 * stay where moderation and erasure reach them.
 */
async function reviewNews(
  db: PoolClient,
  run: Run<'ReviewSubmitted' | 'HostReplied' | 'ContentHidden' | 'ContentRestored'>,
) {
  const reviewIds = run.map((e) =>
    e.type === 'ReviewSubmitted' || e.type === 'HostReplied'
      ? e.data.reviewId
      : e.data.targetType === 'review'
        ? e.data.targetId
        : '',
  );
  const { rows } = await db.query<{ review_id: string; session_id: string; author_id: string }>(
    'SELECT review_id, session_id, author_id FROM notification_reviews WHERE review_id = ANY($1)',
    [reviewIds],
  );
  const reviews = new Map(rows.map((r) => [r.review_id, { sessionId: r.session_id, authorId: r.author_id }]));
  const added: { reviewId: string; sessionId: string; authorId: string; hostId: string }[] = [];
  for (const e of run) {
    if (e.type !== 'ReviewSubmitted') continue;
    const { reviewId, sessionId, authorId, hostId } = e.data;
    if (!reviews.has(reviewId)) added.push({ reviewId, sessionId, authorId, hostId });
    reviews.set(reviewId, reviews.get(reviewId) ?? { sessionId, authorId });
  }
  const sessions = await sessionsOf(
    db,
    [...reviews.values()].map((r) => r.sessionId),
  );
  const notes: Note[] = [];
  for (const [i, event] of run.entries()) {
    const review = reviews.get(reviewIds[i]!);
    const s = review && sessions.get(review.sessionId);
    if (!review || !s) continue;
    const to = (memberId: string, n: Pick<Note, 'kind' | 'title' | 'body'>) =>
      notes.push({ event, memberId, sessionId: review.sessionId, ...n });
    switch (event.type) {
      case 'ReviewSubmitted':
        // A swap's review is sealed: its host is told when it is revealed (revealedReviews), not before.
        if (event.data.swapId !== null) break;
        to(event.data.hostId, {
          kind: 'review',
          title: `New review of “${s.title}”`,
          body: `Rated ${event.data.rating} out of 5. Read it, and reply if you like, on the session page.`,
        });
        break;
      case 'HostReplied':
        to(review.authorId, {
          kind: 'review-reply',
          title: `The host replied to your review of “${s.title}”`,
          body: 'Read the reply on the session page.',
        });
        break;
      case 'ContentHidden':
        to(review.authorId, {
          kind: 'review-hidden',
          title: `Your review of “${s.title}” was hidden`,
          body:
            'A moderator hid it after reports: nobody else sees it, and it no longer counts in the host’s ' +
            'rating. It stays your review of this session; a moderator may restore it.',
        });
        break;
      case 'ContentRestored':
        to(review.authorId, {
          kind: 'review-restored',
          title: `Your review of “${s.title}” is visible again`,
          body: 'A moderator restored it: it shows on the session page and counts in the host’s rating.',
        });
        break;
    }
  }
  if (added.length > 0) {
    await db.query(
      `INSERT INTO notification_reviews (review_id, session_id, author_id, host_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (review_id) DO NOTHING`,
      [
        added.map((r) => r.reviewId),
        added.map((r) => r.sessionId),
        added.map((r) => r.authorId),
        added.map((r) => r.hostId),
      ],
    );
  }
  const verdicts = new Map<string, boolean>();
  for (const e of run) {
    if ((e.type === 'ContentHidden' || e.type === 'ContentRestored') && e.data.targetType === 'review')
      verdicts.set(e.data.targetId, e.type === 'ContentHidden');
  }
  if (verdicts.size > 0) {
    await db.query(
      `UPDATE notification_reviews r SET hidden = v.hidden FROM unnest($1::text[], $2::boolean[]) AS v(id, hidden)
        WHERE r.review_id = v.id`,
      [[...verdicts.keys()], [...verdicts.values()]],
    );
  }
  await insertNotes(db, notes);
}

/** A deleted review is not told of when revealed. */
async function forgetReviews(db: PoolClient, run: Run<'ReviewDeleted'>) {
  await db.query('UPDATE notification_reviews SET deleted = true WHERE review_id = ANY($1)', [
    run.map((e) => e.data.reviewId),
  ]);
}

/**
 * A swap's reviews revealed (both written, or their time up): each host is told of the review they received, as
 * of a new one, unless it was deleted or hidden meanwhile; no rating, which may have been edited since.
 */
async function revealedReviews(db: PoolClient, run: Run<'SwapReviewsRevealed'>) {
  const { rows } = await db.query<{ review_id: string; session_id: string; host_id: string }>(
    `SELECT review_id, session_id, host_id FROM notification_reviews
      WHERE review_id = ANY($1) AND NOT deleted AND NOT hidden`,
    [run.flatMap((e) => e.data.reviewIds)],
  );
  const reviews = new Map(rows.map((r) => [r.review_id, r]));
  const sessions = await sessionsOf(
    db,
    rows.map((r) => r.session_id),
  );
  const notes: Note[] = [];
  for (const event of run) {
    for (const reviewId of event.data.reviewIds) {
      const review = reviews.get(reviewId);
      const s = review && sessions.get(review.session_id);
      if (!review || !s) continue;
      notes.push({
        event,
        memberId: review.host_id,
        sessionId: review.session_id,
        kind: 'review',
        title: `New review of “${s.title}”`,
        body: 'Your swap partner’s review is visible now. Read it, and reply if you like, on the session page.',
      });
    }
  }
  await insertNotes(db, notes);
}

type SwapRun = RunOf<
  SwapEvent,
  'SwapProposed' | 'SwapAccepted' | 'SwapDeclined' | 'SwapEnded' | 'SwapMessageSent'
>;

/**
 * Swap news for the other member: a proposal, its answer, a message. Without names or message text: those are
 * personal data, erased with their author, and a notification outlives its event's key. The skills say which swap.
 */
async function swapNews(db: PoolClient, run: SwapRun) {
  const notes: Note[] = [];
  for (const event of run) {
    const base = { event, sessionId: null };
    switch (event.type) {
      case 'SwapProposed': {
        const d = event.data;
        notes.push({
          ...base,
          memberId: d.receiverId,
          kind: 'swap-proposed',
          title: `Swap proposal: ${d.wantSkill} for ${d.offerSkill}`,
          body: `A member would teach you ${d.offerSkill} for ${d.wantSkill}. Answer it on your swaps page within 14 days.`,
        });
        break;
      }
      case 'SwapAccepted':
      case 'SwapDeclined': {
        const accepted = event.type === 'SwapAccepted';
        notes.push({
          ...base,
          memberId: event.data.proposerId,
          kind: accepted ? 'swap-accepted' : 'swap-declined',
          title: accepted ? 'Your swap proposal was accepted' : 'Your swap proposal was declined',
          body: accepted
            ? 'Plan your sessions together on the swap’s page.'
            : 'Your matches page has other members to swap with.',
        });
        break;
      }
      case 'SwapEnded': {
        const d = event.data;
        notes.push({
          ...base,
          memberId: d.memberId === d.proposerId ? d.receiverId : d.proposerId,
          kind: 'swap-ended',
          title: 'A swap of yours has ended',
          body:
            d.reason === 'left'
              ? 'The other member has left SkillSwap. Your matches page has other members to swap with.'
              : 'The other member’s account was suspended. Your matches page has other members to swap with.',
        });
        break;
      }
      case 'SwapMessageSent':
        notes.push({
          ...base,
          memberId: event.data.recipientId,
          kind: 'swap-message',
          title: 'New message in a swap',
          body: 'Read it on the swap’s page.',
        });
        break;
    }
  }
  await insertNotes(db, notes);
}

/**
 * In-app notifications about registrations, waitlists, changes, cancellations, reminders, reviews (new, replied
 * to, hidden, restored), the "rate your session" prompt and swaps.
 */
export const notificationsProjector = defineProjector<Read>({
  name: 'notifications',
  tables: ['notifications', 'notification_sessions', 'notification_audience', 'notification_reviews'],
  on: {
    SessionScheduled: addSessions,
    MemberRegistered: seats,
    MemberWaitlisted: seats,
    WaitlistPromoted: seats,
    RegistrationCancelled: seats,
    SessionRescheduled: news,
    SessionDetailsChanged: news,
    SessionCancelled: news,
    ReminderDue: news,
    SessionNotHeld: news,
    NotificationsRead: markRead,
    SessionCompleted: rateSession,
    ReviewSubmitted: reviewNews,
    HostReplied: reviewNews,
    ContentHidden: reviewNews,
    ContentRestored: reviewNews,
    ReviewDeleted: forgetReviews,
    SwapReviewsRevealed: revealedReviews,
    SwapProposed: swapNews,
    SwapAccepted: swapNews,
    SwapDeclined: swapNews,
    SwapEnded: swapNews,
    SwapMessageSent: swapNews,
  },
});
