// Client-side checks for the identity forms, with the server's limits, so a member hears about a mistake before a
// round trip; the server stays the authority and its `details` are shown the same way (see fieldErrors below).
import { IDENTITY_LIMITS } from '../../../modules/identity/limits.ts';
import type { ProfileView, SkillStatView } from '../../../read-models/member-profiles/views.ts';

/** A member's public profile, as GET /api/users/:id and PATCH /api/me/profile return it. */
export type Profile = ProfileView;
/** One skill of a profile's reputation by skill. */
export type SkillStat = SkillStatView;

/** The server's own limits (modules/identity/limits.ts, what its request schemas enforce), not a copy. */
export const LIMITS = IDENTITY_LIMITS;

export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

export type FieldErrors = Record<string, string>;

/**
 * Where to send a member after signing in or up: the path `next` names on this site, else `fallback`. The check is
 * made on what a browser will make of the value, not on the raw string: it is resolved against the site's origin
 * with the URL parser (which drops tabs and newlines, reads backslashes as slashes and resolves dot segments), must
 * keep that origin, and the answer is the resolved path, query and fragment. That answer must then resolve to the
 * same place again: "/..//evil.example" resolves to the path "//evil.example", which a browser reads as a host.
 */
export function safeNext(next: string | null | undefined, fallback: string, origin: string): string {
  if (!next) return fallback;
  const onSite = (value: string) => {
    const url = URL.parse(value, origin);
    return url?.origin === new URL(origin).origin ? `${url.pathname}${url.search}${url.hash}` : null;
  };
  const path = onSite(next);
  return path?.startsWith('/') && onSite(path) === path ? path : fallback;
}

export function checkEmail(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter your email address.';
  if (v.length > LIMITS.emailMax) return `Email must be at most ${LIMITS.emailMax} characters.`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return 'Enter an email address like name@example.com.';
  return null;
}

export function checkPassword(value: string): string | null {
  if (!value) return 'Enter a password.';
  if (value.length < LIMITS.passwordMin) return `Password must be at least ${LIMITS.passwordMin} characters.`;
  if (value.length > LIMITS.passwordMax) return `Password must be at most ${LIMITS.passwordMax} characters.`;
  return null;
}

export function checkDisplayName(value: string): string | null {
  const v = value.trim();
  if (!v) return 'Enter the name other members will see.';
  if (v.length > LIMITS.nameMax) return `Display name must be at most ${LIMITS.nameMax} characters.`;
  return null;
}

export function checkBio(value: string): string | null {
  return value.length > LIMITS.bioMax ? `Bio must be at most ${LIMITS.bioMax} characters.` : null;
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function checkTimezone(value: string): string | null {
  if (!value.trim()) return 'Choose your time zone.';
  return isTimeZone(value.trim()) ? null : 'Choose a time zone from the list, such as Europe/Berlin.';
}

export function checkAvatarUrl(value: string): string | null {
  const v = value.trim();
  if (!v) return null;
  try {
    if (new URL(v).protocol === 'https:') return null;
  } catch {
    // falls through to the message
  }
  return 'Image link must be an https:// address.';
}

export function checkSkills(skills: string[], label: string): string | null {
  if (skills.length > LIMITS.skillsMax) return `${label}: list at most ${LIMITS.skillsMax} skills.`;
  const long = skills.find((s) => s.length > LIMITS.skillMax);
  return long
    ? `“${long.slice(0, 20)}…” is too long: a skill has at most ${LIMITS.skillMax} characters.`
    : null;
}

export function checkAvatarFile(file: File): string | null {
  if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) return 'Choose a PNG, JPEG or WebP image.';
  if (file.size > LIMITS.avatarBytes) return 'That image is larger than 2 MB. Choose a smaller one.';
  return null;
}

/**
 * Turns the API's `details: [{path, message}]` into one message per form field, e.g.
 * {path: "skillsToTeach.3", message: "must be at most 50 characters"} → skillsToTeach: "Skills to teach must …".
 * Problems without a known field are returned under "" so the form can show them in its alert.
 */
export function fieldErrors(details: unknown, labels: Record<string, string>): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(details)) return out;
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const path = typeof d.path === 'string' ? d.path : '';
    const message = typeof d.message === 'string' ? d.message : 'is not valid';
    const field = path.split('.')[0] ?? '';
    const key = field in labels ? field : '';
    // The server's reasons may be sentences of their own ("is too easy to guess. This is …"): no second period.
    const text = key ? `${labels[key]} ${message}${/[.!?]$/.test(message) ? '' : '.'}` : message;
    out[key] ??= text.charAt(0).toUpperCase() + text.slice(1);
  }
  return out;
}
