import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSessionTextPayload } from '../../src/kaleyra/build-payload.ts';
import { createKaleyraClient } from '../../src/kaleyra/client.ts';
import { createTemplatesClient } from '../../src/kaleyra/templates-client.ts';
import { watchMessageWrites } from '../../src/kaleyra/watch-message-writes.ts';
import { type FakeKaleyra, startFakeKaleyra } from '../support/fake-kaleyra.ts';

let kaleyra: FakeKaleyra;
beforeAll(async () => {
  kaleyra = await startFakeKaleyra();
});
afterAll(() => kaleyra.close());

it('names the business number of each send written to Kaleyra, and nothing else', async () => {
  const seen: string[] = [];
  const stop = watchMessageWrites((businessNumber) => seen.push(businessNumber));
  const client = createKaleyraClient({ baseUrlOverride: kaleyra.url });
  const account = { sid: 'HXIN1234567890IN', apiKey: 'Akey0000000000000000000000000001', pod: 'in' as const };
  const payload = buildSessionTextPayload('+919876543210', 'Your parcel left', { ref: 'T1' });
  await client.sendMessage({ ...account, businessNumber: '+919876500000' }, payload);
  await client.sendMessage({ ...account, businessNumber: '+14155550100' }, payload);
  // A request that is not a send (the template list), and any other fetch of the process: not named.
  await createTemplatesClient({ baseUrlOverride: kaleyra.url }).listTemplates({
    ...account,
    wabaId: '104996122399160',
  });
  await fetch(`${kaleyra.url}/elsewhere`).catch(() => undefined);
  stop();
  await client.sendMessage({ ...account, businessNumber: '+919876500000' }, payload);
  expect(seen).toEqual(['+919876500000', '+14155550100']);
});
