import type { Queryable } from '../../../infra/db/index.ts';
import { getProfile } from '../../../read-models/member-profiles/queries.ts';
import { noShowDates } from '../../../read-models/session-listings/queries.ts';
import { canonicalSpellings } from '../../../read-models/skill-catalogue/queries.ts';
import { tidySkill } from '../../identity/index.ts';
import type { NoShowPolicy, NoShowRecord } from '../attendance.ts';

/**
 * A session form completed with what scheduling needs beyond it, gathered by the edge from the read models for the
 * command: the time zone (the form's, else the host's profile's, else UTC) that a series keeps its local time in,
 * and the skill in the catalogue's spelling, so that listings filter and group one skill under one name. Neither
 * is an invariant: a profile a moment stale gives the zone the host had a moment ago, which the form can override.
 */
export async function withHostingFacts<Form extends { skill: string; timezone?: string | undefined }>(
  db: Queryable,
  hostId: string,
  form: Form,
): Promise<Form & { timezone: string; skill: string }> {
  const tidy = tidySkill(form.skill);
  const timezone = form.timezone ?? (await getProfile(db, hostId))?.timezone ?? 'UTC';
  const spellings = await canonicalSpellings(db, [tidy]);
  return { ...form, timezone, skill: spellings.get(tidy.toLowerCase()) ?? tidy };
}

const DAY = 24 * 3600_000;

/**
 * A member registering, as the no-show policy sees them: their no-show dates recent enough to bar them now (a
 * cooldown ends at most windowDays + cooldownDays after the first no-show it counts), and the policy's settings.
 * A read model a moment stale misses a no-show recorded a moment ago: the policy is a consequence, not an invariant.
 */
export async function noShowRecord(
  db: Queryable,
  memberId: string,
  policy: NoShowPolicy,
  now: Date,
): Promise<NoShowRecord> {
  const since = new Date(now.getTime() - (policy.windowDays + policy.cooldownDays) * DAY);
  return { noShowDates: await noShowDates(db, memberId, since), policy };
}
