import { describe, expect, it } from 'vitest';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { storageModes, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import { readRecord, report } from '../support/delivery-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import type { SlackApiCall } from '../support/fake-slack.ts';
import { postToApp, viewState, viewSubmissionBody } from '../support/slack-request.ts';
import { blockOf, type ShortcutMessage, useMessageShortcut, viewOf } from '../support/slack-surfaces.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

// A customer's email forwarded into the channel: a national number (no +91) and an order reference.
const EMAIL = [
  'Fwd: Where is my order?',
  'From: Asha Rao <asha@example.com>',
  'Hi, my order #395001 has still not arrived. Please call me on 098765 43210.',
].join('\n');
const MESSAGE_TS = '1700000100.000200';

type ElementWithValue = { initial_value?: string };

describe.each(await storageModes())('"Send order status" on a message, on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  /** Uses the shortcut on `message` and resolves the form it opened. */
  async function openFrom(message: ShortcutMessage, options: { channelId?: string } = {}) {
    const shortcut = useMessageShortcut(t, message, options);
    const started = Date.now();
    expect((await shortcut.post()).status).toBe(200);
    const open = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(Date.now() - started).toBeLessThan(3000);
    return { shortcut, open, view: viewOf(open) };
  }

  function prefilled(view: Record<string, unknown>, field: 'to' | 'referenceId'): string | undefined {
    return (blockOf(view, SEND_FIELDS[field].blockId)?.element as ElementWithValue | undefined)
      ?.initial_value;
  }

  /** Submits the form as the agent confirms it: the prefilled number and reference, and a status. */
  function confirm(view: Record<string, unknown>, values: Record<string, string> = {}) {
    const body = viewSubmissionBody({
      teamId: t.team,
      userId: 'UAGENT',
      view: {
        callback_id: SEND_MODAL_CALLBACK,
        private_metadata: String(view.private_metadata),
        state: {
          values: viewState(SEND_FIELDS, {
            to: prefilled(view, 'to') ?? '',
            referenceId: prefilled(view, 'referenceId') ?? '',
            status: 'shipped',
            ...values,
          }),
        },
      },
    });
    return postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
  }

  const outcomePost = (slack: typeof t.slack): SlackApiCall | undefined =>
    slack
      .callsTo('chat.postMessage')
      .find((call) => textOf(call.body).includes('message_id') && call.body.channel === 'CORDERS');

  it('opens the form with the message’s number (read as Indian, like the business number) and order; the outcome and a later failure go in its thread', async () => {
    const { view } = await openFrom({ text: EMAIL, ts: MESSAGE_TS });
    expect(prefilled(view, 'to')).toBe('+919876543210');
    expect(prefilled(view, 'referenceId')).toBe('395001');
    expect(textOf(view)).toContain('Filled in from the message');
    expect(JSON.parse(String(view.private_metadata))).toMatchObject({
      channelId: 'CORDERS',
      threadTs: MESSAGE_TS,
    });

    t.kaleyra.respondWith(acceptedAs('ATHREAD0000000000001'));
    expect((await confirm(view)).status).toBe(200);
    const outcome = await t.slack.waitFor(outcomePost);
    expect(outcome.body.thread_ts).toBe(MESSAGE_TS);
    expect(textOf(outcome.body)).toContain('395001');
    const [attempt] = await t.server.services.journal.list(t.team);
    if (!attempt) throw new Error('no attempt');
    const record = await waitUntil(async () => {
      const found = await readRecord(t, attempt.id);
      return found?.slack_path ? found : undefined;
    });
    expect(record).toMatchObject({ slack_path: 'channel', slack_thread_ts: MESSAGE_TS });

    // WhatsApp fails later: the notice goes to the same thread, not under the reply's own ts.
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const sent = { messageId: 'ATHREAD0000000000001', attemptId: attempt.id };
    expect((await report(t, login, sent, 'failed', { errorCode: 131026 })).status).toBe(200);
    const notice = await t.slack.waitFor((s) =>
      s.callsTo('chat.postMessage').find((call) => textOf(call.body).includes('131026') && call !== outcome),
    );
    expect(notice.body).toMatchObject({ channel: 'CORDERS', thread_ts: MESSAGE_TS });
  });

  it('a message inside a thread is answered in that thread', async () => {
    const parent = '1700000000.000001';
    const { view } = await openFrom({
      text: 'Order ORD-77 for +65 8123 4567 is late',
      ts: MESSAGE_TS,
      thread_ts: parent,
    });
    expect(prefilled(view, 'to')).toBe('+6581234567');
    expect(prefilled(view, 'referenceId')).toBe('ORD-77');
    await confirm(view);
    const outcome = await t.slack.waitFor(outcomePost);
    expect(outcome.body.thread_ts).toBe(parent);
  });

  it('reads ticket notifications whose text is in attachments', async () => {
    const { view } = await openFrom({
      text: '',
      attachments: [{ title: 'Ticket 4411', text: 'Customer +91 98765 43210 asks about Order no. 88120' }],
    });
    expect(prefilled(view, 'to')).toBe('+919876543210');
    expect(prefilled(view, 'referenceId')).toBe('88120');
  });

  it('where the app cannot post, the outcome reaches the agent through the shortcut’s response_url', async () => {
    t.slack.setResponse('chat.postMessage', { ok: false, error: 'not_in_channel' });
    try {
      const { shortcut, view } = await openFrom({ text: EMAIL }, { channelId: 'CPRIVATE' });
      await confirm(view);
      const post = await t.slack.waitFor((s) => s.responseUrlPosts.find((p) => p.path === shortcut.path));
      expect(textOf(post.body)).toContain('message_id');
      expect(t.kaleyra.requests).toHaveLength(1);
    } finally {
      t.slack.restoreResponse('chat.postMessage');
    }
  });

  it('finds nothing in an unrelated message, says so, and sends nothing until the agent fills the form', async () => {
    const { view } = await openFrom({ text: 'Lunch at 1? The order of the day is pizza.' });
    expect(prefilled(view, 'to')).toBeUndefined();
    expect(prefilled(view, 'referenceId')).toBeUndefined();
    expect(textOf(view)).toContain('No customer number or order reference could be read');
    const refused = await confirm(view);
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('a pasted hostile message (order, 9,990 spaces, !) neither stalls the process nor prefills anything', async () => {
    // Once this froze the whole process for minutes: no command, callback or health check answered.
    const hostile = `order${' '.repeat(9_990)}!`;
    const [opened, health] = await Promise.all([
      openFrom({ text: hostile, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: hostile } }] }),
      fetch(new URL('/healthz', t.url)),
    ]);
    expect(health.status).toBe(200);
    expect(prefilled(opened.view, 'to')).toBeUndefined();
    expect(prefilled(opened.view, 'referenceId')).toBeUndefined();
  });
});
