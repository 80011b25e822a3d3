import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 13,
  name: 'customers’ messages kept for the admins',
  sql: [
    // The admins' App Home lists the messages Slack could not take; few, among many posted ones.
    `CREATE INDEX IF NOT EXISTS incoming_kept ON incoming_messages (workspace_id, received_at DESC)
      WHERE post_state = 'kept'`,
  ],
};
