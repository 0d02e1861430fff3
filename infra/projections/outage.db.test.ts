import { describe, expect, it } from 'vitest';
import { startFaultyLink } from '../testing/proxy.ts';
import { notes, projectionHarness, sleep } from './test-harness.ts';

const h = projectionHarness();
const { db, noteCounts, startProcess, dump, fromLog, endOfLog, noteAddedPositions, statusOf, until } = h;

describe('projectors through a database outage', () => {
  it('wait it out without marking themselves failing, and catch up within a second or two of its return', async () => {
    const { projector, probe } = await noteCounts('outage_counts');
    const link = await startFaultyLink(db.url);
    try {
      // The process's pool goes through the link; its LISTEN and lock connections stay up. So nothing wakes the
      // projector once the database is back but its own retry: each append's NOTIFY during the outage woke it
      // into one more failure.
      const proc = await startProcess([projector], 20, link.url);
      await db.store.append('outage-a', 0, notes(3));
      expect(await proc.runner.waitFor(await endOfLog(), { timeoutMs: 10_000 })).toBe(true);

      // Seven seconds without the database, while another process appends (a back-off doubling from 200 ms
      // would be asleep until 12.6 s then).
      await link.cut();
      for (let n = 0; n < 7; n++) {
        await db.store.append(`outage-b${n}`, 0, notes(5));
        await sleep(1000);
      }
      // Its own fault is not what failed: the checkpoint does not say 'failing'.
      expect(await statusOf(projector)).toMatchObject({ status: 'running', lastError: null });

      await link.restore();
      const back = Date.now();
      // Watched from outside (runner.waitFor would wake the loop itself): nothing here prompts the projector.
      const { position } = await endOfLog();
      await until(async () => (await statusOf(projector)).position === position, 10_000);
      // The back-off while the database was away stays short: no long sleep after it is back.
      expect(Date.now() - back).toBeLessThan(2000);
      expect(await dump('outage_counts')).toEqual(await fromLog());
      expect(probe.handled.toSorted((a, b) => a - b)).toEqual(await noteAddedPositions());
    } finally {
      await link.close();
    }
  });
});
