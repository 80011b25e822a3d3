import { describe, expect, it } from 'vitest';
import { command, outcomeOf, storageModes, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import { CUSTOMER, customerSays, qualityEvent, templateEvent } from '../support/consent-driver.ts';
import { report, sendUpdate } from '../support/delivery-driver.ts';

const TOKEN = 'metrics-token-for-consent-0001';

describe.each(await storageModes())('what sends and events teach the guard, on the %s', (_name, storage) => {
  const t = useTestApp(storage, { env: { METRICS_TOKEN: TOKEN } });

  async function oneLiner(reference: string) {
    const sent = command(t, `${CUSTOMER.e164} ${reference} shipped`);
    await sent.post();
    return textOf((await outcomeOf(t, sent)).body);
  }
  const toAdmin = () => t.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'UADMIN');

  it('Kaleyra answering 132015 marks the template paused: the next send is refused before Kaleyra and admins are told once', async () => {
    t.kaleyra.respondWith({
      status: 400,
      body: JSON.stringify({
        code: '132015',
        message: 'Template is paused',
        data: {},
        error: { template: 'paused' },
      }),
    });
    expect(await oneLiner('LEARN-1')).toContain('132015');
    t.kaleyra.reset();
    const refused = await oneLiner('LEARN-2');
    expect(refused).toContain('TEMPLATE_PAUSED');
    expect(refused).toContain('order_status');
    expect(t.kaleyra.requests).toHaveLength(0);
    // No event came through the callback route: the sweep tells the admins.
    await t.server.app.slack.announcer.run();
    expect(toAdmin()).toHaveLength(1);
    expect(textOf(toAdmin()[0]?.body)).toContain('WhatsApp failed a send with 132015');
    await t.server.app.slack.announcer.run();
    expect(toAdmin()).toHaveLength(1);
  });

  it('a status callback failing with 132016 marks the template disabled; APPROVED lifts it', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const sent = await sendUpdate(t, 'LEARN-3', 'ALEARN00000000003');
    expect((await report(t, login, sent, 'failed', { errorCode: 132016 })).status).toBe(200);
    const refused = await oneLiner('LEARN-4');
    expect(refused).toContain('TEMPLATE_PAUSED');
    expect(refused).toContain('DISABLED');
    await templateEvent(t, login, 'APPROVED');
    expect(await oneLiner('LEARN-5')).toContain('message_id');
  });

  it('counts refusals by reason only (orderstatus_sends_refused_total), never by customer or workspace', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const scrape = async () =>
      (await fetch(new URL('/metrics', t.url), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const series = (text: string, reason: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`orderstatus_sends_refused_total{reason="${reason}"} `))
          ?.split(' ')[1] ?? 0,
      );
    const before = await scrape();
    await customerSays(t, login, 'STOP');
    expect(await oneLiner('METRIC-1')).toContain('OPTED_OUT');
    await customerSays(t, login, 'START');
    await qualityEvent(t, login, 'FLAGGED');
    await templateEvent(t, login, 'PAUSED');
    expect(await oneLiner('METRIC-2')).toContain('TEMPLATE_PAUSED');
    const after = await waitUntil(async () => {
      const text = await scrape();
      return series(text, 'template_paused') > series(before, 'template_paused') ? text : undefined;
    });
    expect(series(after, 'opted_out') - series(before, 'opted_out')).toBe(1);
    expect(series(after, 'template_paused') - series(before, 'template_paused')).toBe(1);
    const refusedLines = after
      .split('\n')
      .filter((line) => line.startsWith('orderstatus_sends_refused_total{'));
    for (const line of refusedLines)
      expect(line).toMatch(/^orderstatus_sends_refused_total\{reason="[a-z_]+"\} \d+$/);
    expect(after).toContain('orderstatus_sends_total{outcome="refused",code="OPTED_OUT"}');
  });
});
