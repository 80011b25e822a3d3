import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 2,
  name: 'send journal and duplicate claims',
  sql: [
    `CREATE TABLE IF NOT EXISTS send_journal (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      actor TEXT NOT NULL,
      channel_id TEXT,
      source TEXT NOT NULL,
      customer_masked TEXT NOT NULL,
      reference_id TEXT NOT NULL,
      status TEXT NOT NULL,
      description TEXT,
      template_name TEXT NOT NULL,
      language_code TEXT NOT NULL,
      forced BOOLEAN NOT NULL DEFAULT FALSE,
      outcome TEXT NOT NULL CHECK (outcome IN ('in_flight', 'sent', 'failed', 'unknown', 'duplicate')),
      message_id TEXT,
      error_code TEXT,
      duplicate_of TEXT,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      completed_at TIMESTAMPTZ
    )`,
    'CREATE INDEX IF NOT EXISTS send_journal_workspace_created ON send_journal (workspace_id, created_at DESC)',
    `CREATE TABLE IF NOT EXISTS send_claims (
      dedupe_key TEXT PRIMARY KEY,
      attempt_id TEXT NOT NULL,
      claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
  ],
};
