// "Add to Google Calendar / Outlook" links: each service's form for a new event, filled in. Times in UTC, as the
// services read them; the description carries the session page, never the meeting link (the page shows it to
// those who may see it, at the right time).

export type CalendarEvent = {
  title: string;
  startsAt: string;
  endsAt: string;
  details: string;
  pageUrl: string;
};

/** 20261201T180000Z: the basic ISO form Google's template wants. */
const basic = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export function googleCalendarUrl(e: CalendarEvent): string {
  const url = new URL('https://calendar.google.com/calendar/render');
  url.searchParams.set('action', 'TEMPLATE');
  url.searchParams.set('text', e.title);
  url.searchParams.set('dates', `${basic(e.startsAt)}/${basic(e.endsAt)}`);
  url.searchParams.set('details', `${e.details}\n\n${e.pageUrl}`);
  url.searchParams.set('location', e.pageUrl);
  return url.toString();
}

export function outlookCalendarUrl(e: CalendarEvent): string {
  const url = new URL('https://outlook.live.com/calendar/0/action/compose');
  url.searchParams.set('rru', 'addevent');
  url.searchParams.set('subject', e.title);
  url.searchParams.set('startdt', new Date(e.startsAt).toISOString());
  url.searchParams.set('enddt', new Date(e.endsAt).toISOString());
  url.searchParams.set('body', `${e.details}\n\n${e.pageUrl}`);
  url.searchParams.set('location', e.pageUrl);
  return url.toString();
}
