import type { FastifyRequest } from 'fastify';
import { forbidden } from './errors.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses state-changing requests that a browser sends from another site: the session cookie is SameSite=Lax,
 * and this is the second wall (an Origin from elsewhere, or Sec-Fetch-Site cross-site, gets 403).
 * Requests without either header come from non-browser clients, which cannot carry a victim's cookie.
 */
export function refuseCrossSite(publicOrigin: string | undefined) {
  return async (request: FastifyRequest) => {
    if (!STATE_CHANGING.has(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site === 'cross-site') throw forbidden('Cross-site requests are refused.');
    const origin = request.headers.origin;
    if (!origin) return;
    const own = publicOrigin ?? `${request.protocol}://${request.host}`;
    if (origin !== new URL(own).origin) throw forbidden('Cross-site requests are refused.');
  };
}
