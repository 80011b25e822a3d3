import DataLoader from 'dataloader';
import { StorageError } from '../errors/storage-error.ts';

/** Runs one multi-row statement for `items` and answers each, in the same order. */
export type BatchRunner<I, O> = (items: readonly I[]) => Promise<readonly O[]>;

/** Rows per statement at most: keeps one statement's parameters and lock set small. */
export const MAX_BATCH = 100;

/**
 * Joins the same single-row statement asked for by many sends within one event-loop turn into one
 * multi-row statement (a DataLoader without its cache: every item is a row of its own): under load,
 * when many sends finish in one turn, a statement per send would cost a round trip (and a socket
 * write, most of a statement's CPU) each. Nothing waits for a timer: the batch runs as the turn ends
 * (setImmediate, not DataLoader's default of the next tick, so that what the turn's I/O callbacks ask
 * joins it), so a lone caller waits no longer than before, and a crash loses no more than an outcome
 * not yet written today would. When a statement fails on a row (an SQL error, not an unreachable
 * database), its rows are tried one by one, so one bad row fails only its own caller.
 */
export function createStatementBatcher<I, O>(run: BatchRunner<I, O>): (item: I) => Promise<O> {
  const loader = new DataLoader<I, O>(
    async (items) => {
      try {
        return await run(items);
      } catch (error) {
        // An unreachable database fails every row alike: trying each again would only wait it out again.
        if (items.length === 1 || error instanceof StorageError) throw error;
        return Promise.all(items.map((item) => run([item]).then(([one]) => one as O, asError)));
      }
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (flush) => setImmediate(flush) },
  );
  return (item) => loader.load(item);
}

// DataLoader fails the callers whose slot holds an Error.
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
