import { keptSentAt } from './message-time.ts';
import type { Money } from './money.ts';

/**
 * WhatsApp Pay payments of an order, as Kaleyra's payment callbacks report them (the shared document
 * kaleyra-whatsapp-payments-and-media.md, §1): the order is the business's `reference_id`, the same one
 * its order-status updates carry. Nothing here is ever sent to the customer.
 */

/** What one event says happened: how it is counted (`orderstatus_payments_total{status}`) and shown. */
export const PAYMENT_KINDS = ['captured', 'pending', 'failed', 'refunded', 'other'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/**
 * Of two events stamped with the same second, the one further along a payment's life decides the
 * order's state (an attempt, its failure, the capture, a refund), so every replica and every arrival
 * order end at the same state.
 */
export const PAYMENT_KIND_RANK: Readonly<Record<PaymentKind, number>> = {
  other: 0,
  pending: 1,
  failed: 2,
  captured: 3,
  refunded: 4,
};

export type PaymentRefund = {
  id?: string | undefined;
  amount?: Money | undefined;
  /** Meta: pending, success or failed; Kaleyra's sample: completed. */
  status?: string | undefined;
  /** instant or normal. */
  speed?: string | undefined;
  updatedAt?: Date | undefined;
};

/** What an event says of the payment, kept and shown (never the customer or the notification's id). */
export type PaymentFacts = {
  /** `payment.amount`, else the transaction's. */
  amount?: Money | undefined;
  /** `transaction.type`: the gateway (razorpay, payu, billdesk, zaakpay). */
  gateway?: string | undefined;
  /** `transaction.method.type`: upi, card, wallet or netbanking (Meta: may be missing on failures). */
  method?: string | undefined;
  /** `transaction.id`: the gateway's order id. */
  transactionId?: string | undefined;
  /** `transaction.pg_transaction_id`: the gateway's payment id. */
  gatewayPaymentId?: string | undefined;
  /** `transaction.status`: pending, success or failed. */
  transactionStatus?: string | undefined;
  /** `transaction.error`: the gateway's own words. */
  error?: { code?: string | undefined; reason?: string | undefined } | undefined;
  /** From `transaction.refunds` (Kaleyra) or `payment.refunds` (Meta's webhook example). */
  refunds: PaymentRefund[];
};

/** One payment callback as read, every text cleaned and bounded. */
export type PaymentEvent = {
  referenceId: string;
  /** The top-level `status` word (captured, pending; `failed` from some providers). */
  status: string | undefined;
  facts: PaymentFacts;
  /** The customer's WhatsApp id (`phone_number` in Kaleyra's form, `recipient_id` in Meta's). */
  customer?: string | undefined;
  /** Meta's `timestamp`: when WhatsApp sent the notification. */
  at?: Date | undefined;
  /** `transaction.updated_timestamp`. */
  updatedAt?: Date | undefined;
};

/** An order's payment as its newest event says (by the events' own times). */
export type PaymentState = {
  kind: PaymentKind;
  status: string | undefined;
  facts: PaymentFacts;
  /** The deciding event's time (eventTimeOf). */
  at: Date;
};

const DONE_REFUND = new Set(['completed', 'success']);

/** Whether a refund went through (`completed` in Kaleyra's sample, `success` in Meta's words). */
export const refundDone = (refund: PaymentRefund): boolean =>
  refund.status === undefined || DONE_REFUND.has(refund.status.toLowerCase());

/**
 * What the event says happened. A refund is a refund whatever the payment's word (Kaleyra's refund
 * sample still says `captured`); Meta's `pending` with a failed transaction is an attempt that failed
 * (the order can still be paid); `failed` at the top is a third party's word (tolerated).
 */
export function kindOf(event: Pick<PaymentEvent, 'status' | 'facts'>): PaymentKind {
  if (event.facts.refunds.length > 0) return 'refunded';
  const status = event.status?.toLowerCase();
  const transaction = event.facts.transactionStatus?.toLowerCase();
  if (status === 'captured') return 'captured';
  if (status === 'failed') return 'failed';
  if (status === 'pending') return transaction === 'failed' ? 'failed' : 'pending';
  if (status !== undefined) return 'other';
  if (transaction === 'success') return 'captured';
  if (transaction === 'failed') return 'failed';
  return transaction === 'pending' ? 'pending' : 'other';
}

/**
 * When the event happened, for ordering: Meta's `timestamp`; else the newest time the payment carries
 * (its transaction's or a refund's `updated_timestamp`: a refund need not move the transaction's, as in
 * Kaleyra's refund sample); else its receipt. A time more than a few minutes after the receipt (a wrong
 * clock, a forged stamp) is not believed: it would pin the order's state for good.
 */
export function eventTimeOf(event: Pick<PaymentEvent, 'at' | 'updatedAt' | 'facts'>, receivedAt: Date): Date {
  const candidates = [event.updatedAt, ...event.facts.refunds.map((refund) => refund.updatedAt)];
  const newest = candidates.reduce<Date | undefined>(
    (latest, at) => (at !== undefined && (latest === undefined || at > latest) ? at : latest),
    undefined,
  );
  const stamped = event.at ?? newest;
  return stamped === undefined ? receivedAt : keptSentAt(stamped, receivedAt);
}

/**
 * Meta's error when an order is canceled though a payment exists (the shared document, §4: error code
 * 2047, its title as Meta prints it).
 */
export const META_CANCEL_REFUSAL = {
  code: 2047,
  title: "Could not change order status to 'canceled'",
} as const;

/**
 * Whether a `canceled` update needs a person's confirmation (Slack) or `--force` (CLI). Meta's status
 * table refuses a cancel when a successful or pending payment exists (its prose and error 2047 name only
 * a paid order: the stricter rule is kept). A refund leaves the payment successful (Kaleyra's refund
 * sample: transaction `success`), so a refunded order asks too. A failed attempt, or no payment heard
 * of, asks nothing.
 */
export function cancelNeedsConfirmation(
  state: Pick<PaymentState, 'kind'> | undefined,
): state is Pick<PaymentState, 'kind'> & { kind: 'captured' | 'pending' | 'refunded' } {
  return state?.kind === 'captured' || state?.kind === 'pending' || state?.kind === 'refunded';
}
