import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import { PRUNE_BATCH_SIZE } from '../../src/storage/retention.ts';
import {
  command,
  outcomeOf,
  SETTINGS,
  storageModes,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { postToApp } from '../support/slack-request.ts';
import {
  SIGNING_SECRET,
  type StorageMode,
  startTestApp,
  type TestApp,
  uniqueTeamId,
} from '../support/start-app.ts';

const DAY = 24 * 60 * 60;

/** `count` journal rows of `team`, `ageSeconds` old, in one statement; returns their ids' prefix. */
async function insertRows(db: Database, team: string, count: number, ageSeconds: number): Promise<string> {
  const prefix = randomUUID();
  await db.query(
    `INSERT INTO send_journal (id, workspace_id, actor, source, customer_masked, reference_id, status,
       template_name, language_code, outcome, completed_at, created_at)
     SELECT $1 || '-' || n, $2, 'UAGENT', 'slack', '+91 •••• 3210', 'OLD-' || n, 'shipped', 'order_status',
            'en', 'sent', now(), now() - make_interval(secs => $4)
       FROM generate_series(1, $3::int) AS n`,
    [prefix, team, count, ageSeconds],
  );
  return prefix;
}

/** `count` customers' messages of `team` that arrived `ageSeconds` ago; returns their ids' prefix. */
async function insertIncoming(
  db: Database,
  team: string,
  count: number,
  ageSeconds: number,
): Promise<string> {
  const prefix = randomUUID();
  await db.query(
    `INSERT INTO incoming_messages (id, workspace_id, message_id, customer_hash, customer_masked, customer_sealed,
       type, text, sent_at, received_at, post_state)
     SELECT $1 || '-' || n, $2, 'wamid.' || $1 || '-' || n, 'hash', '+91 •••• 3210', 'sealed', 'text',
            'Where is my parcel?', now() - make_interval(secs => $4), now() - make_interval(secs => $4), 'thread'
       FROM generate_series(1, $3::int) AS n`,
    [prefix, team, count, ageSeconds],
  );
  return prefix;
}

/** A payment event of `team` and its order's state, heard `ageSeconds` ago; returns the order reference. */
async function insertPayment(db: Database, team: string, ageSeconds: number): Promise<string> {
  const reference = `PAY-${randomUUID().slice(0, 8)}`;
  await db.query(
    `WITH state AS (
       INSERT INTO payment_states (workspace_id, reference_id, event_id, event_key, kind, rank, facts, event_at, updated_at)
       VALUES ($1, $2, $2, $2, 'captured', 3, '{"refunds":[]}', now(), now() - make_interval(secs => $3))
     )
     INSERT INTO payment_events (id, workspace_id, reference_id, event_key, kind, facts, event_at, received_at, applied)
     VALUES ($2, $1, $2, $2, 'captured', '{"refunds":[]}', now(), now() - make_interval(secs => $3), true)`,
    [team, reference, ageSeconds],
  );
  return reference;
}

async function countRows(db: Database, table: string, where: string, params: unknown[]): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.n ?? 0);
}

