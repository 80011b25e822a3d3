import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 26,
  name: 'media replies in the send journal',
  sql: [
    // A reply with a file (kind `media`): the name the customer saw and its MIME type, for history and
    // the outcome in the thread. The file itself is never stored; its caption is `body`.
    `ALTER TABLE send_journal
      ADD COLUMN IF NOT EXISTS media_name TEXT,
      ADD COLUMN IF NOT EXISTS media_type TEXT`,
  ],
};
