import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 5,
  name: 'sliding send-rate budget (GCRA) per business number',
  sql: [
    // `next_at`: the database-clock time (epoch seconds) before which this bucket's next send may not
    // go. `send_rate` (version 3) stays for replicas of the previous release during a rolling upgrade.
    `CREATE TABLE IF NOT EXISTS send_pace (
      bucket TEXT PRIMARY KEY,
      next_at DOUBLE PRECISION NOT NULL
    )`,
  ],
};
