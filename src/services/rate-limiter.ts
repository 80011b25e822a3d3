import { StorageError } from '../errors/storage-error.ts';
import type { Database } from '../storage/database.ts';
import {
  createDatabaseSendRateSlots,
  createMemorySendRateSlots,
  type Reservation,
  type SendRateSlots,
} from '../storage/send-rate-slots.ts';

export const DEFAULT_KALEYRA_RATE_LIMIT = 80;
/**
 * How late a send may still use its slot, ms: a waiter woken later than this (its event loop was busy,
 * a timer fired late) does not send in the slot's place but takes the next free slot of the shared
 * schedule. Never two sends in one slot, never a late send bunched with the next.
 */
export const SLOT_WINDOW_MS = 10;
/**
 * What two processes' clocks (each mapped to the database's from its reservations' round trips) and
 * the way to Kaleyra may disagree by, ms: slots are spread by it too, so it cannot bunch sends either.
 */
export const SKEW_MARGIN_MS = 20;
/** The shortest and longest head start an idle bucket's first slot gets, ms (about a round trip). */
const LEAD_MIN_MS = 2;
const LEAD_MAX_MS = 250;

/**
 * The spacing of slots for `limit` sends a second. A send goes at some instant in its slot's window
 * [start, start + SLOT_WINDOW_MS), shifted by at most SKEW_MARGIN_MS between processes; limit + 1 sends
 * then span at least limit × interval − window − margin, which is exactly one second with this
 * interval: no sliding (half-open) second can hold more than `limit`. It costs (window + margin) / 1 s
 * of the limit, 3 %.
 */
export function slotIntervalMs(limit: number): number {
  return (1000 + SLOT_WINDOW_MS + SKEW_MARGIN_MS) / limit;
}

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
  acquire(bucket: string, prepare?: Prepare): Promise<SendSlot>;
  /**
   * A send for `bucket` was written to its socket now (watch-message-writes.ts). A slot is not used
   * while this process's `limit`-th latest write is less than a second old: a send let go in its slot
   * but written late (the process waited for a core) cannot bunch with the sends a second later.
   */
  noteWritten(bucket: string): void;
};

/**
 * Work that must be done just before a send goes out, and not long before (journaling it as being sent:
 * a send journaled long before its POST would read as "may have been sent" after a crash). It is run
 * once, a little before the slot (prepareLeadMs: three of the database's recent round trips, between
 * PREPARE_LEAD_MIN_MS and PREPARE_LEAD_MAX_MS); a rejection rejects the acquire (the slot goes unused).
 */
export type Prepare = () => Promise<void>;

/** How long before its slot a send's preparation runs, at least and at most (ms). */
export const PREPARE_LEAD_MIN_MS = 5;
export const PREPARE_LEAD_MAX_MS = 50;

type Waiter = {
  resolve: (slot: SendSlot) => void;
  reject: (error: unknown) => void;
  seq: number;
  prepare: Prepare | undefined;
  /** The preparation, once started (it runs once, whichever slot the waiter ends up with). */
  prepared: Promise<void> | undefined;
};

/**
 * An exact sliding limit per business number. Slots come from one schedule shared by every process
 * (send-rate-slots.ts: GCRA on the database's clock), `slotIntervalMs` apart. Each process queues its
 * callers per bucket (first come, first served), reserves slots for as many of them as the limit in one
 * statement, and lets each go in its own slot's window: never before the slot starts (a timer that fires
 * early waits again), never after the window (a waiter woken late goes back to the queue, ahead of those
 * who asked after it, and takes the next free slot). So however late timers fire and whatever the
 * arrival pattern, no sliding second holds more sends than the limit, across replicas.
 */
