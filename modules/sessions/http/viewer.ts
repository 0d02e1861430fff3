import type { FastifyRequest } from 'fastify';
import { hasRole, requireUser } from '../../../infra/http/index.ts';
import type { Viewer } from '../../../read-models/session-listings/queries.ts';

/** Who reads a session: what they see of it (meeting link, their registration) depends on it. */
export function viewerOf(request: FastifyRequest): Viewer {
  return request.user ? { id: request.user.id, isModerator: hasRole(request.user, 'moderator') } : null;
}

/** Who acts on a session (signed in, 401 otherwise), and whether as a moderator. */
export function actorOf(request: FastifyRequest) {
  const user = requireUser(request);
  return { memberId: user.id, isModerator: hasRole(user, 'moderator') };
}
