import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { checkTestDatabase } from './postgres.ts';

/**
 * Probes the test Postgres once for the whole run (test files read the answer with probeTestDatabase,
 * so "Postgres suite skipped" is said once), and migrates it the way a release phase would.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = await checkTestDatabase();
  project.provide('testDatabaseUrl', url ?? null);
  if (!url) return;
  const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent', logger: quietLogger });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };
