// Server-side helpers for the moderation and admin pages: who may see them, and the display names the
// API leaves out (reports carry member ids only).
import { quote } from '../../islands/moderation/model.ts';
import { api, currentUser, type SessionUser } from '../../lib/api.ts';

export type Access =
  | { kind: 'login'; href: string }
  | { kind: 'forbidden'; user: SessionUser }
  | { kind: 'ok'; user: SessionUser };

/** The API lets an admin do all a moderator can; the pages follow the same rule. */
export function canModerate(user: SessionUser | null): boolean {
  return !!user && (user.roles.includes('moderator') || user.roles.includes('admin'));
}

export function isAdmin(user: SessionUser | null): boolean {
  return !!user && user.roles.includes('admin');
}

/**
 * Signed out: the login page, coming back here (query included, so a queue tab survives).
 * Signed in without the role: the caller renders <Forbidden /> after setting status 403.
 */
export function checkAccess(locals: App.Locals, url: URL, role: 'moderator' | 'admin'): Access {
  const user = currentUser(locals);
  if (!user) return { kind: 'login', href: `/login?next=${encodeURIComponent(url.pathname + url.search)}` };
  const allowed = role === 'admin' ? isAdmin(user) : canModerate(user);
  return allowed ? { kind: 'ok', user } : { kind: 'forbidden', user };
}

/**
 * Display names of members by id, looked up in parallel (each distinct id once). An id without a profile,
 * such as the reporter of a system report, is simply missing from the map.
 */
export async function displayNames(locals: App.Locals, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set([...ids].filter(Boolean))];
  const found = await Promise.all(
    unique.map(async (id) => {
      const res = await api<{ profile: { displayName: string } }>(
        locals,
        `/api/users/${encodeURIComponent(id)}`,
      );
      return [id, res.ok ? res.data.profile.displayName : null] as const;
    }),
  );
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== null));
}

/** Titles of sessions by id, for audit entries and report targets that name a session. */
export async function sessionTitles(locals: App.Locals, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set([...ids].filter(Boolean))];
  const found = await Promise.all(
    unique.map(async (id) => {
      const res = await api<{ session: { title: string } }>(
        locals,
        `/api/sessions/${encodeURIComponent(id)}`,
      );
      return [id, res.ok ? res.data.session.title : null] as const;
    }),
  );
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== null));
}

/**
 * Labels for the targets of audit entries, keyed by target id, for the AuditLog island: members by name,
 * sessions by title, reviews by the quoted start of their text (a review has no title, and no read but the
 * moderation queue's preview names it).
 */
export async function auditTargetNames(
  locals: App.Locals,
  entries: { target: { type: string; id: string } | null }[],
): Promise<Record<string, string>> {
  const ofType = (type: string) => entries.flatMap((e) => (e.target?.type === type ? [e.target.id] : []));
  const reviews = new Set(ofType('review'));
  const [members, sessions, previews] = await Promise.all([
    displayNames(locals, ofType('user')),
    sessionTitles(locals, ofType('session')),
    reviews.size > 0 ? reviewPreviews(locals, reviews) : new Map<string, string>(),
  ]);
  return Object.fromEntries([...members, ...sessions, ...previews]);
}

async function reviewPreviews(locals: App.Locals, ids: Set<string>): Promise<Map<string, string>> {
  const lists = await Promise.all(
    (['open', 'resolved'] as const).map((status) =>
      api<{ items: { target: { type: string; id: string; preview: string } }[] }>(
        locals,
        `/api/moderation/reports?status=${status}&limit=100`,
      ),
    ),
  );
  const found = new Map<string, string>();
  for (const list of lists) {
    for (const r of list.ok ? list.data.items : []) {
      if (r.target.type === 'review' && ids.has(r.target.id) && r.target.preview) {
        found.set(r.target.id, quote(r.target.preview));
      }
    }
  }
  return found;
}
