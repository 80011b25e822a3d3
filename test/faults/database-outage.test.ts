import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import {
  command,
  healthz,
  type JsonRecord,
  outcomeOf,
  SETTINGS,
  textOf,
  waitUntil,
} from '../support/app-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';
import { startTcpProxy, type TcpProxy, targetOf, viaProxy } from '../support/tcp-proxy.ts';

const pgUrl = await probeTestDatabase();

/** Records uncaught exceptions and unhandled rejections in this process until `stop()`. */
function watchProcessErrors() {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

describe.skipIf(!pgUrl)('Postgres outage (through a TCP proxy that is cut and restored)', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let team: string;
  let watch: ReturnType<typeof watchProcessErrors>;

  /** Polls /healthz until it reports the database `state`; resolves with that answer. */
  const healthzSays = (state: 'up' | 'down', timeoutMs: number) =>
    waitUntil(
      async () => {
        const h = await healthz(t.url);
        return h.body?.database === state ? h : undefined;
      },
      timeoutMs,
      `healthz database ${state}`,
    );

  beforeAll(async () => {
    if (!pgUrl) return;
    proxy = await startTcpProxy(targetOf(pgUrl));
    t = await startTestApp({ kind: 'postgres', url: viaProxy(pgUrl, proxy) });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.close();
  });
  beforeEach(async () => {
    proxy.restore();
    await healthzSays('up', 10_000);
    team = uniqueTeamId();
    t.slack.clear();
    t.kaleyra.reset();
    await t.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    watch = watchProcessErrors();
  });
  afterEach(() => {
    watch.stop();
    proxy.restore();
  });

  const scrapeDatabaseUp = async () => {
    const text = await (await fetch(new URL('/metrics', t.url))).text();
    return /^orderstatus_database_up (\d)$/m.exec(text)?.[1];
  };

  const lostConnectionLogs = () => t.logs.filter((line) => line.includes('Database connection lost')).length;

  /** Sends `line` for this test's workspace and expects it to go out. */
  async function expectSent(line: string) {
    const sent = command(t, line, { teamId: team });
    await sent.post();
    expect(textOf((await outcomeOf(t, sent)).body)).toContain('message_id');
  }

  it('tells the agent at once, sends nothing, stays up and healthy, and sends again once the database is back', async () => {
    // A send first, so the pool holds idle connections when the link goes.
    await expectSent('+919876543210 DB-1 shipped');
    expect(proxy.openConnections).toBeGreaterThan(0);
    // The agent sees the outcome before the app has noted where it posted it: wait until the send's
    // work is done and every pooled connection is idle, so the cut lands on idle clients (whose
    // errors reach the pool's listener) rather than on that last statement.
    const { pool } = t.server.services.db;
    await waitUntil(
      () => t.server.services.tasks.size === 0 && pool.totalCount > 0 && pool.idleCount === pool.totalCount,
      5000,
      'the send finished and the pool idle',
    );
    const lostBefore = lostConnectionLogs();

    proxy.cut();
    // The idle clients' 'error' events reach the pool's listener (a crash would be an uncaught exception).
    await waitUntil(() => lostConnectionLogs() > lostBefore, 5000, 'pool error logged');

    const during = command(t, '+919876543210 DB-2 shipped', { teamId: team });
    const ack = await during.post();
    expect(ack.status).toBe(200);
    const told = await outcomeOf(t, during, 10_000);
    const body = told.body as JsonRecord;
    expect(body.response_type).toBe('ephemeral');
    expect(textOf(body)).toContain('cannot reach its database');
    expect(textOf(body)).toContain('STORAGE_UNAVAILABLE');
    expect(textOf(body)).not.toContain('NOT_CONFIGURED');
    expect(t.kaleyra.requests).toHaveLength(1);

    // Still serving: 200 with the database reported down.
    const health = await healthzSays('down', 4000);
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', database: 'down' });
    // …and so does /metrics, for the "database down" alert.
    expect(await scrapeDatabaseUp()).toBe('0');

    proxy.restore();
    const restoredAt = Date.now();
    await healthzSays('up', 5000);
    expect(Date.now() - restoredAt).toBeLessThan(5000);
    expect(await scrapeDatabaseUp()).toBe('1');

    const after = command(t, '+919876543210 DB-2 shipped', { teamId: team });
    await after.post();
    const sent = await outcomeOf(t, after);
    expect(sent.via).toBe('channel');
    expect(textOf(sent.body)).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(2);

    // The refused attempt left nothing half-written: two sends, two rows, both sent.
    const rows = await t.server.services.journal.list(team);
    expect(rows.map((row) => [row.reference_id, row.outcome]).sort()).toEqual([
      ['DB-1', 'sent'],
      ['DB-2', 'sent'],
    ]);
    expect(watch.errors).toEqual([]);
  });

  it('survives the link dropping under several idle pooled connections', async () => {
    // Open several connections at once, then let them go idle in the pool.
    await Promise.all(Array.from({ length: 6 }, () => t.server.services.journal.list(team)));
    const idle = proxy.openConnections;
    expect(idle).toBeGreaterThanOrEqual(2);
    const lostBefore = lostConnectionLogs();

    proxy.cut();
    await waitUntil(() => lostConnectionLogs() - lostBefore >= idle, 5000, 'every idle client error logged');
    // Give any stray 'error' event a moment to surface before checking nothing escaped.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(watch.errors).toEqual([]);
    const health = await healthzSays('down', 4000);
    expect(health.status).toBe(200);

    proxy.restore();
    await healthzSays('up', 5000);
    await expectSent('+919876543210 DB-3 processing');
    expect(watch.errors).toEqual([]);
  });

  it('posts the outcome when the link drops while Kaleyra is answering, and keeps the update guarded', async () => {
    let release: () => void = () => undefined;
    const kaleyraReached = new Promise<void>((resolve) => {
      t.kaleyra.respondWith(async () => {
        resolve();
        await new Promise<void>((done) => {
          release = done;
        });
        return acceptedAs('AMIDSENDCUT0000001');
      });
    });
    const sent = command(t, '+919876543210 DB-4 shipped', { teamId: team });
    await sent.post();
    await kaleyraReached;
    proxy.cut();
    release();

    // The customer got the message: the agent is told so, though the journal could not record it.
    const posted = await outcomeOf(t, sent, 10_000);
    expect(textOf(posted.body)).toContain('AMIDSENDCUT0000001');
    await waitUntil(
      () => t.logs.find((line) => line.includes('could not record the outcome of a send')),
      5000,
      'journal failure logged',
    );

    proxy.restore();
    await healthzSays('up', 5000);
    // The claim taken before the POST still holds: a repeat is refused, not sent twice.
    const repeat = command(t, '+919876543210 DB-4 shipped', { teamId: team });
    await repeat.post();
    const refused = await outcomeOf(t, repeat);
    expect(textOf(refused.body)).toContain('DUPLICATE');
    expect(t.kaleyra.requests).toHaveLength(1);
    expect(watch.errors).toEqual([]);
  });

  it('a stalled database (packets dropped, nothing refused): /healthz still answers 200 "down" within the probes\' 2 s', async () => {
    await Promise.all(Array.from({ length: 3 }, () => t.server.services.journal.list(team)));
    proxy.stall();
    const stalledAt = Date.now();
    const slowest: number[] = [];
    const health = await waitUntil(
      async () => {
        const started = Date.now();
        const h = await healthz(t.url);
        slowest.push(Date.now() - started);
        return h.body?.database === 'down' ? h : undefined;
      },
      5000,
      'healthz database down',
    );
    expect(health).toEqual({ status: 200, body: { status: 'ok', database: 'down' } });
    // Each check gives up on the stuck database instead of hanging (a probe's timeout is seconds).
    expect(Math.max(...slowest)).toBeLessThan(5000);
    expect(Date.now() - stalledAt).toBeLessThan(10_000);
    // While the first ping is still stuck, later checks answer at once instead of queueing more.
    const again = Date.now();
    expect((await healthz(t.url)).body?.database).toBe('down');
    expect(Date.now() - again).toBeLessThan(2000);

    proxy.restore();
    await healthzSays('up', 5000);
    await expectSent('+919876543210 DB-5 shipped');
    expect(watch.errors).toEqual([]);
  });

  it('opens the form and then says the database is down, instead of leaving it blank', async () => {
    proxy.cut();
    const form = command(t, '+919876543210', { teamId: team });
    expect((await form.post()).status).toBe(200);
    const update = await t.slack.waitFor((s) => s.callsTo('views.update')[0], 6000);
    expect(t.slack.callsTo('views.open')[0]?.body.view).toMatchObject({ callback_id: SEND_MODAL_CALLBACK });
    expect(textOf(update.body.view)).toContain('STORAGE_UNAVAILABLE');
    expect(watch.errors).toEqual([]);
  });
});
