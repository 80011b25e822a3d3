import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';

export type OpenedDatabase = { db: Database; close(): Promise<void> };
/** For describe.each: a name, and how to open a migrated database there (undefined: Postgres is absent). */
export type DatabaseStore = [string, (() => Promise<OpenedDatabase>) | undefined];

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A new embedded database in a temp folder (removed on close), and the test Postgres when it answers. */
export function databaseStores(label: string, pgUrl: string | undefined): DatabaseStore[] {
  return [
    [
      'embedded store',
      async () => {
        const dataDir = await mkdtemp(path.join(os.tmpdir(), `orderstatus-${label}-`));
        const db = await openDatabase({ dataDir, logger: quiet });
        await migrate(db);
        return {
          db,
          close: async () => {
            await db.close();
            await rm(dataDir, { recursive: true, force: true });
          },
        };
      },
    ],
    [
      'Postgres',
      pgUrl
        ? async () => {
            const db = await openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
            return { db, close: () => db.close() };
          }
        : undefined,
    ],
  ];
}
