import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import inject, { type InjectOptions, type Response } from 'light-my-request';
import type { SignedInUser } from './user.ts';

/**
 * A page's calls to the API (web.ts) are requests of the page's own visitor, whose session the page's request has
 * already resolved: each in-process request is dispatched to the app's router (its hooks, validation, handler,
 * authorisation and serialiser, as for a request from the network) with that member attached to its raw request,
 * so the session is not looked up again (two queries per call, three or four calls per page). A raw request from
 * the network is never in this map.
 */
const visitors = new WeakMap<object, { user: SignedInUser | null }>();

export function callAs(
  app: FastifyInstance,
  user: SignedInUser | null,
  options: InjectOptions,
): Promise<Response> {
  return inject(
    (req: IncomingMessage, res: ServerResponse) => {
      visitors.set(req, { user });
      app.routing(req, res);
    },
    // The options are ours (web.ts), not a visitor's: light-my-request's check of them is skipped.
    { ...options, validate: false },
  );
}

/** The member an in-process API request is made for; undefined for a request from the network. */
export function pageVisitorOf(raw: object): { user: SignedInUser | null } | undefined {
  return visitors.get(raw);
}
