import { randomUUID } from 'node:crypto';
import type { BulkOutcome } from '../domain/bulk-result.ts';
import { type OrderStatusRequest, validateOrderStatus } from '../domain/order-status.ts';
import type { SealBinding, Sealer } from '../domain/sealer.ts';
import {
  type BulkJob,
  type BulkJobsRow,
  type BulkRowsRow,
  type JobTemplate,
  jobTemplate,
  toBulkJob,
} from './bulk-tables.ts';
import type { Database } from './database.ts';

/**
 * Bulk send jobs, row by row, in the database every replica shares: a job survives a deploy, a crash
 * or SIGTERM, and any process picks up where another stopped. Our own two tables with leases taken by
 * one `UPDATE … FOR UPDATE SKIP LOCKED` statement, not a job-queue library: pg-boss and graphile-worker
 * hold transactions across statements and LISTEN, which the embedded database (one PGlite session shared
 * by every connection) cannot keep apart; a single statement is atomic on both stores.
 */

export type { BulkJob, BulkPauseReason } from './bulk-tables.ts';

/**
 * A row leased to this process: send it, then `finishRow`. `request` is undefined when the stored row
 * can no longer be read (its key was dropped from ENCRYPTION_KEY): finish it as failed. `retaken`: its
 * earlier lease ran out (the process holding it died or hung), so it may have been attempted already.
 */
export type LeasedRow = {
  jobId: string;
  workspaceId: string;
  createdBy: string;
  channelId: string | undefined;
  line: number;
  request: OrderStatusRequest | undefined;
  retaken: boolean;
  /** The template the job's rows that name none go out with, when the default changed while it ran. */
  template: JobTemplate | undefined;
  /** The job resumed after a pause and Slack has not been told yet. */
  resumeUntold: boolean;
};

/** How one row ended: its outcome, and the message_id or the error code to show for it. */
export type RowResult = {
  outcome: BulkOutcome;
  messageId?: string | undefined;
  code?: string | undefined;
  attemptId?: string | undefined;
};

export type BulkCounts = Record<BulkOutcome | 'pending', number>;

// A row's customer number is sealed: numbers are never stored readable. Bound to its job and workspace.
export const bulkRowBinding = (jobId: string, workspaceId: string): SealBinding => ({
  purpose: `bulk-row-${jobId}`,
  workspaceId,
});

