import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 3,
  name: 'shared send-rate budget per business number',
  sql: [
    `CREATE TABLE IF NOT EXISTS send_rate (
      bucket TEXT NOT NULL,
      second BIGINT NOT NULL,
      used INTEGER NOT NULL,
      PRIMARY KEY (bucket, second)
    )`,
  ],
};
