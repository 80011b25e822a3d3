import { fixtureText, TEST_BUSINESS, TEST_CUSTOMER } from './published-samples.ts';

/**
 * Payment callbacks for the tests, in the two forms the shared document (kaleyra-whatsapp-payments-
 * and-media.md, §1) says Kaleyra may send:
 * - flat, as Kaleyra prints it: its published sample (test/fixtures/kaleyra/payment-captured.json),
 *   read as stored, with only the values a test needs changed;
 * - Meta's webhook form: a `statuses[]` entry of `type: "payment"`. Kaleyra publishes no such sample
 *   and we could read no copy of Meta's own example, so it is CONSTRUCTED here from the document's
 *   field table of Meta's webhook (id, status, timestamp, recipient_id, type, payment with reference_id,
 *   amount, currency, transaction {id, pg_transaction_id, type, status, created/updated_timestamp,
 *   method.type, error {code, reason}} and refunds under the payment), in Kaleyra's v2 `meta_object`
 *   envelope (as its status callbacks come) or Meta's own `entry[].changes[]`.
 */

export type PaymentValues = {
  reference: string;
  status?: string;
  /** Meta's `timestamp` (Unix seconds); Kaleyra's flat form has none. */
  timestamp?: number;
  /** `transaction.updated_timestamp`. */
  updated?: number;
  value?: number;
  transactionStatus?: string;
  method?: string;
  error?: { code: string; reason: string };
  refunds?: Array<{ value: number; status: string; updated?: number; id?: string }>;
};

type Json = Record<string, unknown>;

/** Kaleyra's published flat sample, with this payment's values. */
export function kaleyraPayment(values: PaymentValues): Json {
  const sample = JSON.parse(fixtureText('kaleyra/payment-captured.json')) as Json & { payment: Json };
  const transaction = sample.payment.transaction as Json;
  const amount = { offset: 100, value: values.value ?? 450 };
  return {
    ...sample,
    phone_number: TEST_CUSTOMER,
    status: values.status ?? 'captured',
    payment: {
      ...sample.payment,
      reference_id: values.reference,
      amount,
      transaction: {
        ...transaction,
        amount,
        status: values.transactionStatus ?? transaction.status,
        updated_timestamp: values.updated ?? transaction.updated_timestamp,
        ...(values.method ? { method: { type: values.method } } : {}),
        ...(values.error ? { error: values.error } : {}),
        refunds: values.refunds ? refundsOf(values.refunds) : null,
      },
    },
  };
}

function refundsOf(refunds: NonNullable<PaymentValues['refunds']>): Json[] {
  return refunds.map((refund, index) => ({
    amount: { offset: 100, value: refund.value },
    created_timestamp: refund.updated ?? 1764412800,
    id: refund.id ?? `rfnd_T${index}`,
    speed_processed: 'normal',
    status: refund.status,
    updated_timestamp: refund.updated ?? 1764412800,
  }));
}

/** Meta's `statuses[]` entry of type `payment` (constructed: see above); refunds under the payment. */
export function metaPaymentStatus(values: PaymentValues): Json {
  const amount = { value: values.value ?? 125000, offset: 100 };
  const transactionStatus =
    values.transactionStatus ??
    (values.status === 'captured' || values.status === undefined ? 'success' : 'pending');
  return {
    id: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAEhgUM0VCMDQxQUIxMjM0NTY3ODkwQUIA',
    status: values.status ?? 'captured',
    timestamp: String(values.timestamp ?? 1764412842),
    recipient_id: TEST_CUSTOMER,
    type: 'payment',
    payment: {
      reference_id: values.reference,
      amount,
      currency: 'INR',
      transaction: {
        id: 'order_Qx7bN2mKp4LzTa',
        pg_transaction_id: 'pay_Qx7c01AbCdEfGh',
        type: 'razorpay',
        status: transactionStatus,
        created_timestamp: 1764412800,
        updated_timestamp: values.updated ?? values.timestamp ?? 1764412842,
        ...(values.method === undefined
          ? { method: { type: 'upi' } }
          : values.method
            ? { method: { type: values.method } }
            : {}),
        ...(values.error ? { error: values.error } : {}),
      },
      ...(values.refunds ? { refunds: refundsOf(values.refunds) } : {}),
    },
  };
}

/** Statuses in Kaleyra's v2 envelope, as its status callbacks come (kaleyra-callbacks.ts), top-level extras added. */
export function inMetaObject(statuses: Json[], top: Json = {}): string {
  return JSON.stringify({
    meta_object: {
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: TEST_BUSINESS, phone_number_id: '104000000000060' },
        statuses,
      },
      field: 'messages',
    },
    extra_info: { trace_id: '8f14e45f-0000-4c1a-9e77-1a5000000000', waba_id: '120000000000000' },
    ...top,
  });
}

/** Statuses in Meta's own webhook envelope. */
export function inEntry(statuses: Json[]): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '120000000000000',
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: TEST_BUSINESS, phone_number_id: '104000000000060' },
              statuses,
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}
