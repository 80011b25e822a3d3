import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 22,
  name: 'network failure detail in the send journal',
  sql: [
    // A send that never reached Kaleyra keeps the system's error code and the host (`ECONNREFUSED
    // api.in.kaleyra.io`), so history can say where it went and why Kaleyra never received it.
    'ALTER TABLE send_journal ADD COLUMN IF NOT EXISTS error_detail TEXT',
  ],
};
