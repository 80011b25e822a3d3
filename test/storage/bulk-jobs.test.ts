import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatusRequest } from '../../src/domain/order-status.ts';
import { createBulkJobs } from '../../src/storage/bulk-jobs.ts';
import { createBulkReports } from '../../src/storage/bulk-reports.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { DRAFT_SECONDS, pruneExpired } from '../../src/storage/retention.ts';
import { createSendJournal } from '../../src/storage/send-journal.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { createScratchDatabase } from '../support/scratch-database.ts';
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
          // A database of its own: the bulk workers of apps other test files start would lease these rows.
          const scratch = await createScratchDatabase(pgUrl, 'bulkjobs');
          const db = await openDatabase({ databaseUrl: scratch.url, dataDir: '/nonexistent', logger: quiet });
          const close = async () => {
            await db.close();
            await scratch.drop();
          };
          return { db, close };
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
  const reports = () => createBulkReports(opened.db, sealer);

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
    'marks a row whose lease ran out as retaken, and takes released rows back at once',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(3) });
      await jobs().queue(id, team);
      const mine = (list: Awaited<ReturnType<ReturnType<typeof jobs>['lease']>>) =>
        list.filter((r) => r.jobId === id);
      const first = mine(await jobs().lease(1000, 1));
      expect(first.map((row) => row.retaken)).toEqual([false, false, false]);
      // Given back untouched (a stopping process): pending again at once, and not retaken.
      await jobs().release(first.slice(0, 1));
      expect(mine(await jobs().lease(1000, 30)).map((row) => [row.line, row.retaken])).toEqual([[2, false]]);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(mine(await jobs().lease(1000, 30)).map((row) => [row.line, row.retaken])).toEqual([
        [3, true],
        [4, true],
      ]);
    },
  );

  it.skipIf(!open)('reports a finished job to exactly one caller, with one result line per row', async () => {
    const team = uniqueTeamId();
    const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(3) });
    await jobs().queue(id, team);
    const leased = (await jobs().lease(1000, 30)).filter((row) => row.jobId === id);
    const [first, second, third] = leased;
    if (!first || !second || !third) throw new Error('expected three rows');
    expect(await jobs().finishRow(first, { outcome: 'sent', messageId: 'M1', attemptId: 'A1' })).toBe(true);
    expect(await jobs().finishRow(first, { outcome: 'sent', messageId: 'M9' })).toBe(false);
    const claimMine = async () => {
      // Other tests' jobs may be ready too: claim until this one comes up or nothing is left.
      for (;;) {
        const job = await reports().claimReport(60);
        if (!job || job.id === id) return job;
        await reports().markReported(job.id);
      }
    };
    expect(await claimMine()).toBeUndefined();
    await jobs().finishRow(second, { outcome: 'failed', code: 'WA401' });
    await jobs().finishRow(third, { outcome: 'already_sent', messageId: 'M0' });
    expect(await reports().counts(id)).toEqual({
      pending: 0,
      sent: 1,
      already_sent: 1,
      failed: 1,
      unknown: 0,
      canceled: 0,
    });
    const claims = await Promise.all([claimMine(), claimMine()]);
    expect(claims.filter((job) => job?.id === id)).toHaveLength(1);
    expect(claims.find((job) => job?.id === id)).toMatchObject({ state: 'done', total: 3 });
    expect(await reports().results({ id, workspaceId: team })).toEqual([
      { line: 2, reference: 'R0', status: 'shipped', outcome: 'sent', messageId: 'M1', code: null },
      { line: 3, reference: 'R1', status: 'shipped', outcome: 'failed', messageId: null, code: 'WA401' },
      { line: 4, reference: 'R2', status: 'shipped', outcome: 'already_sent', messageId: 'M0', code: null },
    ]);
    await reports().markReported(id);
    expect(await claimMine()).toBeUndefined();
  });

  it.skipIf(!open)(
    'cancels what has not been sent, naming who, lets a row in flight finish, and only in its workspace',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(5) });
      await jobs().queue(id, team);
      const leased = (await jobs().lease(1000, 30)).filter((row) => row.jobId === id);
      const inFlight = leased.find((row) => row.line === 2);
      await jobs().release(leased.filter((row) => row.line !== 2));
      expect(await jobs().cancel(id, uniqueTeamId(), 'UOTHER')).toBe(false);
      expect(await jobs().cancel(id, team, 'UBOSS')).toBe(true);
      expect(await jobs().cancel(id, team, 'UBOSS')).toBe(false);
      expect(await jobs().get(id, team)).toMatchObject({ state: 'canceled', canceledBy: 'UBOSS' });
      if (inFlight) expect(await jobs().finishRow(inFlight, { outcome: 'sent', messageId: 'M1' })).toBe(true);
      expect(await jobs().lease(1000, 30)).not.toContainEqual(expect.objectContaining({ jobId: id }));
      expect(await reports().counts(id)).toMatchObject({ canceled: 4, sent: 1, pending: 0 });
    },
  );

  it.skipIf(!open)(
    'settles a row a dead process left from the journal: the attempt it began, or none',
    async () => {
      const team = uniqueTeamId();
      const id = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(4) });
      await jobs().queue(id, team);
      await jobs().lease(1000, 1);
      const journal = createSendJournal(opened.db, (_purpose, text) => text);
      const begin = (line: number, referenceId: string) =>
        journal.begin({
          workspaceId: team,
          actor: 'U1',
          source: 'bulk',
          origin: { bulkJobId: id, bulkLine: line },
          update: {
            to: request(line).to,
            referenceId,
            status: 'shipped',
            templateName: 'order_status',
            languageCode: 'en',
          },
          force: false,
        });
      const sent = await begin(2, `S${id}`);
      const lost = await begin(3, `L${id}`);
      const refused = await begin(4, `F${id}`);
      if (!sent.ok || !lost.ok || !refused.ok) throw new Error('expected three claims');
      await journal.complete(sent.attempt, { outcome: 'sent', messageId: 'MSENT' });
      await journal.complete(refused.attempt, { outcome: 'failed', code: 'WA401' });
      const found = await reports().earlierAttempts(id, [2, 3, 4, 5]);
      expect(Object.fromEntries(found)).toEqual({
        2: { outcome: 'sent', messageId: 'MSENT', attemptId: sent.attempt.attemptId },
        3: { outcome: 'unknown', code: 'INTERRUPTED', attemptId: lost.attempt.attemptId },
        4: { outcome: 'failed', code: 'WA401', attemptId: refused.attempt.attemptId },
      });
      // Canceled with its rows still leased by the dead process: they are its abandoned rows.
      await jobs().cancel(id, team, 'U1');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(await reports().abandonedRows(id)).toEqual([2, 3, 4, 5]);
    },
  );

  it.skipIf(!open)(
    'drops a checked file nobody sent after a day, and keeps a sent job as long as the journal',
    async () => {
      const team = uniqueTeamId();
      const draft = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(2) });
      const queued = await jobs().createDraft({ workspaceId: team, createdBy: 'U1', rows: rows(2) });
      await jobs().queue(queued, team);
      const age = async (id: string, seconds: number) =>
        opened.db.query(`UPDATE bulk_jobs SET created_at = now() - make_interval(secs => $2) WHERE id = $1`, [
          id,
          seconds,
        ]);
      await age(draft, DRAFT_SECONDS - 60);
      await age(queued, DRAFT_SECONDS + 60);
      await pruneExpired(opened.db, { retentionDays: 90, pauseMs: 0 });
      expect(await jobs().get(draft, team)).toBeDefined();
      await age(draft, DRAFT_SECONDS + 60);
      await pruneExpired(opened.db, { retentionDays: 90, pauseMs: 0 });
      expect(await jobs().get(draft, team)).toBeUndefined();
      expect(await opened.db.query('SELECT 1 FROM bulk_rows WHERE job_id = $1', [draft])).toHaveLength(0);
      expect(await jobs().get(queued, team)).toMatchObject({ state: 'queued' });
    },
  );
});
