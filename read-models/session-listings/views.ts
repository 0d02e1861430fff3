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
  swapId: z
    .string()
    .nullable()
    .describe('The swap this session belongs to: private to its two members, never listed in browse'),
  registeredCount: z.number(),
  waitlistCount: z.number(),
  seatsLeft: z.number(),
  /**
   * For the host and moderators always; for a registered member inside the join window only (from `joinOpensAt`
   * to the end); null for everyone else. Members get in through the join link, `/sessions/:id/join`.
   */
  meetingUrl: z
    .string()
    .nullable()
    .describe(
      'For the host and moderators; for a registered member only from joinOpensAt to endsAt; else null (the join link /sessions/{id}/join is the way in)',
    ),
  joinOpensAt: z
    .string()
    .describe('When the join link opens: 15 minutes before the start (it closes at endsAt)'),
  viewerRegistration: z.enum(['registered', 'waitlisted']).nullable(),
  /**
   * The viewer's attendance: `joined` once they used the join link (and after completion if the host did not mark
   * them present), `present` when marked present, `absent` when recorded as a no-show (neither joined nor marked
   * present); null otherwise (not registered, or not yet joined).
   */
  viewerAttendance: z
    .enum(['joined', 'present', 'absent'])
    .nullable()
    .describe(
      'joined: used the join link (not marked present by the host); present: marked present; absent: a no-show (neither joined nor marked present); null otherwise',
    ),
  waitlistPosition: z.number().nullable(),
  cancelReason: z.string().nullable(),
});
export type SessionView = z.infer<typeof sessionView>;

export const attendeeView = z.object({
  id: z.string(),
  displayName: z.string(),
  registeredAt: z.string(),
  attended: z.boolean().nullable(),
  /** When they used the join link for this session; null: they have not. */
  joinedAt: z.string().nullable(),
  /**
   * Their record across completed sessions they were registered for (and those they left within LATE_LEAVE_HOURS
   * of the start): how many, how many they came to (joined or marked present), and the share (null: none yet).
   */
  attendance: z
    .object({ sessions: z.number(), attended: z.number(), rate: z.number().nullable() })
    .describe(
      'The member across completed sessions they were registered for and late leaves: how many, how many they came to (joined or marked present), and the share (null: none yet)',
    ),
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
