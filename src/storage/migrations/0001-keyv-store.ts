import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 1,
  name: 'keyv store',
  // The only place the Keyv table (keyv-store.ts's KEYV_TABLE) is created, in @keyv/postgres's layout.
  sql: ['CREATE TABLE IF NOT EXISTS public.keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)'],
};
