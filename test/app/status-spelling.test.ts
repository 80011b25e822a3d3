import { describe, expect, it } from 'vitest';
import type { OrderStatusPayload } from '../../src/kaleyra/build-payload.ts';
import { CONFIG_FIELDS } from '../../src/slack/ids.ts';
import {
  API_KEY,
  command,
  configSubmissionBody,
  outcomeOf,
  SETTINGS,
  storageModes,
  textOf,
  useTestApp,
} from '../support/app-driver.ts';
import { credentialsSetArgs, runCliProcess } from '../support/cli-process.ts';
import { messageSays, report, sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES, type RecordedKaleyraRequest } from '../support/fake-kaleyra.ts';
import { cliBeside } from '../support/replies-driver.ts';
import { postToApp } from '../support/slack-request.ts';
import { blockOf, viewOf } from '../support/slack-surfaces.ts';
import { SIGNING_SECRET, type StorageMode } from '../support/start-app.ts';

/** The order status each order-status request carried, as spelled on the wire. */
function wireStatuses(requests: readonly RecordedKaleyraRequest[]): Array<string | undefined> {
  return requests.map((request) => {
    const payload = request.body as Partial<OrderStatusPayload> | undefined;
    return payload?.messaging_object?.template?.components?.[0]?.parameters?.[0]?.order_status?.order.status;
  });
}

describe.each(await storageModes())('the status spelling, on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  /** `/orderstatus +919876543210 <ref> partially shipped` and its outcome as the agent reads it. */
  async function partiallyShipped(ref: string, messageId: string) {
    t.kaleyra.respondWith(acceptedAs(messageId));
    const sent = command(t, `+919876543210 ${ref} partially shipped`);
    await sent.post();
    return textOf((await outcomeOf(t, sent)).body)
      .replaceAll(ref, 'REF')
      .replaceAll(messageId, 'ID');
  }

  it('sends partially_shipped until an admin picks meta in /orderstatus config, then partially-shipped; agents read the same words', async () => {
    const before = await partiallyShipped('SPL-1', 'ASPL10000000000001');

    t.slack.setUser('UBOSS', { is_admin: true });
    const opened = command(t, 'config', { userId: 'UBOSS' });
    await opened.post();
    const view = viewOf(await t.slack.waitFor((slack) => slack.callsTo('views.open')[0]));
    const choice = blockOf(view, CONFIG_FIELDS.statusSpelling.blockId) as {
      element: {
        options: Array<{ value: string; text: { text: string } }>;
        initial_option: { value: string };
      };
    };
    expect(choice.element.initial_option.value).toBe('kaleyra');
    expect(choice.element.options.map((option) => [option.value, option.text.text])).toEqual([
      ['kaleyra', 'partially_shipped (Kaleyra’s spelling, the default)'],
      ['meta', 'partially-shipped (Meta’s spelling)'],
    ]);

    const { apiKey: _kept, ...withoutKey } = SETTINGS;
    const saved = await postToApp(
      t.url,
      configSubmissionBody(t.team, 'UBOSS', { ...withoutKey, statusSpelling: 'meta' }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(saved.status).toBe(200);
    expect(saved.text).toContain('meta (partially shipped goes out as `partially-shipped`: Meta’s spelling)');
    expect((await t.server.services.credentials.get(t.team))?.statusSpelling).toBe('meta');

    const after = await partiallyShipped('SPL-2', 'ASPL20000000000001');
    expect(wireStatuses(t.kaleyra.requests)).toEqual(['partially_shipped', 'partially-shipped']);
    expect(after).toBe(before);
    expect(after).not.toContain('partially-shipped');
  });

  it('credentials set --status-spelling meta (CLI) is shown back, refused when misspelled, and spells the next send', async () => {
    const env = cliBeside(t, storage as StorageMode);
    const set = (extra: string[]) => runCliProcess([...credentialsSetArgs(t.team), ...extra], env, API_KEY);

    const wrong = await set(['--status-spelling', 'hyphen']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--status-spelling');
    expect(wrong.stderr).toContain('kaleyra (partially_shipped, the default) or meta (partially-shipped)');

    const saved = await set(['--status-spelling', 'Meta']);
    expect(saved.code, saved.stderr).toBe(0);
    const shown = await runCliProcess(['credentials', 'show', '--team', t.team], env);
    expect(shown.stdout).toContain(
      'status spelling: meta (partially shipped goes out as partially-shipped: Meta’s spelling)',
    );

    await partiallyShipped('SPL-3', 'ASPL30000000000001');
    expect(wireStatuses(t.kaleyra.requests)).toEqual(['partially-shipped']);

    expect((await set([])).code).toBe(0);
    const reset = await runCliProcess(['credentials', 'show', '--team', t.team], env);
    expect(reset.stdout).toContain(
      'status spelling: kaleyra (partially shipped goes out as partially_shipped',
    );
  });

  it('a partially-shipped update WhatsApp fails over a parameter names the setting and how to change it; a shipped one does not', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const partial = await sendUpdate(t, 'SPL-5', 'ASPL50000000000001', { status: 'partially shipped' });
    const shipped = await sendUpdate(t, 'SPL-6', 'ASPL60000000000001');
    for (const sent of [partial, shipped]) {
      expect((await report(t, login, sent, 'failed', { errorCode: 131009 })).status).toBe(200);
    }
    const failed = textOf(await messageSays(t, partial, '131009'));
    expect(failed).toContain('status spelling setting');
    expect(failed).toContain('`partially-shipped`');
    expect(failed).toContain('switch the status spelling to the other one');
    expect(failed).toContain('`/orderstatus config`');
    expect(textOf(await messageSays(t, shipped, '131009'))).not.toContain('status spelling');
  });

  it('Kaleyra’s WA400 for a partially-shipped update says which spelling went out and which to try', async () => {
    t.kaleyra.respondWith(KALEYRA_RESPONSES.wa400);
    const sent = command(t, '+919876543210 SPL-7 partially shipped');
    await sent.post();
    const outcome = textOf((await outcomeOf(t, sent)).body);
    expect(outcome).toContain('WA400');
    expect(outcome).toContain('It went out as `partially_shipped` (the kaleyra status spelling)');
    expect(outcome).toContain('switch the status spelling to meta');
  });
});
