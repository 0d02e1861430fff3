import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { emailLinkOrigin } from '../../infra/config.ts';
import type { ModuleContext } from '../../infra/deps.ts';
import { errors, forbidden, requestMetadata, storedHeader } from '../../infra/http/index.ts';
import { reserveAttempts } from '../../infra/throttle.ts';
import { getAccount } from '../../read-models/member-profiles/queries.ts';
import { userView } from '../../read-models/member-profiles/views.ts';
import { openSession } from './auth-sessions.ts';
import { emailHash } from './email.ts';
import { loadMember, memberIdForEmail } from './handlers.ts';
import { setSessionCookie } from './http/session-cookie.ts';
import { tooManyAttempts } from './password-attempts.ts';
import { issueResetToken, RESET_LIMITS, resetPassword, resetTokenMember } from './password-reset.ts';
import { passwordResetBody, passwordResetConfirmBody } from './schemas.ts';

const ipOf = (request: FastifyRequest) => storedHeader(request.ip, 100) ?? '';

function resetEmail(displayName: string, link: string) {
  return {
    subject: 'Reset your SkillSwap password',
    text:
      `Hello ${displayName},\n\nSomeone, hopefully you, asked to reset the password of your SkillSwap account. ` +
      `Open this link within an hour to choose a new one (it works once):\n\n${link}\n\n` +
      'If it was not you, ignore this email: your password stays as it is.\n\n— SkillSwap',
  };
}

const SENT = 'If an account has this address, an email with a link to choose a new password is on its way.';

/** Forgotten passwords: an emailed single-use link, then a new password with it. */
export function passwordResetRoutes(app: FastifyInstance, ctx: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/auth/password-reset',
    {
      schema: {
        tags: ['identity'],
        summary: 'Email a link to choose a new password',
        description:
          'Always 202, whether or not the address has an account (the answer must not tell who is a member); ' +
          'an account that exists (and is not suspended) gets an email with a link to /reset-password that works ' +
          `once, within an hour. More than ${RESET_LIMITS.perEmail} requests for one address, or ` +
          `${RESET_LIMITS.perIp} from one network, in an hour are 429.`,
        body: passwordResetBody,
        response: { 202: z.object({ message: z.string() }), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      const { email } = request.body;
      const hour = RESET_LIMITS.windowMs;
      const rules = [
        {
          key: `password-reset:email-hmac:${await emailHash(ctx.pool, email)}`,
          limit: RESET_LIMITS.perEmail,
          windowMs: hour,
        },
        { key: `password-reset:ip:${ipOf(request)}`, limit: RESET_LIMITS.perIp, windowMs: hour },
      ];
      if (!(await reserveAttempts(ctx.pool, rules)).ok) throw tooManyAttempts('password reset requests');
      const memberId = await memberIdForEmail(ctx.command, email);
      const account = memberId ? await getAccount(ctx.pool, memberId) : null;
      if (memberId && account && !account.suspended) {
        const token = await issueResetToken(ctx.pool, memberId, ctx.command.now());
        // The token travels in the fragment, which browsers never send: it stays out of request logs and Referer.
        const mail = resetEmail(
          account.displayName,
          `${emailLinkOrigin(ctx.config)}/reset-password#token=${token}`,
        );
        // Not awaited: an answer that waited for the mail server would take longer for members than for
        // unknown addresses, and tell them apart.
        void ctx.mailer
          .send({ to: account.email, ...mail })
          .catch((err: unknown) => ctx.log.error({ err, memberId }, 'password reset email not sent'));
      }
      return reply.code(202).send({ message: SENT });
    },
  );

  r.post(
    '/api/auth/password-reset/confirm',
    {
      schema: {
        tags: ['identity'],
        summary:
          'Choose a new password with the token of a reset link; signs in and ends every other session',
        description:
          'A token that is unknown, was used, or is more than an hour old is 400 on `token`; a password too easy ' +
          'to guess is 400 on `newPassword` (the token stays good). A suspended account is 403.',
        body: passwordResetConfirmBody,
        response: { 200: z.object({ user: userView }), ...errors(400, 403) },
      },
    },
    async (request, reply) => {
      const { token, newPassword } = request.body;
      const holder = await resetTokenMember(ctx.pool, token, ctx.command.now());
      if (holder && (await getAccount(ctx.pool, holder))?.suspended) {
        throw forbidden('Your account is suspended: its password cannot be reset now.');
      }
      const memberId = await resetPassword(
        ctx.command,
        { token, newPassword },
        requestMetadata(request, holder),
      );
      const session = await openSession(ctx.pool, memberId, storedHeader(request.headers['user-agent'], 300));
      setSessionCookie(request, reply, session);
      const member = await loadMember(ctx.command, memberId);
      const account = await getAccount(ctx.pool, memberId);
      if (member.status !== 'active' || !account) throw forbidden('This account is gone.');
      return {
        user: {
          id: account.id,
          email: account.email,
          displayName: account.displayName,
          roles: account.roles,
        },
      };
    },
  );
}
