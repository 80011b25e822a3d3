import { describe, expect, it } from 'vitest';
import { findOrderHints } from '../../src/domain/order-hints.ts';
import { messageTextOf } from '../../src/slack/message-text.ts';

describe('messageTextOf', () => {
  it('reads the text, then blocks, then attachments, in that order', () => {
    const text = messageTextOf({
      text: 'New ticket',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'From *Asha*' },
          fields: [{ type: 'mrkdwn', text: 'Order #1' }],
        },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Call ' },
                { type: 'link', url: 'tel:+919876543210' },
              ],
            },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'via Zendesk' }] },
      ],
      attachments: [
        { title: 'Ticket 4411', text: 'Order no. 88120', fallback: 'Ticket 4411: Order no. 88120' },
      ],
    });
    expect(text.split('\n')).toEqual([
      'New ticket',
      'From *Asha*',
      'Order #1',
      'Call ',
      'tel:+919876543210',
      'via Zendesk',
      'Ticket 4411',
      'Order no. 88120',
    ]);
  });

  it('shows what a mrkdwn link shows, and reads a fallback only when it is all there is', () => {
    expect(messageTextOf({ text: 'Call <tel:+6581234567|+65 8123 4567> or <mailto:a@b.c|a@b.c>' })).toBe(
      'Call +65 8123 4567 or a@b.c',
    );
    expect(messageTextOf({ attachments: [{ fallback: 'Order ORD-77' }] })).toBe('Order ORD-77');
  });

  it('never throws on odd shapes, and stops at 10,000 characters', () => {
    for (const odd of [null, 'text', 42, { text: 7 }, { blocks: 'x' }, { attachments: [null, 3] }]) {
      expect(messageTextOf(odd)).toBe('');
    }
    // Nesting is followed 8 levels deep (Slack's own rich text uses 3 or 4), so no payload can recurse for ever.
    const nestedTo = (depth: number) => {
      let block: Record<string, unknown> = { type: 'text', text: `depth ${depth}` };
      for (let i = 0; i < depth; i++) block = { type: 'rich_text_section', elements: [block] };
      return { blocks: [block] };
    };
    expect(messageTextOf(nestedTo(8))).toBe('depth 8');
    expect(messageTextOf(nestedTo(9))).toBe('');
    expect(messageTextOf({ text: 'x'.repeat(20_000) })).toHaveLength(10_000);
  });

  it('gives findOrderHints what it needs from a ticket notification', () => {
    const text = messageTextOf({
      text: '',
      attachments: [
        {
          title: 'Ticket 4411',
          fields: [
            { title: 'Phone', value: '098765 43210' },
            { title: 'Order', value: '#395001' },
          ],
        },
      ],
    });
    expect(findOrderHints(text, '+919876500000')).toEqual({ to: '+919876543210', referenceId: '395001' });
  });
});
