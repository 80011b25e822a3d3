import type { BulkResultLine } from '../domain/bulk-result.ts';
import type { Sealer } from '../domain/sealer.ts';
import { type BulkCounts, bulkRowBinding, openRequest, type RowResult } from './bulk-jobs.ts';
import { type BulkJob, type BulkRowsRow, toBulkJob } from './bulk-tables.ts';
import type { Database } from './database.ts';
import type { Narrowed } from './row-schema.ts';
import type { SendJournalRow } from './send-journal-row.ts';

/**
 * The end of bulk jobs: which job is ready to be reported (once, by one process), what the journal
 * says about rows a dead process left behind, and the result lines.
 */
export function createBulkReports(db: Database, sealer: Sealer) {
  return {
    /**
     * Claims one job whose rows are all settled and whose end was not reported yet, for `claimSeconds`
     * (another process takes it over after that, should this one die before `markReported`). A queued
     * job becomes done here. Rows of a canceled job whose lease ran out do not hold it back: they are
     * settled from the journal (`abandonedRows`, `earlierAttempts`).
     */
    async claimReport(claimSeconds: number): Promise<BulkJob | undefined> {
      const rows = await db.query(
        `UPDATE bulk_jobs j
            SET state = CASE WHEN j.state = 'queued' THEN 'done' ELSE j.state END,
                finished_at = COALESCE(j.finished_at, now()),
                report_until = now() + make_interval(secs => $1)
           FROM (SELECT c.id FROM bulk_jobs c
                  WHERE c.reported_at IS NULL AND c.state <> 'draft'
                    AND (c.report_until IS NULL OR c.report_until < now())
                    AND NOT EXISTS (
                      SELECT 1 FROM bulk_rows r WHERE r.job_id = c.id AND (r.state = 'pending'
                         OR (r.state = 'leased' AND (c.state = 'queued' OR r.lease_until >= now()))))
                  ORDER BY c.created_at LIMIT 1
                    FOR UPDATE OF c SKIP LOCKED) ready
          WHERE j.id = ready.id
          RETURNING j.*`,
        [claimSeconds],
      );
      return toBulkJob(rows[0]);
    },

    /** How many rows of the job ended each way so far (`pending`: not settled yet). */
    async counts(jobId: string): Promise<BulkCounts> {
      const rows = await db.query<{ outcome: string | null; n: string | number }>(
        `SELECT CASE WHEN state IN ('pending', 'leased') THEN 'pending' ELSE outcome END AS outcome, count(*) AS n
           FROM bulk_rows WHERE job_id = $1 GROUP BY 1`,
        [jobId],
      );
      const counts: BulkCounts = { pending: 0, sent: 0, already_sent: 0, failed: 0, unknown: 0, canceled: 0 };
      for (const row of rows)
        if (row.outcome && row.outcome in counts) counts[row.outcome as keyof BulkCounts] = Number(row.n);
      return counts;
    },

    async markReported(jobId: string): Promise<void> {
      await db.query('UPDATE bulk_jobs SET reported_at = now() WHERE id = $1', [jobId]);
    },

    /** Lines of a canceled job still leased by a process that went away (their lease ran out). */
    async abandonedRows(jobId: string): Promise<number[]> {
      const rows = await db.query<Pick<BulkRowsRow, 'line'>>(
        `SELECT line FROM bulk_rows WHERE job_id = $1 AND state = 'leased' AND lease_until < now() ORDER BY line`,
        [jobId],
      );
      return rows.map((row) => Number(row.line));
    },

    /**
     * What the journal says about earlier attempts of these rows (the newest that was not stopped by
     * the duplicate guard), by line: a row that already reached the send step is never sent again.
     * An attempt still in flight lost its outcome with its process: it may have been delivered.
     */
    async earlierAttempts(jobId: string, lines: readonly number[]): Promise<Map<number, RowResult>> {
      const rows = await db.query<
        Narrowed<
          Pick<SendJournalRow, 'bulk_line' | 'id' | 'outcome' | 'message_id' | 'error_code'>,
          { bulk_line: number }
        >
      >(
        `SELECT DISTINCT ON (bulk_line) bulk_line, id, outcome, message_id, error_code FROM send_journal
          WHERE bulk_job_id = $1 AND bulk_line = ANY($2::int[]) AND outcome <> 'duplicate'
          ORDER BY bulk_line, created_at DESC`,
        [jobId, [...lines]],
      );
      const found = new Map<number, RowResult>();
      for (const row of rows) {
        const attemptId = row.id;
        const result: RowResult =
          row.outcome === 'sent'
            ? { outcome: 'sent', messageId: row.message_id ?? undefined, attemptId }
            : row.outcome === 'failed'
              ? { outcome: 'failed', code: row.error_code ?? 'FAILED', attemptId }
              : { outcome: 'unknown', code: row.error_code ?? 'INTERRUPTED', attemptId };
        found.set(Number(row.bulk_line), result);
      }
      return found;
    },

    /** One line per row, in file order, for the result file. */
    async results(job: Pick<BulkJob, 'id' | 'workspaceId'>): Promise<BulkResultLine[]> {
      const rows = await db.query<
        Pick<BulkRowsRow, 'line' | 'state' | 'request' | 'outcome' | 'message_id' | 'error_code'>
      >(
        'SELECT line, state, request, outcome, message_id, error_code FROM bulk_rows WHERE job_id = $1 ORDER BY line',
        [job.id],
      );
      const binding = bulkRowBinding(job.id, job.workspaceId);
      return rows.map((row) => {
        const request = openRequest(sealer, binding, row.request);
        return {
          line: Number(row.line),
          reference: request?.referenceId ?? '',
          status: request?.status ?? '',
          outcome: row.state === 'pending' || row.state === 'leased' ? 'pending' : (row.outcome ?? 'unknown'),
          messageId: row.message_id,
          code: row.error_code,
        };
      });
    },
  };
}

export type BulkReports = ReturnType<typeof createBulkReports>;
