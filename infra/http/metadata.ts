import type { FastifyRequest } from 'fastify';
import type { EventMetadata } from '../event-store/index.ts';

/** Who caused an event and in answer to which request: stored with every event a request appends. */
export function requestMetadata(request: FastifyRequest, actorId = request.user?.id ?? null): EventMetadata {
  return { actorId, correlationId: request.id, causationId: request.id, requestId: request.id };
}
