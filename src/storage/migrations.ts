import pg from 'pg';
import { StorageError } from '../errors/storage-error.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './pool.ts';

export { MIGRATIONS };

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

// One arbitrary constant: every orderstatus process contends for the same advisory lock.
const MIGRATION_LOCK = 7_262_026;

/**
 * Brings the schema to SCHEMA_VERSION. Safe when several instances run it at once: they queue on a
 * session advisory lock held by one dedicated connection. Returns the versions it applied. A database
 * already at SCHEMA_VERSION (every embedded folder but a new one, every CLI call) costs one statement.
 */
export async function migrate(db: Database): Promise<number[]> {
  if ((await readSchemaVersion(db).catch(() => 0)) === SCHEMA_VERSION) return [];
  // Its own connection, without the pool's query timeout: waiting for another instance's lock is fine.
  const client = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // a failed query below reports it
  await client.connect().catch((error: unknown) => {
    throw new StorageError('Could not reach the database to migrate it.', { cause: error });
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await applyMigrations(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs one statement (parameters only with a `$1`…), resolving to its rows. */
export type StatementRunner = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Applies the steps `schema_migrations` does not list yet, in order, and records each. The caller makes
 * sure nobody else migrates meanwhile (migrate's lock; the template's own database). Returns the versions.
 */
export async function applyMigrations(run: StatementRunner): Promise<number[]> {
  await run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const rows = await run('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((row) => Number(row.version)));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.sql) await run(statement);
    await run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      migration.version,
      migration.name,
    ]);
    applied.push(migration.version);
  }
  return applied;
}

/**
 * The schema version the database is at: the highest version before the first one not applied (0 when
 * never migrated). Counting up to the first gap, not the highest applied, so a database that has a
 * later step but misses an earlier one reads as behind.
 */
export async function readSchemaVersion(db: Database): Promise<number> {
  const rows = await db
    .query<{ version: number }>('SELECT version FROM schema_migrations')
    .catch((error: unknown) => {
      if ((error as { code?: unknown }).code === '42P01') return [];
      throw error;
    });
  const applied = new Set(rows.map((row) => Number(row.version)));
  let version = 0;
  for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (!applied.has(migration.version)) break;
    version = migration.version;
  }
  return version;
}
