import type { BulkCounts } from '../storage/bulk-jobs.ts';
import type { BulkPauses } from '../storage/bulk-pauses.ts';
import type { BulkReports } from '../storage/bulk-reports.ts';
import type { BulkJob } from '../storage/bulk-tables.ts';

/**
 * A bulk job Slack has news of, to be told once: it went on after a pause, or the CLI kept it paused
 * (it has no message yet). Its progress message is brought up to date (or posted), and `tellAdmins`
 * when the admins have not heard of what freed it (a lift of Meta's was announced on its own; a new
 * default template was not).
 */
export type ResumedToTell = { job: BulkJob; counts: BulkCounts; tellAdmins: boolean };

/** Bulk jobs with news Slack has not been told of, claimed by one replica at a time. */
export function createResumedJobs(deps: {
  pauses: Pick<BulkPauses, 'claimUntold' | 'releaseUntold'>;
  reports: Pick<BulkReports, 'counts'>;
}) {
  return {
    async claim(limit: number): Promise<ResumedToTell[]> {
      const jobs = await deps.pauses.claimUntold(limit);
      return Promise.all(
        jobs.map(async (job) => ({
          job,
          counts: await deps.reports.counts(job.id),
          tellAdmins: job.resumed?.why === 'default_changed',
        })),
      );
    },
    /** Slack could not be told: the next sweep tries again. */
    release: (jobId: string) => deps.pauses.releaseUntold(jobId),
  };
}

export type ResumedJobs = ReturnType<typeof createResumedJobs>;
