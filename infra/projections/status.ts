import type { Queryable } from '../db/pool.ts';
import type { Consumer, ProjectionStatus } from './types.ts';

/**
 * Position, head and lag (committed events not yet processed) for every consumer, with how many events it has set
 * aside and why its last rebuild failed (cleared by one that succeeds).
 */
export async function projectionStatus(db: Queryable, consumers: Consumer[]): Promise<ProjectionStatus[]> {
  const { rows } = await db.query<{
    name: string;
    position: number;
    status: ProjectionStatus['status'];
    rebuild_position: number | null;
    last_error: string | null;
    rebuild_error: string | null;
    set_aside: number;
    head: number;
    lag: number;
  }>(
    `SELECT c.name, c.position, c.status, c.rebuild_position, c.last_error, c.rebuild_error,
            (SELECT count(*)::int FROM projection_set_aside s WHERE s.projector = c.name) AS set_aside,
            (SELECT coalesce(max(global_position), 0) FROM events) AS head,
            (SELECT count(*) FROM events e
              WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.position)) AS lag
       FROM projection_checkpoints c
      WHERE c.name = ANY($1)`,
    [consumers.map((c) => c.name)],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  return consumers.map((c) => {
    const r = byName.get(c.name);
    return {
      name: c.name,
      kind: c.kind,
      position: r?.position ?? 0,
      headPosition: r?.head ?? 0,
      lag: r?.lag ?? 0,
      status: r ? r.status : 'stopped',
      rebuildPosition: r?.rebuild_position ?? null,
      lastError: r?.last_error ?? null,
      setAside: r?.set_aside ?? 0,
      rebuildError: r?.rebuild_error ?? null,
    };
  });
}
