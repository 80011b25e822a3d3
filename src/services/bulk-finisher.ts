import type { Logger } from '../logger.ts';
import type { BulkJobs } from '../storage/bulk-jobs.ts';
import type { BulkReports } from '../storage/bulk-reports.ts';
import type { BulkJob } from '../storage/bulk-tables.ts';

export type BulkFinisherDeps = {
  jobs: Pick<BulkJobs, 'finishRow'>;
  reports: Pick<BulkReports, 'claimReport' | 'markReported' | 'abandonedRows' | 'earlierAttempts'>;
  /** Every row of the job is settled: post its summary and result file. */
  onFinished: (job: BulkJob) => Promise<void>;
  logger: Logger;
  /** How long one process may take to report a job before another takes over, s. */
  reportSeconds: number;
};

/** The end of bulk jobs, reported once whichever process gets there first (bulk-worker.ts). */
export function createBulkFinisher(deps: BulkFinisherDeps) {
  const { logger } = deps;
  let reporting: Promise<void> | undefined;

  async function reportOne(job: BulkJob): Promise<void> {
    if (job.state === 'canceled') await settleAbandoned(job);
    try {
      await deps.onFinished(job);
    } catch (error) {
      logger.warn({ err: error, jobId: job.id }, 'could not post the end of a bulk job');
    }
    await deps.reports.markReported(job.id);
    logger.info({ jobId: job.id, workspace: job.workspaceId, state: job.state }, 'bulk job reported');
  }

  /** Rows of a canceled job whose process went away mid-row: the journal says, else they were never sent. */
  async function settleAbandoned(job: BulkJob): Promise<void> {
    const lines = await deps.reports.abandonedRows(job.id);
    if (lines.length === 0) return;
    const earlier = await deps.reports.earlierAttempts(job.id, lines);
    for (const line of lines) {
      await deps.jobs.finishRow({ jobId: job.id, line }, earlier.get(line) ?? { outcome: 'canceled' });
    }
  }

  return {
    /** Reports every job that is ready, one at a time in this process, until `stopping()`. */
    reportFinished(stopping: () => boolean): Promise<void> {
      reporting ??= (async () => {
        try {
          for (let job = await deps.reports.claimReport(deps.reportSeconds); job; ) {
            await reportOne(job);
            job = stopping() ? undefined : await deps.reports.claimReport(deps.reportSeconds);
          }
        } catch (error) {
          logger.warn({ err: error }, 'could not report a finished bulk job; trying again shortly');
        } finally {
          reporting = undefined;
        }
      })();
      return reporting;
    },
    /** Resolves once no report is under way. */
    async idle(): Promise<void> {
      await reporting;
    },
  };
}
