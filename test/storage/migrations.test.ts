import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { MIGRATIONS, migrate, readSchemaVersion, SCHEMA_VERSION } from '../../src/storage/migrations.ts';
import { probeTestDatabase } from '../support/postgres.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('migrations', () => {
  it('are listed in the order of their versions, each once (migrate runs them in this order)', async () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('bring a new embedded database (born at the current version, from the template) up to date: nothing to do, then a gap', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-migrate-'));
    const db = await openDatabase({ dataDir, logger: quiet });
    try {
      expect(await readSchemaVersion(db)).toBe(SCHEMA_VERSION);
      expect(await db.query('SELECT count(*)::int AS n FROM schema_migrations')).toEqual([
        { n: MIGRATIONS.length },
      ]);
      expect(await migrate(db)).toEqual([]);
      // A later step applied over a missing earlier one still reads as behind, and migrate fills the gap.
      await db.query('DELETE FROM schema_migrations WHERE version = 2');
      expect(await readSchemaVersion(db)).toBe(1);
      expect(await migrate(db)).toEqual([2]);
      expect(await readSchemaVersion(db)).toBe(SCHEMA_VERSION);
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgUrl)('are safe when two instances run them at once on a fresh Postgres database', async () => {
    const name = `orderstatus_migrate_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(pgUrl as string);
    url.pathname = `/${name}`;
    const a = await openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: quiet });
    const b = await openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: quiet });
    try {
      const [fromA, fromB] = await Promise.all([migrate(a), migrate(b)]);
      // One instance applied everything, the other found nothing left to do.
      expect([...fromA, ...fromB].sort()).toEqual(MIGRATIONS.map((m) => m.version).sort());
      const rows = await a.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      const tables = await a.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['keyv', 'schema_migrations', 'send_claims', 'send_journal', 'send_rate']),
      );
    } finally {
      await a.close();
      await b.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
