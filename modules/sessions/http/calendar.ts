import { randomBytes } from 'node:crypto';
import ical, { ICalAlarmType, ICalEventStatus } from 'ical-generator';
import type { Queryable } from '../../../infra/db/index.ts';
import type { SessionView } from '../../../read-models/session-listings/views.ts';

/**
 * Text as an iCalendar TEXT value may hold it (RFC 5545 §3.3.11): each line break (CRLF, CR or LF) one LF, which
 * the writer turns into "\n"; every other control character but tab dropped, as TEXT allows none.
 */
function calendarText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * A TEXT value escaped by hand (backslash, semicolon, comma, line breaks), for what ical-generator writes as it is
 * given: the calendar's NAME and X-WR-CALNAME, and the UID. It escapes the event's SUMMARY, DESCRIPTION, LOCATION
 * and URL itself (those get calendarText only, or they would be escaped twice); the tests read every one back.
 */
function escapedText(text: string): string {
  return calendarText(text)
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/** How long before a session its calendar alarm rings (RFC 5545 VALARM TRIGGER:-PT1H). */
export const REMINDER_BEFORE_S = 3600;

/**
 * An RFC 5545 calendar of sessions, times in UTC (a TZID would need a VTIMEZONE definition; calendar apps show UTC
 * times in the local zone anyway). Where the viewer takes part (host, registered; moderators too), its LOCATION is
 * the join link, `joinOrigin/sessions/<id>/join`, never the meeting URL: the join link records who came, and opens
 * the meeting only inside the join window. `everyoneTakesPart`: a file mailed to the session's own members (the
 * reminders), built from the signed-out view. Every text in it may come from a member, so none can end its line:
 * see calendarText and escapedText.
 */
export function sessionsCalendar(
  name: string,
  sessions: SessionView[],
  siteOrigin: string,
  joinOrigin = siteOrigin,
  everyoneTakesPart = false,
): string {
  const calendar = ical({
    name: escapedText(name),
    prodId: { company: 'SkillSwap', product: 'Sessions', language: 'EN' },
  });
  for (const s of sessions) {
    const page = calendarText(`${siteOrigin}/sessions/${s.id}`);
    const event = calendar.createEvent({
      id: escapedText(`${s.id}@skillswap`),
      start: new Date(s.startsAt),
      end: new Date(s.endsAt),
      summary: calendarText(s.title),
      description: calendarText(
        [`${s.skill} · ${s.difficulty} · hosted by ${s.host.displayName}`, s.description, page]
          .filter(Boolean)
          .join('\n\n'),
      ),
      url: page,
      ...(everyoneTakesPart || s.viewerRegistration === 'registered' || s.meetingUrl !== null
        ? { location: calendarText(`${joinOrigin}/sessions/${s.id}/join`) }
        : {}),
      status: s.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
    // A reminder on the member's own device, the hour before, as the in-app and email reminders come then too.
    if (s.status !== 'cancelled') {
      event.createAlarm({
        type: ICalAlarmType.display,
        triggerBefore: REMINDER_BEFORE_S,
        description: calendarText(`Starts in an hour: ${s.title}`),
      });
    }
  }
  // RFC 5545 §3.4: every content line ends in CRLF, END:VCALENDAR too; ical-generator leaves that one out.
  return `${calendar.toString()}\r\n`;
}

/** The member's feed token, created on first use. The token is the only secret of the feed URL. */
export async function feedToken(db: Queryable, memberId: string, reset = false): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const { rows } = await db.query<{ token: string }>(
    `INSERT INTO calendar_feeds (member_id, token) VALUES ($1, $2)
     ON CONFLICT (member_id) DO UPDATE SET token = CASE WHEN $3 THEN $2 ELSE calendar_feeds.token END,
       created_at = CASE WHEN $3 THEN now() ELSE calendar_feeds.created_at END
     RETURNING token`,
    [memberId, token, reset],
  );
  return rows[0]!.token;
}

export async function memberForFeed(db: Queryable, token: string): Promise<string | null> {
  const { rows } = await db.query<{ member_id: string }>(
    'SELECT member_id FROM calendar_feeds WHERE token = $1',
    [token],
  );
  return rows[0]?.member_id ?? null;
}
