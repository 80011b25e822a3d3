import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 6,
  name: 'delivery state, Slack message location and customer hash per attempt',
  sql: [
    `ALTER TABLE send_journal
      ADD COLUMN IF NOT EXISTS customer_hash TEXT,
      ADD COLUMN IF NOT EXISTS delivery_state TEXT,
      ADD COLUMN IF NOT EXISTS delivery_rank SMALLINT NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS delivery_version INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS whatsapp_sent_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS delivered_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS read_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS delivery_failed_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS delivery_error_code TEXT,
      ADD COLUMN IF NOT EXISTS delivery_error_text TEXT,
      ADD COLUMN IF NOT EXISTS slack_path TEXT,
      ADD COLUMN IF NOT EXISTS slack_channel TEXT,
      ADD COLUMN IF NOT EXISTS slack_ts TEXT,
      ADD COLUMN IF NOT EXISTS slack_version INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS notice_state TEXT`,
    'CREATE INDEX IF NOT EXISTS send_journal_message_id ON send_journal (message_id) WHERE message_id IS NOT NULL',
    'CREATE INDEX IF NOT EXISTS send_journal_reference ON send_journal (workspace_id, reference_id, created_at DESC)',
    `CREATE INDEX IF NOT EXISTS send_journal_customer ON send_journal (workspace_id, customer_hash, created_at DESC)
      WHERE customer_hash IS NOT NULL`,
  ],
};
