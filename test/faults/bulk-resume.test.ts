import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openServices } from '../../src/services/open-services.ts';
import { SETTINGS, testDatabaseUrl, waitUntil } from '../support/app-driver.ts';
import {
  bulkCsv,
  checkedView,
  confirmBulk,
  progressMessage,
  resultRows,
  resultUpload,
  submitBulkFile,
} from '../support/bulk-driver.ts';
import { type FakeKaleyra, referenceIdOf, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';
import { BOT_TOKEN, SIGNING_SECRET, TEST_ENCRYPTION_KEY, uniqueTeamId } from '../support/start-app.ts';

const ENTRY = 'test/support/bulk-server-entry.ts';
const ROWS = 120;
/** Rows a server has claimed and not finished at any moment: one per lane of its bulk worker. */
const LANES = 6;

const pgUrl = await testDatabaseUrl();

type Store = { env: Record<string, string>; close(): Promise<void> };
const stores: Array<[string, string, (() => Promise<Store>) | undefined]> = [
  [
    'a second server on the same Postgres',
    'another replica',
    pgUrl
      ? async () => {
          const scratch: ScratchDatabase = await createScratchDatabase(pgUrl, 'sigkill');
          return {
            env: { DATABASE_URL: scratch.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY },
            close: () => scratch.drop(),
          };
        }
      : undefined,
  ],
  [
    'the server restarted on the same embedded database',
    'the restarted process',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-sigkill-'));
      return { env: { DATA_DIR: dataDir }, close: () => rm(dataDir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(stores)('a bulk job stopped mid-way (SIGKILL, SIGTERM), resumed by %s', (_name, who, open) => {
  let slack: FakeSlack;
  let kaleyra: FakeKaleyra;
  let store: Store;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    if (!open) return;
    slack = await startFakeSlack();
    kaleyra = await startFakeKaleyra();
    store = await open();
  });
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all([slack?.close(), kaleyra?.close()]);
    await store?.close();
  });

  const env = (extra: Record<string, string> = {}) => ({
    ...store.env,
    DATA_DIR: store.env.DATA_DIR ?? path.join(tmpdir(), 'orderstatus-sigkill-unused'),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.url,
    KALEYRA_BASE_URL: kaleyra.url,
    // Slow enough that the signal lands mid-job with rows in flight.
    KALEYRA_RATE_LIMIT: '30',
    ...extra,
  });
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServerProcess(env(extra), { entry: ENTRY, timeoutMs: 60_000 });
    servers.push(server);
    return server;
  };

  /** A configured workspace, and Kaleyra answering in 300 ms (so rows are in flight when the signal comes). */
  async function prepare() {
    const team = uniqueTeamId();
    const services = await openServices(loadConfig(env()), createLogger({ level: 'silent' }), {
      migrate: true,
    });
    await services.credentials.set(team, SETTINGS, 'UADMIN');
    await services.close();
    kaleyra.reset();
    slack.clear();
    kaleyra.respondWith((request) => ({
      status: 202,
      body: JSON.stringify({ code: 'WA202', data: { message_id: `M-${referenceIdOf(request)}` } }),
      delayMs: 300,
    }));
    return { team, prefix: `K${Math.random().toString(36).slice(2, 6).toUpperCase()}-` };
  }

  /** Starts a job of `rows` rows through `server`'s Slack flow and waits until a third of them went out. */
  async function startJob(server: ServerProcess, team: string, prefix: string, rows = ROWS): Promise<string> {
    const target = { slack, url: server.url, signingSecret: SIGNING_SECRET };
    const { viewId } = await submitBulkFile(target, { team, csv: bulkCsv(rows, prefix) });
    const { jobId } = await checkedView(target, viewId);
    if (!jobId) throw new Error('no confirmation');
    await confirmBulk(target, { team, jobId });
    await waitUntil(() => kaleyra.requests.length >= rows / 3, 20_000, 'a third of the rows sent');
    return jobId;
  }

  function finished(jobId: string, timeoutMs: number) {
    return waitUntil(
      () => {
        const message = progressMessage(slack, jobId);
        const upload = message && resultUpload(slack, message);
        return message && upload ? { message, rows: resultRows(upload) } : undefined;
      },
      timeoutMs,
      'the job summary and its result file',
    );
  }

  /** The references Kaleyra was sent, each once at most (no duplicate across the processes). */
  function sentOnce(prefix: string): string[] {
    const sent = kaleyra.requests
      .map(referenceIdOf)
      .filter((ref): ref is string => ref?.startsWith(prefix) === true);
    expect(new Set(sent).size).toBe(sent.length);
    return sent;
  }

  it.skipIf(!open)(
    `${who} sends every row the killed one had not, none twice, and reports the job`,
    async () => {
      const { team, prefix } = await prepare();
      const first = await start();
      const jobId = await startJob(first, team, prefix);

      first.child.kill('SIGKILL');
      expect(await first.stop()).toBeNull();
      const sentByFirst = kaleyra.requests.length;
      expect(sentByFirst).toBeLessThan(ROWS);
      // As if the restart came after the duplicate guard's 10 minutes: its claims are gone, so only the
      // journal (which names each attempt's job and line) keeps a row the killed process sent from going twice.
      const between = await openServices(loadConfig(env()), createLogger({ level: 'silent' }));
      const freed = await between.db.query('DELETE FROM send_claims RETURNING 1');
      await between.close();
      expect(freed.length).toBeGreaterThanOrEqual(sentByFirst);

      const second = await start();
      const { message, rows } = await finished(jobId, 60_000);
      const sent = sentOnce(prefix);
      // No gap: every row has an outcome, and every row not sent is one the killed process was sending
      // (it may have reached the customer: reported as unknown, never sent again).
      expect(rows).toHaveLength(ROWS);
      const byOutcome = (outcome: string) => rows.filter((row) => row.outcome === outcome);
      expect(byOutcome('sent').length + byOutcome('unknown').length).toBe(ROWS);
      expect(byOutcome('unknown').length).toBeLessThanOrEqual(LANES);
      if (process.env.BULK_DEBUG)
        console.log(`${who}: ${sentByFirst} sent before the kill, ${byOutcome('unknown').length} unknown`);
      for (const row of byOutcome('sent')) {
        expect(sent).toContain(row.reference);
        expect(row.message_id).toBe(`M-${row.reference}`);
      }
      for (const row of rows.filter((r) => !sent.includes(r.reference ?? ''))) {
        expect(row.outcome).toBe('unknown');
      }
      // Logged once the report is marked done, just after the upload the wait above saw.
      await waitUntil(() => second.output().includes('bulk job reported'), 5_000, 'the report logged');
      expect(JSON.stringify(message.blocks)).toContain('Bulk send finished');
      await second.stop();
    },
    120_000,
  );

  it.skipIf(!open)(
    `killed while its rows wait for their rate slots: ${who} finds unknown only the POSTs that were in flight`,
    async () => {
      const { team, prefix } = await prepare();
      // A tight budget (5/s) and a 300 ms Kaleyra: at most two POSTs are in flight at any moment, while
      // every other lane of the worker holds a row waiting for its slot.
      const open = new Set<string>();
      kaleyra.respondWith(async (request) => {
        const reference = referenceIdOf(request) ?? '';
        open.add(reference);
        await new Promise((resolve) => setTimeout(resolve, 300));
        open.delete(reference);
        return {
          status: 202,
          body: JSON.stringify({ code: 'WA202', data: { message_id: `M-${reference}` } }),
        };
      });
      const rows = 36;
      const first = await start({ KALEYRA_RATE_LIMIT: '5' });
      const jobId = await startJob(first, team, prefix, rows);
      first.child.kill('SIGKILL');
      const inFlight = new Set(open);
      expect(await first.stop()).toBeNull();
      const reached = new Set(kaleyra.requests.map((request) => referenceIdOf(request) ?? ''));

      const second = await start({ KALEYRA_RATE_LIMIT: '5' });
      const { rows: results } = await finished(jobId, 60_000);
      const sent = sentOnce(prefix);
      expect(results).toHaveLength(rows);
      const unknown = results.filter((row) => row.outcome === 'unknown').map((row) => row.reference);
      if (process.env.BULK_DEBUG)
        console.log(
          `${who}: ${reached.size} reached Kaleyra, ${inFlight.size} in flight, unknown ${unknown}`,
        );
      // Every other row was sent exactly once, by one process or the other; none unknown was sent again.
      expect(results.filter((row) => row.outcome === 'sent')).toHaveLength(rows - unknown.length);
      for (const row of results.filter((r) => r.outcome === 'sent')) expect(sent).toContain(row.reference);
      // Unknown: only what was in flight. A row may also be unknown when the kill fell in the instant
      // between its journal entry and its POST, or between Kaleyra's answer and its outcome being
      // written: at most one such row, as the 5/s budget spaces the sends 200 ms apart.
      expect(unknown.length).toBeLessThanOrEqual(3);
      expect(unknown.filter((ref) => !reached.has(ref ?? '')).length).toBeLessThanOrEqual(1);
      expect(unknown.filter((ref) => !inFlight.has(ref ?? '')).length).toBeLessThanOrEqual(1);
      await second.stop();
    },
    120_000,
  );

  it.skipIf(!open)(
    `SIGTERM finishes the rows in flight and gives the rest back at once: ${who} sends them all, none unknown`,
    async () => {
      const { team, prefix } = await prepare();
      // A lease far longer than the test: only a row given back can be taken by the next process in time.
      const long = { TEST_BULK_LEASE_SECONDS: '300' };
      const first = await start(long);
      const jobId = await startJob(first, team, prefix);
      first.child.kill('SIGTERM');
      expect(await first.stop()).toBe(0);
      expect(first.output()).toContain('orderstatus stopped');

      const second = await start(long);
      const { rows } = await finished(jobId, 30_000);
      const sent = sentOnce(prefix);
      expect(sent).toHaveLength(ROWS);
      expect(rows.map((row) => row.outcome)).toEqual(Array.from({ length: ROWS }, () => 'sent'));
      await second.stop();
    },
    120_000,
  );
});
