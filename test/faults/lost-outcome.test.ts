import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_IN_FLIGHT_SECONDS } from '../../src/storage/send-journal.ts';
import {
  command,
  healthz,
  outcomeOf,
  SETTINGS,
  storageModes,
  testDatabaseUrl,
  textOf,
  waitUntil,
} from '../support/app-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import { createScratchDatabase } from '../support/scratch-database.ts';
import { type StorageMode, startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';
import { startTcpProxy, type TcpProxy, targetOf, viaProxy } from '../support/tcp-proxy.ts';

const pgUrl = await testDatabaseUrl();
type LogLine = Record<string, unknown>;

function parsedLogs(app: Pick<TestApp, 'logs'>): LogLine[] {
  return app.logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine];
    } catch {
      return [];
    }
  });
}

/** Makes Kaleyra accept the next send only once `cut` has run (the database going away mid-send). */
function acceptAfter(app: TestApp, messageId: string, cut: () => void): Promise<void> {
  return new Promise<void>((reached) => {
    app.kaleyra.respondWith(async () => {
      reached();
      cut();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return acceptedAs(messageId);
    });
  });
}

describe.skipIf(!pgUrl)('a send Kaleyra accepted while the database was away', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let team: string;

  beforeAll(async () => {
    if (!pgUrl) return;
    proxy = await startTcpProxy(targetOf(pgUrl));
    t = await startTestApp({ kind: 'postgres', url: viaProxy(pgUrl, proxy) });
    team = uniqueTeamId();
    await t.server.services.credentials.set(team, SETTINGS, 'UADMIN');
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });

  it('is recorded once the database is back, and its ids are logged together', async () => {
    const reached = acceptAfter(t, 'ALOSTOUTCOME000001', () => proxy.cut());
    const sent = command(t, '+919876543210 LOST-1 shipped', { teamId: team });
    await sent.post();
    await reached;
    // The agent hears the message_id although it could not be written down.
    expect(textOf((await outcomeOf(t, sent, 10_000)).body)).toContain('ALOSTOUTCOME000001');
    const failed = await waitUntil(
      () => parsedLogs(t).find((line) => String(line.msg).includes('could not record the outcome')),
      10_000,
      'the journal failure logged',
    );
    expect(failed).toMatchObject({ messageId: 'ALOSTOUTCOME000001', outcome: 'sent' });
    expect(failed.attemptId).toEqual(expect.any(String));
    // Logged once the outcome has been delivered (after trying to note where it was posted).
    const finished = await waitUntil(
      () => parsedLogs(t).find((line) => line.msg === 'order status send finished'),
      10_000,
      'the send logged',
    );
    expect(finished).toMatchObject({ attemptId: failed.attemptId, messageId: 'ALOSTOUTCOME000001' });

    // Down for a few seconds; nobody sends anything more; the row is completed when it returns.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    proxy.restore();
    const row = await waitUntil(
      async () => {
        const rows = await t.server.services.journal.list(team).catch(() => []);
        return rows.find((r) => r.id === failed.attemptId && r.outcome === 'sent');
      },
      20_000,
      'the journal row completed',
    );
    expect(row.message_id).toBe('ALOSTOUTCOME000001');
    const recorded = parsedLogs(t).find((line) => String(line.msg).includes('recorded the outcome'));
    expect(recorded).toMatchObject({ attemptId: failed.attemptId, messageId: 'ALOSTOUTCOME000001' });
  }, 40_000);
});

describe.skipIf(!pgUrl)('stopping while an outcome still waits to be recorded', () => {
  it('still drains within its bound, says which ids were left, and the next start reports them', async () => {
    // A database of its own: the report names the newest 20, and other tests' stale rows on the shared
    // one would crowd this attempt out of it.
    const scratch = await createScratchDatabase(pgUrl as string, 'lost');
    const own = scratch.url;
    const proxy = await startTcpProxy(targetOf(own));
    const storage = { kind: 'postgres' as const, url: viaProxy(own, proxy) };
    const first = await startTestApp(storage);
    let second: TestApp | undefined;
    try {
      const team = uniqueTeamId();
      await first.server.services.credentials.set(team, SETTINGS, 'UADMIN');
      const reached = acceptAfter(first, 'ASTOPPEDWHILEDOWN01', () => proxy.cut());
      const sent = command(first, '+919876543210 LOST-2 shipped', { teamId: team });
      await sent.post();
      await reached;
      await outcomeOf(first, sent, 10_000);
      const stopping = Date.now();
      await first.server.stop();
      expect(Date.now() - stopping).toBeLessThan(15_000);
      const gaveUp = parsedLogs(first).find((line) => String(line.msg).includes('gave up recording'));
      expect(gaveUp).toMatchObject({ messageId: 'ASTOPPEDWHILEDOWN01', outcome: 'sent' });

      proxy.restore();
      second = await startTestApp({ kind: 'postgres', url: own });
      // As a later start sees it, long after any send could have lasted.
      await second.server.services.db.query(
        'UPDATE send_journal SET created_at = now() - make_interval(secs => $2) WHERE id = $1',
        [gaveUp?.attemptId, STALE_IN_FLIGHT_SECONDS + 60],
      );
      await second.close();
      second = await startTestApp({ kind: 'postgres', url: own });
      const report = parsedLogs(second).find((line) => String(line.msg).includes('stuck in flight'));
      expect(report?.count).toEqual(expect.any(Number));
      expect(report?.attemptIds).toEqual(expect.arrayContaining([gaveUp?.attemptId]));
      await healthz(second.url);
    } finally {
      await first.close().catch(() => undefined);
      await second?.close();
      await proxy.close();
      await scratch.drop();
    }
  }, 60_000);
});

describe.each(await storageModes())('the start-up report on the %s', (_name, storage) => {
  it.skipIf(!storage)(
    'names the attempts stuck in flight, and only those',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-stuck-'));
      // On Postgres a database of its own, as above.
      const scratch =
        storage?.kind === 'postgres' ? await createScratchDatabase(storage.url, 'stuck') : undefined;
      const mode: StorageMode = scratch ? { kind: 'postgres', url: scratch.url } : (storage as StorageMode);
      const env = { DATA_DIR: dataDir };
      let app = await startTestApp(mode, env);
      const team = uniqueTeamId();
      const stuck = randomUUID();
      const recent = randomUUID();
      try {
        for (const [id, age] of [
          [stuck, STALE_IN_FLIGHT_SECONDS + 60],
          [recent, 5],
        ] as const) {
          await app.server.services.db.query(
            `INSERT INTO send_journal (id, workspace_id, actor, source, customer_masked, reference_id, status,
             template_name, language_code, outcome, created_at)
           VALUES ($1, $2, 'UAGENT', 'slack', '+91 •••• 3210', 'STUCK-1', 'shipped', 'order_status', 'en',
             'in_flight', now() - make_interval(secs => $3))`,
            [id, team, age],
          );
        }
        await app.close();
        app = await startTestApp(mode, env);
        const report = parsedLogs(app).find((line) => String(line.msg).includes('stuck in flight'));
        expect(report).toBeDefined();
        expect(report?.level).toBe(40);
        expect(Number(report?.count)).toBeGreaterThanOrEqual(1);
        expect(report?.attemptIds).toEqual(expect.arrayContaining([stuck]));
        expect(report?.attemptIds).not.toContain(recent);
      } finally {
        await app.close();
        await scratch?.drop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
