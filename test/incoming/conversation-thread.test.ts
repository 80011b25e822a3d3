import { describe, expect, it } from 'vitest';
import { REPLY_ACTION } from '../../src/slack/ids.ts';
import { buttonValue, textOf, waitUntil } from '../support/app-driver.ts';
import {
  customerSays,
  incomingRow,
  postsIn,
  QUICK_CONVERSATION,
  repliesUnder,
  settledRow,
  textMessage,
  useConversationApp,
} from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { incomingPayload } from '../support/kaleyra-incoming.ts';
import { ownStorageModes } from '../support/scratch-database.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A Postgres database of its own: other files' apps sweep customers' messages left pending, as this one does.
describe.each(await ownStorageModes('conversation'))(
  "customers' messages in the order's thread, on the %s",
  (_name, storage) => {
    const { t, login } = useConversationApp(storage);

    it('posts the customer’s text in the order’s thread with a Reply button, mentioning the agent on the first message only', async () => {
      const sent = await sendUpdate(t, 'CV-1', 'ACV10000000000001');
      expect(sent.via).toBe('channel');
      await customerSays(t, login(), { id: 'wamid.CV1-a' });
      const [first] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      const row = await settledRow(t, 'wamid.CV1-a');
      expect(textOf(first?.blocks)).toContain('<@UAGENT>');
      expect(textOf(first?.blocks)).toContain('*Samuel* (+91 •••• 3210)');
      expect(textOf(first?.blocks)).toContain('> Where is my parcel?');
      expect(textOf(first?.blocks)).not.toContain('9876543210');
      expect(buttonValue(first, REPLY_ACTION)).toBe(row.id);
      expect(row).toMatchObject({
        post_state: 'thread',
        slack_channel: sent.channel,
        slack_ts: first?.ts,
        slack_thread_ts: sent.ts,
      });
      const linked = await waitUntil(async () => (await incomingRow(t, 'wamid.CV1-a'))?.slack_permalink);
      expect(linked).toContain(`thread_ts=${sent.ts}`);

      await customerSays(t, login(), { id: 'wamid.CV1-b', message: textMessage('Hello? Anyone?') });
      const replies = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '', 2);
      expect(textOf(replies[1]?.blocks)).toContain('Hello? Anyone?');
      expect(textOf(replies[1])).not.toContain('<@UAGENT>');
      // Nothing about the order went anywhere but its thread.
      expect(
        t.slack.callsTo('chat.postMessage').filter((call) => call.body.thread_ts === undefined),
      ).toHaveLength(1);
    });

    it('shows a message carrying <!channel>, <@U123> and <https://evil|x> inert', async () => {
      const sent = await sendUpdate(t, 'CV-2', 'ACV20000000000001');
      const hostile = '<!channel> <@U123> <https://evil.example|click> @channel & @here';
      await customerSays(t, login(), { id: 'wamid.CV2', name: '<!here>', message: textMessage(hostile) });
      await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      const [call] = postsIn(t, sent.channel ?? '').filter((c) => c.body.thread_ts === sent.ts);
      const json = JSON.stringify(call?.body);
      for (const live of ['<!channel>', '<@U123>', '<https://evil', '<!here>'])
        expect(json).not.toContain(live);
      expect(json).toContain(
        '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; @\u2060channel &amp;',
      );
      expect(String(call?.body.unfurl_links)).toBe('false');
    });

    it('shows what each kind of message carries, in the order they came', async () => {
      const sent = await sendUpdate(t, 'CV-3', 'ACV30000000000001');
      const kinds: Array<[Record<string, unknown>, string, string?]> = [
        [
          { type: 'button', button: { text: 'Yes, today', payload: 'YES' } },
          'Tapped the quick reply *Yes, today*',
        ],
        [
          {
            type: 'interactive',
            interactive: { type: 'list_reply', list_reply: { id: '2', title: 'Reschedule' } },
          },
          'Chose *Reschedule*',
        ],
        [
          { type: 'image', image: { mime_type: 'image/jpeg', id: 'M1', caption: 'The box is torn' } },
          '*Photo* (image/jpeg): <https://media.kaleyra.example/box.jpg|open it>',
        ],
        [
          { type: 'document', document: { mime_type: 'application/pdf', id: 'M2', filename: 'invoice.pdf' } },
          '*Document* (application/pdf · invoice.pdf): <https://media.kaleyra.example/box.jpg|open it>',
        ],
        [
          { type: 'audio', audio: { mime_type: 'audio/ogg', id: 'M3' } },
          'Kaleyra sent no https link',
          'http',
        ],
        [{ type: 'sticker', sticker: { mime_type: 'image/webp', id: 'M4' } }, '*Sticker* (image/webp)'],
        [{ type: 'video', video: { mime_type: 'video/mp4', id: 'M5' } }, '*Video* (video/mp4)'],
        [
          { type: 'location', location: { latitude: 12.9716, longitude: 77.5946, name: 'Home' } },
          '<https://www.google.com/maps/search/?api=1&amp;query=12.9716,77.5946|Home>',
        ],
        [
          { type: 'reaction', reaction: { emoji: '👍', message_id: 'wamid.ours' } },
          'Reacted 👍 to a message',
        ],
        [{ type: 'contacts', contacts: [{ name: { formatted_name: 'Ravi' } }] }, 'Shared a contact: *Ravi*'],
        [{ type: 'unsupported' }, 'does not pass on to businesses'],
      ];
      for (const [i, [message, , media]] of kinds.entries()) {
        const mediaUrl =
          media === 'http'
            ? 'http://media.kaleyra.example/voice.ogg'
            : 'https://media.kaleyra.example/box.jpg';
        await customerSays(t, login(), { id: `wamid.CV3-${i}`, message, mediaUrl });
      }
      const replies = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '', kinds.length);
      for (const [i, [, shown]] of kinds.entries()) expect(textOf(replies[i]?.blocks)).toContain(shown);
      expect(textOf(replies[2]?.blocks)).toContain('> The box is torn');
      // Only the link: the app never fetched the media.
      expect(t.slack.calls.some((call) => call.method.startsWith('files.'))).toBe(false);
    });

    it('shows a callback Kaleyra retries (or two profiles send) once', async () => {
      const sent = await sendUpdate(t, 'CV-4', 'ACV40000000000001');
      const body = incomingPayload({ id: 'wamid.CV4' });
      const answers = await Promise.all([1, 2, 3].map(() => postCallback(t.url, body, login())));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      await customerSays(t, login(), { id: 'wamid.CV4' });
      await sleep(1500); // several sweeps
      expect(t.slack.repliesTo(sent.channel ?? '', sent.ts ?? '')).toHaveLength(1);
    });

    it('posts a message left pending (the process died between the 200 and the post) from the sweeper', async () => {
      const sent = await sendUpdate(t, 'CV-5', 'ACV50000000000001');
      // Recorded as the receiver records it, but nobody is told: what a crash right after the 200 leaves.
      const [recorded] = await t.server.services.incoming.record(t.team, [
        {
          messageId: 'wamid.CV5',
          from: '+919876543210',
          type: 'text',
          text: 'Left behind',
          sentAt: new Date(),
        },
      ]);
      expect(recorded?.inserted).toBe(true);
      expect((await incomingRow(t, 'wamid.CV5'))?.post_state).toBe('pending');
      const [reply] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      expect(textOf(reply?.blocks)).toContain('Left behind');
      expect(textOf(reply?.blocks)).toContain('<@UAGENT>');
      expect(await settledRow(t, 'wamid.CV5')).toMatchObject({ post_state: 'thread', post_tries: 1 });
    });

    it('tries again after Slack failed, and keeps the message for the admins after the last try', async () => {
      const sent = await sendUpdate(t, 'CV-6', 'ACV60000000000001');
      t.slack.setResponse('chat.postMessage', { ok: false, error: 'internal_error' });
      try {
        await customerSays(t, login(), { id: 'wamid.CV6-a' });
        await waitUntil(async () =>
          (await incomingRow(t, 'wamid.CV6-a'))?.post_note?.includes('internal_error'),
        );
      } finally {
        t.slack.restoreResponse('chat.postMessage');
      }
      const [reply] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      expect(textOf(reply?.blocks)).toContain('Where is my parcel?');
      const posted = await settledRow(t, 'wamid.CV6-a');
      expect(posted.post_state).toBe('thread');
      expect(posted.post_tries).toBeGreaterThanOrEqual(2);

      t.slack.setResponse('chat.postMessage', { ok: false, error: 'internal_error' });
      try {
        await customerSays(t, login(), { id: 'wamid.CV6-b' });
        const kept = await settledRow(t, 'wamid.CV6-b', 10_000);
        expect(kept).toMatchObject({ post_state: 'kept', post_tries: QUICK_CONVERSATION.maxTries });
        expect(kept.post_note).toContain(`after ${QUICK_CONVERSATION.maxTries} tries`);
      } finally {
        t.slack.restoreResponse('chat.postMessage');
      }
    });
  },
);
