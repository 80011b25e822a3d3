import type { Logger } from '../logger.ts';
import type { BulkJobs, LeasedRow, RowResult } from '../storage/bulk-jobs.ts';
import type { BulkPauses } from '../storage/bulk-pauses.ts';
import type { BulkReports } from '../storage/bulk-reports.ts';
import type { BulkJob } from '../storage/bulk-tables.ts';
import { createBulkFinisher } from './bulk-finisher.ts';
import {
  type CodeOf,
  type PauseJob,
  pauseCauseOf,
  sendBulkRow,
  TRY_AGAIN,
  withJobTemplate,
} from './bulk-rows.ts';
import type { OrderStatusService } from './send-order-status.ts';

/** Tunings a test (or a deployment with unusual sends) may pass in; the defaults suit production. */
export type BulkWorkerOptions = {
  /**
   * How long a row stays with the process that leased it. Longer than any send can take (Kaleyra's
   * timeout plus the wait for a rate slot): a row is retaken only from a process that died or hung.
   */
  leaseSeconds?: number;
  /** How often an idle process looks for queued rows and finished jobs, ms. */
  pollMs?: number;
  /**
   * Rows of this process waiting for a rate slot or being sent at once. Small on purpose: the rate
   * limiter serves its callers first come, first served, so a one-liner from another agent waits
   * behind at most this many rows (its fair share), and a handful is enough to keep the limit busy.
   */
  concurrency?: number;
  /** How long one process may take to report a finished job before another takes over, s. */
  reportSeconds?: number;
};

export const BULK_DEFAULTS = { leaseSeconds: 60, pollMs: 1_000, concurrency: 6, reportSeconds: 120 } as const;
/**
 * How often a process looks for paused jobs whose stop no longer holds: a lift resumes them at once;
 * this only catches a pause and a lift that crossed (two statements at the same moment).
 */
const RESUME_CHECK_MS = 5_000;
/** After the database failed, the worker pauses this long before trying again. */
const BACKOFF_MS = 2_000;

export type BulkWorkerDeps = {
  jobs: Pick<BulkJobs, 'lease' | 'renew' | 'release' | 'finishRow'>;
  pauses: Pick<BulkPauses, 'pause' | 'resume'>;
  reports: Pick<BulkReports, 'claimReport' | 'markReported' | 'abandonedRows' | 'earlierAttempts'>;
  orderStatus: Pick<OrderStatusService, 'sendOrderStatus'>;
  codeOf: CodeOf;
  /** A row of the job finished here: its progress message may be brought up to date (coalesced there). */
  onProgress: (job: { jobId: string; workspaceId: string }) => void;
  /** A row's outcome is recorded (metrics). */
  onRowFinished?: (outcome: RowResult['outcome']) => void;
  /** Every row of the job is settled: post its summary and result file (once, whichever process). */
  onFinished: (job: BulkJob) => Promise<void>;
  /** Rows of a job that resumed (any process resumed it) were leased here: Slack is to be told. */
  onResumed?: () => void;
  logger: Logger;
  options?: BulkWorkerOptions | undefined;
};

/**
 * Works queued bulk jobs in every process: leases a few rows at a time, sends each through the one send
 * path, records its outcome, and reports each job's end once. A row a dead process left behind is
 * leased again when its lease runs out and settled from the journal when it had reached the send step
 * (so it is never sent twice); a stopping process finishes the rows it is sending and gives back the
 * rest.
 */
