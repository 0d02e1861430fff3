// Helpers for tests that need signed-in members, shared by every module's tests (test files only).
import type { LightMyRequestResponse } from 'fastify';
import type { Platform } from '../infra/platform.ts';
import type { UserView } from '../read-models/member-profiles/views.ts';

let counter = 0;

/** The cookie header value that a response's Set-Cookie would make a browser send back. */
export function cookieOf(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((c) => c.split(';')[0]).join('; ');
}

export async function signUpAs(
  app: Platform,
  options: { email?: string; password?: string; displayName?: string; timezone?: string } = {},
) {
  counter++;
  const payload = {
    email: options.email ?? `member${counter}-${Date.now()}@example.com`,
    password: options.password ?? 'a perfectly good password',
    displayName: options.displayName ?? `Member ${counter}`,
    ...(options.timezone ? { timezone: options.timezone } : {}),
  };
  const res = await app.http.inject({ method: 'POST', url: '/api/auth/signup', payload });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const user = res.json().user as UserView;
  return { user, cookie: cookieOf(res), password: payload.password };
}

/** A multipart/form-data body with one file field, built the way a browser's FormData is. */
export async function multipartFile(data: Buffer, filename: string, type: string, field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(data)], { type }), filename);
  const encoded = new Response(form);
  // The header first: on Bun it is gone once the body has been read.
  const contentType = encoded.headers.get('content-type')!;
  return { payload: Buffer.from(await encoded.arrayBuffer()), contentType };
}
