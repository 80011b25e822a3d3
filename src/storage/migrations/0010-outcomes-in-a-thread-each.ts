import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 10,
  name: 'outcomes in a thread; each person’s recent sends',
  sql: [
    // An outcome posted in the thread of the message it was sent from: its notices go to that thread.
    'ALTER TABLE send_journal ADD COLUMN IF NOT EXISTS slack_thread_ts TEXT',
    // The App Home lists each person's own newest sends.
    'CREATE INDEX IF NOT EXISTS send_journal_actor ON send_journal (workspace_id, actor, created_at DESC)',
  ],
};
