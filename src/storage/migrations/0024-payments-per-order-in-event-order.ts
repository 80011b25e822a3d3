import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 24,
  name: 'WhatsApp Pay events per order, once each; the order’s payment by the events’ own times',
  sql: [
    // Every payment event heard, once per workspace (`event_key`: a hash of what it says, the same for
    // Kaleyra's retries and for both replicas), applied or not (older than the state it would change).
    `CREATE TABLE IF NOT EXISTS payment_events (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      reference_id TEXT NOT NULL,
      event_key TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('captured', 'pending', 'failed', 'refunded', 'other')),
      status TEXT,
      facts TEXT NOT NULL,
      customer_hash TEXT,
      customer_masked TEXT,
      event_at TIMESTAMPTZ NOT NULL,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      applied BOOLEAN NOT NULL,
      UNIQUE (workspace_id, event_key)
    )`,
    'CREATE INDEX IF NOT EXISTS payment_events_order ON payment_events (workspace_id, reference_id, event_at DESC)',
    'CREATE INDEX IF NOT EXISTS payment_events_received ON payment_events (received_at)',
    // Each order's payment as its newest event says: ordered by (event_at, rank, event_key), so a tie
    // is decided the same way on every replica.
    `CREATE TABLE IF NOT EXISTS payment_states (
      workspace_id TEXT NOT NULL,
      reference_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      event_key TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('captured', 'pending', 'failed', 'refunded', 'other')),
      rank SMALLINT NOT NULL,
      status TEXT,
      facts TEXT NOT NULL,
      event_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, reference_id)
    )`,
    'CREATE INDEX IF NOT EXISTS payment_states_updated ON payment_states (updated_at)',
  ],
};
