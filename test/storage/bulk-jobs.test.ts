import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatusRequest } from '../../src/domain/order-status.ts';
import { createBulkJobs } from '../../src/storage/bulk-jobs.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const sealer = createSealer(createCipher(parseEncryptionKeys(Buffer.alloc(32, 5).toString('base64'))));

type Opened = { db: Database; close(): Promise<void> };
const stores: Array<[string, (() => Promise<Opened>) | undefined]> = [
  [
    'embedded store',
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-bulk-'));
      const db = await openDatabase({ dataDir, logger: quiet });
      await migrate(db);
      const close = async () => {
        await db.close();
        await rm(dataDir, { recursive: true, force: true });
      };
      return { db, close };
    },
  ],
  [
    'Postgres',
    pgUrl
      ? async () => {
          const db = await openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
          return { db, close: () => db.close() };
        }
      : undefined,
  ],
];

const request = (i: number): OrderStatusRequest => ({
  to: `+9198765${String(43000 + i).padStart(5, '0')}`,
  referenceId: `R${i}`,
  status: 'shipped',
});
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ line: i + 2, request: request(i) }));

describe.each(stores)('bulk jobs on the %s', (_name, open) => {
  let opened: Opened;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const jobs = () => createBulkJobs(opened.db, sealer);

  it.skipIf(!open)('keeps a draft unsent until it is queued, and only by its own workspace', async () => {
    const team = uniqueTeamId();
    const id = await jobs().createDraft({
      workspaceId: team,
      createdBy: 'U1',
      channelId: 'C1',
      rows: rows(3),
    });
    expect(await jobs().lease(100, 30)).not.toContainEqual(expect.objectContaining({ jobId: id }));
    expect(await jobs().queue(id, uniqueTeamId())).toBe(false);
    expect(await jobs().queue(id, team)).toBe(true);
    expect(await jobs().queue(id, team)).toBe(false);
    expect(await jobs().get(id, team)).toMatchObject({
      state: 'queued',
      total: 3,
      channelId: 'C1',
      createdBy: 'U1',
    });
  });

  it.skipIf(!open)('stores no customer number readable, and reads each row back in file order', async () => {
    const team = uniqueTeamId();
    const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(4) });
    const stored = await opened.db.query<{ request: string }>(
      'SELECT request FROM bulk_rows WHERE job_id = $1',
      [id],
    );
    expect(JSON.stringify(stored)).not.toContain('98765');
    await jobs().queue(id, team);
    const leased = (await jobs().lease(1000, 30)).filter((row) => row.jobId === id);
    expect(leased.map((row) => [row.line, row.request?.referenceId])).toEqual([
      [2, 'R0'],
      [3, 'R1'],
      [4, 'R2'],
      [5, 'R3'],
    ]);
    expect(leased[0]).toMatchObject({ workspaceId: team, createdBy: 'U1', request: request(0) });
  });

  it.skipIf(!open)(
    'leases each row to one taker at a time; a lease that runs out is taken again',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(20) });
      await jobs().queue(id, team);
      const [a, b] = await Promise.all([jobs().lease(1000, 1), jobs().lease(1000, 1)]);
      const mine = (list: Awaited<ReturnType<ReturnType<typeof jobs>['lease']>>) =>
        list.filter((r) => r.jobId === id);
      const lines = [...mine(a ?? []), ...mine(b ?? [])].map((row) => row.line).sort((x, y) => x - y);
      expect(lines).toEqual(rows(20).map((row) => row.line));
      expect(mine(await jobs().lease(1000, 30))).toEqual([]);
      // The taker "dies": after the lease runs out the rows are leased again, and nothing is lost.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(mine(await jobs().lease(1000, 30))).toHaveLength(20);
    },
  );

  it.skipIf(!open)(
    'counts outcomes, finishes the job for exactly one caller, and lists results',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(3) });
      await jobs().queue(id, team);
      const leased = (await jobs().lease(1000, 30)).filter((row) => row.jobId === id);
      const [first, second, third] = leased;
      if (!first || !second || !third) throw new Error('expected three rows');
      expect(await jobs().finishRow(first, { outcome: 'sent', messageId: 'M1', attemptId: 'A1' })).toBe(true);
      expect(await jobs().finishRow(first, { outcome: 'sent', messageId: 'M9' })).toBe(false);
      expect(await jobs().finishJobIfComplete(id)).toBe(false);
      await jobs().finishRow(second, { outcome: 'failed', code: 'WA401' });
      await jobs().finishRow(third, { outcome: 'already_sent', messageId: 'M0' });
      expect(await jobs().counts(id)).toEqual({
        pending: 0,
        sent: 1,
        already_sent: 1,
        failed: 1,
        unknown: 0,
        canceled: 0,
      });
      const finishers = await Promise.all([jobs().finishJobIfComplete(id), jobs().finishJobIfComplete(id)]);
      expect(finishers.filter(Boolean)).toHaveLength(1);
      expect(await jobs().results(id)).toEqual([
        { line: 2, outcome: 'sent', messageId: 'M1', code: null },
        { line: 3, outcome: 'failed', messageId: null, code: 'WA401' },
        { line: 4, outcome: 'already_sent', messageId: 'M0', code: null },
      ]);
    },
  );

  it.skipIf(!open)(
    'cancels what has not been sent, lets a row in flight finish, and only in its workspace',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(5) });
      await jobs().queue(id, team);
      const [inFlight] = (await jobs().lease(1000, 30)).filter((row) => row.jobId === id && row.line === 2);
      expect(await jobs().cancel(id, uniqueTeamId())).toBe(false);
      expect(await jobs().cancel(id, team)).toBe(true);
      if (inFlight) expect(await jobs().finishRow(inFlight, { outcome: 'sent', messageId: 'M1' })).toBe(true);
      expect(await jobs().lease(1000, 30)).not.toContainEqual(expect.objectContaining({ jobId: id }));
      const counts = await jobs().counts(id);
      expect(counts.canceled + counts.sent + counts.pending).toBe(5);
      expect(counts.sent).toBe(1);
    },
  );
});
