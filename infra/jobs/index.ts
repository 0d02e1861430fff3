import { PgBoss } from 'pg-boss';
import type { Logger } from '../logger.ts';

export type Jobs = {
  boss: PgBoss;
  /** Declares a queue and its worker; call before `start()` resolves or after, both work. */
  define: <T extends object>(
    queue: string,
    handler: (data: T, jobId: string) => Promise<void>,
  ) => Promise<void>;
  send: (
    queue: string,
    data: object,
    options?: { singletonKey?: string; startAfter?: Date },
  ) => Promise<string | null>;
  job: (queue: string, id: string) => Promise<{ state: string; output: unknown } | null>;
  stop: () => Promise<void>;
};

/**
 * pg-boss on the app's own database (schema `pgboss`), started and stopped with the server. Its maintenance and
 * its jobs (rebuilds among them) are long work: no statement timeout; a connection that cannot be made fails.
 * pg-boss keeps polling through an outage and carries on by itself when the database is back.
 */
export async function startJobs(
  url: string,
  log: Logger,
  options: {
    /** false: queues are declared and jobs sent, but this process works none (a web process). */
    work?: boolean;
    connectTimeoutMs?: number;
    /** Takes failures for want of the database (true): the outage log, instead of an error per poll. */
    reportUnavailable?: (err: unknown, where: string) => boolean;
  } = {},
): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    application_name: 'skillswap-jobs',
    ...(options.connectTimeoutMs ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
  });
  boss.on('error', (err) => {
    if (!options.reportUnavailable?.(err, 'jobs')) log.error({ err }, 'job queue error');
  });
  await boss.start();
  return {
    boss,
    define: async (queue, handler) => {
      await boss.createQueue(queue);
      if (options.work === false) return;
      await boss.work(queue, async (jobs) => {
        for (const job of jobs) await handler(job.data as never, job.id);
      });
    },
    send: (queue, data, options = {}) => boss.send(queue, data, options),
    job: async (queue, id) => {
      const job = await boss.getJobById(queue, id);
      return job ? { state: job.state, output: job.output } : null;
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
