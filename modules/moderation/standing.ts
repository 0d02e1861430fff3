import { z } from 'zod';

/** A reporter's record, as the edge gathers it when they file a report (http/standing-facts.ts). */
export const standingSchema = z.object({
  /** Full days since the account was created. */
  accountAgeDays: z.number().int().min(0),
  /** Completed sessions they attended (marked present by the host). */
  sessionsAttended: z.number().int().min(0),
  /** Completed sessions they hosted that someone attended. */
  sessionsHosted: z.number().int().min(0),
  /** Their earlier reports that moderators acted on (hid the content, suspended its owner). */
  upheldReports: z.number().int().min(0),
  /** Their earlier reports that moderators dismissed. */
  dismissedReports: z.number().int().min(0),
});
export type Standing = z.infer<typeof standingSchema>;

/** A flag raised by the blocked words and domains (screening.ts) counts as one established member's report. */
export const SYSTEM_FLAG_WEIGHT = 1;

/**
 * How much a member's report counts towards hiding a session or review at once, pending review (the open
 * reports' weights adding up to REPORT_HIDE_THRESHOLD, 3 by default). New accounts weigh little, so that a
 * handful, or a crowd, of accounts made for the purpose hide nothing; members with a record do:
 *
 * | part of the record                          | adds            | at most        |
 * | ------------------------------------------- | --------------- | -------------- |
 * | every report                                | 0.1             |                |
 * | account age                                 | 0.02 a full day | 0.6 (30 days)  |
 * | completed sessions attended or hosted       | 0.25 each       | 0.75 (3)       |
 * | reports moderators upheld (hide or suspend) | 0.25 each       | 0.75 (3)       |
 * | reports moderators dismissed                | −0.25 each      |                |
 *
 * The sum is kept between 0.1 and 2. An account made a minute ago weighs 0.1 (twenty of them: 2, short of
 * 3); a member of a month who attended three sessions weighs 1.45 (three of them hide at once); the most a
 * reporter can weigh is 2, so at the default threshold hiding takes at least two reporters. A hosted session
 * counts only when someone attended it, so hosting empty sessions builds no standing. Hundredths are added
 * as integers: no sum drifts past a threshold.
 */
export function reportWeight(s: Standing): number {
  const hundredths =
    10 +
    Math.min(60, 2 * Math.max(0, s.accountAgeDays)) +
    Math.min(75, 25 * (s.sessionsAttended + s.sessionsHosted)) +
    Math.min(75, 25 * s.upheldReports) -
    25 * s.dismissedReports;
  return Math.min(200, Math.max(10, hundredths)) / 100;
}

/** Weights added up as the threshold sees them (in hundredths, so 0.1 + 0.2 is 0.3). */
export const totalWeight = (weights: number[]) =>
  weights.reduce((sum, w) => sum + Math.round(w * 100), 0) / 100;
