// Which failures mean "the database cannot be reached right now" rather than "this statement is wrong": the first
// kind is answered 503 `unavailable` (nothing was changed, a retry is safe) and never counts against an event a
// projector is applying; the second kind is a bug or bad data and is reported as such.

/** SQLSTATE classes and codes of a server that is going away, starting up, overloaded or cancelling on a timer. */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout, a frozen or overloaded server
  '25P03', // idle_in_transaction_session_timeout
]);

/** Errors of the socket or of node-postgres itself when the server does not answer. */
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOENT', // the Unix socket is gone while the server restarts
]);

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'timeout expired', // a client's own connectionTimeoutMillis
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'the database system is starting up',
  'the database system is shutting down',
];

export function isDatabaseUnavailable(err: unknown): boolean {
  // Error-like objects count too: pg-boss emits a worker's failure as a plain copy of the error.
  if (typeof err !== 'object' || err === null || typeof (err as { message?: unknown }).message !== 'string')
    return false;
  const { code, message } = err as { code?: unknown; message: string };
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection_exception and its subclasses
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
  // AggregateError (a connect that tried several addresses) and wrapped causes.
  const inner = (err as { errors?: unknown[]; cause?: unknown }).errors ?? [
    (err as { cause?: unknown }).cause,
  ];
  return inner.some((e) => e !== err && isDatabaseUnavailable(e));
}
