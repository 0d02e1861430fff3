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

/** pg-boss on the app's own database (schema `pgboss`), started and stopped with the server. */
export async function startJobs(url: string, log: Logger): Promise<Jobs> {
  const boss = new PgBoss({ connectionString: url, max: 4, application_name: 'skillswap-jobs' });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  return {
    boss,
    define: async (queue, handler) => {
      await boss.createQueue(queue);
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
