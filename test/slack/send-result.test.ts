import type { ActionsBlock, Button } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ErrorDescription } from '../../src/describe/error-description.ts';
import type { ResolvedOrderStatus } from '../../src/domain/order-update.ts';
import { RESEND_ACTION, RETRY_ACTION } from '../../src/slack/ids.ts';
import type { SlackMessage } from '../../src/slack/messages/mrkdwn.ts';
import { buildSendResultMessage } from '../../src/slack/messages/send-result.ts';

const update: ResolvedOrderStatus = {
  to: '+919876543210',
  referenceId: '395001',
  status: 'shipped',
  description: 'Your parcel left our warehouse',
  templateName: 'order_status',
  languageCode: 'en',
};

const wa401: ErrorDescription = {
  code: 'WA401',
  summary: 'The WhatsApp business number is not on this Kaleyra account.',
  nextStep: 'Ask an admin to check the number with /orderstatus config.',
  retryable: false,
};

const timeout: ErrorDescription = {
  code: 'WA500',
  summary: 'Kaleyra had a problem on its side.',
  nextStep: 'Try again in a few minutes.',
  retryable: true,
};

function buttons(message: SlackMessage): Button[] {
  return message.blocks
    .filter((block): block is ActionsBlock => block.type === 'actions')
    .flatMap((block) => block.elements as Button[]);
}

function allText(message: SlackMessage): string {
  return JSON.stringify(message.blocks);
}

describe('buildSendResultMessage: success', () => {
  const message = buildSendResultMessage({
    userId: 'U1',
    update,
    outcome: { ok: true, messageId: 'msg-123' },
  });

  it('says who sent what to whom', () => {
    const section = message.blocks[0];
    expect(section?.type).toBe('section');
    expect(allText(message)).toContain('<@U1> sent *Shipped* for order `395001` to +91 •••• 3210');
    expect(allText(message)).toContain('> Your parcel left our warehouse');
  });

  it('carries the message_id in the fallback text and the context line', () => {
    expect(message.text).toContain('msg-123');
    expect(allText(message)).toContain('message_id: `msg-123`');
  });

  it('masks the customer number everywhere', () => {
    expect(JSON.stringify(message)).not.toContain('9876543210');
  });

  it('has no buttons', () => {
    expect(buttons(message)).toEqual([]);
  });
});

describe('buildSendResultMessage: escaping', () => {
  it.each([
    ['<!channel> your parcel', '&lt;!channel&gt; your parcel', '<!channel>'],
    ['see <https://evil.example|x>', 'see &lt;https://evil.example|x&gt;', '<https://evil'],
    ['R&D <@U999>', 'R&amp;D &lt;@U999&gt;', '<@U999>'],
  ])('makes %j inert', (description, escaped, raw) => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update: { ...update, description },
      outcome: { ok: true, messageId: 'm1' },
    });
    const json = JSON.stringify(message);
    expect(json).toContain(escaped);
    expect(json).not.toContain(raw);
  });

  it('keeps a bare @channel from becoming a mention', () => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update: { ...update, description: 'hey @channel' },
      outcome: { ok: true, messageId: 'm1' },
    });
    expect(JSON.stringify(message)).not.toMatch(/@channel/);
  });

  it('escapes partial, unvalidated fields too', () => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update: { referenceId: '`<!here>`', status: '<!everyone>' },
      outcome: { ok: false, error: wa401 },
    });
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<!everyone>');
  });
});

