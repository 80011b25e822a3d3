import * as v from 'valibot';
import { cleanCustomerLabel } from '../domain/customer-text.ts';
import { readMoney } from '../domain/money.ts';
import { LIMITS, REFERENCE_PATTERN } from '../domain/order-status.ts';
import type { PaymentEvent, PaymentFacts, PaymentRefund } from '../domain/payment.ts';
import { type Change, Loose, Text, unixSeconds } from './envelopes.ts';

/**
 * Kaleyra's payment callbacks (the shared document kaleyra-whatsapp-payments-and-media.md, §1): flat
 * as Kaleyra prints them (`type: "payment"` beside `payment` and `phone_number`), or Meta's `statuses[]`
 * entry of type `payment` in any envelope (`meta_object`, `entry[].changes[]`); `payment` an object or
 * a JSON string; refunds under the transaction (Kaleyra) or the payment (Meta's webhook example).
 * Read tolerantly: a field of another type reads as absent, so an odd field never refuses the rest.
 */

/** A whole number, or its digits as text (Meta's examples print some numbers as strings). */
const Whole = v.fallback(
  v.optional(
    v.union([
      v.pipe(v.number(), v.integer()),
      v.pipe(v.string(), v.regex(/^\s*\d{1,16}\s*$/), v.transform(Number)),
    ]),
  ),
  undefined,
);
const AmountSchema = Loose({ value: Whole, offset: Whole });
const MethodSchema = v.fallback(
  v.optional(
    v.union([
      v.looseObject({ type: Text }),
      v.pipe(
        v.string(),
        v.transform((type) => ({ type })),
      ),
    ]),
  ),
  undefined,
);
const RefundSchema = v.looseObject({
  id: Text,
  amount: AmountSchema,
  status: Text,
  speed_processed: Text,
  updated_timestamp: Text,
});
const TransactionSchema = Loose({
  id: Text,
  pg_transaction_id: Text,
  type: Text,
  status: Text,
  updated_timestamp: Text,
  method: MethodSchema,
  error: Loose({ code: Text, reason: Text }),
  refunds: v.optional(v.unknown()),
  amount: AmountSchema,
  currency: Text,
});
const PaymentSchema = v.looseObject({
  reference_id: Text,
  amount: AmountSchema,
  currency: Text,
  transaction: TransactionSchema,
  refunds: v.optional(v.unknown()),
});
const EntrySchema = v.looseObject({
  type: Text,
  status: Text,
  timestamp: Text,
  phone_number: Text,
  recipient_id: Text,
});

// Refunds of one payment: a handful at most; more is not a payment callback.
const REFUNDS_MAX = 20;
const ID_MAX = 255;
const WORD_MAX = 40;
const REASON_MAX = 500;

export type ReadPayments = { payments: PaymentEvent[]; skipped: number };

/** Every payment a POST body carries, flat or in Meta's `statuses[]`; `skipped`: those without a usable order. */
export function readPaymentBody(body: Record<string, unknown>, changes: readonly Change[]): ReadPayments {
  const entries: unknown[] = [];
  if (isPayment(body)) entries.push(body);
  for (const { value } of changes) {
    if (!Array.isArray(value.statuses)) continue;
    for (const status of value.statuses) if (isPayment(status)) entries.push(status);
  }
  const payments = entries.flatMap((entry) => {
    const read = readEntry(v.parse(EntrySchema, entry), (entry as Record<string, unknown>).payment);
    return read ? [read] : [];
  });
  return { payments, skipped: entries.length - payments.length };
}

/** A GET callback's payment (`type=payment`, `payment` as JSON text), if the profile sends one. */
export function readPaymentQuery(query: URLSearchParams): ReadPayments {
  if (query.get('type')?.trim().toLowerCase() !== 'payment') return { payments: [], skipped: 0 };
  const entry = v.parse(EntrySchema, Object.fromEntries(query));
  const read = readEntry(entry, query.get('payment') ?? undefined);
  return read ? { payments: [read], skipped: 0 } : { payments: [], skipped: 1 };
}

/** Whether a body or a `statuses[]` entry is a payment (its `type`), not a delivery status. */
export function isPayment(entry: unknown): boolean {
  return isObject(entry) && v.parse(Text, entry.type)?.trim().toLowerCase() === 'payment';
}

function readEntry(entry: v.InferOutput<typeof EntrySchema>, raw: unknown): PaymentEvent | undefined {
  const payment = v.safeParse(PaymentSchema, typeof raw === 'string' ? parseJson(raw) : raw);
  if (!payment.success) return undefined;
  const { reference_id, transaction } = payment.output;
  const referenceId = reference_id?.trim();
  if (!referenceId || referenceId.length > LIMITS.referenceId || !REFERENCE_PATTERN.test(referenceId)) {
    return undefined;
  }
  const currency = payment.output.currency ?? transaction?.currency;
  const amount = payment.output.amount ?? transaction?.amount;
  const refunds = [...listOf(transaction?.refunds), ...listOf(payment.output.refunds)]
    .slice(0, REFUNDS_MAX)
    .flatMap((item) => {
      const refund = v.safeParse(RefundSchema, item);
      return refund.success ? [readRefund(refund.output, currency)] : [];
    });
  const facts: PaymentFacts = {
    amount: readMoney(amount?.value, amount?.offset, currency),
    gateway: word(transaction?.type, WORD_MAX)?.toLowerCase(),
    method: word(transaction?.method?.type, WORD_MAX),
    transactionId: word(transaction?.id, ID_MAX),
    gatewayPaymentId: word(transaction?.pg_transaction_id, ID_MAX),
    transactionStatus: word(transaction?.status, WORD_MAX),
    error: transaction?.error && {
      code: word(transaction.error.code, WORD_MAX),
      reason: word(transaction.error.reason, REASON_MAX),
    },
    refunds,
  };
  return {
    referenceId,
    status: word(entry.status, WORD_MAX),
    facts,
    customer: digitsOf(entry.phone_number ?? entry.recipient_id),
    at: unixSeconds(entry.timestamp),
    updatedAt: unixSeconds(transaction?.updated_timestamp),
  };
}

function readRefund(refund: v.InferOutput<typeof RefundSchema>, currency: string | undefined): PaymentRefund {
  return {
    id: word(refund.id, ID_MAX),
    amount: readMoney(refund.amount?.value, refund.amount?.offset, currency),
    status: word(refund.status, WORD_MAX),
    speed: word(refund.speed_processed, WORD_MAX),
    updatedAt: unixSeconds(refund.updated_timestamp),
  };
}

/** Refunds as a list: `null` (Kaleyra's "none"), a list, or a list written as JSON text. */
function listOf(value: unknown): unknown[] {
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  return Array.isArray(parsed) ? parsed : [];
}

/** Text from outside as it may be kept and shown: one line, no control or invisible characters, bounded. */
function word(text: string | undefined, max: number): string | undefined {
  const cleaned = text === undefined ? '' : cleanCustomerLabel(text, max);
  return cleaned === '' ? undefined : cleaned;
}

/** A WhatsApp id: digits (an optional `+`); anything else (Kaleyra's masked `91XXXXXXXXXX`) is none. */
function digitsOf(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed && /^\+?\d{6,20}$/.test(trimmed) ? trimmed : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
