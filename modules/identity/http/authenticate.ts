import type { FastifyRequest } from 'fastify';
import type { ModuleContext } from '../../../infra/deps.ts';
import type { SignedInUser } from '../../../infra/http/index.ts';
import { sessionAccount } from '../auth-sessions.ts';
import { sessionToken } from './session-cookie.ts';

/**
 * Resolves the session cookie to the signed-in member. Suspension ends a member's sessions at once; one that
 * slipped through (a sign-in racing the suspension) is marked, and the HTTP layer refuses its writes with 403.
 */
export function authenticate(deps: Pick<ModuleContext, 'pool'>) {
  return async (request: FastifyRequest): Promise<SignedInUser | null> => {
    const token = sessionToken(request);
    if (!token) return null;
    const account = await sessionAccount(deps.pool, token);
    if (!account) return null;
    const user = {
      id: account.member_id,
      email: account.email,
      displayName: account.display_name,
      roles: account.roles,
      timezone: account.timezone,
    };
    return account.suspended ? { ...user, suspended: true } : user;
  };
}
