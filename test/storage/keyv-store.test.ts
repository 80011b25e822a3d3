import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createKeyvStore, KEYV_TABLE, listEntries } from '../../src/storage/keyv-store.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { killableUrl, recordingLogger } from './database-fixtures.ts';

const databaseUrl = await probeTestDatabase();

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

// Keyv's connections are the Database pool's, whose 'error' listener keeps a connection dropped while
// idle from crashing the process (an unlistened pool's 'error' is an uncaught exception: it would fail
// this file). After the cut, the next operation connects afresh.
describe.skipIf(!databaseUrl)('keyv store on Postgres, its connections cut', () => {
  it('survives the server killing its idle connections, and works on', async () => {
    const { url, kill } = killableUrl(databaseUrl ?? '');
    const logger = recordingLogger();
    const db = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent', logger });
    try {
      const keyv = createKeyvStore(db, { namespace: 'cut' });
      await Promise.all([keyv.set('a', { n: 1 }), keyv.set('b', { n: 2 }), keyv.get('a')]);
      expect(db.pool.idleCount).toBeGreaterThan(0);

      expect(await kill(db.pool)).toBeGreaterThan(0);

      expect(await keyv.get('a')).toEqual({ n: 1 });
      expect(logger.lines.join('\n')).toMatch(/connection lost/);
    } finally {
      await db.close();
    }
  });
});

describe('keyv store on the embedded database, its owner gone and back', () => {
  it('rejects while the database is away (never "missing"), then works on once it is back', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-keyv-cut-'));
    // The first opener serves the database; the second reaches it over its socket, as the CLI does.
    const owner = await openDatabase({ dataDir: dir });
    await migrate(owner);
    const logger = recordingLogger();
    const reaching = await openDatabase({ dataDir: dir, logger });
    let newOwner: Database | undefined;
    try {
      const keyv = createKeyvStore(reaching, { namespace: 'cut' });
      await Promise.all([keyv.set('a', { n: 1 }), keyv.get('a')]);
      expect(reaching.pool.idleCount).toBeGreaterThan(0);

      const lost = new Promise((resolve) => reaching.pool.once('error', resolve));
      await owner.close();
      await lost;
      await expect(keyv.get('a')).rejects.toBeInstanceOf(StorageError);

      newOwner = await openDatabase({ dataDir: dir });
      expect(await keyv.get('a')).toEqual({ n: 1 });
      expect(logger.lines.join('\n')).toMatch(/connection lost/);
    } finally {
      await reaching.close();
      await newOwner?.close();
      await owner.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
