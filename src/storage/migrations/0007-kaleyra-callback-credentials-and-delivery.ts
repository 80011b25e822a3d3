import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 7,
  name: 'Kaleyra callback credentials and delivery events',
  sql: [
    `CREATE TABLE IF NOT EXISTS callback_credentials (
      workspace_id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE,
      secret_hash TEXT NOT NULL,
      rotated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      rotated_by TEXT NOT NULL,
      last_callback_at TIMESTAMPTZ
    )`,
    // One row per status an attempt reached: the key makes a repeated callback change nothing.
    `CREATE TABLE IF NOT EXISTS delivery_events (
      attempt_id TEXT NOT NULL REFERENCES send_journal (id) ON DELETE CASCADE,
      status TEXT NOT NULL,
      error_code TEXT NOT NULL DEFAULT '',
      error_text TEXT,
      occurred_at TIMESTAMPTZ,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (attempt_id, status, error_code)
    )`,
  ],
};
