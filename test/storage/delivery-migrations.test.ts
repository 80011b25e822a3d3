import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createDeliveryJournal } from '../../src/storage/delivery-journal.ts';
import { MIGRATIONS, migrate } from '../../src/storage/migrations.ts';
import { createOrderHistoryStore } from '../../src/storage/order-history-store.ts';
import { probeTestDatabase } from '../support/postgres.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A database as the release before delivery status left it: versions 1-3, one sent attempt. */
async function atVersion3(db: Database): Promise<void> {
  await db.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= 3)) {
    for (const statement of migration.sql) await db.query(statement);
    await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
      migration.version,
      migration.name,
    ]);
  }
  await db.query(
    `INSERT INTO send_journal (id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status,
       template_name, language_code, outcome, message_id, completed_at)
     VALUES ('old-1', 'TOLD', 'UAGENT', 'CORDERS', 'slack', '+91 •••• 3210', 'OLD-1', 'shipped', 'order_status', 'en',
       'sent', 'AOLD000000000001', now())`,
  );
}

async function expectUpgraded(db: Database) {
  const applied = await migrate(db);
  expect(applied).toEqual(expect.arrayContaining([6, 7]));
  const journal = createDeliveryJournal(db);
  expect(await journal.read('old-1')).toMatchObject({
    delivery_state: null,
    delivery_version: 0,
    slack_path: null,
    slack_version: 0,
    notice_state: null,
  });
  // Its delivery can be recorded now, and history finds it by reference.
  const applyResult = await journal.apply({
    workspaceId: 'TOLD',
    messageIds: ['AOLD000000000001'],
    status: 'delivered',
    state: 'delivered',
    at: new Date('2025-11-29T10:00:00Z'),
  });
  expect(applyResult).toEqual({ attemptId: 'old-1', recorded: true, version: 1 });
  const page = await createOrderHistoryStore(db).list('TOLD', { referenceId: 'OLD-1' }, 10);
  expect(page.entries.map((entry) => [entry.id, entry.delivery_state])).toEqual([['old-1', 'delivered']]);
}

describe('migrations 6 and 7 on a database from before delivery status', () => {
  it('add the delivery columns and tables to an existing embedded database, keeping its rows', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-migrate-67-'));
    const db = await openDatabase({ dataDir, logger: quiet });
    try {
      // A new embedded database is born at the current schema (a copy of the template): emptied first.
      await db.query('DROP SCHEMA public CASCADE');
      await db.query('CREATE SCHEMA public');
      await atVersion3(db);
      await expectUpgraded(db);
    } finally {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgUrl)('do the same on Postgres', async () => {
    const name = `orderstatus_migrate67_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(pgUrl as string);
    url.pathname = `/${name}`;
    const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent', logger: quiet });
    try {
      await atVersion3(db);
      await expectUpgraded(db);
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