export function createBulkWorker(deps: BulkWorkerDeps) {
  const options = { ...BULK_DEFAULTS, ...deps.options };
  const { logger } = deps;
  const buffer: LeasedRow[] = [];
  /** Rows being settled or sent right now (waiting for a rate slot included). */
  const active = new Set<LeasedRow>();
  let renewal: NodeJS.Timeout | undefined;
  /** Rows of each job this process holds (buffered or being sent). */
  const held = new Map<string, number>();
  let running: Promise<void>[] = [];
  let stopping = false;
  let refilling: Promise<void> | undefined;
  const finisher = createBulkFinisher({ ...deps, reportSeconds: options.reportSeconds });
  const reportFinished = () => finisher.reportFinished(() => stopping);
  let pausedUntil = 0;
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...sleepers]) wake();
  };

  const hold = (jobId: string, delta: number) => {
    const count = (held.get(jobId) ?? 0) + delta;
    if (count <= 0) held.delete(jobId);
    else held.set(jobId, count);
  };

  function refill(): Promise<void> {
    refilling ??= (async () => {
      try {
        if (Date.now() < pausedUntil) return;
        const rows = await deps.jobs.lease(options.concurrency * 2, options.leaseSeconds);
        for (const row of rows) hold(row.jobId, 1);
        buffer.push(...rows);
        if (rows.length > 0) wakeAll();
        if (rows.some((row) => row.resumeUntold)) deps.onResumed?.();
      } catch (error) {
        logger.warn({ err: error }, 'could not lease bulk rows; trying again shortly');
        pausedUntil = Date.now() + BACKOFF_MS;
      } finally {
        refilling = undefined;
      }
    })();
    return refilling;
  }

  async function runLane(lane: number): Promise<void> {
    while (!stopping) {
      // Leased ahead, so the rate limiter always has the next rows waiting.
      if (buffer.length <= options.concurrency && !refilling) void refill();
      let row = buffer.shift();
      if (!row) {
        await refill();
        row = buffer.shift();
      }
      if (row) {
        await processRow(row);
        continue;
      }
      // One lane polls (and reports finished jobs); the others sleep until it finds rows.
      if (lane === 0) {
        await reportFinished();
        await resumeLifted();
        await sleep(Math.max(options.pollMs, pausedUntil - Date.now()));
      } else {
        await sleep(options.pollMs * 10);
      }
    }
  }

  let resumeCheckedAt = Date.now();
  async function resumeLifted(): Promise<void> {
    if (Date.now() - resumeCheckedAt < RESUME_CHECK_MS) return;
    resumeCheckedAt = Date.now();
    try {
      const resumed = await deps.pauses.resume();
      if (resumed.length > 0) logger.info({ jobs: resumed.length }, 'paused bulk jobs resumed (stop lifted)');
    } catch (error) {
      logger.warn({ err: error }, 'could not look for paused bulk jobs to resume');
    }
  }

  /** Sleeps `ms`, or less when woken (rows leased, a job queued here, stop). */
  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  }

  async function processRow(row: LeasedRow): Promise<void> {
    active.add(row);
    try {
      const result = await settle(row);
      if (result === TRY_AGAIN) {
        pausedUntil = Date.now() + BACKOFF_MS;
        await deps.jobs.release([row]);
        return;
      }
      if (typeof result === 'object' && 'pause' in result) {
        await pauseJob(row, result);
        return;
      }
      await deps.jobs.finishRow(row, result);
      deps.onRowFinished?.(result.outcome);
      deps.onProgress(row);
    } catch (error) {
      // The outcome is in the journal (or nothing was sent); the row's lease runs out and it is settled from there.
      logger.warn({ err: error, jobId: row.jobId, line: row.line }, 'could not record a bulk row');
      pausedUntil = Date.now() + BACKOFF_MS;
    } finally {
      active.delete(row);
      hold(row.jobId, -1);
    }
    if (!held.has(row.jobId)) void reportFinished();
  }

  /**
   * The job stops where it is: this row and the job's others this process holds go back unsent (any
   * process resumes them once the pause is lifted), and its progress message says so. When the stop
   * no longer holds (lifted, or the default template moved on meanwhile), they are simply retried.
   */
  async function pauseJob(row: LeasedRow, result: PauseJob): Promise<void> {
    const back = [row, ...takeBuffered(row.jobId)];
    if (await deps.pauses.pause(row.jobId, pauseCauseOf(row.request, result))) {
      logger.info({ jobId: row.jobId, workspace: row.workspaceId, reason: result.pause }, 'bulk job paused');
    }
    await deps.jobs.release(back);
    deps.onProgress(row);
  }

  /** Removes the job's rows from the buffer (they are given back, not sent); the held count follows. */
  function takeBuffered(jobId: string): LeasedRow[] {
    const taken: LeasedRow[] = [];
    for (let i = buffer.length - 1; i >= 0; i--) {
      if (buffer[i]?.jobId !== jobId) continue;
      taken.push(...buffer.splice(i, 1));
      hold(jobId, -1);
    }
    return taken;
  }

  async function settle(row: LeasedRow): Promise<RowResult | typeof TRY_AGAIN | PauseJob> {
    if (!row.request) return { outcome: 'failed', code: 'ROW_UNREADABLE' };
    if (row.retaken) {
      // Its process died or hung: if the row reached the send step, the journal says how it ended.
      const earlier = (await deps.reports.earlierAttempts(row.jobId, [row.line])).get(row.line);
      if (earlier) return earlier;
    }
    const actor = {
      kind: 'bulk' as const,
      userId: row.createdBy,
      channelId: row.channelId,
      jobId: row.jobId,
      line: row.line,
    };
    return sendBulkRow(
      deps.orderStatus,
      { workspaceId: row.workspaceId, request: withJobTemplate(row.request, row.template), actor },
      deps.codeOf,
    );
  }

  return {
    start(): void {
      if (running.length > 0) return;
      stopping = false;
      running = Array.from({ length: options.concurrency }, (_, lane) => runLane(lane));
      // A row that waits its turn (behind the rate limit, one-liners, the buffer) keeps its lease: only
      // a process that died or hung loses its rows to another.
      renewal = setInterval(
        () => {
          const rows = [...buffer, ...active];
          deps.jobs.renew(rows, options.leaseSeconds).catch((error: unknown) => {
            logger.warn({ err: error, rows: rows.length }, 'could not renew the leases of bulk rows');
          });
        },
        (options.leaseSeconds * 1000) / 3,
      );
      renewal.unref();
    },
    /** Looks for work now rather than at the next poll (a job was just queued here). */
    wake(): void {
      wakeAll();
    },
    /** Lets the rows being sent finish and gives back the rest; resolves when the lanes have stopped. */
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(renewal);
      wakeAll();
      await Promise.all(running);
      running = [];
      await refilling;
      const left = buffer.splice(0);
      for (const row of left) hold(row.jobId, -1);
      await deps.jobs.release(left).catch((error: unknown) => {
        logger.warn({ err: error, rows: left.length }, 'could not give back leased bulk rows');
      });
      await finisher.idle();
    },
  };
}

export type BulkWorker = ReturnType<typeof createBulkWorker>;
