import { META_CANCEL_REFUSAL, type PaymentKind } from '../domain/payment.ts';
import type { PaymentSummary } from '../domain/payment-summary.ts';
import type { Surface } from './surface.ts';

/**
 * A payment's line in words, once for every surface (the order's thread, history in Slack and the
 * CLI): "Paid ₹1,250.00 (UPI · razorpay order_…)", "Payment pending", "Payment failed: incorrect_pin",
 * "Refunded ₹4.50". The gateway's words and ids came from outside: the surface makes them inert.
 */
export function describePayment(summary: PaymentSummary, surface: Surface): string {
  switch (summary.kind) {
    case 'paid': {
      const gateway = [
        summary.gateway && surface.text(summary.gateway),
        summary.orderId && surface.literal(summary.orderId),
      ].filter(Boolean);
      const details = [summary.method && surface.text(summary.method), gateway.join(' ')].filter(Boolean);
      const amount = summary.amount ? ` ${summary.amount}` : '';
      return `Paid${amount}${details.length > 0 ? ` (${details.join(' · ')})` : ''}`;
    }
    case 'pending':
      return `Payment pending${summary.amount ? ` (${summary.amount})` : ''}`;
    case 'failed': {
      const reason = summary.reason ?? summary.code;
      return `Payment failed: ${reason ? surface.text(reason) : 'the gateway gave no reason'}`;
    }
    case 'refunded': {
      const amount = summary.amount ? ` ${summary.amount}` : '';
      if (summary.state === 'done') return `Refunded${amount}`;
      return `Refund${amount ? ` of${amount}` : ''} ${summary.state === 'pending' ? 'pending' : 'failed'}`;
    }
    case 'other':
      return `Payment update: ${summary.status ? surface.text(summary.status) : 'no status given'}`;
  }
}

/**
 * Why a `canceled` update for this order asks first (Slack's confirmation, the CLI's `--force`), in
 * Meta's words: its status table refuses a cancel while a successful or pending payment exists, with
 * error 2047; and a canceled order can no longer be paid.
 */
export function describeCancelWithPayment(
  kind: Extract<PaymentKind, 'captured' | 'pending' | 'refunded'>,
): string {
  const payment =
    kind === 'pending'
      ? 'a payment for this order is pending'
      : kind === 'refunded'
        ? 'the customer paid for this order (since refunded)'
        : 'the customer has paid for this order';
  return `WhatsApp says ${payment}. Meta refuses to cancel an order with a successful or pending payment (error ${META_CANCEL_REFUSAL.code}: “${META_CANCEL_REFUSAL.title}”), and once canceled the customer can no longer pay.`;
}