export function createBulkJobs(db: Database, sealer: Sealer) {
  const get = async (jobId: string, workspaceId: string): Promise<BulkJob | undefined> => {
    const rows = await db.query('SELECT * FROM bulk_jobs WHERE id = $1 AND workspace_id = $2', [
      jobId,
      workspaceId,
    ]);
    return toBulkJob(rows[0]);
  };

  return {
    get,

    /** Stores a validated file as a draft job (nothing is sent until `queue`). */
    async createDraft(input: {
      workspaceId: string;
      createdBy: string;
      channelId?: string | undefined;
      fileName?: string | undefined;
      rows: ReadonlyArray<{ line: number; request: OrderStatusRequest }>;
    }): Promise<string> {
      const id = randomUUID();
      const lines = input.rows.map((row) => row.line);
      const sealed = input.rows.map((row) =>
        sealer.seal(JSON.stringify(row.request), bulkRowBinding(id, input.workspaceId)),
      );
      // One statement: the job and every row appear together or not at all.
      await db.query(
        `WITH job AS (
           INSERT INTO bulk_jobs (id, workspace_id, created_by, channel_id, state, total, file_name)
           VALUES ($1, $2, $3, $4, 'draft', $5, $8) RETURNING id
         )
         INSERT INTO bulk_rows (job_id, line, request, state)
         SELECT job.id, r.line, r.request, 'pending'
           FROM job, unnest($6::int[], $7::text[]) AS r(line, request)`,
        [
          id,
          input.workspaceId,
          input.createdBy,
          input.channelId ?? null,
          lines.length,
          lines,
          sealed,
          input.fileName ?? null,
        ],
      );
      return id;
    },

    /** Draft → queued; only the workspace that made it can queue it. False when it is not a draft of theirs. */
    async queue(jobId: string, workspaceId: string): Promise<boolean> {
      const rows = await db.query(
        `UPDATE bulk_jobs SET state = 'queued' WHERE id = $1 AND workspace_id = $2 AND state = 'draft' RETURNING id`,
        [jobId, workspaceId],
      );
      return rows.length === 1;
    },

    /** Where the job's progress message is (a channel, or the DM it fell back to). */
    async setProgressMessage(jobId: string, channelId: string, ts: string): Promise<void> {
      await db.query('UPDATE bulk_jobs SET channel_id = $2, progress_ts = $3 WHERE id = $1', [
        jobId,
        channelId,
        ts,
      ]);
    },

    /**
     * Leases up to `limit` rows of queued jobs, oldest job first and in file order, for `leaseSeconds`.
     * A row whose lease ran out (its process died mid-send) is leased again, marked `retaken`.
     */
    async lease(limit: number, leaseSeconds: number): Promise<LeasedRow[]> {
      const rows = await db.query<
        Pick<BulkRowsRow, 'job_id' | 'line' | 'request'> &
          Pick<
            BulkJobsRow,
            'workspace_id' | 'created_by' | 'channel_id' | 'template_name' | 'language_code'
          > & {
            retaken: boolean;
            resume_untold: boolean;
          }
      >(
        `UPDATE bulk_rows r SET state = 'leased', lease_until = now() + make_interval(secs => $2)
           FROM (SELECT b.job_id, b.line, b.state = 'leased' AS retaken
                   FROM bulk_rows b JOIN bulk_jobs q ON q.id = b.job_id
                  WHERE q.state = 'queued' AND q.paused_at IS NULL
                    AND (b.state = 'pending' OR (b.state = 'leased' AND b.lease_until < now()))
                  ORDER BY q.created_at, b.job_id, b.line
                  LIMIT $1
                    FOR UPDATE OF b SKIP LOCKED) s,
                bulk_jobs j
          WHERE r.job_id = s.job_id AND r.line = s.line AND j.id = r.job_id
          RETURNING r.job_id, j.workspace_id, j.created_by, j.channel_id, r.line, r.request, s.retaken,
                    j.template_name, j.language_code,
                    (j.resumed_at IS NOT NULL AND j.told_at IS NULL) AS resume_untold`,
        [limit, leaseSeconds],
      );
      // RETURNING has no order: put the rows back in file order.
      rows.sort((a, b) => a.job_id.localeCompare(b.job_id) || Number(a.line) - Number(b.line));
      return rows.map((row) => ({
        jobId: row.job_id,
        workspaceId: row.workspace_id,
        createdBy: row.created_by,
        channelId: row.channel_id ?? undefined,
        line: Number(row.line),
        request: openRequest(sealer, bulkRowBinding(row.job_id, row.workspace_id), row.request),
        retaken: row.retaken === true,
        template: jobTemplate(row.template_name, row.language_code),
        resumeUntold: row.resume_untold === true,
      }));
    },

    /**
     * Gives back leased rows that were never attempted (a stopping process, a database hiccup before the
     * claim): any process may take them now, or they are canceled if their job was canceled meanwhile.
     */
    /**
     * Extends the leases of rows this process still holds (buffered, waiting for a rate slot, or being
     * sent), so no process (this one included) takes a row that is only waiting its turn.
     */
    async renew(rows: ReadonlyArray<Pick<LeasedRow, 'jobId' | 'line'>>, leaseSeconds: number): Promise<void> {
      if (rows.length === 0) return;
      await db.query(
        `UPDATE bulk_rows SET lease_until = now() + make_interval(secs => $3)
          WHERE state = 'leased' AND (job_id, line) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
        [rows.map((row) => row.jobId), rows.map((row) => row.line), leaseSeconds],
      );
    },

    async release(rows: ReadonlyArray<Pick<LeasedRow, 'jobId' | 'line'>>): Promise<void> {
      if (rows.length === 0) return;
      await db.query(
        `UPDATE bulk_rows r
            SET state = CASE WHEN j.state = 'queued' THEN 'pending' ELSE 'canceled' END,
                outcome = CASE WHEN j.state = 'queued' THEN NULL ELSE 'canceled' END,
                lease_until = NULL
           FROM bulk_jobs j
          WHERE j.id = r.job_id AND r.state = 'leased'
            AND (r.job_id, r.line) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
        [rows.map((row) => row.jobId), rows.map((row) => row.line)],
      );
    },

    /** Records a leased row's outcome; false when the row was no longer leased (another process settled it). */
    async finishRow(row: Pick<LeasedRow, 'jobId' | 'line'>, result: RowResult): Promise<boolean> {
      const done = await db.query(
        `UPDATE bulk_rows SET state = 'done', lease_until = NULL, outcome = $3, message_id = $4, error_code = $5, attempt_id = $6
          WHERE job_id = $1 AND line = $2 AND state = 'leased' RETURNING line`,
        [
          row.jobId,
          row.line,
          result.outcome,
          result.messageId ?? null,
          result.code ?? null,
          result.attemptId ?? null,
        ],
      );
      return done.length === 1;
    },

    /**
     * Stops what has not been sent yet, naming who stopped it; rows being sent right now still finish.
     * Only the job's own workspace can cancel it. False when there was nothing left to cancel.
     */
    async cancel(jobId: string, workspaceId: string, canceledBy: string): Promise<boolean> {
      const rows = await db.query(
        `WITH job AS (
           UPDATE bulk_jobs SET state = 'canceled', canceled_by = $3, finished_at = now()
            WHERE id = $1 AND workspace_id = $2 AND state IN ('draft', 'queued') RETURNING id
         ), rows AS (
           UPDATE bulk_rows SET state = 'canceled', outcome = 'canceled'
            WHERE job_id IN (SELECT id FROM job) AND state = 'pending' RETURNING line
         )
         SELECT id FROM job`,
        [jobId, workspaceId, canceledBy],
      );
      return rows.length === 1;
    },
  };
}

export type BulkJobs = ReturnType<typeof createBulkJobs>;

/** The row's update, or undefined when it no longer opens (its key was dropped) or reads as an update. */
export function openRequest(
  sealer: Sealer,
  binding: SealBinding,
  sealed: string,
): OrderStatusRequest | undefined {
  const text = sealer.open(sealed, binding);
  if (text === undefined) return undefined;
  try {
    const result = validateOrderStatus(JSON.parse(text));
    return result.ok ? result.value : undefined;
  } catch {
    return undefined;
  }
}
