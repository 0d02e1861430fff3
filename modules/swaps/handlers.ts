import { randomUUID } from 'node:crypto';
import type { PoolClient } from '../../infra/db/index.ts';
import type { CommandContext } from '../../infra/deps.ts';
import {
  CommandRejected,
  type EventMetadata,
  type EventStore,
  loadState,
  type Rejection,
} from '../../infra/event-store/index.ts';
import { appendSwapSession, type NewSwapSession } from '../sessions/index.ts';
import { decide, decideMessage, decidePair, type MessageCommand, type SwapCommand } from './decide.ts';
import {
  evolve,
  evolvePair,
  initialPair,
  initialSwap,
  type MessageEvent,
  messageStream,
  type Pair,
  type PairEvent,
  pairStream,
  type Swap,
  type SwapStreamEvent,
  swapStream,
} from './swap.ts';

const swapDecider = { initialState: initialSwap, evolve };
const pairDecider = { initialState: initialPair, evolve: evolvePair };

const refuse = (decision: SwapStreamEvent[] | PairEvent[] | MessageEvent[] | Rejection) => {
  if (!Array.isArray(decision)) throw new CommandRejected(decision);
  return decision;
};

export async function loadSwap(ctx: Pick<CommandContext, 'store'>, swapId: string): Promise<Swap> {
  return (await loadState<Swap, SwapStreamEvent>(ctx.store, swapStream(swapId), swapDecider)).state;
}

/**
 * Decides one command on a swap and appends it with its consequence on the pair's stream, in the caller's
 * transaction: both streams change together, each appended at the version it was decided on (a racing proposal
 * for the same pair conflicts).
 */
export async function appendSwapCommand(
  store: EventStore,
  client: PoolClient,
  swapId: string,
  command: SwapCommand,
  metadata: EventMetadata,
) {
  const swap = await loadState<Swap, SwapStreamEvent>(store, swapStream(swapId), swapDecider, client);
  const events = refuse(decide(command, swap.state)) as SwapStreamEvent[];
  if (events.length === 0) return { state: swap.state, appended: null };
  const state = events.reduce(evolve, swap.state);
  if (state.status === 'none') throw new Error('a swap command left no swap');
  const pairId = pairStream(state.proposerId, state.receiverId);
  const pair = await loadState<Pair, PairEvent>(store, pairId, pairDecider, client);
  const pairEvents = refuse(decidePair(events, pair.state, command.now)) as PairEvent[];
  const own = await store.append(swapStream(swapId), swap.version, events, { metadata, client });
  const appended =
    pairEvents.length > 0 ? await store.append(pairId, pair.version, pairEvents, { metadata, client }) : own;
  return { state, appended };
}

/** Runs one command on a swap in a transaction of its own, and waits for the read models. */
async function onSwap(ctx: CommandContext, swapId: string, command: SwapCommand, metadata: EventMetadata) {
  const written = await ctx.store.transaction((client) =>
    appendSwapCommand(ctx.store, client, swapId, command, metadata),
  );
  if (written.appended) await ctx.waitForReadModels(written.appended);
  return written.state;
}

export type Proposal = Extract<SwapCommand, { type: 'Propose' }>['data'];

export const proposeSwap = (ctx: CommandContext, proposal: Proposal, metadata: EventMetadata) =>
  onSwap(ctx, proposal.swapId, { type: 'Propose', data: proposal, now: ctx.now() }, metadata);

export const answerSwap = (
  ctx: CommandContext,
  swapId: string,
  answer: 'Accept' | 'Decline' | 'Withdraw',
  actorId: string,
  metadata: EventMetadata,
) => onSwap(ctx, swapId, { type: answer, data: { actorId }, now: ctx.now() }, metadata);

/** A proposal's time is up: it expires, unless it was answered meanwhile (then nothing happens). */
export const expireSwap = (ctx: CommandContext, swapId: string) =>
  onSwap(ctx, swapId, { type: 'Expire', now: ctx.now() }, { actorId: null });

/**
 * `hostId` schedules their session for the other member of the swap: the swap decides that it may have it (accepted,
 * one live session per member) and the session is appended with the partner registered, in one transaction.
 */
export async function scheduleSwapSession(
  ctx: CommandContext,
  swapId: string,
  session: Omit<NewSwapSession, 'sessionId' | 'swap' | 'now'>,
  metadata: EventMetadata,
): Promise<string> {
  const sessionId = randomUUID();
  const now = ctx.now();
  const appended = await ctx.store.transaction(async (client) => {
    const command: SwapCommand = {
      type: 'ScheduleSession',
      data: { actorId: session.hostId, sessionId },
      now,
    };
    const { state } = await appendSwapCommand(ctx.store, client, swapId, command, metadata);
    if (state.status === 'none') throw new Error('a scheduled swap session left no swap');
    const partnerId = state.proposerId === session.hostId ? state.receiverId : state.proposerId;
    return appendSwapSession(
      ctx.store,
      client,
      { ...session, sessionId, swap: { swapId, partnerId }, now },
      metadata,
    );
  });
  await ctx.waitForReadModels(appended);
  return sessionId;
}

/** What became of one of a swap's sessions, recorded on the swap in the caller's transaction (a reactor's). */
export const recordSwapSession = (
  store: EventStore,
  client: PoolClient,
  swapId: string,
  data: Extract<SwapCommand, { type: 'RecordSession' }>['data'],
  metadata: EventMetadata,
) => appendSwapCommand(store, client, swapId, { type: 'RecordSession', data, now: new Date() }, metadata);

/** A message in a swap's thread, decided from the swap's state; a stream of its own, so nothing races it. */
export async function sendMessage(
  ctx: CommandContext,
  swapId: string,
  message: MessageCommand['data'],
  metadata: EventMetadata,
) {
  const swap = await loadSwap(ctx, swapId);
  const events = refuse(decideMessage({ type: 'SendMessage', data: message, now: ctx.now() }, swap));
  const appended = await ctx.store.append(messageStream(message.messageId), 0, events, { metadata });
  await ctx.waitForReadModels(appended);
}
