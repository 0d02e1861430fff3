// Calendars: one session as an RFC 5545 event, and each member's secret feed of the sessions they host or attend.
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../infra/platform.ts';
import { startTestPlatform } from '../../infra/testing/database.ts';
import { skillswap } from '../index.ts';
import { signUpAs } from '../testing.ts';

let app: Platform;
let host: { cookie: string };
let member: { cookie: string };
let waiter: { cookie: string };
let stranger: { cookie: string };
let sessionId: string;

const MEETING = 'https://meet.example.com/knots-and-splices';
const STARTS = '2030-06-10T16:00:00Z';

async function hostSession(cookie: string, fields: Record<string, unknown> = {}): Promise<string> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: { cookie },
    payload: {
      title: 'Knots and splices',
      skill: 'Sailing',
      description: 'Bowline, clove hitch; a long splice, with care.',
      difficulty: 'beginner',
      startsAt: STARTS,
      durationMinutes: 90,
      capacity: 1,
      meetingUrl: MEETING,
      ...fields,
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().session.id;
}

const inject = (url: string, cookie?: string, method: 'GET' | 'POST' = 'GET') =>
  app.http.inject({ method, url, ...(cookie ? { headers: { cookie } } : {}) });

/** Fetches an .ics URL and parses it with ical.js, after checking what a strict reader would reject. */
async function calendar(url: string, cookie?: string) {
  const res = await inject(url, cookie);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/calendar/);
  const text = res.body;
  // RFC 5545 §3.1: CRLF line breaks, lines folded at 75 octets.
  expect(text.endsWith('\r\n')).toBe(true);
  const lines = text.split('\r\n').slice(0, -1);
  for (const line of lines) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: TEXT values may hold no control character but tab
    expect(line).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f]/);
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  }
  const cal = new ICAL.Component(ICAL.parse(text));
  expect(cal.name).toBe('vcalendar');
  expect(cal.getFirstPropertyValue('version')).toBe('2.0');
  expect(String(cal.getFirstPropertyValue('prodid'))).toContain('SkillSwap');
  const events = cal.getAllSubcomponents('vevent');
  for (const e of events) {
    for (const prop of ['uid', 'dtstamp', 'dtstart', 'dtend', 'summary'])
      expect(e.hasProperty(prop)).toBe(true);
  }
  return { text, events };
}

const utc = (e: ICAL.Component, prop: string) => {
  const time = e.getFirstPropertyValue(prop) as ICAL.Time;
  expect(time.zone?.tzid).toBe('UTC');
  return time.toJSDate().toISOString();
};

beforeAll(async () => {
  app = await startTestPlatform(skillswap, { config: { signupLimitPerIp: 1000 } });
  [host, member, waiter, stranger] = await Promise.all([
    signUpAs(app),
    signUpAs(app),
    signUpAs(app),
    signUpAs(app),
  ]);
  sessionId = await hostSession(host.cookie);
  for (const m of [member, waiter]) {
    expect((await inject(`/api/sessions/${sessionId}/registration`, m.cookie, 'POST')).statusCode).toBe(201);
  }
});

