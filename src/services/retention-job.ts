import type { Logger } from '../logger.ts';
import type { Database } from '../storage/database.ts';
import { pruneExpired } from '../storage/retention.ts';

/** The first run waits a little after start, so start-up (and its first requests) go first. */
export const RETENTION_FIRST_RUN_MS = 5_000;
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs the retention in the background: soon after start, then hourly. Every replica runs it; the
 * deletes are idempotent and batched, so two at once only share the work. Never awaited by a send.
 */
export function createRetentionJob(deps: {
  db: Database;
  retentionDays: number;
  logger: Logger;
  firstRunMs?: number;
  intervalMs?: number;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function runOnce(): Promise<void> {
    const started = Date.now();
    try {
      const result = await pruneExpired(deps.db, {
        retentionDays: deps.retentionDays,
        stopped: () => stopped,
      });
      const deleted =
        result.journalRows + result.incomingMessages + result.claims + result.usedButtons + result.rateRows;
      const level = deleted > 0 ? 'info' : 'debug';
      deps.logger[level](
        { ...result, retentionDays: deps.retentionDays, ms: Date.now() - started },
        'pruned the journal, customers’ messages, expired claims and used buttons',
      );
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not prune the journal this time; will try again in an hour');
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule(deps.intervalMs ?? RETENTION_INTERVAL_MS);
      });
    }, delay);
    timer.unref();
  }

  return {
    start(): void {
      if (!timer && !stopped) schedule(deps.firstRunMs ?? RETENTION_FIRST_RUN_MS);
    },
    /** Cancels the next run and lets a running one stop after its current batch. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
