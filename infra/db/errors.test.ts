import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './errors.ts';

/** A socket error as Node raises it (net.connect to a port or a Unix socket nobody listens on). */
const socketError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });

/** A server error as node-postgres raises it: a DatabaseError carrying the SQLSTATE. */
const serverError = (code: string, message: string) =>
  Object.assign(new Error(message), { name: 'error', code, severity: 'FATAL' });

/** What pg-boss emits as 'error' for a failed worker poll: a copy of the error, not an Error itself. */
const fromPgBossWorker = (err: Error) => ({
  ...err,
  message: `${err.message} (Queue: session-reminders, Worker: 02b68d3b)`,
  stack: err.stack,
  queue: 'session-reminders',
  worker: '02b68d3b',
});

describe('isDatabaseUnavailable', () => {
  it('says yes to a database that is gone, starting up, frozen or overloaded', () => {
    const unavailable = [
      socketError('ECONNREFUSED', 'connect ECONNREFUSED /data/postgres/.s.PGSQL.5432'),
      socketError('ENOENT', 'connect ENOENT /data/postgres/.s.PGSQL.5432'),
      socketError('ECONNRESET', 'read ECONNRESET'),
      serverError('57P01', 'terminating connection due to administrator command'),
      serverError('57P03', 'the database system is starting up'),
      serverError('57P03', 'the database system is not yet accepting connections'),
      serverError('57014', 'canceling statement due to statement timeout'),
      new Error('Query read timeout'),
      new Error('Connection terminated due to connection timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('timeout expired'),
      new Error('Connection terminated unexpectedly'),
    ];
    for (const err of unavailable) expect(isDatabaseUnavailable(err), err.message).toBe(true);
  });

  it("says yes to pg-boss's copies of such errors, which are plain objects", () => {
    const refused = fromPgBossWorker(socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'));
    expect(refused instanceof Error).toBe(false);
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(
      isDatabaseUnavailable(fromPgBossWorker(serverError('57P03', 'the database system is starting up'))),
    ).toBe(true);
  });

  it('says no to errors of the statement or the data, and to things that are not errors', () => {
    const others = [
      serverError('23505', 'duplicate key value violates unique constraint "streams_pkey"'),
      serverError('42P01', 'relation "nowhere" does not exist'),
      new Error('no checkpoint row for member_profiles'),
      fromPgBossWorker(serverError('22P02', 'invalid input syntax for type uuid: "x"')),
    ];
    for (const err of others) expect(isDatabaseUnavailable(err), err.message).toBe(false);
    for (const value of [null, undefined, 'ECONNREFUSED', 57, { code: 42 }])
      expect(isDatabaseUnavailable(value)).toBe(false);
  });
});
