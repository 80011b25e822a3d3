import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';

/**
 * `count` consecutive send slots reserved at once: the first at `first`, the next ones one emission
 * interval apart. Times are the budget's clock (the database's, in ms since the epoch); `now` is that
 * clock when the reservation was made.
 */
export type Reservation = { first: number; now: number };
export type SendRateSlots = {
  /** `count` slots `intervalMs` apart, the first no earlier than `leadMs` from the budget's now. */
  reserve(bucket: string, count: number, leadMs: number): Promise<Reservation>;
};

/**
 * GCRA (a virtual-scheduling token bucket with no burst): `send_pace(bucket, next_at)` holds when the
 * bucket's next slot starts. One statement moves it on by `count` intervals from max(next_at, now +
 * lead) and returns where the reservation starts, so across every process on the database consecutive
 * slots are exactly one interval apart.
 */
export function createDatabaseSendRateSlots(db: Database, intervalMs: number): SendRateSlots {
  const intervalSeconds = intervalMs / 1000;
  return {
    async reserve(bucket, count, leadMs) {
      const rows = await db
        .query<{ first: number | string; now: number | string }>(
          `WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)
           INSERT INTO send_pace AS p (bucket, next_at)
           SELECT $1, clock.now + $4::float8 + $2::int * $3::float8 FROM clock
           ON CONFLICT (bucket) DO UPDATE
             SET next_at = greatest(p.next_at, EXCLUDED.next_at - $2::int * $3::float8) + $2::int * $3::float8
           RETURNING p.next_at - $2::int * $3::float8 AS first, (SELECT now FROM clock) AS now`,
          [bucket, count, intervalSeconds, leadMs / 1000],
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
export function createMemorySendRateSlots(intervalMs: number, now: () => number): SendRateSlots {
  const nextAt = new Map<string, number>();
  return {
    async reserve(bucket, count, leadMs) {
      const at = now();
      const first = Math.max(nextAt.get(bucket) ?? 0, at + leadMs);
      if (nextAt.size > 1000) {
        for (const [key, next] of nextAt) if (next < at) nextAt.delete(key);
      }
      nextAt.set(bucket, first + count * intervalMs);
      return { first, now: at };
    },
  };
}
