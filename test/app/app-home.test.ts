import { describe, expect, it } from 'vitest';
import { HASH_PURPOSES } from '../../src/domain/keyed-hash.ts';
import {
  CONFIG_MODAL_CALLBACK,
  HISTORY_VIEW,
  HOME_HISTORY_ACTION,
  HOME_SETTINGS_ACTION,
} from '../../src/slack/ids.ts';
import { command, outcomeOf, storageModes, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import { customerSays, incomingRow, settledRow } from '../support/conversation-driver.ts';
import { report, sendUpdate } from '../support/delivery-driver.ts';
import { KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import type { SlackApiCall } from '../support/fake-slack.ts';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { clickHomeButton, openAppHome, viewOf } from '../support/slack-surfaces.ts';

const PUBLIC_URL = 'https://orders.example.com';

type Block = { type: string; accessory?: { action_id?: string; value?: string } };

describe.each(await storageModes())('the App Home on the %s', (_name, storage) => {
  const t = useTestApp(storage, { env: { PUBLIC_URL } });

  /** Opens the Home tab as `userId`; resolves the views.publish it caused, and how long that took. */
  async function openHome(userId: string) {
    const before = t.slack.callsTo('views.publish').length;
    const started = Date.now();
    expect((await openAppHome(t, userId)).status).toBe(200);
    const publish = await t.slack.waitFor((s) => s.callsTo('views.publish')[before], 5000);
    const took = Date.now() - started;
    const view = viewOf(publish);
    const blocks = view.blocks as Block[];
    expect(publish.body.user_id).toBe(userId);
    expect(view.type).toBe('home');
    expect(blocks.length).toBeLessThanOrEqual(100);
    return { publish, took, view, blocks, text: textOf(view) };
  }

  const historyButtons = (blocks: Block[]) =>
    blocks.filter((b) => b.accessory?.action_id === HOME_HISTORY_ACTION).map((b) => b.accessory?.value);

  async function send(line: string, userId = 'UAGENT') {
    const sent = command(t, line, { userId });
    await sent.post();
    return outcomeOf(t, sent);
  }

  it('shows an agent the workspace and their own last 10 sends, fresh on each open, within 3 s, and nothing for admins', async () => {
    t.slack.setUser('UAGENT', { team_id: t.team });
    for (let i = 1; i <= 11; i++) await send(`+919876543210 HOME-${i} shipped`);
    await send('+919876543210 SOMEONE-ELSE shipped', 'UOTHER');

    const first = await openHome('UAGENT');
    expect(first.took).toBeLessThan(3000);
    expect(first.text).toContain('India (IN)');
    expect(first.text).toContain('+91 •••• 0000');
    expect(first.text).not.toContain('9876500000');
    expect(first.text).toContain('order_status');
    // Exactly the newest 10 of this agent's 11, newest first; not the other agent's.
    expect(historyButtons(first.blocks)).toEqual(Array.from({ length: 10 }, (_, i) => `HOME-${11 - i}`));
    // Not an admin: checked with users.info, and no admin part at all.
    expect(t.slack.callsTo('users.info').map((c) => c.body.user)).toContain('UAGENT');
    expect(first.text).not.toContain(HOME_SETTINGS_ACTION);
    expect(first.text).not.toContain('/kaleyra/callbacks');
    expect(first.text).not.toContain('Last 24 hours');

    await send('+919876543210 HOME-12 shipped');
    const again = await openHome('UAGENT');
    expect(historyButtons(again.blocks)[0]).toBe('HOME-12');
  });

  it('shows admins the Settings button, the callback setup and the last 24 h counts by code', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const delivered = await sendUpdate(t, 'COUNT-1', 'ACOUNT00000000000001');
    const read = await sendUpdate(t, 'COUNT-2', 'ACOUNT00000000000002');
    const failed = await sendUpdate(t, 'COUNT-3', 'ACOUNT00000000000003');
    await report(t, login, delivered, 'delivered');
    await report(t, login, read, 'read');
    await report(t, login, failed, 'failed', { errorCode: 131026 });
    t.kaleyra.respondWith({ status: 401, body: KALEYRA_RESPONSES.wa401.body });
    await send('+919876543210 COUNT-4 shipped');
    await send('+919876543210 COUNT-1 shipped'); // the duplicate guard stops it
    await waitUntil(async () => (await t.server.services.callbackCredentials.show(t.team))?.lastCallbackAt);

    const home = await openHome('UADMIN');
    const settings = home.blocks.find((b) => b.accessory?.action_id === HOME_SETTINGS_ACTION);
    expect(settings).toBeDefined();
    expect(home.text).toContain(`${PUBLIC_URL}/kaleyra/callbacks`);
    expect(home.text).toContain(login.username);
    expect(home.text).not.toContain(login.password);
    expect(home.text).toContain('Sent 3 · delivered 2 · read 1 · duplicates stopped 1');
    expect(home.text).toContain('Refused by Kaleyra: `WA401` ×1');
    expect(home.text).toContain('Not delivered by WhatsApp: `131026` ×1');
    expect(home.text).not.toContain('NO_CALLBACKS');
  });

  it('warns admins when sends got no callback for an hour, and stops once one arrives', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    await send('+919876543210 QUIET-1 shipped');
    const [attempt] = await t.server.services.journal.list(t.team);
    await send('+919876543210 QUIET-2 shipped');
    await t.server.services.db.query(
      `UPDATE send_journal SET created_at = now() - interval '61 minutes' WHERE id = $1`,
      [attempt?.id],
    );
    const silent = await openHome('UADMIN');
    expect(silent.text).toContain('NO_CALLBACKS');
    expect(silent.text).toContain('none has ever arrived');
    // The send made a moment ago is not counted: its callbacks may still be on their way.
    expect(silent.text).toContain('1 update sent since');

    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const callback = await postCallback(t.url, '{"status":"sent","message_id":"ANOBODY00000000009"}', login);
    expect(callback.status).toBe(200);
    await waitUntil(async () => (await t.server.services.callbackCredentials.show(t.team))?.lastCallbackAt);
    const heard = await openHome('UADMIN');
    expect(heard.text).not.toContain('NO_CALLBACKS');
  });

  it('a send’s button shows that order’s whole history in the workspace, as /orderstatus history does', async () => {
    await send('+919876543210 HIST-1 processing');
    await send('+919876543210 HIST-1 shipped', 'UOTHER');
    const home = await openHome('UAGENT');
    expect(historyButtons(home.blocks)).toEqual(['HIST-1']);

    expect(
      (await clickHomeButton(t, { userId: 'UAGENT', actionId: HOME_HISTORY_ACTION, value: 'HIST-1' })).status,
    ).toBe(200);
    const open = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    const view = viewOf(open);
    expect(view.callback_id).toBe(HISTORY_VIEW);
    expect(textOf(view)).toContain('History of order `HIST-1`');
    expect(textOf(view)).toContain('(2 updates)');
    expect(textOf(view)).toContain('<@UOTHER>');
  });

  it('the Settings button opens the settings for an admin only, checked again on the click', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    await clickHomeButton(t, { userId: 'UADMIN', actionId: HOME_SETTINGS_ACTION });
    const opened = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(viewOf(opened).callback_id).toBe(CONFIG_MODAL_CALLBACK);

    // A click sent by someone who is not (or no longer) an admin gets no settings.
    t.slack.setUser('UAGENT', { team_id: t.team });
    await clickHomeButton(t, { userId: 'UAGENT', actionId: HOME_SETTINGS_ACTION });
    const refused = await t.slack.waitFor((s) => s.callsTo('views.open')[1]);
    expect(viewOf(refused).callback_id).not.toBe(CONFIG_MODAL_CALLBACK);
    expect(textOf(viewOf(refused))).toContain('Only workspace admins and owners');
    expect(t.slack.callsTo('users.info').map((c) => c.body.user)).toEqual(['UADMIN', 'UAGENT']);
  });

  it('is published within 3 s when Slack is slow to say who is an admin, without the admin part', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    t.slack.setResponse('users.info', async (call: SlackApiCall) => {
      await new Promise((resolve) => setTimeout(resolve, 4000));
      return { ok: true, user: { id: call.body.user, is_admin: true } };
    });
    try {
      const home = await openHome('UADMIN');
      expect(home.took).toBeLessThan(3000);
      expect(home.text).toContain('Could not check your Slack role');
      expect(home.text).not.toContain(HOME_SETTINGS_ACTION);
      expect(home.text).toContain('India (IN)');
    } finally {
      t.slack.restoreResponse('users.info');
    }
  });

  it('says when the workspace is not set up, and publishes nothing for the Messages tab', async () => {
    await t.server.services.credentials.delete(t.team);
    expect((await openAppHome(t, 'UAGENT', { tab: 'messages' })).status).toBe(200);
    const home = await openHome('UAGENT');
    expect(home.text).toContain('Not set up yet');
    expect(home.text).toContain('/orderstatus config');
    expect(home.text).toContain('You have not sent any update');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.slack.callsTo('views.publish')).toHaveLength(1);
  });

  it('lists the customers waiting for an answer with a link to the thread, until an agent answers', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const sent = await sendUpdate(t, 'WAIT-1', 'AWAIT0000000000001');
    await customerSays(t, login, { id: 'wamid.WAIT-1a' });
    await customerSays(t, login, { id: 'wamid.WAIT-1b' });
    await settledRow(t, 'wamid.WAIT-1b');
    const permalink = await waitUntil(async () => (await incomingRow(t, 'wamid.WAIT-1b'))?.slack_permalink);
    const waiting = await openHome('UAGENT');
    expect(waiting.text).toContain('Waiting for an answer');
    expect(waiting.text).toContain('*+91 •••• 3210* · order `WAIT-1` · 2 messages');
    expect(waiting.text).toContain(`<${permalink.replace(/&/g, '&amp;')}|open the thread>`);
    // Not what the customer wrote: the thread may be in a channel this person is not in.
    expect(waiting.text).not.toContain('Where is my parcel?');

    // An agent's session text to the customer, as the reply path journals it.
    const { journal, keyedHash } = t.server.services;
    const begun = await journal.begin({
      workspaceId: t.team,
      actor: 'UAGENT',
      source: 'slack',
      force: false,
      customerHash: keyedHash(HASH_PURPOSES.customerNumber, '+919876543210'),
      text: {
        to: '+919876543210',
        body: 'It leaves today.',
        referenceId: 'WAIT-1',
        parentId: sent.attemptId,
      },
    });
    if (!begun.ok) throw new Error('the answer was not journaled');
    await journal.complete(begun.attempt, { outcome: 'sent', messageId: 'AWAIT0000000000002' });
    const answered = await openHome('UAGENT');
    expect(answered.text).not.toContain('|open the thread>');
    expect(answered.text).toContain('No customer is waiting for an answer.');
  });

  it('shows admins the customers’ messages kept for want of a replies channel, with their count', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    for (const id of ['wamid.KEPT-1', 'wamid.KEPT-2']) {
      await customerSays(t, login, { id, from: '14155550123', name: '<!channel>' });
      expect((await settledRow(t, id)).post_state).toBe('kept');
    }
    const admin = await openHome('UADMIN');
    expect(admin.text).toContain('Customers’ messages not shown in Slack: 2*');
    expect(admin.text).toContain('&lt;!channel&gt;');
    expect(admin.text).not.toContain('<!channel>');
    expect(admin.text).toContain('Where is my parcel?');
    expect(admin.text).toContain('in the last 30 days matches it');
    expect(admin.text).toContain('Pick a replies channel');
    t.slack.setUser('UAGENT', { team_id: t.team });
    expect((await openHome('UAGENT')).text).not.toContain('not shown in Slack');
  });
});
