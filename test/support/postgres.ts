import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Database, redactDatabaseUrl } from '../../src/storage/database.ts';
import { KEYV_TABLE } from '../../src/storage/keyv-store.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test Postgres URL when it answered the global setup's probe, null when it did not. */
    testDatabaseUrl: string | null;
  }
}

/**
 * In a test file: the test Postgres URL when it answered, undefined otherwise (use `describe.skipIf(!url)`).
 * The global setup probed it once for the whole run (and said once if the Postgres suite is skipped).
 */
export async function probeTestDatabase(): Promise<string | undefined> {
  return inject('testDatabaseUrl') ?? undefined;
}

/**
 * For the global setup: the test Postgres URL when it answers. Otherwise, outside CI, prints one line
 * and returns undefined; with CI=true it throws, because a CI run must not pass by skipping.
 */
export async function checkTestDatabase(url: string = TEST_DATABASE_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined); // the failed connect() below already reports it
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch (error) {
    const where = redactDatabaseUrl(url);
    if (process.env.CI === 'true') {
      throw new Error(`No Postgres at ${where} and CI=true, so the Postgres suite cannot run.`, {
        cause: error,
      });
    }
    console.warn(`Postgres suite skipped: no database at ${where} (set TEST_DATABASE_URL or start Postgres)`);
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A Keyv namespace no other test file or worker uses; pair it with `removeNamespace`. */
export function uniqueNamespace(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every row of `namespace` from the shared Keyv table (a missing table is fine). */
export async function removeNamespace(db: Database, namespace: string): Promise<void> {
  const pattern = `${namespace.replace(/[\\%_]/g, '\\$&')}:%`;
  await db.query(`DELETE FROM ${KEYV_TABLE} WHERE key LIKE $1`, [pattern]).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== '42P01') throw error;
  });
}
