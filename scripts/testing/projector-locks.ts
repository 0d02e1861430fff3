// Who runs the projectors, seen from the database: the holders of their advisory locks (process tests).
import type { Queryable } from '../../infra/db/index.ts';

/** Who holds each projector's advisory lock: the backend pid, its application name and when it connected. */
export async function lockHolders(pool: Queryable, consumers: string[]) {
  const { rows } = await pool.query<{
    name: string;
    pid: number | null;
    app: string | null;
    since: Date | null;
  }>(
    `SELECT c.name, l.pid, a.application_name AS app, a.backend_start AS since
       FROM unnest($1::text[]) AS c(name)
       LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext('skillswap:projector:' || c.name)::bigint
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      ORDER BY c.name`,
    [consumers],
  );
  return rows;
}

/** The one backend that holds every projector lock, or undefined while they are spread or free. */
export async function singleHolder(pool: Queryable, consumers: string[]): Promise<number | undefined> {
  const rows = await lockHolders(pool, consumers);
  const pids = new Set(rows.map((r) => r.pid));
  const [pid] = [...pids];
  return rows.length === consumers.length && pids.size === 1 && pid != null ? pid : undefined;
}

export async function lockConnections(pool: Queryable) {
  const { rows } = await pool.query<{ pid: number; since: Date }>(
    `SELECT pid, backend_start AS since FROM pg_stat_activity
      WHERE application_name = 'skillswap-projector-locks' AND datname = current_database() ORDER BY backend_start`,
  );
  return rows;
}
