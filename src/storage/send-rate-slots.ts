import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';

/** Rows older than this many seconds are deleted, at most once per this many seconds per process. */
const KEEP_SECONDS = 60;

/** One attempt to take `count` slots at once: all or none. `at` is the budget's clock, in seconds. */
export type TakeResult = { granted: boolean; at: number; used: number };
export type SendRateSlots = { take(bucket: string, count: number): Promise<TakeResult> };

/**
 * `send_rate(bucket, second, used)`: one statement takes `count` slots of the current second (the
 * database's clock, so every instance agrees) or none, and reports the time and how many were used.
 * Slots are only taken before `cutoff` (a fraction of a second) into each second.
 */
export function createDatabaseSendRateSlots(db: Database, limit: number, cutoff: number): SendRateSlots {
  let lastCleanup = 0;
  const cleanup = () => {
    if (Date.now() - lastCleanup < KEEP_SECONDS * 1000) return;
    lastCleanup = Date.now();
    void db
      .query(
        'DELETE FROM send_rate WHERE second < floor(extract(epoch FROM clock_timestamp()))::bigint - $1',
        [KEEP_SECONDS],
      )
      .catch(() => undefined); // best effort: the next one will do
  };

  return {
    async take(bucket, count) {
      // `seen` is read from the statement's snapshot: only a hint for the next batch size.
      const rows = await db
        .query<{ used: number | null; seen: number | null; at: number | string }>(
          `WITH clock AS (
             SELECT extract(epoch FROM clock_timestamp())::float8 AS at
           ), taken AS (
             INSERT INTO send_rate AS r (bucket, second, used)
             SELECT $1, floor(at)::bigint, $2::int FROM clock WHERE at - floor(at) < $4::float8
             ON CONFLICT (bucket, second) DO UPDATE SET used = r.used + EXCLUDED.used
               WHERE r.used + EXCLUDED.used <= $3::int
             RETURNING used
           )
           SELECT (SELECT used FROM taken) AS used,
                  (SELECT used FROM send_rate WHERE bucket = $1 AND second = floor(clock.at)::bigint) AS seen,
                  clock.at
             FROM clock`,
          [bucket, count, limit, cutoff],
        )
        .catch((error: unknown) => {
          throw error instanceof StorageError
            ? error
            : new StorageError('Could not take a send slot from the shared rate budget.', { cause: error });
        });
      const row = rows[0];
      if (!row) throw new StorageError('The shared rate budget gave no answer.');
      cleanup();
      const at = Number(row.at);
      if (row.used !== null) return { granted: true, at, used: Number(row.used) };
      return { granted: false, at, used: Number(row.seen ?? 0) };
    },
  };
}