export function createSendRateLimiter(options: SendRateLimiterOptions): SendRateLimiter {
  const limit = options.limitPerSecond;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limitPerSecond must be a whole number of at least 1, got ${limit}.`);
  }
  const now = options.now ?? Date.now;
  const intervalMs = slotIntervalMs(limit);
  const store: SendRateSlots = options.db
    ? createDatabaseSendRateSlots(options.db, intervalMs)
    : createMemorySendRateSlots(intervalMs, now);
  const clock = createClockMapping(now);
  const writes = createWriteLog(limit, now);
  const queues = new Map<string, Waiter[]>();
  const pumping = new Set<string>();
  let seq = 0;

  function enqueue(bucket: string, waiter: Waiter): void {
    const queue = queues.get(bucket) ?? [];
    queues.set(bucket, queue);
    // A waiter that missed its slot goes back before everyone who asked after it.
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
        // A send with work to do just before its slot gets that long: its first slot starts no sooner.
        const lead = batch.some((waiter) => waiter.prepare && !waiter.prepared) ? clock.prepareLeadMs() : 0;
        const reservation = await reserve(store, clock, now, bucket, batch.length, lead).catch(
          (error: unknown) => {
            for (const waiter of batch) waiter.reject(error);
          },
        );
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
    const start = clock.toLocal(slotAt);
    const check = () => {
      const late = now() - start;
      if (late < 0) {
        setTimeout(check, -late);
        return;
      }
      if (late >= SLOT_WINDOW_MS || now() < writes.nextAllowed(bucket)) {
        enqueue(bucket, waiter);
        return;
      }
      waiter.resolve({ at: slotAt });
    };
    const early = start - clock.prepareLeadMs() - now();
    if (!waiter.prepare || waiter.prepared) {
      check();
      return;
    }
    const prepare = waiter.prepare;
    setTimeout(
      () => {
        waiter.prepared = prepare();
        waiter.prepared.then(check, (error: unknown) => waiter.reject(error));
      },
      Math.max(0, early),
    );
  }

  return {
    acquire(bucket, prepare) {
      return new Promise<SendSlot>((resolve, reject) => {
        seq += 1;
        enqueue(bucket, { resolve, reject, seq, prepare, prepared: undefined });
      });
    },
    noteWritten(bucket) {
      writes.note(bucket);
    },
  };
}

/** The latest `limit` write times per bucket, and when the next write may go without a second holding more. */
function createWriteLog(limit: number, now: () => number) {
  const rings = new Map<string, { times: number[]; next: number }>();
  return {
    note(bucket: string): void {
      const ring = rings.get(bucket) ?? { times: [], next: 0 };
      rings.set(bucket, ring);
      if (ring.times.length < limit) ring.times.push(now());
      else ring.times[ring.next] = now();
      ring.next = (ring.next + 1) % limit;
    },
    /** Not before the `limit`-th latest write + 1 s and 1 ms (the way to Kaleyra may stretch a gap a little). */
    nextAllowed(bucket: string): number {
      const ring = rings.get(bucket);
      if (!ring || ring.times.length < limit) return 0;
      return (ring.times[ring.next] ?? 0) + 1001;
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
  minimumLeadMs: number,
): Promise<Reservation> {
  const asked = now();
  try {
    // An idle bucket's first slot starts a round trip ahead, so the answer does not arrive after it.
    const reservation = await store.reserve(bucket, count, Math.max(clock.leadMs(), minimumLeadMs));
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
 * slow network or a busy event loop. A round trip only bounds the offset (the database read its clock
 * somewhere between asking and answering), so the offset taken is the one nearest zero within that
 * bound: clocks kept in step (NTP, or one host) map exactly, however slow a round trip was, and two
 * replicas cannot disagree by a busy moment's guess.
 */
function createClockMapping(now: () => number) {
  let best: { offset: number; roundTrip: number; at: number } | undefined;
  let last = 0;
  return {
    observe(budgetNow: number, asked: number, answered: number): void {
      last = answered - asked;
      // The database's clock read budgetNow at some local instant in [asked, answered].
      const lowest = budgetNow - answered;
      const highest = budgetNow - asked;
      const sample = {
        offset: Math.min(Math.max(0, lowest), highest),
        roundTrip: answered - asked,
        at: answered,
      };
      if (!best || sample.roundTrip <= best.roundTrip || now() - best.at > 30_000) best = sample;
    },
    toLocal(budgetTime: number): number {
      return budgetTime - (best?.offset ?? 0);
    },
    /** Three recent round trips, bounded: how long before its slot a send's preparation should start. */
    prepareLeadMs(): number {
      return Math.min(PREPARE_LEAD_MAX_MS, Math.max(PREPARE_LEAD_MIN_MS, 3 * last));
    },
    /** Twice the last round trip, bounded: how far ahead a fresh slot should start. */
    leadMs(): number {
      return Math.min(LEAD_MAX_MS, Math.max(LEAD_MIN_MS, 2 * last));
    },
  };
}
