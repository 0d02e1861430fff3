import type { FastifyRequest } from 'fastify';
import type { ModuleContext } from '../../../infra/deps.ts';
import type { SignedInUser } from '../../../infra/http/index.ts';
import { getAccount } from '../../../read-models/member-profiles/queries.ts';
import { sessionMember, sessionToken } from '../auth-sessions.ts';

/**
 * Resolves the session cookie to the signed-in member. Suspension ends a member's sessions at once; one that
 * slipped through (a sign-in racing the suspension) is marked, and the HTTP layer refuses its writes with 403.
 */
export function authenticate(deps: Pick<ModuleContext, 'pool'>) {
  return async (request: FastifyRequest): Promise<SignedInUser | null> => {
    const token = sessionToken(request);
    if (!token) return null;
    const memberId = await sessionMember(deps.pool, token);
    if (!memberId) return null;
    const account = await getAccount(deps.pool, memberId);
    if (!account) return null;
    const user = {
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      roles: account.roles,
    };
    return account.suspended ? { ...user, suspended: true } : user;
  };
}
