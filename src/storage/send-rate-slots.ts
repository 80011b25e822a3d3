import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';

/**
 * `count` consecutive send slots reserved at once: the first at `first`, the next ones one emission
 * interval apart. Times are the budget's clock (the database's, in ms since the epoch); `now` is that
 * clock when the reservation was made.
 */
export type Reservation = { first: number; now: number };
export type SendRateSlots = { reserve(bucket: string, count: number): Promise<Reservation> };

/**
 * GCRA (a virtual-scheduling token bucket with no burst): `send_pace(bucket, next_at)` holds when the
 * bucket's next send may go. One statement moves it on by `count` intervals from max(next_at, now)
 * and returns where the reservation starts, so across every process on the database consecutive
 * slots are exactly one interval apart: no sliding second holds more than the limit, +1 at its ends.
 */
export function createDatabaseSendRateSlots(db: Database, limit: number): SendRateSlots {
  const intervalSeconds = 1 / limit;
  return {
    async reserve(bucket, count) {
      const rows = await db
        .query<{ first: number | string; now: number | string }>(
          `WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
           INSERT INTO send_pace AS p (bucket, next_at)
           SELECT $1, clock.now + $2::int * $3::float8 FROM clock
           ON CONFLICT (bucket) DO UPDATE
             SET next_at = greatest(p.next_at, EXCLUDED.next_at - $2::int * $3::float8) + $2::int * $3::float8
           RETURNING p.next_at - $2::int * $3::float8 AS first, (SELECT now FROM clock) AS now`,
          [bucket, count, intervalSeconds],
        )
        .catch((error: unknown) => {
          throw error instanceof StorageError
            ? error
            : new StorageError('Could not reserve a send slot in the shared rate budget.', { cause: error });
        });
      const row = rows[0];
      if (!row) throw new StorageError('The shared rate budget gave no answer.');
      return { first: Number(row.first) * 1000, now: Number(row.now) * 1000 };
    },
  };
}

/** The same budget in this process's memory (a lone CLI, tests), on the local clock. */
export function createMemorySendRateSlots(limit: number, now: () => number): SendRateSlots {
  const intervalMs = 1000 / limit;
  const nextAt = new Map<string, number>();
  return {
    async reserve(bucket, count) {
      const at = now();
      const first = Math.max(nextAt.get(bucket) ?? at, at);
      if (nextAt.size > 1000) {
        for (const [key, next] of nextAt) if (next < at) nextAt.delete(key);
      }
      nextAt.set(bucket, first + count * intervalMs);
      return { first, now: at };
    },
  };
}
