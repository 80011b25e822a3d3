import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppFixture, command, outcomeOf, SETTINGS, textOf, waitUntil } from '../support/app-driver.ts';
import { CUSTOMER, customerSays, templateEvent } from '../support/consent-driver.ts';
import { type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { templateStatusPayload } from '../support/kaleyra-incoming.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

/**
 * Two replicas on one Postgres: what one of them heard from Kaleyra (a STOP, a pause) holds for the
 * other's very next send, with no cache to wait out; and an event both receive is announced once.
 */
describe.skipIf(!pgUrl)('consent and quality across two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let team: string;
  let login: Login;
  const on = (app: TestApp): AppFixture => ({ ...app, team }) as AppFixture;

  beforeAll(async () => {
    if (!pgUrl) return;
    a = await startTestApp({ kind: 'postgres', url: pgUrl });
    // B posts to A's fake Slack and sends to A's fake Kaleyra: one workspace, whichever replica acts.
    b = await startTestApp(
      { kind: 'postgres', url: pgUrl },
      { SLACK_API_URL: a.slack.url, KALEYRA_BASE_URL: a.kaleyra.url },
    );
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  beforeEach(async () => {
    team = uniqueTeamId();
    a.slack.clear();
    a.kaleyra.reset();
    await a.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    login = await a.server.services.callbackCredentials.rotate(team, 'UADMIN');
  });

  async function oneLinerOn(app: TestApp, reference: string) {
    const sent = command(on(app), `${CUSTOMER.e164} ${reference} shipped`);
    await sent.post();
    return textOf((await outcomeOf(on(a), sent)).body);
  }

  it('a STOP received by A is enforced by B’s next send at once; START on B lets A send again', async () => {
    // B has already read the workspace's settings (its credential cache is warm).
    expect(await oneLinerOn(b, 'REPL-0')).toContain('message_id');
    await customerSays(on(a), login, 'STOP');
    expect(await oneLinerOn(b, 'REPL-1')).toContain('OPTED_OUT');
    expect(a.kaleyra.requests).toHaveLength(1);
    await customerSays(on(b), login, 'START');
    expect(await oneLinerOn(a, 'REPL-2')).toContain('message_id');
    expect(a.kaleyra.requests).toHaveLength(2);
  });

  it('a template PAUSED received by B refuses A’s next send; the same event reaching both is announced once', async () => {
    const body = templateStatusPayload({ event: 'PAUSED', name: 'order_status', reason: 'LOW_QUALITY' });
    const answers = await Promise.all([postCallback(a.url, body, login), postCallback(b.url, body, login)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await oneLinerOn(a, 'REPL-3')).toContain('TEMPLATE_PAUSED');
    const toAdmin = () =>
      a.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'UADMIN');
    await waitUntil(() => toAdmin().length > 0, 5000, 'the announcement');
    // Both replicas sweep too: still one message.
    await Promise.all([a.server.app.slack.announcer.run(), b.server.app.slack.announcer.run()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(toAdmin()).toHaveLength(1);
    expect(textOf(toAdmin()[0]?.body)).toContain('LOW_QUALITY');

    await templateEvent(on(b), login, 'REINSTATED');
    expect(await oneLinerOn(a, 'REPL-4')).toContain('message_id');
    await waitUntil(() => toAdmin().length === 2, 5000, 'the second announcement');
  });
});
