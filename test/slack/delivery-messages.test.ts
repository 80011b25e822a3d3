import { describe, expect, it } from 'vitest';
import { describeDeliveryFailure } from '../../src/describe/describe-delivery-failure.ts';
import { CALLBACK_PASSWORD_ACTION } from '../../src/slack/ids.ts';
import {
  buildCorrectionNotice,
  buildDeliveryFailureMessage,
  buildFailureNotice,
} from '../../src/slack/messages/delivery-status.ts';
import { buildHistoryMessage } from '../../src/slack/messages/history.ts';
import { buildSendResultMessage } from '../../src/slack/messages/send-result.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';
import {
  buildCallbackPasswordView,
  buildCallbackSettingsBlocks,
} from '../../src/slack/views/callback-settings.ts';
import { buildConfigModal } from '../../src/slack/views/config-modal.ts';
import type { HistoryEntry } from '../../src/storage/order-history-store.ts';

const update = {
  customerMasked: '+91 •••• 3210',
  referenceId: '395001',
  status: 'shipped',
  description: 'Left <!here> the warehouse',
  templateName: 'order_status',
  languageCode: 'en',
};
const text = (value: unknown) => JSON.stringify(value);

describe('the delivery line of an outcome', () => {
  const withDelivery = (delivery: Parameters<typeof buildSendResultMessage>[0]['outcome']) =>
    buildSendResultMessage({ userId: 'UAGENT', update, outcome: delivery });

  it('waits for WhatsApp, then shows sent, delivered and read with their times', () => {
    expect(text(withDelivery({ ok: true, messageId: 'A1', delivery: { state: 'awaiting' } }))).toContain(
      'waiting for WhatsApp to report delivery',
    );
    const read = withDelivery({
      ok: true,
      messageId: 'A1',
      delivery: {
        state: 'read',
        readAt: '2025-11-29T10:42:00.000Z',
        deliveredAt: '2025-11-29T10:41:00.000Z',
      },
    });
    expect(read.text).toMatch(/\(message_id: A1\) — read$/);
    expect(text(read)).toContain(':eyes: *Read <!date^1764412920^');
    expect(text(read)).toContain('(delivered <!date^1764412860^');
    // The masked customer as the journal keeps it, the description made inert.
    expect(text(read)).toContain('to +91 •••• 3210');
    expect(text(read)).toContain('&lt;!here&gt;');
    const delivered = withDelivery({
      ok: true,
      messageId: 'A1',
      delivery: { state: 'delivered', corrected: true },
    });
    expect(text(delivered)).toContain(
      '*Delivered* to the customer’s phone. WhatsApp had first reported it as failed.',
    );
  });

  it('says where to look when the message cannot be edited', () => {
    const untracked = withDelivery({
      ok: true,
      messageId: 'A1',
      delivery: { state: 'untracked', referenceId: '395001' },
    });
    expect(text(untracked)).toContain('/orderstatus history 395001');
    expect(text(untracked)).toContain('a failure is sent to you directly');
  });

  it('without a delivery view stays as it was', () => {
    expect(withDelivery({ ok: true, messageId: 'A1' }).blocks).toHaveLength(2);
  });
});

describe('a delivery failure', () => {
  const failure = describeDeliveryFailure({ state: 'failed', error: { code: '131026' } }, SLACK_SURFACE);
  const input = { userId: 'UAGENT', update, messageId: 'A1', failure, at: '2025-11-29T10:41:00.000Z' };

  it('turns the outcome into the failure: code, meaning, next step, the order named', () => {
    const message = buildDeliveryFailureMessage(input);
    expect(message.text).toMatch(
      /^:x: Not delivered — 131026: \*Shipped\* for order `395001` to \+91 •••• 3210\./,
    );
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':x: Not delivered — 131026', emoji: true },
    });
    expect(text(message)).toContain('*What to do:* Do not resend');
    expect(text(message)).toContain('failed <!date^1764412860^');
  });

  it('mentions the agent in the thread, or carries everything in a DM', () => {
    const thread = buildFailureNotice(input, 'thread');
    expect(thread.text).toMatch(/^<@UAGENT> WhatsApp did not deliver this update \(131026\)\./);
    expect(buildFailureNotice(input, 'dm')).toEqual(buildDeliveryFailureMessage(input));
    const correction = buildCorrectionNotice('read', update, '2025-11-29T10:45:00.000Z');
    expect(correction.text).toContain('Correction: WhatsApp reports the customer read *Shipped*');
    expect(correction.blocks).toHaveLength(1);
  });
});

