import { beforeEach, describe, expect, it } from 'vitest';
import { storageModes, useTestApp, waitUntil } from '../support/app-driver.ts';
import { eventsOf, sendUpdate } from '../support/delivery-driver.ts';
import { getCallback, type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { fixtureText, META_NUMBERS, TEST_BUSINESS, withIds } from '../support/published-samples.ts';

/**
 * Kaleyra's and Meta's published status callbacks, payment webhooks and account events, fed to the
 * running app with the workspace's login, ids adjusted to what the test sent (nothing else): each is
 * answered 200 (given only within the answer budget; never 5xx), and what it reports is recorded.
 */
describe.each(await storageModes())('status, payment and account samples, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  async function feed(body: string) {
    const answer = await postCallback(t.url, body, login);
    expect(answer.status).toBe(200);
    return answer;
  }

  const statesOf = (attemptId: string) =>
    waitUntil(async () => {
      const events = await eventsOf(t, attemptId);
      return events.length > 0 ? events : undefined;
    }, 3000);

  it('records Kaleyra’s v2 "sent" status (its JSON transcription) for the send it names', async () => {
    const sent = await sendUpdate(t, 'PUB-S1', 'APUBS100000000001');
    await feed(
      withIds('kaleyra/status-sent.json', {
        'wamid.HBgMOTE5NDAXXXXXX3MDFQIAERgSMEYxMEM1QjQ3QjXXXXXXQ2N0YA': sent.messageId,
        campaign_2025_summer_sale: t.team,
        payment_pending: sent.attemptId,
      }),
    );
    expect((await statesOf(sent.attemptId)).map((e) => e.status)).toEqual(['sent']);
  });

  it.each([
    [
      'meta/status-sent-pricing.json',
      'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      'sent',
    ],
    [
      'meta/status-v24-no-pricing.json',
      'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      'sent',
    ],
    ['meta/status-failed.json', 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA', 'failed'],
  ])('records Meta’s status in its entry[].changes[] envelope: %s', async (file, wamid, status) => {
    const sent = await sendUpdate(t, 'PUB-S2', 'APUBS200000000001');
    await feed(withIds(file, { ...META_NUMBERS, [wamid]: sent.messageId }));
    const [event] = await statesOf(sent.attemptId);
    expect(event?.status).toBe(status);
    if (status === 'failed') expect(event?.error_code).toBe('131049');
  });

  it.each([
    ['kaleyra/payment-captured.json', 'captured'],
    ['kaleyra/payment-refund.json', 'refunded'],
  ])(
    'records Kaleyra’s payment webhook %s (its JSON transcription) for its order: %s',
    async (file, kind) => {
      const sent = await sendUpdate(t, 'PUB-P1', 'APUBP100000000001');
      await feed(fixtureText(file));
      // A payment's `status` (captured) is not a delivery state of any send.
      expect(await eventsOf(t, sent.attemptId)).toEqual([]);
      const state = await t.server.services.payments.stateOf(t.team, 'SampleMSIL1102');
      expect(state).toMatchObject({ kind, facts: { amount: { value: 450, offset: 100, currency: 'INR' } } });
    },
  );

  it.each(['meta/template-approved.json', 'meta/template-rejected.json'])(
    'records Meta’s template event %s',
    async (file) => {
      await feed(fixtureText(file));
      const name = file.includes('approved') ? 'order_confirmation' : 'abandoned_cart';
      const shown = await waitUntil(async () => {
        const view = await t.server.services.accountHealth.show(t.team);
        return view.templates.find((template) => template.name === name);
      }, 3000);
      expect(shown.event).toBe(file.includes('approved') ? 'APPROVED' : 'REJECTED');
    },
  );

  it('records Meta’s number quality event for the workspace’s number', async () => {
    await feed(withIds('meta/quality-throughput-upgrade.json', META_NUMBERS));
    const number = await waitUntil(
      async () => (await t.server.services.accountHealth.show(t.team)).number,
      3000,
    );
    expect(number.event).toBe('THROUGHPUT_UPGRADE');
  });

  it('records Kaleyra’s number quality webhook, a GET to the incoming URL with its three variables', async () => {
    // The page prints the request as `https://${client_url}?…`: only its query is Kaleyra's.
    const published = fixtureText('kaleyra/quality-get.published.txt').trim();
    const query = published.slice(published.indexOf('?') + 1).replace('16505551111', TEST_BUSINESS);
    const answer = await getCallback(t.url, query, login);
    expect(answer.status).toBe(200);
    const number = await waitUntil(
      async () => (await t.server.services.accountHealth.show(t.team)).number,
      3000,
    );
    expect(number).toMatchObject({ event: 'FLAGGED', flagged: true, currentLimit: 'TIER_10K' });
  });
});
