import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { type Database, openDatabase, redactDatabaseUrl } from '../../src/storage/database.ts';
import { KEYV_TABLE } from '../../src/storage/keyv-store.ts';
import { migrate } from '../../src/storage/migrations.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test Postgres URL when it answered the global setup's probe, null when it did not. */
    testDatabaseUrl: string | null;
  }
}

let fileDatabase: Promise<string | undefined> | undefined;

/**
 * In a test file (top level): a migrated Postgres database of the file's own, dropped after the file,
 * when the test Postgres answered; undefined otherwise (use `describe.skipIf(!url)`). The global setup
 * probed it once for the whole run (and said once if the Postgres suite is skipped).
 *
 * Of the file's own because every app started on a database runs workers that take that database's
 * work: on one shared database an app of another file leased a bulk job left running and sent its
 * rows to this file's fake Kaleyra (seen in CI: a one-liner's test counting 4 requests where it made
 * 1). Creating and migrating one takes ~100 ms.
 */
export function probeTestDatabase(): Promise<string | undefined> {
  fileDatabase ??= (async () => {
    const shared = inject('testDatabaseUrl');
    if (!shared) return undefined;
    const scratch = await createScratchDatabase(shared, 'file');
    afterAll(() => scratch.drop());
    return scratch.url;
  })();
  return fileDatabase;
}

export type ScratchDatabase = { url: string; drop(): Promise<void> };

/**
 * A migrated Postgres database of its own on the test server (`baseUrl` names any database there),
 * for tests whose background workers would otherwise take each other's work: every app started on a
 * database runs a bulk worker, and any worker may lease any queued job's rows.
 */
export async function createScratchDatabase(baseUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `orderstatus_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: quiet });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return {
    url: url.toString(),
    async drop() {
      // From the server's own database: the base may be another scratch database, dropped first.
      const where = new URL(baseUrl);
      where.pathname = '/postgres';
      const client = new pg.Client({ connectionString: where.toString() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

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
