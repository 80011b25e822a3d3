import * as v from 'valibot';
import { PAYMENT_KINDS, type PaymentFacts } from '../domain/payment.ts';
import { Timestamp } from './row-schema.ts';

const Text = v.string();
const MaybeText = v.nullable(v.string());

/** One row of `payment_events` (migration 24): a payment event heard, once per workspace. */
export const PaymentEventsRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  reference_id: Text,
  /** A hash of what the event says: the same for a retry and for the copy another replica received. */
  event_key: Text,
  kind: v.picklist(PAYMENT_KINDS),
  status: MaybeText,
  /** JSON of the event's PaymentFacts. */
  facts: Text,
  customer_hash: MaybeText,
  customer_masked: MaybeText,
  event_at: Timestamp,
  received_at: Timestamp,
  /** It decided the order's state when it was recorded (false: a newer event already had). */
  applied: v.boolean(),
});
export type PaymentEventsRow = v.InferOutput<typeof PaymentEventsRowSchema>;

/** One row of `payment_states` (migration 24): an order's payment as its newest event says. */
export const PaymentStatesRowSchema = v.object({
  workspace_id: Text,
  reference_id: Text,
  event_id: Text,
  event_key: Text,
  kind: v.picklist(PAYMENT_KINDS),
  rank: v.number(),
  status: MaybeText,
  facts: Text,
  event_at: Timestamp,
  updated_at: Timestamp,
});

const Word = v.optional(v.string());
const MoneySchema = v.optional(v.object({ value: v.number(), offset: v.number(), currency: v.string() }));
const At = v.optional(Timestamp);

/** The facts column as written (JSON, dates as ISO text) and read back as the domain's PaymentFacts. */
const FactsSchema = v.object({
  amount: MoneySchema,
  gateway: Word,
  method: Word,
  transactionId: Word,
  gatewayPaymentId: Word,
  transactionStatus: Word,
  error: v.optional(v.object({ code: Word, reason: Word })),
  refunds: v.array(v.object({ id: Word, amount: MoneySchema, status: Word, speed: Word, updatedAt: At })),
});

/** PaymentFacts as the facts column holds them. */
export const factsText = (facts: PaymentFacts): string => JSON.stringify(facts);

/** The facts column read back; a row this release cannot read shows no details rather than failing. */
export function readFacts(text: string): PaymentFacts {
  try {
    const parsed = v.safeParse(FactsSchema, JSON.parse(text));
    if (parsed.success) return parsed.output;
  } catch {
    // Not JSON: the same as facts of another shape.
  }
  return { refunds: [] };
}
