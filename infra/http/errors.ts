import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { CommandRejected, ConcurrencyError, UnstorableEventError } from '../event-store/index.ts';
import { BadCursorError } from './cursor.ts';

export type ErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A failure with a place in API.md's table: the error handler turns it into `{error: {code, message, details}}`. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
    this.details = details;
  }
}

export type FieldProblem = { path: string; message: string };

export const validationFailed = (problems: FieldProblem[]) =>
  new HttpError(
    'validation_failed',
    problems.map((p) => `${p.path || 'body'}: ${p.message}`).join('; '),
    problems,
  );
export const unauthenticated = (message = 'Sign in to continue.') =>
  new HttpError('unauthenticated', message);
export const forbidden = (message = 'You are not allowed to do that.') => new HttpError('forbidden', message);
export const notFound = (what = 'That') => new HttpError('not_found', `${what} was not found.`);
export const conflict = (message: string, details?: unknown) => new HttpError('conflict', message, details);

export function fromZodError(err: ZodError): HttpError {
  return validationFailed(err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}

export function sendError(reply: FastifyReply, err: HttpError) {
  return reply.code(err.status).send({
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    },
  });
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HttpError) return sendError(reply, err);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext === 'body' ? '' : `${err.validationContext}.`;
    const join = (...parts: string[]) => `${where}${parts.filter(Boolean).join('.')}`;
    return sendError(
      reply,
      validationFailed(
        err.validation.flatMap((v) => {
          const path = v.instancePath.slice(1).replaceAll('/', '.');
          // An unknown field is a bad field of its own: one detail per key, at that key's path.
          const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined;
          if (keys)
            return keys.map((key) => ({ path: join(path, key), message: `"${key}" is not a known field` }));
          return [{ path: join(path), message: v.message ?? 'is invalid' }];
        }),
      ),
    );
  }
  if (err instanceof CommandRejected) {
    return sendError(reply, new HttpError(err.rejection.reason, err.message, err.rejection.details));
  }
  if (err instanceof ConcurrencyError) {
    return sendError(reply, conflict('Someone else changed this at the same time. Reload and try again.'));
  }
  if (err instanceof BadCursorError) {
    return sendError(reply, validationFailed([{ path: 'querystring.cursor', message: err.message }]));
  }
  if (err instanceof UnstorableEventError) {
    // The event store refused it, so a route let through text its schema should have refused: worth a look.
    request.log.warn(
      { eventType: err.eventType, field: err.field },
      'refused event data PostgreSQL cannot store: a route is missing a boundary check',
    );
    const path = err.field.replace(/^data\./, '');
    return sendError(reply, validationFailed([{ path, message: err.problem }]));
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return sendError(reply, new HttpError('payload_too_large', 'The request body is too large.'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendError(reply, validationFailed([{ path: '', message: err.message }]));
  }
  if (err.statusCode === 429) {
    return sendError(
      reply,
      new HttpError('rate_limited', err.message || 'Too many requests. Try again later.'),
    );
  }
  if (err instanceof SyntaxError || (err.statusCode === 400 && !err.validation)) {
    return sendError(reply, validationFailed([{ path: '', message: err.message }]));
  }
  if (isDatabaseUnavailable(err)) {
    request.log.warn({ err }, 'database unavailable');
    return sendError(
      reply,
      new HttpError(
        'unavailable',
        'SkillSwap cannot reach its database right now. Nothing was changed: try again.',
      ),
    );
  }
  request.log.error({ err }, 'unhandled error');
  return sendError(reply, new HttpError('internal', 'Something went wrong on our side. It has been logged.'));
}
