import { describe, expect, it } from 'vitest';
import { REPLY_ACTION } from '../../src/slack/ids.ts';
import { buttonValue, configSubmissionBody, SETTINGS, textOf } from '../support/app-driver.ts';
import {
  customerSays,
  postsIn,
  settledRow,
  textMessage,
  useConversationApp,
} from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import { postToApp } from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

const REPLIES = 'C0REPLIES1';
const UNKNOWN_NUMBER = '14155550123';

// A Postgres database of its own: other files' apps sweep customers' messages left pending, as this one does.
describe.each(await ownStorageModes('fallbacks'))(
  "customers' messages no order's thread can take, on the %s",
  (_name, storage) => {
    const { t, login } = useConversationApp(storage);

    const withRepliesChannel = () =>
      t.server.services.credentials.set(t.team, { ...SETTINGS, repliesChannel: REPLIES }, 'UADMIN');
    const posted = (channel: string) => t.slack.waitFor(() => postsIn(t, channel)[0]);

    /** Runs `work` while `channel` refuses posts with `error`. */
    async function refusing<T>(channel: string, error: string, work: () => Promise<T>): Promise<T> {
      t.slack.refuseChannel(channel, error);
      try {
        return await work();
      } finally {
        t.slack.refuseChannel(channel, undefined);
      }
    }

    it('goes to the replies channel, saying why, when the order’s thread is archived', async () => {
      await withRepliesChannel();
      const sent = await sendUpdate(t, 'FB-1', 'AFB10000000000001');
      const row = await refusing(sent.channel ?? '', 'is_archived', async () => {
        await customerSays(t, login(), { id: 'wamid.FB1' });
        return settledRow(t, 'wamid.FB1');
      });
      const call = await posted(REPLIES);
      const text = textOf(call.body.blocks);
      expect(text).toContain('Could not post in the thread of order `FB-1` (`is_archived`).');
      expect(text).toContain('about order `FB-1`');
      expect(text).toContain('<@UAGENT>');
      expect(call.body.thread_ts).toBeUndefined();
      expect(buttonValue(call.body, REPLY_ACTION)).toBe(row.id);
      expect(row).toMatchObject({
        post_state: 'replies_channel',
        slack_channel: REPLIES,
        slack_thread_ts: null,
      });
      expect(row.post_note).toContain('is_archived');
    });

    it('goes to the replies channel when the order was sent from the CLI (it has no thread)', async () => {
      await withRepliesChannel();
      t.kaleyra.respondWith(acceptedAs('AFB20000000000001'));
      const outcome = await t.server.services.orderStatus.sendOrderStatus({
        workspaceId: t.team,
        request: { to: '+919876543210', referenceId: 'FB-2', status: 'shipped' },
        actor: { kind: 'cli' },
        force: false,
      });
      expect(outcome.ok).toBe(true);
      await customerSays(t, login(), { id: 'wamid.FB2' });
      const text = textOf((await posted(REPLIES)).body.blocks);
      expect(text).toContain('Order `FB-2` was sent from the CLI, so it has no Slack thread.');
      expect(text).not.toContain('<@');
    });

    it('posts a number no order explains in the replies channel, and that customer’s next message in its thread', async () => {
      await withRepliesChannel();
      await customerSays(t, login(), { id: 'wamid.FB3-a', from: UNKNOWN_NUMBER, name: 'Stranger' });
      const first = await posted(REPLIES);
      expect(textOf(first.body.blocks)).toContain('in the last 30 days matches it');
      expect(textOf(first.body.blocks)).toContain('*Stranger* (+1 •••• 0123)');
      const firstTs = (first.response as { ts: string }).ts;
      await settledRow(t, 'wamid.FB3-a');
      await customerSays(t, login(), {
        id: 'wamid.FB3-b',
        from: UNKNOWN_NUMBER,
        message: textMessage('Hello?'),
      });
      const second = await settledRow(t, 'wamid.FB3-b');
      expect(second).toMatchObject({ post_state: 'replies_channel', slack_thread_ts: firstTs });
      expect(postsIn(t, REPLIES)[1]?.body.thread_ts).toBe(firstTs);
    });

    it('keeps a number no order explains when no replies channel is set, and says why', async () => {
      await customerSays(t, login(), { id: 'wamid.FB4', from: UNKNOWN_NUMBER });
      const row = await settledRow(t, 'wamid.FB4');
      expect(row.post_state).toBe('kept');
      expect(row.post_note).toContain('in the last 30 days matches it');
      expect(row.post_note).toContain('No replies channel is set');
      expect(t.slack.callsTo('chat.postMessage')).toHaveLength(0);
    });

    it('DMs the agent when the thread is gone and no replies channel is set', async () => {
      const sent = await sendUpdate(t, 'FB-5', 'AFB50000000000001');
      const row = await refusing(sent.channel ?? '', 'channel_not_found', async () => {
        await customerSays(t, login(), { id: 'wamid.FB5' });
        return settledRow(t, 'wamid.FB5');
      });
      expect(row).toMatchObject({ post_state: 'dm', slack_channel: 'DUAGENT' });
      const text = textOf((await posted('UAGENT')).body.blocks);
      expect(text).toContain('(`channel_not_found`)');
      expect(text).toContain('No replies channel is set');
    });

    it('keeps the message when the replies channel refuses it too and there is no agent to DM, with both reasons', async () => {
      await withRepliesChannel();
      const row = await refusing(REPLIES, 'not_in_channel', async () => {
        await customerSays(t, login(), { id: 'wamid.FB6', from: UNKNOWN_NUMBER });
        return settledRow(t, 'wamid.FB6');
      });
      expect(row.post_state).toBe('kept');
      expect(row.post_note).toContain('matches it');
      expect(row.post_note).toContain(
        `The replies channel <#${REPLIES}> refused it too (\`not_in_channel\`)`,
      );
      expect(postsIn(t, REPLIES)).toHaveLength(1); // tried once, not again in the same channel
    });

    it('takes the replies channel an admin picks in the settings modal, and posts the next unmatched message there', async () => {
      t.slack.setUser('UBOSS', { is_admin: true });
      const { apiKey: _kept, ...withoutKey } = SETTINGS;
      const saved = await postToApp(
        t.url,
        configSubmissionBody(t.team, 'UBOSS', { ...withoutKey, repliesChannel: 'C0PICKED01' }),
        { signingSecret: SIGNING_SECRET },
      );
      expect(saved.status).toBe(200);
      expect(saved.text).toContain('<#C0PICKED01>');
      expect((await t.server.services.credentials.get(t.team))?.repliesChannel).toBe('C0PICKED01');
      await customerSays(t, login(), { id: 'wamid.FB7', from: UNKNOWN_NUMBER });
      expect(await settledRow(t, 'wamid.FB7')).toMatchObject({
        post_state: 'replies_channel',
        slack_channel: 'C0PICKED01',
      });
    });
  },
);
