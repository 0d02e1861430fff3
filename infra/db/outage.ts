import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable } from './errors.ts';

// One view per process of whether the database can be reached. Every part that meets a lost or unanswering
// database (the pool, the listener, the projectors, the jobs) reports it here instead of logging each retry: the
// operator reads one warning when an outage starts and one line when it ends, and the parts waiting to retry are
// woken as soon as a probe finds the database back.

export type DatabaseOutage = {
  /**
   * Reports a failure: true when it is one of the database being unavailable (the first of an outage is logged
   * and starts the probing), false for any other error, which the caller reports as its own.
   */
  report: (err: unknown, where: string) => boolean;
  /** From the first report of an outage until a probe reaches the database again. */
  isDown: () => boolean;
  /** Runs `fn` each time the database is back after an outage. */
  onBack: (fn: () => void) => void;
  stop: () => void;
};

/** A lost connection is noticed at once; the probes then follow quickly and settle at this interval. */
const PROBE_INTERVAL_MAX_MS = 2000;
/** Failures of work started before the database came back, arriving just after, are no new outage. */
const STRAGGLERS_MS = 1000;

export function watchDatabaseOutages(options: {
  /** A cheap query; it must fail within the connection's timeouts. */
  probe: () => Promise<unknown>;
  log: Logger;
}): DatabaseOutage {
  const { log } = options;
  let downSince: number | null = null;
  let backAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const listeners: (() => void)[] = [];

  const probeLater = (attempt: number) => {
    if (stopped) return;
    timer = setTimeout(
      async () => {
        timer = null;
        try {
          await options.probe();
        } catch {
          probeLater(attempt + 1);
          return;
        }
        if (stopped || downSince === null) return;
        log.info({ downMs: Date.now() - downSince }, 'database reachable again; resuming');
        downSince = null;
        backAt = Date.now();
        for (const fn of listeners) fn();
      },
      Math.min(PROBE_INTERVAL_MAX_MS, 100 * 2 ** attempt),
    );
  };

  return {
    report: (err, where) => {
      if (!isDatabaseUnavailable(err)) return false;
      if (downSince === null && !stopped && Date.now() - backAt > STRAGGLERS_MS) {
        downSince = Date.now();
        log.warn(
          { err, where },
          'database unavailable: requests answer 503 and background work waits until it is back',
        );
        probeLater(0);
      }
      return true;
    },
    isDown: () => downSince !== null,
    onBack: (fn) => {
      listeners.push(fn);
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export class DeadlineExceeded extends Error {}

/** `promise`, or a DeadlineExceeded after `ms` (the work itself goes on, bounded by its own timeouts). */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
    // The loser's rejection must not surface as an unhandled one.
    promise.catch(() => {});
  }
}
