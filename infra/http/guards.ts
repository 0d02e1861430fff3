import type { FastifyRequest } from 'fastify';
import type { SignedInUser } from './app.ts';
import { forbidden, unauthenticated } from './errors.ts';

export type Role = 'member' | 'moderator' | 'admin';

export function requireUser(request: FastifyRequest): SignedInUser {
  if (!request.user) throw unauthenticated();
  return request.user;
}

/** An admin can do all a moderator can. */
export function hasRole(user: SignedInUser | null, role: Role): boolean {
  if (!user) return false;
  if (role === 'member') return true;
  return user.roles.includes(role) || (role === 'moderator' && user.roles.includes('admin'));
}

export function requireRole(request: FastifyRequest, role: Role): SignedInUser {
  const user = requireUser(request);
  if (!hasRole(user, role)) throw forbidden(`This needs the ${role} role.`);
  return user;
}
