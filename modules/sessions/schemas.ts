import { z } from 'zod';
import { cursorParam, httpsUrl, id, multiLine, singleLine, timestamp } from '../../infra/http/index.ts';
import { isTimeZone } from '../identity/index.ts';
import { DIFFICULTIES } from './events.ts';
import { SESSION_LIMITS as L } from './limits.ts';

const fields = {
  title: singleLine({ min: L.titleMin, max: L.titleMax }),
  skill: singleLine({ min: 1, max: L.skillMax, empty: 'is required' }),
  description: multiLine({ max: L.descriptionMax, trim: false }),
  difficulty: z.enum(DIFFICULTIES, { error: 'must be beginner, intermediate or advanced' }),
  prerequisites: z
    .array(singleLine({ min: 1, max: L.prerequisiteMax }))
    .max(L.prerequisitesMax, { error: `must list at most ${L.prerequisitesMax} items` }),
  startsAt: timestamp(),
  durationMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int({ error: 'must be whole minutes' })
    .min(L.durationMin, { error: `must be at least ${L.durationMin} minutes` })
    .max(L.durationMax, { error: `must be at most ${L.durationMax} minutes` }),
  capacity: z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(L.capacityMin, { error: `must be at least ${L.capacityMin}` })
    .max(L.capacityMax, { error: `must be at most ${L.capacityMax}` }),
  meetingUrl: httpsUrl(undefined, L.urlMax),
  timezone: singleLine({ max: 100, trim: false }).refine(isTimeZone, {
    error: 'must be an IANA time zone such as Europe/Berlin',
  }),
};

const WEEK = 7 * 24 * 3600_000;
/** The last start a series may reach: its sessions are stored (and read back) as times of years up to 9999. */
const LAST_START = Date.parse('9999-12-24T00:00:00Z');

export const createSessionBody = z
  .object({
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
          .min(L.repeatMin, { error: `must be at least ${L.repeatMin}` })
          .max(L.repeatMax, { error: `must be at most ${L.repeatMax}` }),
      })
      .optional(),
  })
  .check((ctx) => {
    const { startsAt, repeat } = ctx.value;
    if (!repeat) return;
    const weeks = (repeat.every === 'two-weeks' ? 2 : 1) * (repeat.count - 1);
    if (Date.parse(startsAt) + weeks * WEEK > LAST_START) {
      ctx.issues.push({
        code: 'custom',
        path: ['repeat', 'count'],
        message: 'the series would run past the year 9999',
        input: repeat.count,
      });
    }
  });

/** A swap's session: the session form without capacity (always 1) and without repeat (one session each way). */
export const swapSessionBody = z
  .object({
    ...fields,
    description: fields.description.default(''),
    prerequisites: fields.prerequisites.default([]),
    timezone: fields.timezone.optional(),
  })
  .omit({ capacity: true });

export const editSessionBody = z
  .object({ ...fields })
  .omit({ timezone: true })
  .partial()
  .strict();

export const cancelBody = z.object({
  reason: multiLine({ min: 1, max: L.reasonMax, empty: 'is required' }),
});
// A POST without a body reaches the schema as null, which `.default({})` does not cover: it was a 400 although
// API.md makes the body optional ("default: all registered"). Null is accepted; the route reads `body?.attendeeIds`.
export const completeBody = z
  .object({ attendeeIds: z.array(id()).max(500).optional() })
  .nullable()
  .default({});
export const cloneBody = z.object({ startsAt: timestamp() });

export const sessionQuery = z.object({
  skill: singleLine({ max: 50 }).optional(),
  difficulty: z.enum(DIFFICULTIES).optional(),
  q: singleLine({ max: 200 }).optional(),
  hostId: id().optional(),
  from: timestamp().optional(),
  to: timestamp().optional(),
  status: z.enum(['scheduled', 'cancelled', 'completed', 'all']).default('scheduled'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});
