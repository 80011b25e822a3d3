import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 11,
  name: 'bulk rows and workflow steps in the journal; bulk reports',
  sql: [
    // An attempt names the bulk row or the workflow step it came from: a row retaken after its process
    // died is settled from the journal (never sent twice), whatever the duplicate window.
    `ALTER TABLE send_journal
      ADD COLUMN IF NOT EXISTS bulk_job_id TEXT,
      ADD COLUMN IF NOT EXISTS bulk_line INTEGER,
      ADD COLUMN IF NOT EXISTS workflow_execution_id TEXT`,
    `CREATE INDEX IF NOT EXISTS send_journal_bulk_row ON send_journal (bulk_job_id, bulk_line)
      WHERE bulk_job_id IS NOT NULL`,
    // The end of a job (summary and result file) is reported once: claimed until report_until, done at reported_at.
    `ALTER TABLE bulk_jobs
      ADD COLUMN IF NOT EXISTS file_name TEXT,
      ADD COLUMN IF NOT EXISTS canceled_by TEXT,
      ADD COLUMN IF NOT EXISTS report_until TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS reported_at TIMESTAMPTZ`,
    `CREATE INDEX IF NOT EXISTS bulk_jobs_unreported ON bulk_jobs (created_at)
      WHERE reported_at IS NULL AND state <> 'draft'`,
  ],
};
