import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 17,
  name: 'consent decided by when it was written',
  sql: [
    // Every number's consent, opted in as well as out, with what decides it now (`cause_at`: when the
    // customer wrote their word, or when the admin acted): an older word cannot change it. The opt-outs
    // table becomes this table; `opt_outs` stays, as the view of the opted-out numbers.
    `DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relname = 'opt_outs' AND c.relkind = 'r' AND n.nspname = current_schema()) THEN
        ALTER TABLE opt_outs RENAME TO consent_states;
      END IF;
    END $$`,
    `ALTER TABLE consent_states
      ADD COLUMN IF NOT EXISTS opted_out BOOLEAN NOT NULL DEFAULT true,
      ADD COLUMN IF NOT EXISTS cause_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS cause_by TEXT,
      ADD COLUMN IF NOT EXISTS change_id TEXT`,
    'UPDATE consent_states SET cause_at = since, cause_by = changed_by WHERE cause_at IS NULL',
    // `since`, `changed_by`, `reason`, `change_id`: the change that made it what it is (none for a
    // number that only ever opted in).
    `ALTER TABLE consent_states
      ALTER COLUMN opted_out DROP DEFAULT,
      ALTER COLUMN cause_at SET NOT NULL,
      ALTER COLUMN cause_by SET NOT NULL,
      ALTER COLUMN since DROP NOT NULL,
      ALTER COLUMN since DROP DEFAULT`,
    `CREATE OR REPLACE VIEW opt_outs AS
      SELECT workspace_id, business_number, customer_hash, customer_masked, since, changed_by, reason
        FROM consent_states WHERE opted_out`,
    // Each change's own time, and whether it came too late to change anything.
    `ALTER TABLE opt_out_changes
      ADD COLUMN IF NOT EXISTS cause_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS late BOOLEAN NOT NULL DEFAULT false`,
    'UPDATE opt_out_changes SET cause_at = changed_at WHERE cause_at IS NULL',
    'ALTER TABLE opt_out_changes ALTER COLUMN cause_at SET NOT NULL',
    // A customer's keyword that came too late is shown as such (it changed nothing).
    'ALTER TABLE incoming_messages ADD COLUMN IF NOT EXISTS keyword_late BOOLEAN NOT NULL DEFAULT false',
  ],
};
