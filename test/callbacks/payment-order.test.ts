import { beforeEach, describe, expect, it } from 'vitest';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import { type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { inMetaObject, kaleyraPayment, metaPaymentStatus } from '../support/payment-callbacks.ts';
import { fixtureText } from '../support/published-samples.ts';

/**
 * Payment events arrive late, twice, or out of order (Kaleyra retries; replicas): each is recorded
 * once per workspace, and the order's payment follows the events' own times, never their arrival.
 * Counted once each in `orderstatus_payments_total{status}`. Both stores.
 */
describe.each(await storageModes())('payments in the events’ order, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  async function feed(body: string | object, as: Login = login) {
    const answer = await postCallback(t.url, typeof body === 'string' ? body : JSON.stringify(body), as);
    expect(answer.status).toBe(200);
  }
  const stateOf = (reference: string, team = t.team) => t.server.services.payments.stateOf(team, reference);
  const eventsOf = (reference: string, team = t.team) => t.server.services.payments.eventsOf(team, reference);
  async function counted(status: string): Promise<number> {
    const text = await (await fetch(new URL('/metrics', t.url))).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`orderstatus_payments_total{status="${status}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }

  it('records a retried callback once, sent one after another or all at once, and counts it once', async () => {
    const before = await counted('captured');
    const body = fixtureText('kaleyra/payment-captured.json');
    await feed(body);
    await feed(body);
    await Promise.all([feed(body), feed(body), feed(body)]);
    expect(await eventsOf('SampleMSIL1102')).toHaveLength(1);
    expect(await counted('captured')).toBe(before + 1);
  });

  it('keeps captured when a pending with an older timestamp arrives after it; the late one is recorded, marked', async () => {
    const before = { captured: await counted('captured'), pending: await counted('pending') };
    await feed(inMetaObject([metaPaymentStatus({ reference: 'ORD-LATE-1', timestamp: 1764412900 })]));
    await feed(
      inMetaObject([
        metaPaymentStatus({ reference: 'ORD-LATE-1', status: 'pending', timestamp: 1764412800 }),
      ]),
    );
    expect(await stateOf('ORD-LATE-1')).toMatchObject({ kind: 'captured', at: new Date(1764412900 * 1000) });
    const events = await eventsOf('ORD-LATE-1');
    expect(events.map((event) => [event.kind, event.applied])).toEqual([
      ['captured', true],
      ['pending', false],
    ]);
    // Both were heard for the first time: both are counted.
    expect(await counted('captured')).toBe(before.captured + 1);
    expect(await counted('pending')).toBe(before.pending + 1);
  });

  it('orders Kaleyra’s flat events by their transaction’s updated_timestamp', async () => {
    await feed(kaleyraPayment({ reference: 'ORD-FLAT-1', status: 'captured', updated: 1764412900 }));
    await feed(
      kaleyraPayment({
        reference: 'ORD-FLAT-1',
        status: 'pending',
        transactionStatus: 'pending',
        updated: 1764412800,
      }),
    );
    expect((await stateOf('ORD-FLAT-1'))?.kind).toBe('captured');
  });

  it('a retry of an event that carried no time does not overwrite a newer event heard since', async () => {
    const untimed = kaleyraPayment({ reference: 'ORD-UNTIMED-1', status: 'pending' }) as {
      payment: { transaction: Record<string, unknown> };
    };
    const { updated_timestamp: _u, created_timestamp: _c, ...transaction } = untimed.payment.transaction;
    const pending = {
      ...untimed,
      payment: { ...untimed.payment, transaction: { ...transaction, status: 'pending' } },
    };
    await feed(pending);
    // Paid within the next second (by WhatsApp's clock), heard, and then Kaleyra retries the first one.
    const paidAt = Math.ceil(Date.now() / 1000);
    await feed(inMetaObject([metaPaymentStatus({ reference: 'ORD-UNTIMED-1', timestamp: paidAt })]));
    while (Date.now() <= paidAt * 1000 + 50) await new Promise((resolve) => setTimeout(resolve, 20));
    await feed(pending);
    expect((await stateOf('ORD-UNTIMED-1'))?.kind).toBe('captured');
    expect(await eventsOf('ORD-UNTIMED-1')).toHaveLength(2);
  });

  it('does not believe a time far ahead of its receipt: a later real event still decides', async () => {
    const farAhead = Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
    await feed(
      inMetaObject([metaPaymentStatus({ reference: 'ORD-AHEAD-1', status: 'pending', timestamp: farAhead })]),
    );
    await feed(
      inMetaObject([
        metaPaymentStatus({ reference: 'ORD-AHEAD-1', timestamp: Math.floor(Date.now() / 1000) + 1 }),
      ]),
    );
    expect((await stateOf('ORD-AHEAD-1'))?.kind).toBe('captured');
  });

  it('keeps each workspace’s payments apart, even for the same event and reference', async () => {
    const other = `${t.team}X`;
    const otherLogin = await t.server.services.callbackCredentials.rotate(other, 'UADMIN');
    const body = fixtureText('kaleyra/payment-refund.json');
    await feed(body);
    await feed(body, otherLogin);
    expect(await eventsOf('SampleMSIL1102')).toHaveLength(1);
    expect(await eventsOf('SampleMSIL1102', other)).toHaveLength(1);
    expect(await stateOf('SampleMSIL1102', `${t.team}Y`)).toBeUndefined();
  });
});
