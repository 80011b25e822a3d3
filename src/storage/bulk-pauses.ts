import { randomUUID } from 'node:crypto';
import type { BulkOutcome } from '../domain/bulk-result.ts';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import type { Sealer } from '../domain/sealer.ts';
import { ANNOUNCE_WITHIN_HOURS } from './account-announcements-store.ts';
import { numberStopsBulk, templateStopped } from './account-stops.ts';
import { bulkRowBinding } from './bulk-jobs.ts';
import { type BulkJob, type BulkPauseReason, type JobTemplate, toBulkJob } from './bulk-tables.ts';
import type { Database } from './database.ts';

/** What stopped a job: the template (and whether the job follows the default), or the number. */
export type PauseCause =
  | { reason: Extract<BulkPauseReason, 'template_paused'>; template: JobTemplate; followsDefault: boolean }
  | { reason: Extract<BulkPauseReason, 'number_flagged'>; businessNumber: string };

export type ResumedJob = { jobId: string; workspaceId: string };

// The template a paused job would send with now: the default it followed since the pause, else the one
// that stopped it.
const MOVED = `(j.paused_follows_default AND j.template_name IS NOT NULL
  AND (j.template_name, j.language_code) IS DISTINCT FROM (j.paused_template, j.paused_language))`;
const CURRENT_NAME = `CASE WHEN ${MOVED} THEN j.template_name ELSE j.paused_template END`;
const CURRENT_LANGUAGE = `CASE WHEN ${MOVED} THEN j.language_code ELSE j.paused_language END`;

// Every paused job (of one workspace, or all) whose stop no longer holds goes on, saying why.
const RESUME = `
UPDATE bulk_jobs j
   SET paused_reason = NULL, paused_at = NULL, resumed_at = now(), told_at = NULL,
       resumed_why = CASE
         WHEN j.paused_reason = 'number_flagged' THEN
           CASE WHEN EXISTS (SELECT 1 FROM number_quality q WHERE q.workspace_id = j.workspace_id
                  AND q.business_number = j.paused_number AND q.flagged) THEN 'override' ELSE 'number_lifted' END
         WHEN ${MOVED} THEN 'default_changed'
         ELSE 'template_lifted' END
 WHERE j.state = 'queued' AND j.paused_at IS NOT NULL AND ($1::text IS NULL OR j.workspace_id = $1)
   AND CASE WHEN j.paused_reason = 'number_flagged' THEN NOT ${numberStopsBulk('j.workspace_id', 'j.paused_number')}
            ELSE NOT ${templateStopped('j.workspace_id', CURRENT_NAME, CURRENT_LANGUAGE)} END
RETURNING j.id, j.workspace_id`;

// The workspace's unfinished jobs take the new default; those it paused go on when it is not stopped.
const FOLLOW_DEFAULT = `
UPDATE bulk_jobs j
   SET template_name = $2, language_code = $3,
       paused_reason = CASE WHEN c.go THEN NULL ELSE j.paused_reason END,
       paused_at = CASE WHEN c.go THEN NULL ELSE j.paused_at END,
       resumed_at = CASE WHEN c.go THEN now() ELSE j.resumed_at END,
       resumed_why = CASE WHEN c.go THEN 'default_changed' ELSE j.resumed_why END,
       told_at = CASE WHEN c.go THEN NULL ELSE j.told_at END
  FROM (SELECT b.id, (b.state = 'queued' AND b.paused_reason = 'template_paused' AND b.paused_follows_default
                 AND ($2, $3) IS DISTINCT FROM (b.paused_template, b.paused_language)
                 AND NOT ${templateStopped('b.workspace_id', '$2::text', '$3::text')}) AS go
          FROM bulk_jobs b WHERE b.workspace_id = $1 AND b.state IN ('draft', 'queued')
           FOR UPDATE) c
 WHERE j.id = c.id
RETURNING j.id, j.workspace_id, c.go`;

// Only while what stopped the row still holds (a lift may have come since), and, for a template, while
// the job still sends with it (the default may have moved on since): else its rows are simply retried.
const PAUSE = `
UPDATE bulk_jobs j
   SET paused_reason = $2, paused_at = now(), paused_template = $3, paused_language = $4,
       paused_number = $5, paused_follows_default = $6
 WHERE j.id = $1 AND j.state = 'queued' AND j.paused_at IS NULL
   AND CASE WHEN $2 = 'template_paused'
            THEN ${templateStopped('j.workspace_id', '$3::text', '$4::text')}
                 AND (NOT $6::boolean OR j.template_name IS NULL OR (j.template_name = $3 AND j.language_code = $4))
            ELSE ${numberStopsBulk('j.workspace_id', '$5::text')} END
RETURNING j.id`;

// Jobs with news for Slack: resumed since last told, or kept paused by the CLI and never shown.
const CLAIM_UNTOLD = `
UPDATE bulk_jobs b SET told_at = now()
  FROM (SELECT id FROM bulk_jobs
         WHERE state = 'queued' AND told_at IS NULL
           AND (resumed_at IS NOT NULL OR (created_by = 'cli' AND progress_ts IS NULL))
           AND COALESCE(resumed_at, created_at) > now() - make_interval(hours => $2)
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED) c
 WHERE b.id = c.id
RETURNING b.*`;

