// The profile editor's form state, kept apart from the markup: what the member has typed (a
// draft), how it differs from the saved profile, and which fields fail the client-side checks.
import {
  checkAvatarUrl,
  checkBio,
  checkDisplayName,
  checkSkills,
  checkTimezone,
  type FieldErrors,
  type Profile,
} from '../../lib/identity.ts';

export type Draft = {
  displayName: string;
  bio: string;
  timezone: string;
  skillsToTeach: string[];
  skillsToLearn: string[];
  /** A picked image waiting for Save. */
  file: File | null;
  /** An https image link; uploaded avatars (same-site paths) are not shown here. */
  link: string;
  removed: boolean;
};

export const LABELS: Record<string, string> = {
  file: 'Image',
  avatarUrl: 'Image link',
  displayName: 'Display name',
  bio: 'Bio',
  timezone: 'Time zone',
  skillsToTeach: 'Skills to teach',
  skillsToLearn: 'Skills to learn',
};

/** Field → input id, in visual order, so "focus the first invalid field" means the topmost one. */
export const FIELD_IDS: Record<string, string> = {
  file: 'avatar-file',
  avatarUrl: 'avatar-link',
  displayName: 'pe-displayName',
  bio: 'pe-bio',
  timezone: 'pe-timezone',
  skillsToTeach: 'pe-skillsToTeach',
  skillsToLearn: 'pe-skillsToLearn',
};

export function draftOf(p: Profile): Draft {
  return {
    displayName: p.displayName,
    bio: p.bio,
    timezone: p.timezone,
    skillsToTeach: [...p.skillsToTeach],
    skillsToLearn: [...p.skillsToLearn],
    file: null,
    link: p.avatarUrl?.startsWith('https://') ? p.avatarUrl : '',
    removed: false,
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The PATCH body: only what differs from the saved profile (the photo file travels separately). */
export function profileChanges(saved: Profile, d: Draft): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (d.displayName.trim() !== saved.displayName) c.displayName = d.displayName.trim();
  if (d.bio !== saved.bio) c.bio = d.bio;
  if (d.timezone.trim() !== saved.timezone) c.timezone = d.timezone.trim();
  if (!sameList(d.skillsToTeach, saved.skillsToTeach)) c.skillsToTeach = [...d.skillsToTeach];
  if (!sameList(d.skillsToLearn, saved.skillsToLearn)) c.skillsToLearn = [...d.skillsToLearn];
  const link = d.link.trim();
  if (!d.file && d.removed && saved.avatarUrl !== null) c.avatarUrl = null;
  else if (!d.file && link && link !== saved.avatarUrl) c.avatarUrl = link;
  return c;
}

export function validateDraft(d: Draft): FieldErrors {
  const found: Record<string, string | null> = {
    avatarUrl: d.file ? null : checkAvatarUrl(d.link),
    displayName: checkDisplayName(d.displayName),
    bio: checkBio(d.bio),
    timezone: checkTimezone(d.timezone),
    skillsToTeach: checkSkills(d.skillsToTeach, LABELS.skillsToTeach ?? ''),
    skillsToLearn: checkSkills(d.skillsToLearn, LABELS.skillsToLearn ?? ''),
  };
  return Object.fromEntries(Object.entries(found).filter((e): e is [string, string] => !!e[1]));
}
