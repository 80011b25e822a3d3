import { describe, expect, it } from 'vitest';
import { buildCancelConfirmDialog, buildPaymentLine } from '../../src/slack/messages/payment.ts';

const at = new Date('2026-12-08T10:00:42Z');
const when = `<!date^${at.getTime() / 1000}^{date_short_pretty} at {time}|2026-12-08 10:00 UTC>`;
const inr = (value: number) => ({ value, offset: 100, currency: 'INR' });

describe('a payment’s line in the order’s thread', () => {
  it('says paid, the amount in INR, the method, the gateway and its order id, and when', () => {
    const message = buildPaymentLine({
      kind: 'captured',
      status: 'captured',
      at,
      facts: {
        amount: inr(125000),
        method: 'upi',
        gateway: 'razorpay',
        transactionId: 'order_Qx7bN2mKp4LzTa',
        refunds: [],
      },
    });
    expect(message.text).toBe(
      `:moneybag: Paid ₹1,250.00 (UPI · razorpay \`order_Qx7bN2mKp4LzTa\`) · ${when}`,
    );
    expect(message.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: message.text } }]);
  });

  it('says pending, failed with the reason, refunded with the amount', () => {
    const line = (kind: 'pending' | 'failed' | 'refunded', facts: object) =>
      buildPaymentLine({ kind, status: undefined, at, facts: { refunds: [], ...facts } }).text;
    expect(line('pending', { amount: inr(125000) })).toBe(
      `:hourglass_flowing_sand: Payment pending (₹1,250.00) · ${when}`,
    );
    expect(line('failed', { error: { reason: 'incorrect_pin' } })).toBe(
      `:x: Payment failed: incorrect_pin · ${when}`,
    );
    expect(line('refunded', { refunds: [{ amount: inr(450), status: 'completed' }] })).toBe(
      `:leftwards_arrow_with_hook: Refunded ₹4.50 · ${when}`,
    );
  });

  it('makes a gateway’s words and ids inert: no mention, no link, no code span broken open', () => {
    const text = buildPaymentLine({
      kind: 'captured',
      status: undefined,
      at,
      facts: {
        gateway: '<!channel> R&D',
        method: '<https://evil.example|pay here>',
        transactionId: 'order_`*bold*`',
        refunds: [],
      },
    }).text;
    expect(text).toBe(
      `:moneybag: Paid (&lt;https://evil.example|pay here&gt; · &lt;!channel&gt; R&amp;D \`order_ˋ*bold*ˋ\`) · ${when}`,
    );
  });

  it('asks before a cancel, saying why in Meta’s words', () => {
    const confirm = buildCancelConfirmDialog('captured');
    expect(confirm.title?.text).toBe('Cancel this order?');
    expect(confirm.text?.text).toMatch(/^WhatsApp says the customer has paid for this order\. Meta refuses/);
    expect(confirm.style).toBe('danger');
  });
});
