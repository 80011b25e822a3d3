import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 4,
  name: 'keyed-hash key, single-use button values, retention indexes',
  sql: [
    // Keys generated once and kept sealed with ENCRYPTION_KEY (keyed-hash.ts): one row per name.
    `CREATE TABLE IF NOT EXISTS sealed_keys (
      name TEXT PRIMARY KEY,
      sealed TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
    // A Retry / Send again button is used once: its nonce is inserted when clicked (used-buttons.ts).
    `CREATE TABLE IF NOT EXISTS used_buttons (
      nonce TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      used_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX IF NOT EXISTS used_buttons_expires ON used_buttons (expires_at)',
    'CREATE INDEX IF NOT EXISTS used_buttons_workspace ON used_buttons (workspace_id)',
    // Retention prunes by age; the start-up check looks for attempts stuck in flight.
    'CREATE INDEX IF NOT EXISTS send_journal_created ON send_journal (created_at)',
    "CREATE INDEX IF NOT EXISTS send_journal_in_flight ON send_journal (created_at) WHERE outcome = 'in_flight'",
    'CREATE INDEX IF NOT EXISTS send_claims_claimed ON send_claims (claimed_at)',
    'CREATE INDEX IF NOT EXISTS send_claims_attempt ON send_claims (attempt_id)',
  ],
};
