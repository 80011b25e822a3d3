import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 30,
  name: 'who has each conversation, and whether it is resolved',
  sql: [
    // One row per conversation (domain/conversation.ts): the workspace, the customer's number as its keyed
    // hash, and the order's reference ('' for none). `change_id` names the statement that last changed
    // the row, so a take or resolve knows from its own RETURNING whether it made the change: each is one
    // statement (the embedded database has no multi-statement transactions).
    `CREATE TABLE IF NOT EXISTS conversations (
      workspace_id TEXT NOT NULL,
      customer_hash TEXT NOT NULL,
      reference_id TEXT NOT NULL,
      owner TEXT,
      owned_since TIMESTAMPTZ,
      previous_owner TEXT,
      resolved BOOLEAN NOT NULL DEFAULT false,
      resolved_by TEXT,
      resolved_at TIMESTAMPTZ,
      reopened_at TIMESTAMPTZ,
      change_id TEXT NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, customer_hash, reference_id),
      CHECK (owner IS NOT NULL OR owned_since IS NULL),
      CHECK (NOT resolved OR (resolved_by IS NOT NULL AND resolved_at IS NOT NULL))
    )`,
    // Retention: a conversation untouched as long as the journal is kept goes with its messages.
    'CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated_at)',
  ],
};
