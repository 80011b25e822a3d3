import { describe, expect, it } from 'vitest';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { inMetaObject, kaleyraPayment, metaPaymentStatus } from '../support/payment-callbacks.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { useReplicas } from '../support/replicas.ts';
import type { TestApp } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

/**
 * Two replicas on one Postgres: Kaleyra may deliver the same payment event to both (a retry after a
 * slow answer, two profiles on one URL), or an older and a newer event at once. Each event is recorded
 * and counted once in all, and the order's payment ends at the newest event whichever replica wrote last.
 */
describe.skipIf(!pgUrl)('payments across two replicas', () => {
  const r = useReplicas(pgUrl);
  const ORDERS = 8;

  async function counted(app: TestApp, status: string): Promise<number> {
    const text = await (await fetch(new URL('/metrics', app.url))).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`orderstatus_payments_total{status="${status}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }
  const total = async (status: string) => (await counted(r.a, status)) + (await counted(r.b, status));
  const post = async (app: TestApp, body: string) => (await postCallback(app.url, body, r.login)).status;

  it('records the same event reaching both replicas at once once, and counts it once in all', async () => {
    const before = await total('captured');
    const references = Array.from({ length: ORDERS }, (_, i) => `ORD-BOTH-${i}`);
    const answers = await Promise.all(
      references.flatMap((reference) => {
        const body = JSON.stringify(kaleyraPayment({ reference }));
        return [post(r.a, body), post(r.b, body), post(r.b, body)];
      }),
    );
    expect(new Set(answers)).toEqual(new Set([200]));
    for (const reference of references) {
      const events = await r.a.server.services.payments.eventsOf(r.team, reference);
      expect(events, reference).toHaveLength(1);
      expect(events[0]?.applied).toBe(true);
    }
    expect(await total('captured')).toBe(before + ORDERS);
  });

  it('ends at the newest event when an older and a newer one reach the two replicas at once', async () => {
    const references = Array.from({ length: ORDERS }, (_, i) => `ORD-RACE-${i}`);
    await Promise.all(
      references.flatMap((reference, i) => {
        const older = inMetaObject([
          metaPaymentStatus({ reference, status: 'pending', timestamp: 1764412800 }),
        ]);
        const newer = inMetaObject([metaPaymentStatus({ reference, timestamp: 1764412900 })]);
        // Each replica gets the older one first half of the time.
        const [first, second] = i % 2 === 0 ? [r.a, r.b] : [r.b, r.a];
        return [post(first, older), post(second, newer)];
      }),
    );
    for (const reference of references) {
      const state = await r.b.server.services.payments.stateOf(r.team, reference);
      expect(state?.kind, reference).toBe('captured');
      const events = await r.a.server.services.payments.eventsOf(r.team, reference);
      // The newer one always decided; the older one did only if it was written first.
      expect(events.map((event) => event.kind)).toEqual(['captured', 'pending']);
      expect(events[0]?.applied).toBe(true);
    }
  });
});
