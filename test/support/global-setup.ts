import { openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { probeTestDatabase } from './postgres.ts';

/** The shared test Postgres is migrated once, the way a release phase would, before any suite runs. */
export default async function setup(): Promise<void> {
  const url = await probeTestDatabase();
  if (!url) return;
  const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent', logger: quietLogger });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };
