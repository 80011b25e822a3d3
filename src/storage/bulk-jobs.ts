import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import { validateOrderStatus } from '../domain/order-status.ts';
import type { SealBinding, Sealer } from '../domain/sealer.ts';
import type { Database } from './database.ts';

/**
 * Bulk send jobs, row by row, in the database every replica shares: a job survives a deploy, a crash
 * or SIGTERM, and any process picks up where another stopped. Our own two tables with leases taken by
 * one `UPDATE … FOR UPDATE SKIP LOCKED` statement, not a job-queue library: pg-boss and graphile-worker
 * hold transactions across statements and LISTEN, which the embedded database (one PGlite session shared
 * by every connection) cannot keep apart; a single statement is atomic on both stores.
 */

export type BulkOutcome = 'sent' | 'already_sent' | 'failed' | 'unknown' | 'canceled';
export type BulkJobState = 'draft' | 'queued' | 'done' | 'canceled';

export type BulkJob = {
  id: string;
  workspaceId: string;
  createdBy: string;
  channelId: string | undefined;
  state: BulkJobState;
  total: number;
  /** Where the progress message is (its ts), once posted. */
  progressTs: string | undefined;
};

/**
 * A row leased to this process: send it, then `finishRow`. `request` is undefined when the stored row
 * can no longer be read (its key was dropped from ENCRYPTION_KEY): finish it as failed.
 */
export type LeasedRow = {
  jobId: string;
  workspaceId: string;
  createdBy: string;
  line: number;
  request: OrderStatusRequest | undefined;
};

export type RowResult = {
  outcome: Exclude<BulkOutcome, 'canceled'>;
  messageId?: string;
  code?: string;
  attemptId?: string;
};

export type BulkCounts = Record<BulkOutcome | 'pending', number>;

export type ResultLine = {
  line: number;
  outcome: BulkOutcome | 'pending';
  messageId: string | null;
  code: string | null;
};

// A row's customer number is sealed: numbers are never stored readable. Bound to its job and workspace.
const bindingOf = (jobId: string, workspaceId: string) => ({ purpose: `bulk-row-${jobId}`, workspaceId });

const JobRowSchema = v.object({
  id: v.string(),
  workspace_id: v.string(),
  created_by: v.string(),
  channel_id: v.nullable(v.string()),
  state: v.picklist(['draft', 'queued', 'done', 'canceled']),
  total: v.pipe(v.unknown(), v.transform(Number), v.number()),
  progress_ts: v.nullable(v.string()),
});