describe('buildSendResultMessage: failure', () => {
  it('names the code, what happened and what to do', () => {
    const message = buildSendResultMessage({ userId: 'U1', update, outcome: { ok: false, error: wa401 } });
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: ':warning: Not sent — WA401' } });
    expect(message.text).toContain('WA401');
    expect(allText(message)).toContain(wa401.summary);
    expect(allText(message)).toContain('Ask an admin');
    expect(JSON.stringify(message)).not.toContain('9876543210');
  });

  it('offers Retry only for a retryable error with a payload', () => {
    const withRetry = buildSendResultMessage({
      userId: 'U1',
      update,
      outcome: { ok: false, error: timeout, retryPayload: 'payload-1' },
    });
    expect(buttons(withRetry)).toEqual([
      expect.objectContaining({
        action_id: RETRY_ACTION,
        value: 'payload-1',
        text: expect.objectContaining({ text: 'Retry' }),
      }),
    ]);
    expect(
      buttons(buildSendResultMessage({ userId: 'U1', update, outcome: { ok: false, error: timeout } })),
    ).toEqual([]);
    expect(
      buttons(
        buildSendResultMessage({
          userId: 'U1',
          update,
          outcome: { ok: false, error: wa401, retryPayload: 'payload-1' },
        }),
      ),
    ).toEqual([]);
  });

  it('leaves out a Retry button whose value Slack would reject', () => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update,
      outcome: { ok: false, error: timeout, retryPayload: 'x'.repeat(2001) },
    });
    expect(buttons(message)).toEqual([]);
  });

  it('works with only part of the update known', () => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update: { to: '+919876543210' },
      outcome: { ok: false, error: { ...wa401, code: 'NOT_CONFIGURED' } },
    });
    expect(message.text).toContain('NOT_CONFIGURED');
    expect(allText(message)).toContain('+91 •••• 3210');
  });

  it('keeps the header within 150 characters', () => {
    const message = buildSendResultMessage({
      userId: 'U1',
      update,
      outcome: { ok: false, error: { ...wa401, code: 'C'.repeat(400) } },
    });
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
  });
});

describe('buildSendResultMessage: duplicate', () => {
  const at = '2025-03-04T05:06:07.000Z';
  const unix = Date.parse(at) / 1000;

  it('says when and by whom it went out, with its message_id', () => {
    const message = buildSendResultMessage({
      userId: 'U2',
      update,
      outcome: {
        ok: false,
        duplicate: { state: 'sent', at, by: 'U1', messageId: 'msg-9' },
        resendPayload: 'p',
      },
    });
    const json = allText(message);
    expect(json).toContain(`<!date^${unix}^{date_short_pretty} at {time}|2025-03-04 05:06 UTC>`);
    expect(json).toContain('<@U1>');
    expect(json).toContain('msg-9');
    expect(message.text).toContain('msg-9');
  });

  it('names the CLI and explains an unknown outcome', () => {
    const message = buildSendResultMessage({
      userId: 'U2',
      update,
      outcome: { ok: false, duplicate: { state: 'unknown', at, by: 'cli' }, resendPayload: 'p' },
    });
    expect(allText(message)).toContain('the CLI');
    expect(allText(message)).toContain('may have been delivered');
    expect(message.text).toContain('DUPLICATE');
  });

  it('says when a send is still in flight', () => {
    const message = buildSendResultMessage({
      userId: 'U2',
      update,
      outcome: { ok: false, duplicate: { state: 'in_flight', at, by: 'U1' }, resendPayload: 'p' },
    });
    expect(allText(message)).toContain('being sent right now');
  });

  it('offers a dangerous, confirmed "Send again anyway"', () => {
    const message = buildSendResultMessage({
      userId: 'U2',
      update,
      outcome: { ok: false, duplicate: { state: 'sent', at, by: 'U1' }, resendPayload: 'resend-1' },
    });
    const [button, ...rest] = buttons(message);
    expect(rest).toEqual([]);
    expect(button).toMatchObject({
      action_id: RESEND_ACTION,
      value: 'resend-1',
      style: 'danger',
      text: { text: 'Send again anyway' },
    });
    expect(button?.confirm?.text.text).toContain('+91 •••• 3210');
    expect(button?.confirm?.title?.text.length).toBeLessThanOrEqual(100);
    expect(button?.confirm?.text.text.length).toBeLessThanOrEqual(300);
    expect(JSON.stringify(message)).not.toContain('9876543210');
  });

  it('shows an unparseable time as text rather than a broken date', () => {
    const message = buildSendResultMessage({
      userId: 'U2',
      update,
      outcome: {
        ok: false,
        duplicate: { state: 'sent', at: 'yesterday <!here>', by: 'U1' },
        resendPayload: 'p',
      },
    });
    expect(allText(message)).not.toContain('<!date^');
    expect(allText(message)).not.toContain('<!here>');
  });
});
