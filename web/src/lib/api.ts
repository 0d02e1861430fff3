// Pages never touch the database: every read goes through the JSON API that the
// server exposes in Astro.locals.api. These helpers make a missing API (local dev
// without the server), a thrown error or a non-2xx status all look the same to a page:
// "no data", so the page can render an empty state instead of crashing. One answer is
// different: 503 `unavailable` (the database cannot be reached) throws, so that the
// visitor gets the 503 page (500.astro) rather than a page of empty states.

import type { Page } from '../../../infra/http/schemas.ts';
import type { SignedInUser } from '../../../infra/http/user.ts';
import type { ProfileView } from '../../../read-models/member-profiles/views.ts';
import type { SessionView } from '../../../read-models/session-listings/views.ts';

/** The signed-in member as the server resolves them for every page (Astro.locals.user). */
export type SessionUser = SignedInUser;

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; data: null };

export type { Page };

/** What a session card shows of a session. */
export type SessionSummary = Pick<
  SessionView,
  'id' | 'title' | 'skill' | 'difficulty' | 'startsAt' | 'durationMinutes' | 'seatsLeft' | 'host'
>;

/** What a mentor card shows of a profile. */
export type MentorSummary = Pick<ProfileView, 'id' | 'displayName' | 'avatarUrl' | 'skillsToTeach'> & {
  reputation: Pick<ProfileView['reputation'], 'averageRating' | 'ratingCount' | 'sessionsHosted'>;
};

/** The database cannot be reached: no page can be built now (thrown by `api`; middleware.ts answers 503). */
export class ServiceUnavailable extends Error {
  override name = 'ServiceUnavailable';
}

export async function api<T>(
  locals: App.Locals,
  path: string,
  init?: { method?: string; body?: unknown },
): Promise<ApiResult<T>> {
  if (typeof locals.api !== 'function') return { ok: false, status: 0, data: null };
  let res: { status: number; body: unknown };
  try {
    res = await locals.api(path, init);
  } catch {
    return { ok: false, status: 0, data: null };
  }
  if (res.status === 503) {
    locals.databaseUnavailable = true;
    throw new ServiceUnavailable(`${path}: the database cannot be reached`);
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, data: res.body as T };
  return { ok: false, status: res.status, data: null };
}

/**
 * Fetches a paginated list. A failure or malformed body yields no items and ok=false,
 * so a page can tell "nothing yet" apart from "could not load".
 */
export async function apiList<T>(locals: App.Locals, path: string): Promise<{ ok: boolean; items: T[] }> {
  const res = await api<Page<T>>(locals, path);
  return res.ok && Array.isArray(res.data?.items)
    ? { ok: true, items: res.data.items }
    : { ok: false, items: [] };
}

export function currentUser(locals: App.Locals): SessionUser | null {
  return typeof locals.api === 'function' ? (locals.user ?? null) : null;
}

export function hasRole(user: SessionUser | null, role: string): boolean {
  return user?.roles.includes(role) ?? false;
}

/**
 * Marks a page as the same for every signed-out visitor, so the server may keep it and answer the next ones from
 * memory (infra/http/public-cache.ts; it only ever does so for requests without cookies). Only for pages whose
 * signed-out HTML depends on nothing but the URL and the read models.
 */
export function publicWhenSignedOut(user: SessionUser | null, response: { headers: Headers }) {
  if (!user) response.headers.set('Cache-Control', 'public, max-age=0, must-revalidate');
}
