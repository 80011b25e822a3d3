import { StorageError } from '../errors/storage-error.ts';

/** Runs one multi-row statement for `items` and answers each, in the same order. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<readonly O[]>;

/** Rows per statement at most: keeps one statement's parameters and lock set small. */
export const MAX_BATCH = 100;

type Waiting<I, O> = { item: I; resolve(value: O): void; reject(error: unknown): void };

/**
 * Joins the same single-row statement asked for by many sends within one event-loop turn into one
 * multi-row statement: under load, when many sends finish in one turn, a statement per send would cost
 * a round trip (and a socket write, most of a statement's CPU) each. Nothing waits for a timer: the
 * batch runs as the turn ends (setImmediate), so a lone caller waits no longer than before, and a
 * crash loses no more than an outcome not yet written today would (each caller still awaits its own
 * row). When a statement fails on a row (an SQL error, not an unreachable database), its rows are tried
 * one by one, so one bad row fails only its own caller.
 */
export function createStatementBatcher<I, O>(run: BatchRunner<I, O>): (item: I) => Promise<O> {
  let queue: Waiting<I, O>[] = [];

  function flush(): void {
    const batch = queue;
    queue = [];
    for (let start = 0; start < batch.length; start += MAX_BATCH) {
      void runBatch(batch.slice(start, start + MAX_BATCH));
    }
  }

  async function runBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await run(batch.map((waiting) => waiting.item));
      for (const [i, waiting] of batch.entries()) waiting.resolve(results[i] as O);
    } catch (error) {
      // An unreachable database fails every row alike: trying each again would only wait it out again.
      if (batch.length === 1 || error instanceof StorageError)
        for (const waiting of batch) waiting.reject(error);
      else for (const waiting of batch) void runBatch([waiting]);
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ item, resolve, reject });
    });
}
