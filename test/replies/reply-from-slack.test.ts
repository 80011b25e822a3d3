import { beforeEach, describe, expect, it } from 'vitest';
import { WINDOW_CLOSED_NEXT_STEP, WINDOW_CLOSED_SUMMARY } from '../../src/describe/describe-refusal.ts';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { buildReplyModalMetadata } from '../../src/slack/views/reply-modal.ts';
import { SETTINGS, storageModes, useTestApp, waitUntil } from '../support/app-driver.ts';
import { report, type SentUpdate, sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, acceptingSessionTextsAs, sessionTextIssues } from '../support/fake-kaleyra.ts';
import type { PostedMessage } from '../support/fake-slack.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { ago, clickReply, customerWrites, shownInThread, submitReply } from '../support/replies-driver.ts';

const textOf = (value: unknown) => JSON.stringify(value);

describe.each(await storageModes())(
  'an agent replies from the order’s thread, on the %s',
  (_name, storage) => {
    const t = useTestApp(storage);
    let login: Login;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    });

    /** An order sent, the customer's answer `sentAgoMs` ago shown in its thread; the Reply button's message ts. */
    async function conversation(reference: string, sentAgoMs: number, text?: string) {
      const order = await sendUpdate(t, reference, `A${reference.replace(/\W/g, '')}000000000001`);
      const incomingId = await customerWrites(t, login, {
        workspaceId: t.team,
        sentAgoMs,
        ...(text ? { text } : {}),
      });
      const shown = { channel: order.channel ?? '', ts: '1700000100.000100', threadTs: order.ts ?? '' };
      await shownInThread(t, incomingId, shown);
      return { order, incomingId, shown };
    }

    const thread = (order: SentUpdate) => t.slack.repliesTo(order.channel ?? '', order.ts ?? '');
    const replyOutcome = (order: SentUpdate, needle: string) =>
      waitUntil(
        () => thread(order).find((message) => textOf(message).includes(needle)),
        5000,
        `a thread message saying ${needle}`,
      );
    /** orderstatus_replies_total{outcome} as GET /metrics reads now. */
    async function replies(outcome: string): Promise<number> {
      const text = await (await fetch(new URL('/metrics', t.url))).text();
      const series = `orderstatus_replies_total{outcome="${outcome}"} `;
      const line = text.split('\n').find((l) => l.startsWith(series));
      return line ? Number(line.slice(series.length)) : 0;
    }
    const sessionTexts = () =>
      t.kaleyra.requests.filter((request) => textOf(request.body).includes('"type":"text"'));

    it('opens the modal at once: the customer’s words quoted and escaped, an input of Slack’s 3,000 characters at most, the time left', async () => {
      const { incomingId, shown } = await conversation(
        'RPL-1',
        ago.hours(2),
        'Not here <!channel> & <@U1|x>',
      );
      const { ack, ackMs, view } = await clickReply(t, incomingId, {
        channelId: shown.channel,
        messageTs: shown.ts,
        threadTs: shown.threadTs,
      });
      expect(ack.status).toBe(200);
      expect(ackMs).toBeLessThan(3000); // Slack's limit
      expect(view?.callback_id).toBe('orderstatus_reply_modal');
      const shownText = textOf(view);
      expect(shownText).toContain('> Not here &lt;!channel&gt; &amp; &lt;@U1|x&gt;');
      expect(shownText).not.toContain('<!channel>');
      expect(shownText).toContain('about order `RPL-1`');
      expect(shownText).toContain(`"max_length":${SLACK_LIMITS.inputMaxLength}`);
      expect(shownText).toMatch(/\((21 h 59 min|22 h) left\)/);
      expect(shownText).not.toContain('9876543210');
    });

    it('sends exactly the document’s session text, posts the outcome in the thread naming who replied, and edits it as WhatsApp delivers', async () => {
      const { order, incomingId, shown } = await conversation('RPL-2', ago.hours(1));
      const { view } = await clickReply(t, incomingId, { channelId: shown.channel, messageTs: shown.ts });
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AREPLY00000000000001')));
      const submitted = await submitReply(t, view, '  Your parcel leaves the depot today.\nSorry <!here>.  ');
      expect(submitted.status).toBe(200);
      expect(submitted.text).toBe('');

      const outcome = await replyOutcome(order, 'AREPLY00000000000001');
      const [request] = sessionTexts();
      expect(request && sessionTextIssues(request)).toEqual([]);
      const [row] = await t.server.services.journal.list(t.team, 1);
      expect(request?.path).toBe(`/v2/${SETTINGS.sid}/whatsapp/${SETTINGS.businessNumber}/messages`);
      expect(request?.headers['api-key']).toBe(SETTINGS.apiKey);
      expect(request?.body).toEqual({
        messaging_object: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '+919876543210',
          type: 'text',
          text: { preview_url: false, body: 'Your parcel leaves the depot today.\nSorry <!here>.' },
        },
        extra_info: { ref: t.team, ref1: 'UOTHER', ref2: row?.id },
      });
      // The journal: kind text, the reply's words, the order it answers.
      const [journaled] = await t.server.services.db.query<Record<string, unknown>>(
        'SELECT kind, body, parent_id, reference_id, outcome, message_id FROM send_journal WHERE id = $1',
        [row?.id],
      );
      expect(journaled).toEqual({
        kind: 'text',
        body: 'Your parcel leaves the depot today.\nSorry <!here>.',
        parent_id: order.attemptId,
        reference_id: 'RPL-2',
        outcome: 'sent',
        message_id: 'AREPLY00000000000001',
      });
      expect(outcome.text).toMatch(/^:white_check_mark: <@UOTHER> replied on WhatsApp to \+91 •••• 3210/);
      expect(textOf(outcome)).toContain('Sorry &lt;!here&gt;.');
      expect(textOf(outcome)).not.toContain('<!here>');
      expect(textOf(outcome)).not.toMatch(/Shipped|template/);

      await report(t, login, { messageId: 'AREPLY00000000000001', attemptId: row?.id ?? '' }, 'delivered', {
        timestamp: '1764412860',
      });
      const edited = await waitUntil(
        () => {
          const now = t.slack.messageAt(outcome.channel, outcome.ts);
          return now && textOf(now).includes('Delivered') ? now : undefined;
        },
        5000,
        'the reply’s outcome to say Delivered',
      );
      expect(edited.edits).toBeGreaterThan(0);
      expect(textOf(edited)).toContain('replied on WhatsApp');
      expect(textOf(edited)).toContain('Delivered <!date^1764412860^');
    });

    it('sends a double submit once and tells the agent', async () => {
      const { order, incomingId, shown } = await conversation('RPL-3', ago.hours(3));
      const before = { sent: await replies('sent'), duplicate: await replies('duplicate') };
      const { view } = await clickReply(t, incomingId, { channelId: shown.channel, messageTs: shown.ts });
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AREPLY00000000000003')));
      const [first, second] = await Promise.all([
        submitReply(t, view, 'On its way, sorry!'),
        submitReply(t, view, 'On its way, sorry!'),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      await replyOutcome(order, 'AREPLY00000000000003');
      const told = await waitUntil(
        () => t.slack.callsTo('chat.postEphemeral').find((call) => textOf(call.body).includes('DUPLICATE')),
        5000,
        'the agent to be told about the duplicate',
      );
      expect(textOf(told.body)).toMatch(/The same reply (already went out|is being sent right now)/);
      expect(told.body.user).toBe('UOTHER');
      expect(told.body.thread_ts).toBe(shown.threadTs);
      expect(sessionTexts()).toHaveLength(1);
      const outcomes = await t.server.services.db.query<{ outcome: string }>(
        `SELECT outcome FROM send_journal WHERE workspace_id = $1 AND kind = 'text' ORDER BY outcome`,
        [t.team],
      );
      expect(outcomes.map((row) => row.outcome)).toEqual(['duplicate', 'sent']);
      expect(await replies('sent')).toBe(before.sent + 1);
      expect(await replies('duplicate')).toBe(before.duplicate + 1);
    });

    it('at the window’s edge: a message 23 h 59 min old is answered, one 24 h 01 min old is not', async () => {
      const inside = await conversation('RPL-4', ago.minutes(23 * 60 + 59));
      const opened = await clickReply(t, inside.incomingId, { channelId: inside.shown.channel });
      expect(opened.view?.callback_id).toBe('orderstatus_reply_modal');
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AREPLY00000000000004')));
      await submitReply(t, opened.view, 'Just in time');
      await replyOutcome(inside.order, 'AREPLY00000000000004');
      expect(sessionTexts()).toHaveLength(1);

      // Another customer, whose last message is 24 h 01 min old.
      const late = await customerWrites(t, login, {
        workspaceId: t.team,
        sentAgoMs: ago.minutes(24 * 60 + 1),
        from: '14155552671',
      });
      await shownInThread(t, late, {
        channel: 'CORDERS',
        ts: '1700000200.000100',
        threadTs: '1700000150.000100',
      });
      const closed = await clickReply(t, late, { channelId: 'CORDERS' });
      // The order-status form instead, filled in with the number, saying why.
      expect(closed.view?.callback_id).toBe(SEND_MODAL_CALLBACK);
      const form = textOf(closed.view);
      expect(form).toContain(WINDOW_CLOSED_SUMMARY);
      expect(form).toContain(WINDOW_CLOSED_NEXT_STEP);
      expect(form).toContain('"initial_value":"+14155552671"');
      expect(form).toContain(`"block_id":"${SEND_FIELDS.to.blockId}"`);
      expect(JSON.parse(String(closed.view?.private_metadata))).toMatchObject({
        channelId: 'CORDERS',
        threadTs: '1700000150.000100',
      });

      // A reply modal submitted for it anyway (opened while the window was still open) is refused.
      const refusedBefore = await replies('refused');
      const metadata = buildReplyModalMetadata({
        incomingId: late,
        channelId: 'CORDERS',
        threadTs: '1700000150.000100',
      });
      await submitReply(t, undefined, 'Too late', { privateMetadata: metadata });
      const refused = await waitUntil(
        () =>
          t.slack
            .repliesTo('CORDERS', '1700000150.000100')
            .find((message: PostedMessage) => textOf(message).includes('WINDOW_CLOSED')),
        5000,
        'the refusal in the thread',
      );
      expect(textOf(refused)).toContain(WINDOW_CLOSED_SUMMARY);
      expect(textOf(refused)).toContain('the customer last wrote <!date^');
      expect(sessionTexts()).toHaveLength(1);
      expect(await replies('refused')).toBe(refusedBefore + 1);
    });

    it('opens the order-status form with the order’s reference when the order’s customer wrote too long ago', async () => {
      const { incomingId, shown } = await conversation('RPL-5', ago.hours(30));
      const { view } = await clickReply(t, incomingId, { channelId: shown.channel });
      expect(view?.callback_id).toBe(SEND_MODAL_CALLBACK);
      expect(textOf(view)).toContain('"initial_value":"RPL-5"');
      expect(textOf(view)).toContain('The customer’s number and the order reference are filled in');
    });

    it('reads Meta’s 131047 on a reply with the window’s words, in the outcome and the agent’s notice', async () => {
      const { order, incomingId, shown } = await conversation('RPL-6', ago.hours(5));
      const { view } = await clickReply(t, incomingId, { channelId: shown.channel });
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AREPLY00000000000006')));
      await submitReply(t, view, 'Checking now');
      const outcome = await replyOutcome(order, 'AREPLY00000000000006');
      const [row] = await t.server.services.journal.list(t.team, 1);
      await report(t, login, { messageId: 'AREPLY00000000000006', attemptId: row?.id ?? '' }, 'failed', {
        errorCode: 131047,
      });
      const failed = await waitUntil(() => {
        const now = t.slack.messageAt(outcome.channel, outcome.ts);
        return now && textOf(now).includes('Not delivered') ? now : undefined;
      });
      expect(textOf(failed)).toContain(WINDOW_CLOSED_SUMMARY);
      expect(textOf(failed)).toContain(WINDOW_CLOSED_NEXT_STEP);
      expect(textOf(failed)).toContain('> Checking now');
      const notice = await replyOutcome(order, 'did not deliver this reply (131047)');
      expect(notice.text).toContain('<@UOTHER>');
    });

    it('never reads another workspace’s message, nor sends with its credentials', async () => {
      const { incomingId } = await conversation('RPL-7', ago.hours(1));
      const other = `${t.team}X`;
      await t.server.services.credentials.set(
        other,
        { ...SETTINGS, sid: 'HXOTHER000000000', apiKey: 'Aotherkey0000000000000000000009' },
        'UADMIN',
      );
      const clicked = await clickReply(t, incomingId, { teamId: other });
      expect(textOf(clicked.view)).toContain('MESSAGE_NOT_FOUND');
      expect(textOf(clicked.view)).not.toContain('Where is my parcel');
      const metadata = buildReplyModalMetadata({ incomingId, channelId: 'CORDERS', threadTs: undefined });
      await submitReply(t, undefined, 'Hello from elsewhere', { teamId: other, privateMetadata: metadata });
      await waitUntil(
        () =>
          t.slack
            .callsTo('chat.postEphemeral')
            .find((call) => textOf(call.body).includes('MESSAGE_NOT_FOUND')),
        5000,
        'the agent elsewhere to be told',
      );
      expect(sessionTexts()).toHaveLength(0);
      expect(t.kaleyra.requests.some((request) => request.path.includes('HXOTHER'))).toBe(false);
    });
  },
);
