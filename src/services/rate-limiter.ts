import { StorageError } from '../errors/storage-error.ts';
import type { Database } from '../storage/database.ts';
import {
  createDatabaseSendRateSlots,
  type SendRateSlots,
  type TakeResult,
} from '../storage/send-rate-slots.ts';

export const DEFAULT_KALEYRA_RATE_LIMIT = 80;

/**
 * Slots are handed out only in the first part of each second, so a send that took its slot late in
 * second N does not reach Kaleyra in second N+1 on top of N+1's own budget.
 */
export const DEFAULT_SECOND_CUTOFF_MS = 900;

export type SendRateLimiterOptions = {
  /** Sends per second per bucket (business number), shared by every process on `db`. */
  limitPerSecond: number;
  /**
   * The shared budget (table `send_rate`, the database's clock). Without it the budget is this
   * process's own (tests, a lone CLI).
   */
  db?: Database | undefined;
  /** Slots are only taken before this many ms into a second. Default 900. */
  cutoffMs?: number | undefined;
  /** Local clock in ms, only for the in-process budget (tests). Default Date.now. */
  now?: (() => number) | undefined;
};

export type SendRateLimiter = {
  /**
   * Resolves when a send for `bucket` may go out: first come, first served within this process;
   * nothing is dropped. Rejects with StorageError when the shared budget cannot be reached (the send
   * must then not go out).
   */
  acquire(bucket: string): Promise<void>;
};

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/**
 * A fixed one-second window per business number. Each process queues its own callers per bucket
 * (FIFO) and one pump per bucket takes slots for as many queued callers as fit, in one atomic
 * statement; when the second is full it sleeps until the next one.
 */
export function createSendRateLimiter(options: SendRateLimiterOptions): SendRateLimiter {
  const limit = options.limitPerSecond;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limitPerSecond must be a whole number of at least 1, got ${limit}.`);
  }
  const cutoff = (options.cutoffMs ?? DEFAULT_SECOND_CUTOFF_MS) / 1000;
  if (!(cutoff > 0 && cutoff <= 1)) throw new RangeError('cutoffMs must be between 1 and 1000.');
  const store = options.db
    ? createDatabaseSendRateSlots(options.db, limit, cutoff)
    : createMemorySlots(limit, cutoff, options.now ?? Date.now);

  const queues = new Map<string, Waiter[]>();

  async function pump(bucket: string, queue: Waiter[]): Promise<void> {
    // Slots believed free in the current second: a hint for the batch size, re-read on every miss.
    let free = limit;
    while (queue.length > 0) {
      const count = Math.max(1, Math.min(queue.length, free, limit));
      let result: TakeResult;
      try {
        result = await store.take(bucket, count);
      } catch (error) {
        const failure =
          error instanceof StorageError
            ? error
            : new StorageError('Could not reach the database to take a send slot.', { cause: error });
        for (const waiter of queue.splice(0, count)) waiter.reject(failure);
        free = limit;
        continue;
      }
      if (result.granted) {
        free = limit - result.used;
        await release(queue.splice(0, count));
        continue;
      }
      const fraction = result.at - Math.floor(result.at);
      free = limit - result.used;
      if (free > 0 && fraction < cutoff) continue; // room left for a smaller batch
      // Full (or past the cut-off): wait for the next second of the budget's clock.
      const waitMs = Math.max(1, Math.ceil((Math.floor(result.at) + 1 - result.at) * 1000) + 1);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      free = limit;
    }
  }

  return {
    acquire(bucket) {
      return new Promise<void>((resolve, reject) => {
        const queue = queues.get(bucket);
        if (queue) {
          queue.push({ resolve, reject });
          return;
        }
        const fresh: Waiter[] = [{ resolve, reject }];
        queues.set(bucket, fresh);
        void pump(bucket, fresh).finally(() => queues.delete(bucket));
      });
    },
  };
}

/** Sends released per turn of the event loop; see `release`. */
const RELEASE_CHUNK = 8;

/**
 * Resolves the waiters a few at a time, yielding to the event loop in between: each resumed send runs
 * on at once (payload, POST), and a whole second's batch resumed in one go would hold the loop for
 * tens of milliseconds, keeping Slack requests waiting for their ack.
 */
async function release(waiters: Waiter[]): Promise<void> {
  for (let i = 0; i < waiters.length; i += RELEASE_CHUNK) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const waiter of waiters.slice(i, i + RELEASE_CHUNK)) waiter.resolve();
  }
}

/** The same window in this process's memory. */
function createMemorySlots(limit: number, cutoff: number, now: () => number): SendRateSlots {
  const used = new Map<string, { second: number; used: number }>();
  return {
    async take(bucket, count) {
      const at = now() / 1000;
      const second = Math.floor(at);
      const current = used.get(bucket);
      const before = current && current.second === second ? current.used : 0;
      if (at - second >= cutoff || before + count > limit) return { granted: false, at, used: before };
      if (used.size > 1000) {
        for (const [key, entry] of used) if (entry.second < second) used.delete(key);
      }
      used.set(bucket, { second, used: before + count });
      return { granted: true, at, used: before + count };
    },
  };
}
