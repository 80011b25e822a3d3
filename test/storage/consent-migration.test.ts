import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createConsentStore } from '../../src/storage/consent-store.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { MIGRATIONS, migrate } from '../../src/storage/migrations.ts';
import { createSendGuardStore } from '../../src/storage/send-guard-store.ts';
import { probeTestDatabase } from '../support/postgres.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const OPTED_OUT_AT = new Date('2026-11-01T10:00:00Z');
const NUMBER = { workspaceId: 'TOLD', businessNumber: '+919876500000', customerHash: 'hash-1' };

/** A database as the release before version 17 left it: one number opted out by its STOP. */
async function atVersion15(db: Database): Promise<void> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 15)) {
    for (const statement of migration.sql) await db.query(statement);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
  await db.query(
    `INSERT INTO opt_outs (workspace_id, business_number, customer_hash, customer_masked, since, changed_by, reason)
     VALUES ($1, $2, $3, '+91 •••• 3210', $4, 'customer', 'STOP')`,
    [NUMBER.workspaceId, NUMBER.businessNumber, NUMBER.customerHash, OPTED_OUT_AT],
  );
}

async function expectUpgraded(db: Database) {
  // Every step after 15 runs, 17 among them.
  expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 15).map((m) => m.version));
  expect(MIGRATIONS.some((m) => m.version === 17)).toBe(true);
  expect(await migrate(db)).toEqual([]);
  const consent = createConsentStore(db);
  const guard = createSendGuardStore(db);
  const optedOut = async () =>
    (await guard.read({ ...NUMBER, templateName: undefined })).optOut?.reason === 'STOP';
  expect(await optedOut()).toBe(true);
  expect(await consent.count(NUMBER.workspaceId, NUMBER.businessNumber)).toBe(1);

  const start = (id: string, causeAt: Date) =>
    consent.apply({
      ...NUMBER,
      id,
      customerMasked: '+91 •••• 3210',
      action: 'opt_in',
      changedBy: 'customer',
      reason: 'START',
      causeAt,
    });
  // A START written before the old opt-out was recorded changes nothing; one written after lifts it.
  expect(await start('start-1', new Date(OPTED_OUT_AT.getTime() - 60_000))).toMatchObject({
    journaled: true,
    changed: false,
    late: true,
  });
  expect(await optedOut()).toBe(true);
  expect(await start('start-2', new Date(OPTED_OUT_AT.getTime() + 60_000))).toMatchObject({
    journaled: true,
    changed: true,
    late: false,
  });
  expect(await optedOut()).toBe(false);
  expect(await consent.count(NUMBER.workspaceId, NUMBER.businessNumber)).toBe(0);
}

describe('migration 17 on a database with opt-outs from before it', () => {
  it('keeps each opt-out, decided as of when it was recorded (embedded store)', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-migrate-17-'));
    const db = await openDatabase({ dataDir, logger: quiet });
    try {
      // A new embedded folder is born at the current schema: back to an empty one first.
      await db.query('DROP SCHEMA public CASCADE');
      await db.query('CREATE SCHEMA public');
      await atVersion15(db);
      await expectUpgraded(db);
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgUrl)('does the same on Postgres', async () => {
    const name = `orderstatus_migrate17_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(pgUrl as string);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: quiet });
    try {
      await atVersion15(db);
      await expectUpgraded(db);
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
