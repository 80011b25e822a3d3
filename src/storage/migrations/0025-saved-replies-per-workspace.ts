import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 25,
  name: 'saved replies per workspace',
  sql: [
    // A workspace's named replies. The name is unique by its folded key (domain/saved-reply.ts), and each
    // reply holds one of the workspace's numbered slots: two replicas adding at once cannot both take the
    // last one, so the bound holds without a lock (the embedded database has no multi-statement
    // transactions).
    `CREATE TABLE IF NOT EXISTS saved_replies (
      workspace_id TEXT NOT NULL,
      name_key TEXT NOT NULL,
      slot INTEGER NOT NULL CHECK (slot >= 1),
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      saved_by TEXT NOT NULL,
      saved_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, name_key),
      UNIQUE (workspace_id, slot)
    )`,
  ],
};
