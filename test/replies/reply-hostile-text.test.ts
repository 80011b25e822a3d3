import { beforeEach, describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { storageModes, useTestApp, waitUntil } from '../support/app-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, acceptingSessionTextsAs } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { ago, clickReply, customerWrites, shownInThread, submitReply } from '../support/replies-driver.ts';

/**
 * A conversation whose words grow when Slack escapes them, against the fake Slack that refuses what Slack
 * refuses: the Reply form still opens, and the agent still sees the message_id of a reply that went out.
 */
const textOf = (value: unknown) => JSON.stringify(value);

describe.each(await storageModes())('a reply whose words grow when escaped, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  it('opens the Reply form for `R&D ` × 500 and posts the outcome of a reply of 3,000 `&` with its message_id', async () => {
    const order = await sendUpdate(t, 'RND-1', 'ARND00000000000000001');
    const incomingId = await customerWrites(t, login, {
      workspaceId: t.team,
      sentAgoMs: ago.hours(1),
      text: 'R&D '.repeat(500),
    });
    const shown = { channel: order.channel ?? '', ts: '1700000100.000100', threadTs: order.ts ?? '' };
    await shownInThread(t, incomingId, shown);

    const { view } = await clickReply(t, incomingId, { channelId: shown.channel, messageTs: shown.ts });
    expect(t.slack.refused.map((call) => [call.method, call.response])).toEqual([]);
    expect(view).toBeDefined();
    const quoted = ((view?.blocks ?? []) as Array<{ text?: { text?: string } }>)[0]?.text?.text ?? '';
    expect(quoted.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(quoted).toContain('> R&amp;D R&amp;D');

    t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AREPLYAMP00000000001')));
    const submitted = await submitReply(t, view, '&'.repeat(3000));
    expect(submitted.status).toBe(200);
    const outcome = await waitUntil(
      () =>
        t.slack
          .repliesTo(order.channel ?? '', order.ts ?? '')
          .find((message) => textOf(message).includes('AREPLYAMP00000000001')),
      5000,
      'the reply’s outcome, with its message_id, in the thread',
    );
    expect(textOf(outcome.blocks)).toContain('&amp;&amp;');
    expect(t.slack.refused.map((call) => [call.method, call.response])).toEqual([]);
  });
});