describe('an agent’s reply', () => {
  const reply = {
    kind: 'reply' as const,
    customerMasked: '+91 •••• 3210',
    body: `Sorry <!channel> ${'x'.repeat(800)}`,
  };

  it('names who replied and quotes the words, escaped and cut, with no order-status wording', () => {
    const sent = buildSendResultMessage({
      userId: 'UAGENT',
      update: reply,
      outcome: {
        ok: true,
        messageId: 'AREPLY1',
        delivery: { state: 'delivered', deliveredAt: '2025-11-29T10:41:00.000Z' },
      },
    });
    expect(sent.text).toMatch(
      /^:white_check_mark: <@UAGENT> replied on WhatsApp to \+91 •••• 3210 \(message_id: AREPLY1\) — delivered$/,
    );
    const section = text(sent.blocks[0]);
    expect(section).toContain('<@UAGENT> replied on WhatsApp to +91 •••• 3210:\\n> Sorry &lt;!channel&gt; x');
    expect(section).toContain('…');
    expect(section).not.toContain('x'.repeat(800));
    expect(text(sent)).not.toContain('<!channel>');
    expect(text(sent)).not.toContain('template');
    expect(text(sent)).toContain('Delivered <!date^1764412860^');
  });

  it('says a failed reply, its notice and its correction in its own words', () => {
    const failure = describeDeliveryFailure({ state: 'failed', error: { code: '131047' } }, SLACK_SURFACE);
    const input = { userId: 'UAGENT', update: reply, messageId: 'AREPLY1', failure };
    const message = buildDeliveryFailureMessage(input);
    expect(message.text).toMatch(
      /^:x: Not delivered — 131047: the reply to \+91 •••• 3210\. WhatsApp allows/,
    );
    expect(text(message)).toContain('> Sorry &lt;!channel&gt;');
    expect(buildFailureNotice(input, 'thread').text).toMatch(
      /^<@UAGENT> WhatsApp did not deliver this reply \(131047\)\. Send the order-status template/,
    );
    expect(buildCorrectionNotice('delivered', reply, undefined).text).toBe(
      'Correction: WhatsApp delivered the reply to +91 •••• 3210 after all; ignore the failure reported earlier.',
    );
  });
});

describe('order history', () => {
  const entry: HistoryEntry = {
    id: 'a1',
    created_at: new Date('2025-11-29T10:00:00Z'),
    actor: 'UAGENT',
    source: 'slack',
    customer_masked: '+91 •••• 3210',
    reference_id: '395001',
    status: 'shipped',
    description: null,
    forced: false,
    outcome: 'sent' as const,
    message_id: 'A1',
    error_code: null,
    delivery_state: 'delivered' as const,
    whatsapp_sent_at: null,
    delivered_at: new Date('2025-11-29T10:01:00Z'),
    read_at: null,
    delivery_failed_at: null,
    delivery_error_code: null,
    delivery_error_text: null,
  };

  it('lists each entry with when, by whom, status, message_id and delivery', () => {
    const message = buildHistoryMessage(
      { by: 'reference', referenceId: '395001' },
      { entries: [entry], more: false },
    );
    expect(message.text).toBe('History of order `395001`: 1 update');
    expect(text(message.blocks[1])).toContain(
      '<@UAGENT>: *Shipped* for order `395001` to +91 •••• 3210 · message_id `A1`\\nDelivered <!date^1764410460^',
    );
  });

  it('stays within Slack’s 50 blocks and says when there are more', () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ ...entry, id: `a${i}` }));
    const message = buildHistoryMessage({ by: 'number', to: '+919876543210' }, { entries, more: true });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(text(message)).toContain('Updates sent to +91 •••• 3210');
    expect(text(message)).toContain('`orderstatus history` in a terminal lists more');
    expect(text(message)).not.toContain('9876543210');
  });

  it('says that sends before the number hash are found by reference only', () => {
    const none = buildHistoryMessage({ by: 'number', to: '+919876543210' }, { entries: [], more: false });
    expect(none.text).toContain('found by order reference only');
  });
});

describe('callback settings', () => {
  it('shows URL, username and last callback, and a confirmed button; a placeholder host is called one', () => {
    const blocks = buildCallbackSettingsBlocks({
      url: 'https://YOUR-HOST/kaleyra/callbacks',
      username: 'cb-abc',
      lastCallbackAt: '2025-11-29T10:00:00.000Z',
      publicUrlSet: false,
    });
    expect(text(blocks)).toContain('*URL:* `https://YOUR-HOST/kaleyra/callbacks`');
    expect(text(blocks)).toContain('*Username:* `cb-abc`');
    expect(text(blocks)).toContain('<!date^1764410400^');
    expect(text(blocks)).toContain(CALLBACK_PASSWORD_ACTION);
    expect(text(blocks)).toContain('"confirm"');
    expect(text(blocks)).toContain('PUBLIC_URL');
    const modal = buildConfigModal({ callbacks: { url: 'https://x/kaleyra/callbacks', publicUrlSet: true } });
    expect(text(modal)).toContain('none yet');
    expect(text(modal)).not.toContain('PUBLIC_URL');
  });

  it('shows the new password once, in a modal of its own', () => {
    const view = buildCallbackPasswordView({
      url: 'https://x/kaleyra/callbacks',
      username: 'cb-abc',
      password: 'p`w',
    });
    expect(view.type).toBe('modal');
    expect(view.submit).toBeUndefined();
    expect(text(view)).toContain('*Password:* `pˋw`');
    expect(text(view)).toContain('shown only this once');
  });
});
