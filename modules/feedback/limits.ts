// The limits of a review, as the request schemas and the review decider enforce them. A leaf file of constants
// (the dependency rules keep it one): the review forms in the browser import it to offer only what is accepted.

export const REVIEW_LIMITS = {
  ratingMin: 1,
  ratingMax: 5,
  /** A comment, and a host's reply. */
  commentMax: 2000,
  /** The author may edit or delete a review this many days after writing it. */
  editWindowDays: 14,
} as const;
