import { describe, expect, it } from 'vitest';
import { describeCancelWithPayment, describePayment } from '../../src/describe/describe-payment.ts';
import { PLAIN_SURFACE } from '../../src/describe/surface.ts';
import { formatMoney, readMoney, sumMoney } from '../../src/domain/money.ts';
import {
  cancelNeedsConfirmation,
  eventTimeOf,
  kindOf,
  PAYMENT_KINDS,
  type PaymentFacts,
} from '../../src/domain/payment.ts';
import { summarizePayment } from '../../src/domain/payment-summary.ts';

const inr = (value: number, offset = 100) => ({ value, offset, currency: 'INR' });
const facts = (more: Partial<PaymentFacts> = {}): PaymentFacts => ({ refunds: [], ...more });

describe('money as value / offset, formatted for INR', () => {
  it.each([
    [125000, 100, '₹1,250.00'],
    [12_500_000, 100, '₹1,25,000.00'],
    [1_234_567_890, 100, '₹1,23,45,678.90'],
    [450, 100, '₹4.50'],
    [5, 100, '₹0.05'],
    [0, 100, '₹0.00'],
    [1250, 1, '₹1,250.00'],
    [1_250_500, 1000, '₹1,250.50'],
    // Past a double's exact integers as a number, exact as decimal text.
    [9_007_199_254_740_991, 100, '₹9,00,71,99,25,47,409.91'],
  ])('%i / %i is %s (Node’s en-IN currency format)', (value, offset, shown) => {
    expect(formatMoney(inr(value, offset))).toBe(shown);
  });

  it('reads only whole amounts and offsets, INR when the currency is missing or malformed', () => {
    expect(readMoney(125000, 100, 'inr')).toEqual(inr(125000));
    expect(readMoney(125000, undefined, '<b>')).toEqual(inr(125000));
    expect(readMoney(125000, 100, 'USD')).toEqual({ value: 125000, offset: 100, currency: 'USD' });
    expect(readMoney(undefined, 100, 'INR')).toBeUndefined();
    expect(readMoney(-1, 100, 'INR')).toBeUndefined();
    expect(readMoney(1.5, 100, 'INR')).toBeUndefined();
    expect(readMoney(100, 0, 'INR')).toBeUndefined();
    expect(readMoney(2 ** 53, 100, 'INR')).toBeUndefined();
  });

  it('adds refunds of one currency at the first one’s offset', () => {
    expect(sumMoney([inr(450), inr(50), inr(1, 1)])).toEqual(inr(600));
    expect(sumMoney([])).toBeUndefined();
  });
});

describe('what a payment event says happened', () => {
  it.each([
    ['captured', undefined, 'captured'],
    ['CAPTURED', 'success', 'captured'],
    ['pending', undefined, 'pending'],
    ['pending', 'pending', 'pending'],
    // Meta: `pending` with a failed transaction is an attempt that failed (the order can still be paid).
    ['pending', 'failed', 'failed'],
    ['failed', undefined, 'failed'],
    [undefined, 'success', 'captured'],
    [undefined, 'failed', 'failed'],
    [undefined, undefined, 'other'],
    ['authorized', 'success', 'other'],
  ] as const)('status %s, transaction %s: %s', (status, transactionStatus, kind) => {
    expect(kindOf({ status, facts: facts({ transactionStatus }) })).toBe(kind);
  });

  it('a refund is a refund whatever the payment’s word (Kaleyra’s refund sample says captured)', () => {
    expect(kindOf({ status: 'captured', facts: facts({ refunds: [{ status: 'completed' }] }) })).toBe(
      'refunded',
    );
  });

  it('is timed by Meta’s timestamp, else the newest transaction or refund update, else its receipt', () => {
    const received = new Date('2026-12-08T12:00:00Z');
    const at = new Date('2026-12-08T11:00:00Z');
    const updated = new Date('2026-12-08T10:00:00Z');
    const refunded = new Date('2026-12-08T10:30:00Z');
    const refunds = [{ updatedAt: refunded }];
    expect(eventTimeOf({ at, updatedAt: updated, facts: facts({ refunds }) }, received)).toEqual(at);
    expect(eventTimeOf({ updatedAt: updated, facts: facts({ refunds }) }, received)).toEqual(refunded);
    expect(eventTimeOf({ updatedAt: updated, facts: facts() }, received)).toEqual(updated);
    expect(eventTimeOf({ facts: facts() }, received)).toEqual(received);
    // A stamp an hour after its receipt is not believed.
    const ahead = new Date(received.getTime() + 3600_000);
    expect(eventTimeOf({ at: ahead, facts: facts() }, received)).toEqual(received);
  });

  it('asks before canceling an order whose payment is captured, pending or refunded; never otherwise', () => {
    const asks = PAYMENT_KINDS.filter((kind) => cancelNeedsConfirmation({ kind }));
    expect(asks).toEqual(['captured', 'pending', 'refunded']);
    expect(cancelNeedsConfirmation(undefined)).toBe(false);
  });
});

describe('the payment line, in words', () => {
  const line = (kind: (typeof PAYMENT_KINDS)[number], more: Partial<PaymentFacts>, status?: string) =>
    describePayment(summarizePayment({ kind, status, facts: facts(more) }), PLAIN_SURFACE);

  it('says what was paid, how, through which gateway and its order id', () => {
    const paid = { amount: inr(125000), method: 'upi', gateway: 'razorpay', transactionId: 'order_Qx7b' };
    expect(line('captured', paid)).toBe('Paid ₹1,250.00 (UPI · razorpay order_Qx7b)');
    expect(line('captured', { ...paid, method: 'netbanking' })).toBe(
      'Paid ₹1,250.00 (net banking · razorpay order_Qx7b)',
    );
    expect(line('captured', { amount: inr(450) })).toBe('Paid ₹4.50');
    expect(line('captured', {})).toBe('Paid');
  });

  it('says pending, failed with the gateway’s reason, refunded with the amount', () => {
    expect(line('pending', {})).toBe('Payment pending');
    expect(line('failed', { error: { code: 'BAD_REQUEST_ERROR', reason: 'incorrect_pin' } })).toBe(
      'Payment failed: incorrect_pin',
    );
    expect(line('failed', { error: { code: 'BAD_REQUEST_ERROR' } })).toBe(
      'Payment failed: BAD_REQUEST_ERROR',
    );
    expect(line('failed', {})).toBe('Payment failed: the gateway gave no reason');
    const refunds = [
      { amount: inr(25000), status: 'completed' },
      { amount: inr(5000), status: 'SUCCESS' },
      { amount: inr(100), status: 'pending' },
    ];
    expect(line('refunded', { refunds })).toBe('Refunded ₹300.00');
    expect(line('refunded', { refunds: [{ amount: inr(100), status: 'pending' }] })).toBe(
      'Refund of ₹1.00 pending',
    );
    expect(line('refunded', { refunds: [{ status: 'failed' }] })).toBe('Refund failed');
    expect(line('other', {}, 'authorized')).toBe('Payment update: authorized');
  });

  it('says why a cancel asks first, in Meta’s words, within a Slack confirm dialog’s 300 characters', () => {
    for (const kind of ['captured', 'pending', 'refunded'] as const) {
      const why = describeCancelWithPayment(kind);
      expect(why).toContain("error 2047: “Could not change order status to 'canceled'”");
      expect(why).toContain('successful or pending payment');
      expect(why.length).toBeLessThanOrEqual(300);
    }
  });
});
