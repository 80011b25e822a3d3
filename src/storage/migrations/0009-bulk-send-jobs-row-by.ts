import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 9,
  name: 'bulk send jobs, row by row',
  sql: [
    `CREATE TABLE IF NOT EXISTS bulk_jobs (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      created_by TEXT NOT NULL,
      channel_id TEXT,
      state TEXT NOT NULL CHECK (state IN ('draft', 'queued', 'done', 'canceled')),
      total INTEGER NOT NULL,
      progress_ts TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      finished_at TIMESTAMPTZ
    )`,
    "CREATE INDEX IF NOT EXISTS bulk_jobs_queued ON bulk_jobs (created_at) WHERE state = 'queued'",
    `CREATE TABLE IF NOT EXISTS bulk_rows (
      job_id TEXT NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
      line INTEGER NOT NULL,
      request TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'canceled')),
      lease_until TIMESTAMPTZ,
      outcome TEXT,
      message_id TEXT,
      error_code TEXT,
      attempt_id TEXT,
      PRIMARY KEY (job_id, line)
    )`,
    `CREATE INDEX IF NOT EXISTS bulk_rows_open ON bulk_rows (job_id, line) WHERE state IN ('pending', 'leased')`,
  ],
};
