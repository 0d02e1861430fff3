import type { FastifyRequest } from 'fastify';
import type { SignedInUser } from '../../infra/http/index.ts';
import type { Deps } from '../../infra/platform.ts';
import { getAccount } from '../../read-models/member-profiles/queries.ts';
import { sessionMember, sessionToken } from './auth-sessions.ts';

/** Resolves the session cookie to the signed-in member; a suspended member counts as signed out. */
export function authenticate(deps: Deps) {
  return async (request: FastifyRequest): Promise<SignedInUser | null> => {
    const token = sessionToken(request);
    if (!token) return null;
    const memberId = await sessionMember(deps.pool, token);
    if (!memberId) return null;
    const account = await getAccount(deps.pool, memberId);
    if (!account || account.suspended) return null;
    return { id: account.id, email: account.email, displayName: account.displayName, roles: account.roles };
  };
}