export function createBulkJobs(db: Database, sealer: Sealer) {
  const toJob = (row: unknown): BulkJob | undefined => {
    const parsed = v.safeParse(JobRowSchema, row);
    if (!parsed.success) return undefined;
    const r = parsed.output;
    return {
      id: r.id,
      workspaceId: r.workspace_id,
      createdBy: r.created_by,
      channelId: r.channel_id ?? undefined,
      state: r.state,
      total: r.total,
      progressTs: r.progress_ts ?? undefined,
    };
  };

  const get = async (jobId: string, workspaceId: string): Promise<BulkJob | undefined> => {
    const rows = await db.query('SELECT * FROM bulk_jobs WHERE id = $1 AND workspace_id = $2', [
      jobId,
      workspaceId,
    ]);
    return toJob(rows[0]);
  };

  return {
    get,

    /** Stores a validated file as a draft job (nothing is sent until `queue`). */
    async createDraft(input: {
      workspaceId: string;
      createdBy: string;
      channelId?: string | undefined;
      rows: ReadonlyArray<{ line: number; request: OrderStatusRequest }>;
    }): Promise<string> {
      const id = randomUUID();
      const lines = input.rows.map((row) => row.line);
      const sealed = input.rows.map((row) =>
        sealer.seal(JSON.stringify(row.request), bindingOf(id, input.workspaceId)),
      );
      // One statement: the job and every row appear together or not at all.
      await db.query(
        `WITH job AS (
           INSERT INTO bulk_jobs (id, workspace_id, created_by, channel_id, state, total)
           VALUES ($1, $2, $3, $4, 'draft', $5) RETURNING id
         )
         INSERT INTO bulk_rows (job_id, line, request, state)
         SELECT job.id, r.line, r.request, 'pending'
           FROM job, unnest($6::int[], $7::text[]) AS r(line, request)`,
        [id, input.workspaceId, input.createdBy, input.channelId ?? null, lines.length, lines, sealed],
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

    async setProgressMessage(jobId: string, ts: string): Promise<void> {
      await db.query('UPDATE bulk_jobs SET progress_ts = $2 WHERE id = $1', [jobId, ts]);
    },

    /**
     * Leases up to `limit` rows of queued jobs, oldest job first and in file order, for `leaseSeconds`.
     * A row whose lease ran out (its process died mid-send) is leased again.
     */
    async lease(limit: number, leaseSeconds: number): Promise<LeasedRow[]> {
      const rows = await db.query<{
        job_id: string;
        workspace_id: string;
        created_by: string;
        line: number;
        request: string;
      }>(
        `UPDATE bulk_rows r SET state = 'leased', lease_until = now() + make_interval(secs => $2)
           FROM bulk_jobs j
          WHERE j.id = r.job_id AND (r.job_id, r.line) IN (
            SELECT b.job_id, b.line FROM bulk_rows b JOIN bulk_jobs q ON q.id = b.job_id
             WHERE q.state = 'queued'
               AND (b.state = 'pending' OR (b.state = 'leased' AND b.lease_until < now()))
             ORDER BY q.created_at, b.job_id, b.line
             LIMIT $1
               FOR UPDATE OF b SKIP LOCKED)
          RETURNING r.job_id, j.workspace_id, j.created_by, r.line, r.request`,
        [limit, leaseSeconds],
      );
      // RETURNING has no order: put the rows back in file order.
      rows.sort((a, b) => a.job_id.localeCompare(b.job_id) || Number(a.line) - Number(b.line));
      return rows.map((row) => ({
        jobId: row.job_id,
        workspaceId: row.workspace_id,
        createdBy: row.created_by,
        line: Number(row.line),
        request: openRequest(sealer, bindingOf(row.job_id, row.workspace_id), row.request),
      }));
    },

    /** Records a leased row's outcome; false when the row was no longer leased (canceled meanwhile). */
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

    /** Stops what has not been sent yet; rows being sent right now still finish. */
    async cancel(jobId: string, workspaceId: string): Promise<boolean> {
      const rows = await db.query(
        `WITH job AS (
           UPDATE bulk_jobs SET state = 'canceled', finished_at = now()
            WHERE id = $1 AND workspace_id = $2 AND state IN ('draft', 'queued') RETURNING id
         )
         UPDATE bulk_rows SET state = 'canceled', outcome = 'canceled'
          WHERE job_id IN (SELECT id FROM job) AND state = 'pending' RETURNING line`,
        [jobId, workspaceId],
      );
      return rows.length > 0 || (await get(jobId, workspaceId))?.state === 'canceled';
    },

    /** Queued → done once no row is left: true for exactly one caller, which then reports the end. */
    async finishJobIfComplete(jobId: string): Promise<boolean> {
      const rows = await db.query(
        `UPDATE bulk_jobs SET state = 'done', finished_at = now()
          WHERE id = $1 AND state = 'queued'
            AND NOT EXISTS (SELECT 1 FROM bulk_rows WHERE job_id = $1 AND state IN ('pending', 'leased'))
          RETURNING id`,
        [jobId],
      );
      return rows.length === 1;
    },

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

    /** One line per row, in file order, for the result file. */
    async results(jobId: string): Promise<ResultLine[]> {
      const rows = await db.query<{
        line: number;
        state: string;
        outcome: string | null;
        message_id: string | null;
        error_code: string | null;
      }>(
        'SELECT line, state, outcome, message_id, error_code FROM bulk_rows WHERE job_id = $1 ORDER BY line',
        [jobId],
      );
      return rows.map((row) => ({
        line: Number(row.line),
        outcome: (row.state === 'pending' || row.state === 'leased'
          ? 'pending'
          : (row.outcome ?? 'unknown')) as ResultLine['outcome'],
        messageId: row.message_id,
        code: row.error_code,
      }));
    },
  };
}

export type BulkJobs = ReturnType<typeof createBulkJobs>;

function openRequest(sealer: Sealer, binding: SealBinding, sealed: string): OrderStatusRequest | undefined {
  const text = sealer.open(sealed, binding);
  if (text === undefined) return undefined;
  try {
    const result = validateOrderStatus(JSON.parse(text));
    return result.ok ? result.value : undefined;
  } catch {
    return undefined;
  }
}
