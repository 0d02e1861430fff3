// What the error handler answers for the boundary's own failures, on a bare Fastify app: a cursor that is not
// ours, and event data the event store refused (an edge check that a route missed, logged at warn).
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UnstorableEventError } from '../event-store/index.ts';
import { BadCursorError } from './cursor.ts';
import { errorHandler } from './errors.ts';

function appThrowing(err: Error) {
  const lines: { level: number; msg: string; eventType?: string; field?: string }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, sink) });
  app.setErrorHandler(errorHandler);
  app.get('/fails', async () => {
    throw err;
  });
  return { app, lines };
}

describe('errorHandler', () => {
  it('answers a BadCursorError with 400 validation_failed at querystring.cursor', async () => {
    const { app } = appThrowing(new BadCursorError());
    const res = await app.inject('/fails');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'validation_failed',
        message: 'querystring.cursor: cursor is not valid',
        details: [{ path: 'querystring.cursor', message: 'cursor is not valid' }],
      },
    });
  });

  it('answers event data the store refused with 400 naming the field, and logs it at warn', async () => {
    const { app, lines } = appThrowing(
      new UnstorableEventError('ProfileUpdated', 'data.bio', 'contains NUL, which PostgreSQL cannot store'),
    );
    const res = await app.inject('/fails');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'bio', message: 'contains NUL, which PostgreSQL cannot store' }],
    });
    const warning = lines.find((l) => l.eventType === 'ProfileUpdated');
    expect(warning).toMatchObject({ level: 40, field: 'data.bio' });
    expect(lines.some((l) => l.level >= 50)).toBe(false);
  });
});