describe('GET /api/sessions/:id/calendar.ics', () => {
  it('is one valid VEVENT with the session UID, UTC start and end, title and a confirmed status', async () => {
    const { events } = await calendar(`/api/sessions/${sessionId}/calendar.ics`);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.getFirstPropertyValue('uid')).toBe(`${sessionId}@skillswap`);
    expect(utc(e, 'dtstart')).toBe('2030-06-10T16:00:00.000Z');
    expect(utc(e, 'dtend')).toBe('2030-06-10T17:30:00.000Z');
    expect(e.getFirstPropertyValue('summary')).toBe('Knots and splices');
    expect(e.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(String(e.getFirstPropertyValue('description'))).toContain(
      'Bowline, clove hitch; a long splice, with care.',
    );
  });

  it('rings a display alarm an hour before the start (VALARM), none once cancelled', async () => {
    const { events } = await calendar(`/api/sessions/${sessionId}/calendar.ics`);
    const alarms = events[0]!.getAllSubcomponents('valarm');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarms[0]!.getFirstPropertyValue('trigger'))).toBe('-PT1H');
    expect(alarms[0]!.getFirstPropertyValue('description')).toBe('Starts in an hour: Knots and splices');
  });

  it('carries the join link (never the meeting URL) only for the host and registered members', async () => {
    const url = `/api/sessions/${sessionId}/calendar.ics`;
    for (const cookie of [host.cookie, member.cookie]) {
      const { text, events } = await calendar(url, cookie);
      expect(String(events[0]!.getFirstPropertyValue('location'))).toMatch(
        new RegExp(`^https?://[^/]+/sessions/${sessionId}/join$`),
      );
      expect(text).not.toContain('knots-and-splices');
    }
    for (const cookie of [undefined, stranger.cookie, waiter.cookie]) {
      const { text, events } = await calendar(url, cookie);
      expect(events[0]!.hasProperty('location')).toBe(false);
      expect(text).not.toContain('knots-and-splices');
    }
  });

  it('answers 404 for an unknown session', async () => {
    expect((await inject('/api/sessions/00000000-0000-0000-0000-000000000000/calendar.ics')).statusCode).toBe(
      404,
    );
  });

  it('says CANCELLED once the host cancels', async () => {
    const id = await hostSession(host.cookie, { title: 'Called off' });
    const cancel = await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${id}/cancel`,
      headers: { cookie: host.cookie },
      payload: { reason: 'Storm' },
    });
    expect(cancel.statusCode).toBe(200);
    const { events } = await calendar(`/api/sessions/${id}/calendar.ics`);
    expect(events[0]!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(events[0]!.getFirstPropertyValue('summary')).toBe('Called off');
    expect(events[0]!.getAllSubcomponents('valarm')).toEqual([]);
  });
});

describe('the personal calendar feed', () => {
  const feedPath = (url: string) => {
    expect(url).toMatch(/\/api\/calendar\/[\w-]{20,64}\.ics$/);
    return new URL(url).pathname;
  };

  it('answers 401 when signed out', async () => {
    expect((await inject('/api/me/calendar')).statusCode).toBe(401);
    expect((await inject('/api/me/calendar/reset', undefined, 'POST')).statusCode).toBe(401);
  });

  it('lists, without any cookie, the upcoming sessions the member hosts or is registered for', async () => {
    // The member hosts one, is registered for the first, waits for one and had one cancelled.
    const hosted = await hostSession(member.cookie, {
      title: 'Member hosts',
      startsAt: '2030-07-01T09:00:00Z',
    });
    const full = await hostSession(host.cookie, { title: 'Full' });
    await inject(`/api/sessions/${full}/registration`, stranger.cookie, 'POST');
    expect((await inject(`/api/sessions/${full}/registration`, member.cookie, 'POST')).json().status).toBe(
      'waitlisted',
    );
    const gone = await hostSession(member.cookie, { title: 'Gone' });
    await app.http.inject({
      method: 'POST',
      url: `/api/sessions/${gone}/cancel`,
      headers: { cookie: member.cookie },
      payload: { reason: 'x' },
    });

    const res = await inject('/api/me/calendar', member.cookie);
    expect(res.statusCode).toBe(200);
    const path = feedPath(res.json().url);
    expect(feedPath((await inject('/api/me/calendar', member.cookie)).json().url)).toBe(path);

    const { events } = await calendar(path);
    expect(events.map((e) => e.getFirstPropertyValue('uid')).sort()).toEqual(
      [`${hosted}@skillswap`, `${sessionId}@skillswap`].sort(),
    );
    const mine = events.find((e) => e.getFirstPropertyValue('uid') === `${hosted}@skillswap`)!;
    expect(utc(mine, 'dtstart')).toBe('2030-07-01T09:00:00.000Z');
    expect(mine.getFirstPropertyValue('summary')).toBe('Member hosts');
  });

  it('gives each member a feed of their own', async () => {
    const a = feedPath((await inject('/api/me/calendar', host.cookie)).json().url);
    const b = feedPath((await inject('/api/me/calendar', member.cookie)).json().url);
    expect(a).not.toBe(b);
    const { events } = await calendar(a);
    expect(events.map((e) => e.getFirstPropertyValue('summary'))).toContain('Knots and splices');
    expect(events.map((e) => e.getFirstPropertyValue('summary'))).not.toContain('Member hosts');
  });

  it('replaces the URL on reset; the old one then answers 404', async () => {
    const old = feedPath((await inject('/api/me/calendar', member.cookie)).json().url);
    const res = await inject('/api/me/calendar/reset', member.cookie, 'POST');
    expect(res.statusCode).toBe(200);
    const fresh = feedPath(res.json().url);
    expect(fresh).not.toBe(old);
    expect((await inject(old)).statusCode).toBe(404);
    expect((await calendar(fresh)).events).toHaveLength(2);
    expect(feedPath((await inject('/api/me/calendar', member.cookie)).json().url)).toBe(fresh);
  });

  it('answers 404 for a well-formed unknown token and 400 for a malformed one', async () => {
    expect((await inject(`/api/calendar/${'x'.repeat(32)}.ics`)).statusCode).toBe(404);
    expect((await inject('/api/calendar/short.ics')).statusCode).toBe(400);
    expect((await inject(`/api/calendar/${'x'.repeat(32)}.txt`)).statusCode).toBe(400);
    expect((await inject('/api/calendar/..%2F..%2Fetc%2Fpasswd.ics')).statusCode).toBe(400);
  });
});

// NAME (RFC 7986) and X-WR-CALNAME are TEXT values, which ical.js does not know of: told so, it unescapes them as a
// calendar app does, and the test reads back what the member wrote.
ICAL.design.icalendar.property.name = { defaultType: 'text' };
ICAL.design.icalendar.property['x-wr-calname'] = { defaultType: 'text' };

describe('hostile text in a calendar', () => {
  // What an attacker would type into a title, a name or a description to add lines of their own to the file.
  const INJECTED = '\r\nATTENDEE:mailto:evil@example.com\r\nX-WR-CALNAME:Owned';
  const TITLE = `Knots; splices, and\\more${INJECTED}`;
  const NAME = `Hostile host${INJECTED}`;
  const DESCRIPTION = `Line one\r\nATTENDEE:mailto:evil@example.com\nLine three\rEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:x\u0007\u000b`;
  const LOCATION = `https://meet.example.com/x${INJECTED}`;
  let id: string;
  let owner: { user: { id: string }; cookie: string };

  beforeAll(async () => {
    // The API may refuse such text; old events may hold it anyway, so it goes straight into the event log.
    owner = await signUpAs(app);
    id = await hostSession(owner.cookie, { title: 'Plain title' });
    const details = await app.store.append(`session-${id}`, 'any', [
      {
        type: 'SessionDetailsChanged',
        data: { sessionId: id, title: TITLE, description: DESCRIPTION, meetingUrl: LOCATION },
      },
    ]);
    await app.waitForReadModels(details);
    const profile = await app.store.append(`member-${owner.user.id}`, 'any', [
      { type: 'ProfileUpdated', data: { memberId: owner.user.id, displayName: NAME } },
    ]);
    await app.waitForReadModels(profile);
  });

  /** No line of the file starts a property the text carried in, and each text reads back as it was written. */
  function expectNoInjection(text: string, events: ICAL.Component[], calendarName: string) {
    const lines = text.split('\r\n');
    expect(lines.filter((l) => l.startsWith('ATTENDEE'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('UID:x'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('X-WR-CALNAME'))).toHaveLength(1);
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(events.length);
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getAllProperties('x-wr-calname').map((p) => p.getFirstValue())).toEqual([calendarName]);
    expect(cal.getAllProperties('name').map((p) => p.getFirstValue())).toEqual([calendarName]);
    const mine = events.filter((e) => e.getFirstPropertyValue('uid') === `${id}@skillswap`);
    expect(mine).toHaveLength(1);
    const e = mine[0]!;
    expect(e.getAllProperties('attendee')).toEqual([]);
    expect(e.getFirstPropertyValue('summary')).toBe(TITLE.replaceAll('\r\n', '\n'));
    // The meeting URL stays out of the file (its place is the join link), whatever it holds.
    expect(String(e.getFirstPropertyValue('location'))).toMatch(new RegExp(`/sessions/${id}/join$`));
    expect(text).not.toContain('meet.example.com/x');
    const description = String(e.getFirstPropertyValue('description'));
    expect(description).toContain(`hosted by ${NAME.replaceAll('\r\n', '\n')}`);
    expect(description).toContain(
      'Line one\nATTENDEE:mailto:evil@example.com\nLine three\nEND:VEVENT\nBEGIN:VEVENT\nUID:x',
    );
    expect(description).not.toContain('\r');
  }

  it('keeps every text inside its own property in the session calendar, the calendar name included', async () => {
    const { text, events } = await calendar(`/api/sessions/${id}/calendar.ics`, owner.cookie);
    expect(events).toHaveLength(1);
    expectNoInjection(text, events, TITLE.replaceAll('\r\n', '\n'));
  });

  it('keeps them inside their properties in the personal feed', async () => {
    const url = new URL((await inject('/api/me/calendar', owner.cookie)).json().url).pathname;
    const { text, events } = await calendar(url);
    expect(events).toHaveLength(1);
    expectNoInjection(text, events, 'SkillSwap');
  });
});
