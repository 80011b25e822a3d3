import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppFixture, SETTINGS } from '../support/app-driver.ts';
import { QUICK_CONVERSATION, repliesUnder, textMessage } from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { incomingPayload } from '../support/kaleyra-incoming.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const postgres = (await ownStorageModes('conversation_replicas'))[1]?.[1];

/** Two replicas on one Postgres and one Slack, both receiving Kaleyra's callbacks. */
describe.skipIf(!postgres)("customers' messages across two replicas", () => {
  let a: TestApp;
  let b: TestApp;
  const team = uniqueTeamId();
  let login: Login;
  const on = (app: TestApp): AppFixture => ({ ...app, team }) as AppFixture;

  beforeAll(async () => {
    if (postgres?.kind !== 'postgres') return;
    const options = { conversation: QUICK_CONVERSATION };
    a = await startTestApp(postgres, {}, options);
    // B posts to A's fake Slack: one workspace, whichever replica posts.
    b = await startTestApp(postgres, { SLACK_API_URL: a.slack.url }, options);
    await a.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    login = await a.server.services.callbackCredentials.rotate(team, 'UADMIN');
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('shows a message both replicas received (at once, and again) in the thread once', async () => {
    const sent = await sendUpdate(on(a), 'REPL-1', 'AREPL000000000001');
    const count = 5;
    for (let i = 0; i < count; i++) {
      const body = incomingPayload({ id: `wamid.REPL-${i}`, message: textMessage(`message ${i}`) });
      const answers = await Promise.all([a, b, a, b].map((app) => postCallback(app.url, body, login)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    }
    const replies = await repliesUnder(on(a), sent.channel ?? '', sent.ts ?? '', count);
    // Both sweepers look several times meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const final = a.slack.repliesTo(sent.channel ?? '', sent.ts ?? '');
    expect(final).toHaveLength(count);
    // Each once (across replicas the order is not promised: each posts what it recorded).
    const shown = final.map((reply) => JSON.stringify(reply.blocks).match(/message (\d)/)?.[1]);
    expect(shown.sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('<@UAGENT>');
    expect(final.filter((reply) => JSON.stringify(reply.blocks).includes('<@UAGENT>'))).toHaveLength(1);
  });
});
