import { describe, expect, it } from 'vitest';
import type { PoolClient } from '../db/pool.ts';
import type { StoredEvent } from '../event-store/index.ts';
import { defineProjector, defineReactor } from './define.ts';
import type { ReactorContext } from './types.ts';

type Ev =
  | { type: 'Opened'; data: { id: string } }
  | { type: 'Joined'; data: { id: string; who: string } }
  | { type: 'Left'; data: { id: string; who: string } }
  | { type: 'Closed'; data: { id: string } };

let position = 0;
const stored = (e: Ev): StoredEvent => ({
  globalPosition: ++position,
  transactionId: '1',
  streamId: `s-${e.data.id}`,
  streamVersion: position,
  schemaVersion: 1,
  metadata: {},
  recordedAt: new Date(0),
  ...e,
});
const db = {} as PoolClient;

describe('defineProjector', () => {
  it('reads exactly the event types it has handlers for', () => {
    const p = defineProjector<Ev>({
      name: 'p',
      tables: ['t'],
      on: { Opened: async () => {}, Closed: async () => {} },
    });
    expect(p.eventTypes).toEqual(['Opened', 'Closed']);
    expect(p.kind).toBe('read-model');
  });

  it('hands each handler the consecutive events it shares, in log order, a run of one included', async () => {
    const calls: string[] = [];
    const seats = async (_db: PoolClient, run: { type: string; data: { who: string } }[]) => {
      calls.push(`seats:${run.map((e) => `${e.type}(${e.data.who})`).join(',')}`);
    };
    const p = defineProjector<Ev>({
      name: 'p',
      tables: ['t'],
      on: {
        Opened: async (_db, run) => calls.push(`opened:${run.map((e) => e.data.id).join(',')}`),
        Joined: seats,
        Left: seats,
        Closed: async (_db, run) => calls.push(`closed:${run.length}`),
      },
    });
    await p.handle(
      db,
      [
        { type: 'Opened', data: { id: 'a' } },
        { type: 'Opened', data: { id: 'b' } },
        { type: 'Joined', data: { id: 'a', who: 'ana' } },
        { type: 'Left', data: { id: 'a', who: 'ana' } },
        { type: 'Joined', data: { id: 'b', who: 'ben' } },
        { type: 'Closed', data: { id: 'a' } },
        { type: 'Joined', data: { id: 'b', who: 'cy' } },
      ].map((e) => stored(e as Ev)),
    );
    expect(calls).toEqual([
      'opened:a,b',
      'seats:Joined(ana),Left(ana),Joined(ben)',
      'closed:1',
      'seats:Joined(cy)',
    ]);
  });
});

describe('defineReactor', () => {
  it('gives every run the reactor context', async () => {
    const seen: unknown[] = [];
    const context = { marker: true } as unknown as ReactorContext;
    const r = defineReactor<Ev>({
      name: 'r',
      on: { Closed: async (_db, run, ctx) => seen.push(run.length, ctx) },
    });
    expect(r.kind).toBe('reactor');
    await r.handle(db, [stored({ type: 'Closed', data: { id: 'a' } })], context);
    expect(seen).toEqual([1, context]);
  });
});
