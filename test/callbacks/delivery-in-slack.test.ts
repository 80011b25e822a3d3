import { beforeEach, describe, expect, it } from 'vitest';
import { storageModes, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import { messageOf, messageSays, readRecord, report, sendUpdate } from '../support/delivery-driver.ts';
import type { SlackApiCall } from '../support/fake-slack.ts';
import { callbackPayload, type Login, postCallback } from '../support/kaleyra-callbacks.ts';

const settle = (ms = 1800) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(await storageModes())(
  'what the agent sees as WhatsApp reports delivery, on the %s',
  (_name, storage) => {
    const t = useTestApp(storage);
    let login: Login;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
      t.slack.setUser('UAGENT', {});
    });

    const updatesOf = (ts: string | undefined) =>
      t.slack.callsTo('chat.update').filter((call) => call.body.ts === ts);

    it('edits the one outcome message as it moves: sent, then Delivered with its time, then Read with its time', async () => {
      const sent = await sendUpdate(t, 'DS-1', 'ADS10000000000001');
      expect(sent.via).toBe('channel');
      expect(textOf(messageOf(t, sent))).toContain('waiting for WhatsApp');

      expect((await report(t, login, sent, 'sent', { timestamp: '1764412800' })).status).toBe(200);
      await messageSays(t, sent, 'WhatsApp accepted it and is delivering it');
      const delivered = await report(t, login, sent, 'delivered', { timestamp: '1764412860' });
      expect(delivered.status).toBe(200);
      await messageSays(t, sent, '*Delivered <!date^1764412860^');
      await report(t, login, sent, 'read', { timestamp: '1764412920' });
      const read = await messageSays(t, sent, '*Read <!date^1764412920^');
      expect(textOf(read)).toContain('delivered <!date^1764412860^');
      expect(String(read.text)).toContain('message_id: ADS10000000000001');
      expect(String(read.text)).toMatch(/— read$/);
      expect(read.edits).toBe(3);
      // Still the agent's outcome: who sent what, masked.
      expect(textOf(read)).toContain('<@UAGENT> sent *Shipped* for order `DS-1` to +91 •••• 3210');
      expect(textOf(read)).not.toContain('9876543210');
    });

    it('coalesces statuses that arrive together into one edit showing the last state', async () => {
      const sent = await sendUpdate(t, 'DS-2', 'ADS20000000000001');
      const answers = await Promise.all(
        ['read', 'sent', 'delivered'].map((status) => report(t, login, sent, status)),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      await messageSays(t, sent, '*Read');
      await settle();
      expect(updatesOf(sent.ts)).toHaveLength(1);
      // A repeat of every status changes nothing: no new edit.
      for (const status of ['sent', 'delivered', 'read']) await report(t, login, sent, status);
      await settle();
      expect(updatesOf(sent.ts)).toHaveLength(1);
    });

    it('a failure (131026) becomes the message, with the agent mentioned in a thread; a later delivered wins and is corrected in one line', async () => {
      const sent = await sendUpdate(t, 'DS-3', 'ADS30000000000001');
      await report(t, login, sent, 'sent');
      expect((await report(t, login, sent, 'failed', { errorCode: 131026 })).status).toBe(200);
      const failed = await messageSays(t, sent, 'Not delivered — 131026');
      expect(textOf(failed)).toContain('may not be on WhatsApp');
      expect(textOf(failed)).toContain('reach the customer another way');
      const [notice] = await waitUntil(() => {
        const replies = t.slack.repliesTo(sent.channel ?? '', sent.ts ?? '');
        return replies.length > 0 && replies;
      });
      expect(textOf(notice)).toContain('<@UAGENT>');
      expect(textOf(notice)).toContain('131026');

      // The phone got it after all.
      await report(t, login, sent, 'delivered', { timestamp: '1764413000' });
      const corrected = await messageSays(t, sent, '*Delivered <!date^1764413000^');
      expect(textOf(corrected)).not.toContain('Not delivered');
      expect(textOf(corrected)).toContain('had first reported it as failed');
      const replies = await waitUntil(() => {
        const all = t.slack.repliesTo(sent.channel ?? '', sent.ts ?? '');
        return all.length === 2 && all;
      });
      expect(textOf(replies[1])).toContain('Correction');
      // A failed after that changes nothing.
      await report(t, login, sent, 'failed', { errorCode: 131000 });
      await settle();
      expect(t.slack.repliesTo(sent.channel ?? '', sent.ts ?? '')).toHaveLength(2);
      expect(textOf(messageOf(t, sent))).toContain('*Delivered');
    });

    it('shows an unmapped code with Kaleyra’s own words, made inert: nothing in a callback is rendered unescaped', async () => {
      const sent = await sendUpdate(t, 'DS-9', 'ADS90000000000001');
      const body = JSON.parse(
        callbackPayload({
          status: 'failed',
          messageId: sent.messageId,
          errorCode: 135000,
        }),
      );
      const [status] = body.meta_object.value.statuses;
      status.errors[0].code = '135000<!channel>';
      status.errors[0].title = '<!channel> *gone* <https://evil.example|click>\u001b[31m';
      const answer = await postCallback(t.url, JSON.stringify(body), login);
      expect(answer.status).toBe(200);
      const failed = await messageSays(t, sent, 'Not delivered');
      const shown = textOf(failed);
      expect(shown).toContain('Not delivered — 135000channel');
      expect(shown).toContain('&lt;!channel&gt; *gone* &lt;https://evil.example|click&gt;');
      expect(shown).not.toContain('<!channel>');
      expect(shown).not.toContain('<https://evil');
      expect(shown).not.toContain('\\u001b');
    });

    it('Kaleyra’s not-sent turns the message into a failure named NOT_SENT', async () => {
      const sent = await sendUpdate(t, 'DS-4', 'ADS40000000000001');
      await report(t, login, sent, 'not-sent');
      const failed = await messageSays(t, sent, 'Not delivered — NOT_SENT');
      expect(textOf(failed)).toContain('Kaleyra did not pass the message on to WhatsApp');
    });

    it('a failure whose message cannot be edited (posted through the response_url) goes to the agent by DM', async () => {
      t.slack.setResponse('chat.postMessage', (call: SlackApiCall) =>
        call.body.channel === 'CNOTIN'
          ? { ok: false, error: 'not_in_channel' }
          : {
              ok: true,
              channel: `D${String(call.body.channel)}`,
              ts: `1700000001.${Date.now() % 1_000_000}`,
            },
      );
      try {
        const sent = await sendUpdate(t, 'DS-5', 'ADS50000000000001', { channelId: 'CNOTIN' });
        expect(sent.via).toBe('response_url');
        await report(t, login, sent, 'failed', { errorCode: 132001 });
        const dm = await waitUntil(() =>
          t.slack.callsTo('chat.postMessage').find((call) => call.body.channel === 'UAGENT'),
        );
        expect(textOf(dm.body)).toContain('Not delivered — 132001');
        expect(textOf(dm.body)).toContain('template');
        expect(t.slack.callsTo('chat.update')).toHaveLength(0);
      } finally {
        t.slack.restoreResponse('chat.postMessage');
      }
    });

    it('answers Kaleyra within 1 s and before any Slack call, while Slack takes 3 s per edit', async () => {
      const sent = await sendUpdate(t, 'DS-6', 'ADS60000000000001');
      let updateStarted = 0;
      t.slack.setResponse('chat.update', async (call: SlackApiCall) => {
        updateStarted = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 3000));
        return { ok: true, channel: call.body.channel, ts: call.body.ts };
      });
      try {
        const before = Date.now();
        const answer = await report(t, login, sent, 'delivered');
        expect(answer.status).toBe(200);
        expect(answer.ms).toBeLessThan(3000); // Slack takes 3 s per edit: the answer did not wait for it
        expect(updateStarted === 0 || updateStarted >= before + answer.ms - 5).toBe(true);
        await waitUntil(() => updatesOf(sent.ts).length === 1, 5000, 'the edit');
      } finally {
        t.slack.restoreResponse('chat.update');
      }
    });

    it('a Slack outage never fails the callback', async () => {
      const sent = await sendUpdate(t, 'DS-7', 'ADS70000000000001');
      t.slack.setResponse('chat.update', { ok: false, error: 'fatal_error' }, { status: 500 });
      try {
        const answer = await report(t, login, sent, 'failed', { errorCode: 131026 });
        expect(answer.status).toBe(200);
        expect(answer.ms).toBeLessThan(3000); // Slack takes 3 s per edit: the answer did not wait for it
        await waitUntil(() =>
          t.logs.find((line) => line.includes('could not bring a delivery state to Slack')),
        );
        expect((await readRecord(t, sent.attemptId))?.delivery_state).toBe('failed');
      } finally {
        t.slack.restoreResponse('chat.update');
      }
    });

    it('honours 429 Retry-After: waits as long as Slack asks, then edits once', async () => {
      const sent = await sendUpdate(t, 'DS-8', 'ADS80000000000001');
      const attempts: number[] = [];
      t.slack.setResponse(
        'chat.update',
        () => {
          attempts.push(Date.now());
          t.slack.setResponse('chat.update', (call: SlackApiCall) => {
            attempts.push(Date.now());
            return { ok: true, channel: call.body.channel, ts: call.body.ts };
          });
          return { ok: false, error: 'ratelimited' };
        },
        { status: 429, headers: { 'retry-after': '2' } },
      );
      await report(t, login, sent, 'delivered');
      await waitUntil(() => attempts.length >= 2, 8000, 'the edit after the wait');
      const [limited = 0, retried = 0] = attempts;
      expect(retried - limited).toBeGreaterThanOrEqual(1900);
      await settle(500);
      expect(attempts).toHaveLength(2);
      expect((await readRecord(t, sent.attemptId))?.slack_version).toBe(1);
      t.slack.restoreResponse('chat.update');
    });
  },
);
