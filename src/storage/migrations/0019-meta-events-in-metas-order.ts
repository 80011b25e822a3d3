import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 19,
  name: 'Meta’s events in Meta’s order, per template language; paused bulk jobs know what stopped them',
  sql: [
    // A template's state per language ('' when the event named none: it stands for every language).
    "ALTER TABLE template_states ADD COLUMN IF NOT EXISTS language_code TEXT NOT NULL DEFAULT ''",
    // Meta's time of the newest event applied: an older one (late, replayed) changes nothing.
    'ALTER TABLE template_states ADD COLUMN IF NOT EXISTS event_at TIMESTAMPTZ',
    'ALTER TABLE template_states DROP CONSTRAINT IF EXISTS template_states_pkey',
    'ALTER TABLE template_states ADD CONSTRAINT template_states_pkey PRIMARY KEY (workspace_id, template_name, language_code)',
    'ALTER TABLE number_quality ADD COLUMN IF NOT EXISTS event_at TIMESTAMPTZ',
    // Every template and quality event heard, applied or not (older than the state it would change).
    `CREATE TABLE IF NOT EXISTS account_events (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('template', 'number')),
      subject TEXT NOT NULL,
      language_code TEXT NOT NULL DEFAULT '',
      event TEXT NOT NULL,
      detail TEXT,
      event_at TIMESTAMPTZ NOT NULL,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      applied BOOLEAN NOT NULL
    )`,
    'CREATE INDEX IF NOT EXISTS account_events_workspace ON account_events (workspace_id, received_at DESC)',
    // What stopped a paused job (the template and language, or the number) and whether its rows follow
    // the default template; the template its rows now go out with; when and why it resumed; when Slack
    // was told of that (or of a job the CLI kept, paused).
    `ALTER TABLE bulk_jobs
      ADD COLUMN IF NOT EXISTS paused_template TEXT,
      ADD COLUMN IF NOT EXISTS paused_language TEXT,
      ADD COLUMN IF NOT EXISTS paused_number TEXT,
      ADD COLUMN IF NOT EXISTS paused_follows_default BOOLEAN,
      ADD COLUMN IF NOT EXISTS template_name TEXT,
      ADD COLUMN IF NOT EXISTS language_code TEXT,
      ADD COLUMN IF NOT EXISTS resumed_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS resumed_why TEXT,
      ADD COLUMN IF NOT EXISTS told_at TIMESTAMPTZ`,
    "CREATE INDEX IF NOT EXISTS bulk_jobs_untold ON bulk_jobs (created_at) WHERE state = 'queued' AND told_at IS NULL",
  ],
};
