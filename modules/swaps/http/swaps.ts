import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ModuleContext } from '../../../infra/deps.ts';
import type { SignedInUser } from '../../../infra/http/index.ts';
import {
  cursorParam,
  errors,
  HttpError,
  hasRole,
  id,
  idParam,
  listOf,
  multiLine,
  notFound,
  requestMetadata,
  requireUser,
  singleLine,
} from '../../../infra/http/index.ts';
import { spendDailyAllowance } from '../../../infra/throttle.ts';
import { getAccount } from '../../../read-models/member-profiles/queries.ts';
import { getSwap, memberSwaps } from '../../../read-models/swaps/queries.ts';
import { swapView } from '../../../read-models/swaps/views.ts';
import { loadMember } from '../../identity/index.ts';
import type { Partner } from '../decide.ts';
import { PROPOSAL_DAYS, SWAP_STATUSES } from '../events.ts';
import { answerSwap, proposeSwap } from '../handlers.ts';

const one = z.object({ swap: swapView });

export const proposalBody = z.object({
  toMemberId: id(),
  offerSkill: singleLine({ min: 1, max: 60 }).describe('A skill you teach (on your profile)'),
  wantSkill: singleLine({ min: 1, max: 60 }).describe('A skill they teach (on their profile)'),
  message: multiLine({ min: 1, max: 2000 }),
});

const listQuery = z.object({
  status: z.enum(SWAP_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: cursorParam.optional(),
});

/** The member a swap is proposed to, as the decider needs to know them: from their stream and their standing. */
async function partner(ctx: ModuleContext, memberId: string): Promise<Partner> {
  const member = await loadMember(ctx.command, memberId);
  if (member.status !== 'active') return { memberId, status: 'gone', teaches: [] };
  const suspended = (await getAccount(ctx.query.pool, memberId))?.suspended ?? false;
  return { memberId, status: suspended ? 'suspended' : 'active', teaches: member.profile.skillsToTeach };
}

/** A swap as `user` may see it: its two members and moderators; to anyone else it does not exist. */
export async function visibleSwap(ctx: ModuleContext, user: SignedInUser, swapId: string) {
  const swap = await getSwap(ctx.query.pool, swapId);
  const mine = swap && (swap.proposer.id === user.id || swap.receiver.id === user.id);
  if (!swap || !(mine || hasRole(user, 'moderator'))) throw notFound('That swap');
  return swap;
}

export function swapRoutes(app: FastifyInstance, ctx: ModuleContext) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/swaps',
    {
      schema: {
        tags: ['swaps'],
        summary: 'Propose a swap: you teach them one skill, they teach you one',
        description:
          `The proposal waits ${PROPOSAL_DAYS} days for the other member's answer, then expires. A pair of members ` +
          'has at most one open swap (proposed or accepted): another one answers 409. A message with a ' +
          'blocked word or link is sent and flagged to the moderators. Proposals count against a daily limit (429).',
        body: proposalBody,
        response: { 201: one, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { toMemberId, offerSkill, wantSkill, message } = request.body;
      const perDay = ctx.config.limits.swapsPerDay;
      const allowance = await spendDailyAllowance(ctx.pool, 'swaps', user.id, perDay);
      if (!allowance.ok) {
        throw new HttpError('rate_limited', `You can propose at most ${perDay} swaps a day.`, {
          limit: perDay,
          left: allowance.left,
        });
      }
      const proposer = await loadMember(ctx.command, user.id);
      const swapId = randomUUID();
      await proposeSwap(
        ctx.command,
        {
          swapId,
          proposerId: user.id,
          proposerTeaches: proposer.status === 'active' ? proposer.profile.skillsToTeach : [],
          receiver: await partner(ctx, toMemberId),
          offerSkill,
          wantSkill,
          message,
        },
        requestMetadata(request),
      ).catch(async (err) => {
        // Refused: nothing was proposed, so it does not count against the day's proposals.
        await allowance.release().catch(() => {});
        throw err;
      });
      return reply.code(201).send({ swap: await visibleSwap(ctx, user, swapId) });
    },
  );

  r.get(
    '/api/swaps',
    {
      schema: {
        tags: ['swaps'],
        summary: 'My swaps, proposed by me or to me, newest first',
        querystring: listQuery,
        response: { 200: listOf(swapView), ...errors(400, 401) },
      },
    },
    async (request) => memberSwaps(ctx.query.pool, requireUser(request).id, request.query),
  );

  r.get(
    '/api/swaps/:id',
    {
      schema: {
        tags: ['swaps'],
        summary: 'A swap (its two members and moderators only; 404 to anyone else)',
        params: idParam,
        response: { 200: one, ...errors(401, 404) },
      },
    },
    async (request) => ({ swap: await visibleSwap(ctx, requireUser(request), request.params.id) }),
  );

  const answers = [
    ['accept', 'Accept', 'Accept a swap proposed to you'],
    ['decline', 'Decline', 'Decline a swap proposed to you'],
    ['withdraw', 'Withdraw', 'Withdraw a swap you proposed'],
  ] as const;
  for (const [path, answer, summary] of answers) {
    r.post(
      `/api/swaps/:id/${path}`,
      {
        schema: {
          tags: ['swaps'],
          summary,
          description:
            'Only while the swap is proposed and not expired (else 409). The receiver accepts or declines, the ' +
            'proposer withdraws (the other member gets 403; anyone else 404).',
          params: idParam,
          response: { 200: one, ...errors(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const user = requireUser(request);
        await visibleSwap(ctx, user, request.params.id);
        await answerSwap(ctx.command, request.params.id, answer, user.id, requestMetadata(request));
        return { swap: await visibleSwap(ctx, user, request.params.id) };
      },
    );
  }
}
