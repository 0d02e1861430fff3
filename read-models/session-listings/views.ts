// What the session-listings queries return and the sessions routes answer with: each shape once, as zod (the
// routes' response schemas), its type derived (queries, tests and web import it with `import type`).
import { z } from 'zod';

export const sessionStatus = z.enum(['scheduled', 'cancelled', 'completed']);
export type SessionStatus = z.infer<typeof sessionStatus>;

export const sessionView = z.object({
  id: z.string(),
  title: z.string(),
  skill: z.string(),
  description: z.string(),
  difficulty: z.string(),
  prerequisites: z.array(z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  durationMinutes: z.number(),
  capacity: z.number(),
  status: sessionStatus,
  /**
   * The host neither completed nor joined it by a day after its end: it did not take place. Its status stays
   * `scheduled` (as a past session never completed always read), so clients that know three statuses still work.
   */
  notHeld: z
    .boolean()
    .describe(
      'The host neither completed nor joined it by 24 hours after its end: it did not take place (status stays scheduled)',
    ),
  host: z.object({ id: z.string(), displayName: z.string() }),
  timezone: z.string(),
  seriesId: z.string().nullable(),
  registeredCount: z.number(),
  waitlistCount: z.number(),
  seatsLeft: z.number(),
  /** Only for the host, a registered member and moderators; null for everyone else. */
  meetingUrl: z.string().nullable(),
  viewerRegistration: z.enum(['registered', 'waitlisted']).nullable(),
  /** Whether the host marked the viewer present or absent when completing; null before (or not registered). */
  viewerAttendance: z.enum(['present', 'absent']).nullable(),
  waitlistPosition: z.number().nullable(),
  cancelReason: z.string().nullable(),
});
export type SessionView = z.infer<typeof sessionView>;

export const attendeeView = z.object({
  id: z.string(),
  displayName: z.string(),
  registeredAt: z.string(),
  attended: z.boolean().nullable(),
});
export type AttendeeView = z.infer<typeof attendeeView>;

export const attendeesView = z.object({
  registered: z.array(attendeeView),
  waitlisted: z.array(attendeeView.extend({ position: z.number() })),
});
export type AttendeesView = z.infer<typeof attendeesView>;

export const mySessionsView = z.object({
  hosting: z.array(sessionView),
  attending: z.array(sessionView),
  waitlisted: z.array(sessionView),
  history: z.array(sessionView),
  progress: z.object({
    hoursLearned: z.number(),
    hoursTaught: z.number(),
    skillsPractised: z.array(z.string()),
  }),
});
export type MySessionsView = z.infer<typeof mySessionsView>;
