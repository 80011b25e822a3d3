import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createKeyvStore, KEYV_TABLE, listEntries } from '../../src/storage/keyv-store.ts';
import { migrate } from '../../src/storage/migrations.ts';

describe('keyv store', () => {
  let dataDir: string;
  let db: Database;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-keyv-'));
    db = await openDatabase({ dataDir });
    // A new embedded database is born at the current schema (a copy of the template): emptied first.
    await db.query('DROP SCHEMA public CASCADE');
    await db.query('CREATE SCHEMA public');
  });
  afterAll(async () => {
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves creating its table to the migrations, and works once they have run', async () => {
    const keyv = createKeyvStore(db, { namespace: 'seam' });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the adapter's constructor work settles
    const table = `public.${KEYV_TABLE}`;
    expect(await db.query('SELECT to_regclass($1) AS t', [table])).toEqual([{ t: null }]);
    const error = await keyv.get('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe('42P01'); // undefined_table: the store did not create it

    await migrate(db);
    await keyv.set('a', { n: 1 });
    await keyv.set('b', { n: 2 });
    expect(await keyv.get('a')).toEqual({ n: 1 });
    expect(await listEntries(keyv, '')).toEqual([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
    ]);
  });
});
