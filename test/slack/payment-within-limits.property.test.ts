import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAYMENT_KINDS } from '../../src/domain/payment.ts';
import { buildCancelConfirmDialog, buildPaymentLine } from '../../src/slack/messages/payment.ts';
import { grownText } from '../support/arbitraries.ts';
import { messageIssues } from '../support/block-kit-surfaces.ts';

/**
 * A payment's thread line is built from what a gateway and Kaleyra sent (ids, words, reasons): Slack
 * must accept it whatever they sent, hostile pieces and escaping growth included, at and past the
 * lengths the callback reader keeps. The cancel confirmation fits a button's confirm dialog.
 */
const money = fc.record({
  value: fc.maxSafeNat(),
  offset: fc.constantFrom(1, 10, 100, 1000, 7),
  currency: fc.constantFrom('INR', 'USD', 'XYZ'),
});
const word = (max: number) => fc.option(grownText(max), { nil: undefined });
const facts = fc.record({
  amount: fc.option(money, { nil: undefined }),
  gateway: word(40),
  method: word(40),
  transactionId: word(255),
  gatewayPaymentId: word(255),
  transactionStatus: word(40),
  error: fc.option(fc.record({ code: word(40), reason: word(500) }), { nil: undefined }),
  refunds: fc.array(
    fc.record({
      id: word(255),
      amount: fc.option(money, { nil: undefined }),
      status: fc.option(
        fc.oneof(fc.constantFrom('completed', 'success', 'pending', 'failed'), grownText(40)),
        {
          nil: undefined,
        },
      ),
      speed: word(40),
    }),
    { maxLength: 20 },
  ),
});
const payment = fc.record({
  kind: fc.constantFrom(...PAYMENT_KINDS),
  status: word(40),
  facts,
  at: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2100-01-01') }),
});

describe('payment messages within Slack’s limits, whatever the gateway sent', () => {
  it('the thread line, for every kind of event', () => {
    fc.assert(
      fc.property(payment, (p) => {
        const message = buildPaymentLine(p);
        expect(messageIssues(message)).toEqual([]);
        expect(message.text.length).toBeGreaterThan(0);
        // Outside text never becomes a mention or a link.
        expect(message.text).not.toMatch(/<[@#]|<!(?!date\^)|<https?:/);
      }),
      { numRuns: 200 },
    );
  });

  it('the cancel confirmation, on a button', () => {
    for (const kind of ['captured', 'pending', 'refunded'] as const) {
      const confirm = buildCancelConfirmDialog(kind);
      const button = {
        type: 'button',
        action_id: 'a',
        text: { type: 'plain_text', text: 'Canceled' },
        confirm,
      };
      expect(messageIssues({ text: 'x', blocks: [{ type: 'actions', elements: [button] }] })).toEqual([]);
    }
  });
});
