import { beforeEach, describe, expect, it } from 'vitest';
import { describePayment } from '../../src/describe/describe-payment.ts';
import { PLAIN_SURFACE } from '../../src/describe/surface.ts';
import { summarizePayment } from '../../src/domain/payment-summary.ts';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import { eventsOf, sendUpdate } from '../support/delivery-driver.ts';
import { getCallback, type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { inEntry, inMetaObject, kaleyraPayment, metaPaymentStatus } from '../support/payment-callbacks.ts';
import { fixtureText } from '../support/published-samples.ts';

/**
 * Kaleyra's payment callbacks in every form the shared document names, fed over HTTP to the running
 * app with the workspace's callback login: the published flat samples as stored, Meta's `statuses[]`
 * entry (constructed: payment-callbacks.ts) in `meta_object` and in `entry[].changes[]`, `payment` as
 * JSON text, refunds under the payment, a GET profile, and odd types. Each is answered 200 and the
 * order's payment reads as the event says; none is taken for a delivery status.
 */
describe.each(await storageModes())('payment callbacks, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  async function feed(body: string | object) {
    const answer = await postCallback(t.url, typeof body === 'string' ? body : JSON.stringify(body), login);
    expect(answer.status).toBe(200);
  }
  /** The order's payment as the thread and history would word it (plain surface). */
  async function line(reference: string): Promise<string | undefined> {
    const state = await t.server.services.payments.stateOf(t.team, reference);
    return state && describePayment(summarizePayment(state), PLAIN_SURFACE);
  }

  it('records Kaleyra’s published captured sample, as stored: paid ₹4.50 through razorpay', async () => {
    await feed(fixtureText('kaleyra/payment-captured.json'));
    expect(await line('SampleMSIL1102')).toBe('Paid ₹4.50 (razorpay order_SdrcSSqobZ7voR)');
    const [event] = await t.server.services.payments.eventsOf(t.team, 'SampleMSIL1102');
    // Kaleyra masks the sample's number (91XXXXXXXXXX): no customer is kept for it.
    expect(event).toMatchObject({ kind: 'captured', applied: true, customerMasked: undefined });
    expect(event?.at).toEqual(new Date(1746500005 * 1000));
  });

  it.each([
    ['captured, then the refund', ['kaleyra/payment-captured.json', 'kaleyra/payment-refund.json']],
    ['the refund, then captured (late)', ['kaleyra/payment-refund.json', 'kaleyra/payment-captured.json']],
  ])('records both published samples, %s: the order reads refunded ₹4.50', async (_order, files) => {
    for (const file of files) await feed(fixtureText(file));
    expect(await line('SampleMSIL1102')).toBe('Refunded ₹4.50');
    expect(await t.server.services.payments.eventsOf(t.team, 'SampleMSIL1102')).toHaveLength(2);
  });

  it('reads Meta’s payment status in Kaleyra’s meta_object envelope, with the method, and keeps the customer masked', async () => {
    await feed(inMetaObject([metaPaymentStatus({ reference: 'ORD-META-1' })]));
    expect(await line('ORD-META-1')).toBe('Paid ₹1,250.00 (UPI · razorpay order_Qx7bN2mKp4LzTa)');
    const [event] = await t.server.services.payments.eventsOf(t.team, 'ORD-META-1');
    expect(event?.customerMasked).toBe('+91 •••• 3210');
    expect(event?.at).toEqual(new Date(1764412842 * 1000));
    expect(event?.facts.gatewayPaymentId).toBe('pay_Qx7c01AbCdEfGh');
  });

  it('reads it in Meta’s own entry[].changes[] envelope, a delivery status beside it still applied', async () => {
    const sent = await sendUpdate(t, 'ORD-META-2', 'AMETAPAY000000002');
    const delivered = {
      id: 'wamid.delivered',
      status: 'delivered',
      timestamp: '1764412850',
      recipient_id: '919876543210',
    };
    await feed(
      inMetaObject([delivered, metaPaymentStatus({ reference: 'ORD-META-2', value: 12_500_000 })], {
        extra_info: { message_id: sent.messageId, ref2: sent.attemptId },
      }),
    );
    await feed(inEntry([metaPaymentStatus({ reference: 'ORD-META-3', value: 12_500_000 })]));
    expect(await line('ORD-META-2')).toBe('Paid ₹1,25,000.00 (UPI · razorpay order_Qx7bN2mKp4LzTa)');
    expect(await line('ORD-META-3')).toBe('Paid ₹1,25,000.00 (UPI · razorpay order_Qx7bN2mKp4LzTa)');
    expect((await eventsOf(t, sent.attemptId)).map((event) => event.status)).toEqual(['delivered']);
  });

  it('reads `payment` sent as JSON text, and refunds under the payment (Meta’s webhook example)', async () => {
    const flat = kaleyraPayment({ reference: 'ORD-STR-1', value: 125000 });
    await feed({ ...flat, payment: JSON.stringify(flat.payment) });
    expect(await line('ORD-STR-1')).toBe('Paid ₹1,250.00 (razorpay order_SdrcSSqobZ7voR)');
    const refunded = metaPaymentStatus({
      reference: 'ORD-STR-1',
      timestamp: 1764413000,
      refunds: [{ value: 25000, status: 'success' }],
    });
    await feed(inMetaObject([refunded]));
    expect(await line('ORD-STR-1')).toBe('Refunded ₹250.00');
  });

  it('tells a failed attempt from a pending payment, in the gateway’s words', async () => {
    await feed(
      inMetaObject([
        metaPaymentStatus({ reference: 'ORD-FAIL-1', status: 'pending', timestamp: 1764412800 }),
      ]),
    );
    expect(await line('ORD-FAIL-1')).toBe('Payment pending (₹1,250.00)');
    const failed = metaPaymentStatus({
      reference: 'ORD-FAIL-1',
      status: 'pending',
      timestamp: 1764412900,
      transactionStatus: 'failed',
      method: '',
      error: { code: 'BAD_REQUEST_ERROR', reason: 'incorrect_pin' },
    });
    await feed(inMetaObject([failed]));
    expect(await line('ORD-FAIL-1')).toBe('Payment failed: incorrect_pin');
  });

  it('reads a GET profile’s payment (type=payment, payment as JSON text) and not as a delivery status', async () => {
    const sent = await sendUpdate(t, 'ORD-GET-1', 'AGETPAY0000000001');
    const flat = kaleyraPayment({ reference: 'ORD-GET-1', value: 99900 });
    const query = new URLSearchParams({
      id: sent.messageId,
      type: 'payment',
      status: 'captured',
      phone_number: '919876543210',
      payment: JSON.stringify(flat.payment),
    });
    expect((await getCallback(t.url, query.toString(), login)).status).toBe(200);
    expect(await line('ORD-GET-1')).toBe('Paid ₹999.00 (razorpay order_SdrcSSqobZ7voR)');
    expect(await eventsOf(t, sent.attemptId)).toEqual([]);
  });

  it('never takes a payment in Kaleyra’s v2 envelope for a delivery status, even with the status repeated at the top', async () => {
    const sent = await sendUpdate(t, 'ORD-TOP-1', 'ATOPPAY0000000001');
    const body = inMetaObject([metaPaymentStatus({ reference: 'ORD-TOP-1' })], {
      status: 'captured',
      message_id: sent.messageId,
      extra_info: { message_id: sent.messageId, ref2: sent.attemptId },
    });
    await feed(body);
    expect(await line('ORD-TOP-1')).toMatch(/^Paid ₹1,250\.00/);
    expect(await eventsOf(t, sent.attemptId)).toEqual([]);
  });

  it('answers 200 to odd types, reading what it can and skipping what names no order', async () => {
    const odd = kaleyraPayment({ reference: 'ORD-ODD-1' }) as { payment: Record<string, unknown> };
    const transaction = odd.payment.transaction as Record<string, unknown>;
    await feed({
      ...odd,
      status: ['captured'],
      payment: {
        ...odd.payment,
        amount: { value: '125000', offset: '100' },
        currency: 42,
        transaction: { ...transaction, method: 'upi', refunds: '[]', updated_timestamp: '1764412842' },
      },
    });
    // `status` unreadable: the transaction's `success` says captured.
    expect(await line('ORD-ODD-1')).toBe('Paid ₹1,250.00 (UPI · razorpay order_SdrcSSqobZ7voR)');
    const unreadable = [
      { ...odd, payment: ['not', 'an', 'object'] },
      { ...odd, payment: '{"reference_id": "unterminated' },
      { ...odd, payment: { ...odd.payment, reference_id: 'R'.repeat(36) } },
      { ...odd, payment: { ...odd.payment, reference_id: 'ORD <!channel>' } },
      { ...odd, payment: { ...odd.payment, reference_id: { id: 'ORD-ODD-2' } } },
      { ...odd, payment: { ...odd.payment, reference_id: 'ORD-ODD-3', amount: 'lots', transaction: 7 } },
    ];
    for (const body of unreadable) await feed(body);
    expect(await t.server.services.payments.eventsOf(t.team, 'ORD-ODD-2')).toEqual([]);
    // An order is named: recorded with what could be read (no amount, no transaction).
    expect(await line('ORD-ODD-3')).toBe('Paid');
  });

  it('keeps a gateway’s hostile words clean and bounded: no control characters, one line, at most 500', async () => {
    const failed = metaPaymentStatus({
      reference: 'ORD-HOSTILE-1',
      status: 'pending',
      transactionStatus: 'failed',
      error: { code: 'E\u0000\u001b[31m', reason: `pin\u0000\nwrong \ud800 <!channel> ${'&'.repeat(5000)}` },
    });
    await feed(inMetaObject([failed]));
    const state = await t.server.services.payments.stateOf(t.team, 'ORD-HOSTILE-1');
    expect(state?.kind).toBe('failed');
    const reason = state?.facts.error?.reason ?? '';
    expect(reason.startsWith('pin  wrong')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(500);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(reason).not.toMatch(/[\u0000-\u001f]/);
    expect(state?.facts.error?.code).toBe('E  [31m');
  });
});
