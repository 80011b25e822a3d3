import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  command,
  healthz,
  type JsonRecord,
  outcomeOf,
  SETTINGS,
  textOf,
  waitUntil,
} from '../support/app-driver.ts';
import { callbackPayload, type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';
import { startTcpProxy, type TcpProxy, targetOf, viaProxy } from '../support/tcp-proxy.ts';

const pgUrl = await probeTestDatabase();
const body = callbackPayload({ status: 'delivered', messageId: 'AOUTAGE0000000001' });

describe.skipIf(!pgUrl)('callbacks and history while Postgres is unreachable', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let team: string;
  let login: Login;

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
    await waitUntil(async () => (await healthz(t.url)).body?.database === 'up', 10_000, 'database up');
    team = uniqueTeamId();
    t.slack.clear();
    await t.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    login = await t.server.services.callbackCredentials.rotate(team, 'UADMIN');
  });
  afterEach(() => proxy.restore());

  it('answers Kaleyra 503 within 1 s when the database is cut, and 200 again once it is back', async () => {
    proxy.cut();
    const during = await postCallback(t.url, body, login);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('5');
    expect(during.ms).toBeLessThan(2900); // the answer budget, not the pool's 3 s wait for a connection
    proxy.restore();
    await waitUntil(
      async () => (await postCallback(t.url, body, login)).status === 200,
      10_000,
      'a 200 again',
    );
  });

  it('answers 503 within the budget when the database hangs', async () => {
    // Looked up once, so the login is checked from memory and the recording is what hangs.
    expect((await postCallback(t.url, body, login)).status).toBe(200);
    proxy.stall();
    const during = await postCallback(t.url, body, login);
    expect(during.status).toBe(503);
    expect(during.ms).toBeLessThan(2900); // the answer budget, not the pool's 3 s wait for a connection
  });

  it('tells the asker that the history cannot be shown', async () => {
    proxy.cut();
    const asked = command({ slack: t.slack, url: t.url, team }, 'history 395001');
    expect((await asked.post()).status).toBe(200);
    const told = await outcomeOf(t, asked, 10_000);
    expect((told.body as JsonRecord).response_type).toBe('ephemeral');
    expect(textOf(told.body)).toContain('STORAGE_UNAVAILABLE');
    expect(textOf(told.body)).toContain('the history cannot be shown');
  });
});
