import { formatMoney, type Money, sumMoney } from './money.ts';
import { type PaymentFacts, type PaymentKind, type PaymentRefund, refundDone } from './payment.ts';

/**
 * The facts of the one line an order's thread and history show for a payment, before any wording:
 * "Paid ₹1,250.00 (UPI · razorpay order_…)", "Payment pending", "Payment failed: reason",
 * "Refunded ₹4.50". Amounts are already formatted; every other text came from outside and is escaped
 * by the surface that shows it.
 */
export type PaymentSummary =
  | {
      kind: 'paid';
      amount: string | undefined;
      /** `UPI`, `card`, `wallet`, `net banking`, or the gateway's word as given. */
      method: string | undefined;
      gateway: string | undefined;
      /** The gateway's order id. */
      orderId: string | undefined;
    }
  | { kind: 'pending'; amount: string | undefined }
  | { kind: 'failed'; reason: string | undefined; code: string | undefined }
  | {
      kind: 'refunded';
      /** Refunds that went through; else those still pending; else those that failed. */
      state: 'done' | 'pending' | 'failed';
      amount: string | undefined;
    }
  | { kind: 'other'; status: string | undefined };

const METHOD_LABELS: Readonly<Record<string, string>> = {
  upi: 'UPI',
  card: 'card',
  wallet: 'wallet',
  netbanking: 'net banking',
};

const formatted = (money: Money | undefined) => (money === undefined ? undefined : formatMoney(money));

/** The line's facts for an event (or the order's state) of this kind. */
export function summarizePayment(payment: {
  kind: PaymentKind;
  status: string | undefined;
  facts: PaymentFacts;
}): PaymentSummary {
  const { facts } = payment;
  switch (payment.kind) {
    case 'captured':
      return {
        kind: 'paid',
        amount: formatted(facts.amount),
        method: facts.method && (METHOD_LABELS[facts.method.toLowerCase()] ?? facts.method),
        gateway: facts.gateway,
        orderId: facts.transactionId,
      };
    case 'pending':
      return { kind: 'pending', amount: formatted(facts.amount) };
    case 'failed':
      return { kind: 'failed', reason: facts.error?.reason, code: facts.error?.code };
    case 'refunded':
      return summarizeRefunds(facts.refunds);
    case 'other':
      return { kind: 'other', status: payment.status };
  }
}

function summarizeRefunds(refunds: readonly PaymentRefund[]): PaymentSummary {
  const done = refunds.filter(refundDone);
  const pending = refunds.filter((refund) => refund.status?.toLowerCase() === 'pending');
  const [state, counted] =
    done.length > 0
      ? (['done', done] as const)
      : pending.length > 0
        ? (['pending', pending] as const)
        : (['failed', refunds] as const);
  const amounts = counted.flatMap((refund) => (refund.amount ? [refund.amount] : []));
  // A refund without an amount makes any total a guess: none is shown.
  const amount = amounts.length === counted.length ? formatted(sumMoney(amounts)) : undefined;
  return { kind: 'refunded', state, amount };
}
