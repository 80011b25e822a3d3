import { StorageError } from '../errors/storage-error.ts';
import type { Database } from '../storage/database.ts';
import {
  createDatabaseSendRateSlots,
  createMemorySendRateSlots,
  type Reservation,
  type SendRateSlots,
} from '../storage/send-rate-slots.ts';

export const DEFAULT_KALEYRA_RATE_LIMIT = 80;
/** How often a send may be re-scheduled because its slot passed while this process was busy. */
export const MAX_RESCHEDULES = 3;
/**
 * A slot is used up to half an interval late (so consecutive sends stay at least half an interval
 * apart, and a sliding second holds at most the limit + 1), but never less than this many ms: timers
 * and database round trips are not finer. Above 100/s this widens the bound by about 0.5 %.
 */
export const LATE_FLOOR_MS = 5;

export type SendRateLimiterOptions = {
  /** Sends per second per bucket (business number), shared by every process on `db`. */
  limitPerSecond: number;
  /**
   * The shared budget (table `send_pace`, the database's clock). Without it the budget is this
   * process's own (tests, a lone CLI).
   */
  db?: Database | undefined;
  /** Local clock in ms (tests). Default Date.now. */
  now?: (() => number) | undefined;
};

/** A granted send slot: when it was due on the budget's clock (ms since the epoch). */
export type SendSlot = { at: number };

export type SendRateLimiter = {
  /**
   * Resolves when a send for `bucket` may go out: first come, first served within this process;
   * nothing is dropped. Rejects with StorageError when the shared budget cannot be reached (the send
   * must then not go out).
   */
  acquire(bucket: string): Promise<SendSlot>;
};

type Waiter = {
  resolve: (slot: SendSlot) => void;
  reject: (error: unknown) => void;
  seq: number;
  tries: number;
};

/**
 * A sliding limit per business number: slots exactly 1/limit s apart on the shared budget's clock
 * (send-rate-slots.ts), so no sliding second holds more than the limit, +1 at the window's ends.
 * Each process queues its callers per bucket (FIFO), reserves slots for as many of them as the limit
 * in one statement, and lets each go at its slot. A slot this process reaches late (more than
 * LATE_FLOOR_MS or half an interval: its event loop was busy) is not used late, which would bunch
 * sends together: the send takes a new slot, up to MAX_RESCHEDULES times, then goes (progress beats
 * precision).
 */
export function createSendRateLimiter(options: SendRateLimiterOptions): SendRateLimiter {
  const limit = options.limitPerSecond;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limitPerSecond must be a whole number of at least 1, got ${limit}.`);
  }
  const now = options.now ?? Date.now;
  const intervalMs = 1000 / limit;
  const lateMs = Math.max(intervalMs / 2, LATE_FLOOR_MS);
  const store: SendRateSlots = options.db
    ? createDatabaseSendRateSlots(options.db, limit)
    : createMemorySendRateSlots(limit, now);
  const clock = createClockMapping(now);
  const queues = new Map<string, Waiter[]>();
  const pumping = new Set<string>();
  let seq = 0;

  function enqueue(bucket: string, waiter: Waiter): void {
    const queue = queues.get(bucket) ?? [];
    queues.set(bucket, queue);
    // A rescheduled waiter goes back before everyone who asked after it.
    const at = queue.findIndex((other) => other.seq > waiter.seq);
    if (at === -1) queue.push(waiter);
    else queue.splice(at, 0, waiter);
    if (!pumping.has(bucket)) void pump(bucket);
  }

  async function pump(bucket: string): Promise<void> {
    pumping.add(bucket);
    try {
      for (let queue = queues.get(bucket); queue && queue.length > 0; queue = queues.get(bucket)) {
        const batch = queue.splice(0, Math.min(queue.length, limit));
        const reservation = await reserve(store, clock, now, bucket, batch.length).catch((error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        });
        if (!reservation) continue;
        for (const [i, waiter] of batch.entries())
          schedule(bucket, waiter, reservation.first + i * intervalMs);
      }
    } finally {
      pumping.delete(bucket);
      if (queues.get(bucket)?.length === 0) queues.delete(bucket);
    }
  }

  function schedule(bucket: string, waiter: Waiter, slotAt: number): void {
    const due = clock.toLocal(slotAt);
    const release = () => {
      if (now() - due > lateMs && waiter.tries < MAX_RESCHEDULES) {
        waiter.tries += 1;
        enqueue(bucket, waiter);
        return;
      }
      waiter.resolve({ at: slotAt });
    };
    const delay = due - now();
    if (delay <= 0) release();
    else setTimeout(release, delay);
  }

  return {
    acquire(bucket) {
      return new Promise<SendSlot>((resolve, reject) => {
        seq += 1;
        enqueue(bucket, { resolve, reject, seq, tries: 0 });
      });
    },
  };
}

/** Reserves `count` slots and learns the budget's clock from the round trip; StorageError when unreachable. */
async function reserve(
  store: SendRateSlots,
  clock: ReturnType<typeof createClockMapping>,
  now: () => number,
  bucket: string,
  count: number,
): Promise<Reservation> {
  const asked = now();
  try {
    const reservation = await store.reserve(bucket, count);
    clock.observe(reservation.now, asked, now());
    return reservation;
  } catch (error) {
    throw error instanceof StorageError
      ? error
      : new StorageError('Could not reach the database to take a send slot.', { cause: error });
  }
}

/**
 * Maps the budget's clock (the database's) to this process's, from the round trips of the
 * reservations: the sample with the shortest round trip in the last 30 s is the least skewed by a
 * slow network or a busy event loop.
 */
function createClockMapping(now: () => number) {
  let best: { offset: number; roundTrip: number; at: number } | undefined;
  return {
    observe(budgetNow: number, asked: number, answered: number): void {
      const sample = {
        offset: budgetNow - (asked + answered) / 2,
        roundTrip: answered - asked,
        at: answered,
      };
      if (!best || sample.roundTrip <= best.roundTrip || now() - best.at > 30_000) best = sample;
    },
    toLocal(budgetTime: number): number {
      return budgetTime - (best?.offset ?? 0);
    },
  };
}
