import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 15,
  name: 'quality overrides journaled, account announcements found',
  sql: [
    // An admin's deliberate "resume bulk sends although the number is flagged": who, when, against what.
    `CREATE TABLE IF NOT EXISTS quality_overrides (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      business_number TEXT NOT NULL,
      event TEXT NOT NULL,
      current_limit TEXT,
      overridden_by TEXT NOT NULL,
      overridden_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX IF NOT EXISTS quality_overrides_workspace ON quality_overrides (workspace_id, overridden_at DESC)',
    // Changes not yet told to the admins: every replica's sweep looks for them.
    'CREATE INDEX IF NOT EXISTS template_states_unannounced ON template_states (since) WHERE announced_at IS NULL',
    'CREATE INDEX IF NOT EXISTS number_quality_unannounced ON number_quality (since) WHERE announced_at IS NULL',
    'CREATE INDEX IF NOT EXISTS opt_out_changes_customer ON opt_out_changes (workspace_id, customer_hash)',
    'CREATE INDEX IF NOT EXISTS bulk_jobs_paused ON bulk_jobs (workspace_id) WHERE paused_at IS NOT NULL',
  ],
};
