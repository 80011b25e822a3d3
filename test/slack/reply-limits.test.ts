import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { buildSendResultMessage } from '../../src/slack/messages/send-result.ts';
import { buildReplyModal } from '../../src/slack/views/reply-modal.ts';
import { messageIssues, viewIssues } from '../support/block-kit-surfaces.ts';

/** The reply form and a reply's outcome against Slack's limits, with the inputs that once broke them. */

const modalFor = (text: string, customerName: string | null = 'Samuel') =>
  buildReplyModal({
    latest: { customerName, customerMasked: '+91 •••• 3210', type: 'text', text, sentAt: new Date() },
    window: { closesAt: new Date(Date.now() + 3_600_000), leftMs: 3_600_000 },
    referenceId: 'RPL-1',
    metadata: { incomingId: 'abc', channelId: 'C0ORDERS', threadTs: '1700000000.000100' },
  });

const sectionTexts = (blocks: readonly unknown[]) =>
  blocks.flatMap((block) => {
    const text = (block as { type: string; text?: { text?: string } }).text?.text;
    return (block as { type: string }).type === 'section' && text ? [text] : [];
  });

describe('the reply form within Slack’s limits', () => {
  it('asks for at most 3,000 characters: the most a Slack input holds (WhatsApp would take 4,096)', () => {
    const view = modalFor('Where is my parcel?');
    expect(viewIssues(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain(`"max_length":${SLACK_LIMITS.inputMaxLength}`);
  });

  it('quotes a customer’s `R&D ` × 500 escaped and cut to fit one section, marking the cut', () => {
    const view = modalFor('R&D '.repeat(500), 'R&D <Ltd> & Sons'.repeat(20));
    expect(viewIssues(view)).toEqual([]);
    const [quoted] = sectionTexts(view.blocks);
    expect(quoted?.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(quoted).toContain('> R&amp;D R&amp;D');
    expect(quoted).toMatch(/…$/);
    expect(quoted).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});

describe('a reply’s outcome within Slack’s limits', () => {
  const reply = (body: string) => ({ kind: 'reply' as const, customerMasked: '+91 •••• 3210', body });

  it.each([700, 3000])('posts a reply of %i `&` with its message_id, in blocks Slack accepts', (count) => {
    const message = buildSendResultMessage({
      userId: 'UAGENT',
      update: reply('&'.repeat(count)),
      outcome: { ok: true, messageId: 'AREPLY00000000000001' },
    });
    expect(messageIssues(message)).toEqual([]);
    expect(message.text).toContain('AREPLY00000000000001');
    expect(JSON.stringify(message.blocks)).toContain('AREPLY00000000000001');
    for (const text of sectionTexts(message.blocks)) expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it('tells a failed or duplicate reply of 3,000 `&` in blocks Slack accepts', () => {
    const failure = {
      code: 'WA400',
      summary: `Kaleyra refused the payload: ${'&'.repeat(900)}`.replace(/&/g, '&amp;'),
      nextStep: 'Check the reply & try again. '.repeat(40).replace(/&/g, '&amp;'),
      retryable: true,
    };
    const failed = buildSendResultMessage({
      userId: 'UAGENT',
      update: reply('&'.repeat(3000)),
      outcome: { ok: false, error: failure, retryPayload: 'x'.repeat(2000) },
    });
    expect(messageIssues(failed)).toEqual([]);
    const duplicate = buildSendResultMessage({
      userId: 'UAGENT',
      update: reply('<&>'.repeat(1000)),
      outcome: {
        ok: false,
        duplicate: { at: new Date().toISOString(), by: 'UOTHER', messageId: 'A1', state: 'sent' },
        resendPayload: 'y'.repeat(2000),
      },
    });
    expect(messageIssues(duplicate)).toEqual([]);
  });
});
