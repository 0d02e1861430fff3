// The limits the session form checks in the browser are the ones the API enforces: at each limit a body is
// accepted, one past it is refused on that field (a limit changed in the schema alone fails here).
import { describe, expect, it } from 'vitest';
import { SESSION_LIMITS as L } from './limits.ts';
import { cancelBody, createSessionBody } from './schemas.ts';

const valid = {
  title: 'Sourdough from scratch',
  skill: 'Baking',
  difficulty: 'beginner',
  startsAt: '2031-05-01T18:00:00Z',
  durationMinutes: 60,
  capacity: 10,
  meetingUrl: 'https://meet.example.com/bread',
};
const url = (length: number) =>
  `https://meet.example.com/${'a'.repeat(length - 'https://meet.example.com/'.length)}`;

/** The fields the body is refused on ([] when accepted). */
const refusedAt = (overrides: Record<string, unknown>) => {
  const parsed = createSessionBody.safeParse({ ...valid, ...overrides });
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => i.path.join('.')))];
};

describe('session limits: what the form checks is what the API takes', () => {
  it.each([
    ['title', { title: 'a'.repeat(L.titleMin) }, { title: 'a'.repeat(L.titleMin - 1) }],
    ['title', { title: 'a'.repeat(L.titleMax) }, { title: 'a'.repeat(L.titleMax + 1) }],
    ['skill', { skill: 'a'.repeat(L.skillMax) }, { skill: 'a'.repeat(L.skillMax + 1) }],
    [
      'description',
      { description: 'a'.repeat(L.descriptionMax) },
      { description: 'a'.repeat(L.descriptionMax + 1) },
    ],
    [
      'prerequisites',
      { prerequisites: Array(L.prerequisitesMax).fill('An oven') },
      { prerequisites: Array(L.prerequisitesMax + 1).fill('An oven') },
    ],
    [
      'prerequisites.0',
      { prerequisites: ['a'.repeat(L.prerequisiteMax)] },
      { prerequisites: ['a'.repeat(L.prerequisiteMax + 1)] },
    ],
    ['durationMinutes', { durationMinutes: L.durationMin }, { durationMinutes: L.durationMin - 1 }],
    ['durationMinutes', { durationMinutes: L.durationMax }, { durationMinutes: L.durationMax + 1 }],
    ['capacity', { capacity: L.capacityMin }, { capacity: L.capacityMin - 1 }],
    ['capacity', { capacity: L.capacityMax }, { capacity: L.capacityMax + 1 }],
    ['meetingUrl', { meetingUrl: url(L.urlMax) }, { meetingUrl: url(L.urlMax + 1) }],
    [
      'repeat.count',
      { repeat: { every: 'week', count: L.repeatMin } },
      { repeat: { every: 'week', count: L.repeatMin - 1 } },
    ],
    [
      'repeat.count',
      { repeat: { every: 'week', count: L.repeatMax } },
      { repeat: { every: 'week', count: L.repeatMax + 1 } },
    ],
  ])('%s: accepted at the limit, refused past it', (field, atLimit, pastLimit) => {
    expect(refusedAt(atLimit)).toEqual([]);
    expect(refusedAt(pastLimit)).toEqual([field]);
  });

  it('cancel reason: accepted at the limit, refused past it', () => {
    expect(cancelBody.safeParse({ reason: 'a'.repeat(L.reasonMax) }).success).toBe(true);
    expect(cancelBody.safeParse({ reason: 'a'.repeat(L.reasonMax + 1) }).success).toBe(false);
  });
});