describe.each(await storageModes())('journal retention on the %s', (_name, storage) => {
  it.skipIf(!storage)(
    'deletes what is older than JOURNAL_RETENTION_DAYS soon after start, in small batches, while sends go on',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-retention-'));
      const env = { DATA_DIR: dataDir, JOURNAL_RETENTION_DAYS: '30' };
      const mode = storage as StorageMode;
      let app: TestApp = await startTestApp(mode, env);
      const team = uniqueTeamId();
      try {
        const { db } = app.server.services;
        const old = await insertRows(db, team, 1200, 31 * DAY);
        const kept = await insertRows(db, team, 3, 29 * DAY);
        const oldMessages = await insertIncoming(db, team, 600, 31 * DAY);
        const newMessages = await insertIncoming(db, team, 2, 29 * DAY);
        const oldPayment = await insertPayment(db, team, 31 * DAY);
        const newPayment = await insertPayment(db, team, 29 * DAY);
        const nonce = randomUUID().replace(/-/g, '').slice(0, 22);
        await db.query(
          `INSERT INTO used_buttons (nonce, workspace_id, expires_at) VALUES
             ($1, $3, now() - interval '1 hour'), ($2, $3, now() + interval '1 hour')`,
          [`${nonce.slice(0, 20)}ex`, `${nonce.slice(0, 20)}ok`, team],
        );
        await db.query(
          `INSERT INTO send_claims (dedupe_key, attempt_id, claimed_at) VALUES
             ($1, $3, now() - interval '1 day'), ($2, $3, now())`,
          [`expired-${nonce}`, `live-${nonce}`, `${kept}-1`],
        );
        // A restart: retention runs shortly after start, in the background.
        await app.close();
        app = await startTestApp(mode, env);
        await app.server.services.credentials.set(team, SETTINGS, 'UADMIN');
        const during = command(app, '+919876543210 RET-1 shipped', { teamId: team });
        await during.post();
        expect(textOf((await outcomeOf(app, during, 10_000)).body)).toContain('message_id');

        const pruned = await waitUntil(
          () => app.logs.find((line) => line.includes('pruned the journal')),
          30_000,
          'the retention run',
        );
        const line = JSON.parse(pruned) as Record<string, number>;
        expect(line.journalRows).toBeGreaterThanOrEqual(1200);
        expect(line.incomingMessages).toBeGreaterThanOrEqual(600);
        expect(line.batches).toBeGreaterThanOrEqual(3);
        const now = app.server.services.db;
        expect(await countRows(now, 'send_journal', 'id LIKE $1', [`${old}-%`])).toBe(0);
        expect(await countRows(now, 'send_journal', 'id LIKE $1', [`${kept}-%`])).toBe(3);
        expect(await countRows(now, 'incoming_messages', 'id LIKE $1', [`${oldMessages}-%`])).toBe(0);
        expect(await countRows(now, 'incoming_messages', 'id LIKE $1', [`${newMessages}-%`])).toBe(2);
        for (const table of ['payment_events', 'payment_states']) {
          expect(await countRows(now, table, 'reference_id = $1', [oldPayment]), table).toBe(0);
          expect(await countRows(now, table, 'reference_id = $1', [newPayment]), table).toBe(1);
        }
        expect(
          await countRows(now, 'send_journal', 'workspace_id = $1 AND reference_id = $2', [team, 'RET-1']),
        ).toBe(1);
        expect(await countRows(now, 'used_buttons', 'workspace_id = $1', [team])).toBe(1);
        expect(await countRows(now, 'send_claims', 'dedupe_key = $1', [`expired-${nonce}`])).toBe(0);
        expect(await countRows(now, 'send_claims', 'dedupe_key = $1', [`live-${nonce}`])).toBe(1);
      } finally {
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});

describe.each(await storageModes())('uninstalling on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  it("deletes the workspace's journal, claims, customers' messages, payments and used buttons, and no other workspace's", async () => {
    const other = uniqueTeamId();
    await t.server.services.credentials.set(other, SETTINGS, 'UADMIN');
    for (const [team, reference] of [
      [t.team, 'UNINSTALL-1'],
      [t.team, 'UNINSTALL-2'],
      [other, 'UNINSTALL-3'],
    ] as const) {
      const sent = command(t, `+919876543210 ${reference} shipped`, { teamId: team });
      await sent.post();
      await outcomeOf(t, sent);
    }
    const { db, journal } = t.server.services;
    const ids = (await journal.list(t.team)).map((row) => row.id);
    expect(ids).toHaveLength(2);
    await insertIncoming(db, t.team, PRUNE_BATCH_SIZE + 1, 60);
    await insertIncoming(db, other, 1, 60);
    await db.query(
      `INSERT INTO used_buttons (nonce, workspace_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
      [randomUUID().replace(/-/g, '').slice(0, 22), t.team],
    );
    for (const team of [t.team, other]) await insertPayment(db, team, 60);
    const body = JSON.stringify({
      token: 'fake-verification-token',
      team_id: t.team,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'EvUninstall',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_uninstalled' },
    });
    const response = await postToApp(t.url, body, {
      signingSecret: SIGNING_SECRET,
      contentType: 'application/json',
    });
    expect(response.status).toBe(200);
    await waitUntil(async () => (await journal.list(t.team)).length === 0, 5000, 'the journal deleted');
    expect(await countRows(db, 'send_claims', 'attempt_id = ANY($1)', [ids])).toBe(0);
    // Deleted last, in batches of their own.
    await waitUntil(
      async () => (await countRows(db, 'incoming_messages', 'workspace_id = $1', [t.team])) === 0,
      5000,
      'the customers’ messages deleted',
    );
    expect(await countRows(db, 'used_buttons', 'workspace_id = $1', [t.team])).toBe(0);
    expect(await countRows(db, 'incoming_messages', 'workspace_id = $1', [other])).toBe(1);
    for (const table of ['payment_events', 'payment_states']) {
      expect(await countRows(db, table, 'workspace_id = $1', [t.team]), table).toBe(0);
      expect(await countRows(db, table, 'workspace_id = $1', [other]), table).toBe(1);
    }
    expect((await journal.list(other)).map((row) => row.reference_id)).toEqual(['UNINSTALL-3']);
  });
});
