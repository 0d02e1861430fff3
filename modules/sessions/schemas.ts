import { z } from 'zod';
import { isTimeZone } from '../identity/index.ts';
import { DIFFICULTIES } from './session.ts';

const datetime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with an offset' });

const fields = {
  title: z
    .string()
    .trim()
    .min(3, { error: 'must be at least 3 characters' })
    .max(120, { error: 'must be at most 120 characters' }),
  skill: z
    .string()
    .trim()
    .min(1, { error: 'is required' })
    .max(50, { error: 'must be at most 50 characters' }),
  description: z.string().max(5000, { error: 'must be at most 5000 characters' }),
  difficulty: z.enum(DIFFICULTIES, { error: 'must be beginner, intermediate or advanced' }),
  prerequisites: z.array(z.string().trim().min(1).max(200)).max(20, { error: 'must list at most 20 items' }),
  startsAt: datetime,
  durationMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int({ error: 'must be whole minutes' })
    .min(15, { error: 'must be at least 15 minutes' })
    .max(480, { error: 'must be at most 480 minutes' }),
  capacity: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(500, { error: 'must be at most 500' }),
  meetingUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2000),
  timezone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
};

export const createSessionBody = z.object({
  ...fields,
  description: fields.description.default(''),
  prerequisites: fields.prerequisites.default([]),
  timezone: fields.timezone.optional(),
  repeat: z
    .object({
      every: z.enum(['week', 'two-weeks'], { error: 'must be week or two-weeks' }),
      count: z
        .number()
        .int()
        .min(2, { error: 'must be at least 2' })
        .max(12, { error: 'must be at most 12' }),
    })
    .optional(),
});

export const editSessionBody = z
  .object({ ...fields })
  .omit({ timezone: true })
  .partial()
  .strict();

export const cancelBody = z.object({
  reason: z
    .string()
    .trim()
    .min(1, { error: 'is required' })
    .max(1000, { error: 'must be at most 1000 characters' }),
});
// A POST without a body reaches the schema as null, which `.default({})` does not cover: it was a 400 although
// API.md makes the body optional ("default: all registered"). Null is accepted; the route reads `body?.attendeeIds`.
export const completeBody = z
  .object({ attendeeIds: z.array(z.string()).max(500).optional() })
  .nullable()
  .default({});
export const cloneBody = z.object({ startsAt: datetime });

export const sessionQuery = z.object({
  skill: z.string().trim().max(50).optional(),
  difficulty: z.enum(DIFFICULTIES).optional(),
  q: z.string().trim().max(200).optional(),
  hostId: z.string().max(100).optional(),
  from: datetime.optional(),
  to: datetime.optional(),
  status: z.enum(['scheduled', 'cancelled', 'completed', 'all']).default('scheduled'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(500).optional(),
});

export const sessionSchema = z.object({
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
  status: z.enum(['scheduled', 'cancelled', 'completed']),
  host: z.object({ id: z.string(), displayName: z.string() }),
  timezone: z.string(),
  seriesId: z.string().nullable(),
  registeredCount: z.number(),
  waitlistCount: z.number(),
  seatsLeft: z.number(),
  meetingUrl: z.string().nullable(),
  viewerRegistration: z.enum(['registered', 'waitlisted']).nullable(),
  waitlistPosition: z.number().nullable(),
  cancelReason: z.string().nullable(),
});

const attendee = z.object({
  id: z.string(),
  displayName: z.string(),
  registeredAt: z.string(),
  attended: z.boolean().nullable(),
});
export const attendeesSchema = z.object({
  registered: z.array(attendee),
  waitlisted: z.array(attendee.extend({ position: z.number() })),
});

export const mySessionsSchema = z.object({
  hosting: z.array(sessionSchema),
  attending: z.array(sessionSchema),
  waitlisted: z.array(sessionSchema),
  history: z.array(sessionSchema),
  progress: z.object({
    hoursLearned: z.number(),
    hoursTaught: z.number(),
    skillsPractised: z.array(z.string()),
  }),
});
