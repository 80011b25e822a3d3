import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { probeTestDatabase } from './postgres.ts';

export type ScratchDatabase = { url: string; drop(): Promise<void> };

/**
 * A migrated Postgres database of its own on the test server, for tests whose background workers
 * would otherwise take each other's work: every app started on the shared test database runs a bulk
 * worker, and any worker may lease any queued job's rows.
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
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * The embedded store, and a scratch Postgres database of the file's own (dropped after the file), for
 * `describe.each`: for tests whose background workers (bulk worker, customers' messages sweeper) would
 * otherwise take other test files' work on the shared test database, or have theirs taken.
 */
export async function ownStorageModes(
  label: string,
): Promise<
  Array<[name: string, storage: { kind: 'embedded' } | { kind: 'postgres'; url: string } | undefined]>
> {
  const pgUrl = await probeTestDatabase();
  const scratch = pgUrl ? await createScratchDatabase(pgUrl, label) : undefined;
  afterAll(async () => {
    await scratch?.drop();
  });
  return [
    ['embedded store', { kind: 'embedded' }],
    ['Postgres', scratch ? { kind: 'postgres', url: scratch.url } : undefined],
  ];
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * For a test file (top level): a scratch database of its own on the test Postgres, dropped after the
 * file's tests; undefined when the test Postgres did not answer (skip with `describe.skipIf`).
 */
export async function useScratchDatabase(label: string): Promise<ScratchDatabase | undefined> {
  const url = await probeTestDatabase();
  const scratch = url ? await createScratchDatabase(url, label) : undefined;
  afterAll(async () => {
    await scratch?.drop();
  });
  return scratch;
}