const resumedJobs = (rows: Array<{ id: string; workspace_id: string }>): ResumedJob[] =>
  rows.map((row) => ({ jobId: row.id, workspaceId: row.workspace_id }));

/**
 * Bulk jobs paused by a stopped template or a flagged number, and their resumption: one statement per
 * change, each deciding from the state it reads, so a pause and a lift that cross (two replicas, the CLI
 * beside a server) never leave a job paused for nothing.
 */
export function createBulkPauses(db: Database, sealer: Sealer) {
  return {
    /** Pauses a queued job for `cause`; false when it no longer holds, or the job is not running. */
    async pause(jobId: string, cause: PauseCause): Promise<boolean> {
      const template = cause.reason === 'template_paused' ? cause.template : undefined;
      const rows = await db.query(PAUSE, [
        jobId,
        cause.reason,
        template?.name ?? null,
        template?.language ?? null,
        cause.reason === 'number_flagged' ? cause.businessNumber : null,
        cause.reason === 'template_paused' ? cause.followsDefault : null,
      ]);
      return rows.length === 1;
    },

    /** Resumes the paused jobs (of `workspaceId`, or every workspace's) whose stop was lifted. */
    async resume(workspaceId?: string): Promise<ResumedJob[]> {
      return resumedJobs(await db.query<{ id: string; workspace_id: string }>(RESUME, [workspaceId ?? null]));
    },

    /** The workspace's default template is now `template`: its jobs follow; the ones it frees resume. */
    async followDefault(workspaceId: string, template: JobTemplate): Promise<ResumedJob[]> {
      const rows = await db.query<{ id: string; workspace_id: string; go: boolean }>(FOLLOW_DEFAULT, [
        workspaceId,
        template.name,
        template.language,
      ]);
      return resumedJobs(rows.filter((row) => row.go === true));
    },

    /**
     * A `send --csv` run stopped by `cause`: its file as a paused job, the rows it settled done and the
     * others pending, so any server's worker sends them once the stop is lifted. Returns the job's id.
     */
    async handOver(input: {
      workspaceId: string;
      fileName: string;
      cause: PauseCause;
      rows: ReadonlyArray<{
        line: number;
        request: OrderStatusRequest;
        result?: { outcome: BulkOutcome; messageId?: string | undefined; code?: string | undefined };
      }>;
    }): Promise<string> {
      const id = randomUUID();
      const { cause, rows } = input;
      const template = cause.reason === 'template_paused' ? cause.template : undefined;
      const binding = bulkRowBinding(id, input.workspaceId);
      // One statement: the job and every row appear together or not at all.
      await db.query(
        `WITH job AS (
           INSERT INTO bulk_jobs (id, workspace_id, created_by, state, total, file_name, paused_reason, paused_at,
                                  paused_template, paused_language, paused_number, paused_follows_default)
           VALUES ($1, $2, 'cli', 'queued', $3, $4, $5, now(), $6, $7, $8, $9) RETURNING id
         )
         INSERT INTO bulk_rows (job_id, line, request, state, outcome, message_id, error_code)
         SELECT job.id, r.line, r.request, CASE WHEN r.outcome IS NULL THEN 'pending' ELSE 'done' END,
                r.outcome, r.message_id, r.error_code
           FROM job, unnest($10::int[], $11::text[], $12::text[], $13::text[], $14::text[])
                AS r(line, request, outcome, message_id, error_code)`,
        [
          id,
          input.workspaceId,
          rows.length,
          input.fileName,
          cause.reason,
          template?.name ?? null,
          template?.language ?? null,
          cause.reason === 'number_flagged' ? cause.businessNumber : null,
          cause.reason === 'template_paused' ? cause.followsDefault : null,
          rows.map((row) => row.line),
          rows.map((row) => sealer.seal(JSON.stringify(row.request), binding)),
          rows.map((row) => row.result?.outcome ?? null),
          rows.map((row) => row.result?.messageId ?? null),
          rows.map((row) => row.result?.code ?? null),
        ],
      );
      return id;
    },

    /**
     * Claims up to `limit` jobs Slack has news of (resumed, or kept paused by the CLI and not shown yet):
     * one replica tells, once.
     */
    async claimUntold(limit: number): Promise<BulkJob[]> {
      const rows = await db.query(CLAIM_UNTOLD, [limit, ANNOUNCE_WITHIN_HOURS]);
      return rows.flatMap((row) => toBulkJob(row) ?? []);
    },

    /** Gives a claim back (Slack could not be reached) for the next sweep. */
    async releaseUntold(jobId: string): Promise<void> {
      await db.query('UPDATE bulk_jobs SET told_at = NULL WHERE id = $1', [jobId]);
    },
  };
}

export type BulkPauses = ReturnType<typeof createBulkPauses>;
