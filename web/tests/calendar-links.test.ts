import { describe, expect, it } from 'vitest';
import { googleCalendarUrl, outlookCalendarUrl } from '../src/lib/calendar-links.ts';

const event = {
  title: 'Sourdough & rye: “starters”',
  startsAt: '2030-06-10T18:00:00+02:00',
  endsAt: '2030-06-10T19:30:00+02:00',
  details: 'Baking · beginner · hosted by Ana',
  pageUrl: 'https://skillswap.example/sessions/abc',
};

describe('calendar links', () => {
  it('fill in Google Calendar’s event form, in UTC, with the session page', () => {
    const url = new URL(googleCalendarUrl(event));
    expect(url.origin + url.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(url.searchParams.get('action')).toBe('TEMPLATE');
    expect(url.searchParams.get('text')).toBe(event.title);
    expect(url.searchParams.get('dates')).toBe('20300610T160000Z/20300610T173000Z');
    expect(url.searchParams.get('details')).toBe(`${event.details}\n\n${event.pageUrl}`);
  });

  it('fill in Outlook’s', () => {
    const url = new URL(outlookCalendarUrl(event));
    expect(url.hostname).toBe('outlook.live.com');
    expect(url.searchParams.get('subject')).toBe(event.title);
    expect(url.searchParams.get('startdt')).toBe('2030-06-10T16:00:00.000Z');
    expect(url.searchParams.get('enddt')).toBe('2030-06-10T17:30:00.000Z');
  });
});
