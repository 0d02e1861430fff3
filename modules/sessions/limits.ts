// The limits of a session's fields, as the request schemas (schemas.ts) enforce them. A leaf file of constants
// (the dependency rules keep it one): the session form in the browser imports it to check a draft the same way.

export const SESSION_LIMITS = {
  titleMin: 3,
  titleMax: 120,
  skillMax: 50,
  descriptionMax: 5000,
  prerequisiteMax: 200,
  prerequisitesMax: 20,
  durationMin: 15,
  durationMax: 480,
  capacityMin: 1,
  capacityMax: 500,
  urlMax: 2000,
  /** A series: how many sessions it may have. */
  repeatMin: 2,
  repeatMax: 12,
  /** The reason given when a session is cancelled. */
  reasonMax: 1000,
} as const;
