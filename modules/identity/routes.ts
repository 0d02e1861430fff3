import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../infra/deps.ts';
import {
  errors,
  HttpError,
  notFound,
  requestMetadata,
  requireUser,
  storedHeader,
  unauthenticated,
} from '../../infra/http/index.ts';
import { clearHits, reserveAttempts } from '../../infra/throttle.ts';
import { getAccount } from '../../read-models/member-profiles/queries.ts';
import { userView } from '../../read-models/member-profiles/views.ts';
import { openSession, revokeMemberSessions, revokeSession } from './auth-sessions.ts';
import { changePassword, checkCredentials, deleteAccount, signUp } from './handlers.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from './http/session-cookie.ts';
import { currentPasswordMatches, signInRules, tooManyAttempts } from './password-attempts.ts';
import { spendResetTokens } from './password-reset.ts';
import { changePasswordBody, deleteAccountBody, loginBody, signupBody } from './schemas.ts';
import { isBlockedEmail } from './suspension.ts';

const HOUR = 3600_000;
/** The client's address as a throttle key: behind a trusted proxy it comes from X-Forwarded-For, as sent. */
const ipOf = (request: FastifyRequest) => storedHeader(request.ip, 100) ?? '';
const UNTIL = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** What a suspended member who signs in with the right password is told: that, and when it ends (if it does). */
function suspended(until: string | null): HttpError {
  const message = until
    ? `Your account is suspended until ${UNTIL.format(new Date(until))} UTC.`
    : 'Your account is suspended until a moderator lifts the suspension.';
  return new HttpError('unauthenticated', message, { suspendedUntil: until });
}

async function currentUser(deps: ModuleContext, id: string) {
  const account = await getAccount(deps.pool, id);
  if (!account) throw notFound('Your account');
  return { id: account.id, email: account.email, displayName: account.displayName, roles: account.roles };
}

/** Accounts: signing up, in and out, the signed-in member, changing the password, deleting the account. */
export async function identityRoutes(app: FastifyInstance, deps: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** The current password, checked on the member's own budget of checks (429 once spent). */
  const isCurrentPassword = (member: { id: string; passwordHash: string }, password: string) =>
    currentPasswordMatches(deps, member, password);

  const signIn = async (
    request: FastifyRequest,
    reply: Parameters<typeof setSessionCookie>[1],
    memberId: string,
  ) => {
    const userAgent = storedHeader(request.headers['user-agent'], 300);
    setSessionCookie(request, reply, await openSession(deps.pool, memberId, userAgent));
  };

  r.post(
    '/api/auth/signup',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create an account and sign in',
        description:
          'A password that is too easy to guess is 400 `validation_failed` with the reason on `password`; more ' +
          'than SIGNUP_LIMIT_PER_IP sign-ups from one address in an hour are 429.',
        body: signupBody,
        response: { 201: z.object({ user: userView }), ...errors(400, 409, 429) },
      },
    },
    async (request, reply) => {
      const rule = { key: `signup:ip:${ipOf(request)}`, limit: deps.config.signupLimitPerIp, windowMs: HOUR };
      if (!(await reserveAttempts(deps.pool, [rule])).ok) throw tooManyAttempts('sign-ups from your network');
      const { email, password, displayName, timezone } = request.body;
      const member = await signUp(
        deps.command,
        { email, password, displayName, timezone: timezone ?? 'UTC' },
        { emailBlocked: await isBlockedEmail(deps.pool, email) },
        requestMetadata(request, null),
      );
      await signIn(request, reply, member.id);
      return reply.code(201).send({ user: await currentUser(deps, member.id) });
    },
  );

  r.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['identity'],
        summary: 'Sign in with email and password',
        description:
          'Each attempt counts as a failure before the password is checked (a right one is forgiven): after ' +
          'LOGIN_FAILURE_LIMIT failures for an email in 15 minutes (five times that per IP) every attempt is 429. ' +
          'A wrong email or password is 401 with one message for both. A suspended account with the right ' +
          'password is 401 saying so, and until when (`details.suspendedUntil`, null for a suspension without end).',
        body: loginBody,
        response: { 200: z.object({ user: userView }), ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      // Counted as a failure before the password is checked, forgiven below when it was right.
      const rules = await signInRules(deps.pool, deps.config, request.body.email, ipOf(request));
      const attempt = await reserveAttempts(deps.pool, [rules.email, rules.ip]);
      if (!attempt.ok) throw tooManyAttempts('failed sign-ins');
      const member = await checkCredentials(deps.command, request.body.email, request.body.password);
      const account = member ? await getAccount(deps.pool, member.id) : null;
      // The right password: the member may know why they cannot come in (it reveals nothing to anyone else),
      // and, a right password, it is no failure (retrying to see whether the suspension ended is no guessing).
      if (member && account?.suspended) {
        await attempt.release();
        throw suspended(account.suspendedUntil);
      }
      if (!member || !account) {
        // One message whatever went wrong: the answer must not reveal which emails have accounts.
        throw unauthenticated('The email or password is not correct.');
      }
      await clearHits(deps.pool, rules.email.key);
      await attempt.release();
      await signIn(request, reply, member.id);
      return { user: await currentUser(deps, member.id) };
    },
  );

  r.post(
    '/api/auth/logout',
    { schema: { tags: ['identity'], summary: 'Sign out', response: { 204: z.null(), ...errors(401) } } },
    async (request, reply) => {
      requireUser(request);
      const token = sessionToken(request);
      if (token) await revokeSession(deps.pool, token);
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/me',
    {
      schema: {
        tags: ['identity'],
        summary: 'The signed-in member',
        response: { 200: z.object({ user: userView }), ...errors(401) },
      },
    },
    async (request) => ({ user: await currentUser(deps, requireUser(request).id) }),
  );

  r.post(
    '/api/me/password',
    {
      schema: {
        tags: ['identity'],
        summary: 'Change the password (the current one is required); signs out every other session',
        description:
          'A wrong current password is 403; after LOGIN_FAILURE_LIMIT wrong ones in 15 minutes every try is 429 ' +
          'until the window passes (counted per member, before the password is checked). A new password that is ' +
          'too easy to guess is 400 with the reason on `newPassword`.',
        body: changePasswordBody,
        response: { 204: z.null(), ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await changePassword(deps.command, user.id, request.body, isCurrentPassword, requestMetadata(request));
      // A reset link asked for before stands for the old password: it must not outlive it.
      await spendResetTokens(deps.pool, user.id);
      await revokeMemberSessions(deps.pool, user.id);
      await signIn(request, reply, user.id);
      return reply.code(204).send(null);
    },
  );

  r.delete(
    '/api/me',
    {
      schema: {
        tags: ['identity'],
        summary:
          'Delete my account (password required): personal data is erased, history stays as "Deleted member"',
        description:
          'Seats and waitlist places in upcoming sessions are released (the waitlist moves up), upcoming hosted ' +
          'sessions are cancelled, the calendar feed URL stops working and the avatar files are deleted. A wrong ' +
          'password is 403; after LOGIN_FAILURE_LIMIT wrong ones in 15 minutes every try is 429.',
        body: deleteAccountBody,
        response: { 204: z.null(), ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      await deleteAccount(
        deps.command,
        user.id,
        request.body.password,
        isCurrentPassword,
        requestMetadata(request),
      );
      clearSessionCookie(reply);
      return reply.code(204).send(null);
    },
  );
}
