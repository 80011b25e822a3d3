import { describe, expect, it } from 'vitest';
import { RESEND_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  outcomeOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { bulkCsv, checkedView, confirmBulk, submitBulkFile } from '../support/bulk-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { callbackPayload, postCallback } from '../support/kaleyra-callbacks.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

/**
 * GET /metrics scraped after real traffic through the running app: every series the operability
 * issue lists moves as it should, and no label carries a customer, an agent or a secret.
 */
describe('GET /metrics after real traffic', () => {
  const t = useTestApp(
    { kind: 'embedded' },
    { env: { METRICS_TOKEN: TOKEN }, bulk: { pollMs: 50, leaseSeconds: 30 } },
  );

  async function scrape(): Promise<string> {
    const response = await fetch(new URL('/metrics', t.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    return response.text();
  }
  /** The value of one series (0 when it is not there yet). */
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it('asks for METRICS_TOKEN', async () => {
    expect((await fetch(new URL('/metrics', t.url))).status).toBe(401);
    expect(
      (await fetch(new URL('/metrics', t.url), { headers: { authorization: 'Bearer not-the-token-000000' } }))
        .status,
    ).toBe(401);
  });

  it('counts commands, sends by outcome and code, duplicates, latencies and the rate wait', async () => {
    const before = await scrape();
    const sent = command(t, '+919876543210 M-1 shipped');
    await sent.post();
    await outcomeOf(t, sent);
    const again = command(t, '+919876543210 M-1 shipped');
    await again.post();
    const duplicate = await outcomeOf(t, again);
    t.kaleyra.respondWith({ status: 401, body: KALEYRA_RESPONSES.rbc001.body });
    const refused = command(t, '+919876543210 M-2 shipped');
    await refused.post();
    await outcomeOf(t, refused);
    // The duplicate's "Send again anyway", clicked: a button.
    const click = clickButton(t, {
      actionId: RESEND_ACTION,
      value: buttonValue(duplicate.body, RESEND_ACTION) ?? '',
    });
    await click.post();
    await waitUntil(() => t.kaleyra.requests.length >= 3, 5000, 'the forced send');

    const after = await waitUntil(async () => {
      const text = await scrape();
      return value(text, 'orderstatus_send_end_to_end_seconds_count') -
        value(before, 'orderstatus_send_end_to_end_seconds_count') >=
        4
        ? text
        : undefined;
    });
    const grew = (series: string) => value(after, series) - value(before, series);
    expect(grew('orderstatus_commands_total{kind="send"}')).toBe(3);
    expect(grew('orderstatus_commands_total{kind="button"}')).toBe(1);
    expect(grew('orderstatus_sends_total{outcome="sent",code="WA202"}')).toBe(1);
    expect(grew('orderstatus_sends_total{outcome="duplicate",code="DUPLICATE"}')).toBe(1);
    expect(grew('orderstatus_sends_total{outcome="failed",code="RBC001"}')).toBe(2);
    expect(grew('orderstatus_duplicates_stopped_total')).toBe(1);
    expect(grew('orderstatus_ack_seconds_count')).toBe(4);
    expect(grew('orderstatus_kaleyra_request_seconds_count')).toBe(3);
    // The duplicate waited for a slot too: its claim (which found the earlier send) is made just before it.
    expect(grew('orderstatus_rate_limit_wait_seconds_count')).toBe(4);
    expect(grew('orderstatus_send_end_to_end_seconds_count')).toBe(4);
  });

  it('counts Slack API errors by method and code', async () => {
    const before = await scrape();
    t.slack.setResponse('chat.postMessage', (call) =>
      call.body.channel === 'CCLOSED'
        ? { ok: false, error: 'not_in_channel' }
        : { ok: true, ts: '1.1', channel: call.body.channel },
    );
    const sent = command(t, '+919876543210 M-3 shipped', { channelId: 'CCLOSED' });
    await sent.post();
    await outcomeOf(t, sent);
    const after = await scrape();
    const series = 'orderstatus_slack_api_errors_total{method="chat.postMessage",code="not_in_channel"}';
    expect(value(after, series) - value(before, series)).toBe(1);
  });

  it('counts callbacks by result, delivery states and WhatsApp error codes', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    const update = await sendUpdate(t, 'M-CB', 'AMETRICSCB000000001');
    const before = await scrape();
    const post = (body: string, auth = login) => postCallback(t.url, body, auth);
    expect((await post(callbackPayload({ status: 'delivered', messageId: update.messageId }))).status).toBe(
      200,
    );
    expect(
      (await post(callbackPayload({ status: 'failed', messageId: update.messageId, errorCode: 131026 })))
        .status,
    ).toBe(200);
    expect((await post(callbackPayload({ status: 'read', messageId: 'ANOTOURS0000000000' }))).status).toBe(
      200,
    );
    expect((await post('{not json')).status).toBe(400);
    expect(
      (
        await post(callbackPayload({ status: 'read', messageId: update.messageId }), {
          ...login,
          password: 'x'.repeat(32),
        })
      ).status,
    ).toBe(401);
    const after = await scrape();
    const grew = (series: string) => value(after, series) - value(before, series);
    expect(grew('orderstatus_callback_requests_total{result="ok"}')).toBe(2);
    expect(grew('orderstatus_callback_requests_total{result="unknown_id"}')).toBe(1);
    expect(grew('orderstatus_callback_requests_total{result="bad_request"}')).toBe(1);
    expect(grew('orderstatus_callback_requests_total{result="unauthorized"}')).toBe(1);
    expect(grew('orderstatus_delivery_states_total{state="delivered"}')).toBe(1);
    expect(grew('orderstatus_delivery_states_total{state="failed"}')).toBe(1);
    expect(grew('orderstatus_whatsapp_errors_total{code="131026"}')).toBe(1);
  });

  it('counts bulk rows by outcome', async () => {
    const before = await scrape();
    const app = { slack: t.slack, url: t.url, signingSecret: SIGNING_SECRET };
    const { viewId } = await submitBulkFile(app, { team: t.team, csv: bulkCsv(3, 'MB') });
    const { jobId } = await checkedView(app, viewId);
    await confirmBulk(app, { team: t.team, jobId: jobId ?? '' });
    const after = await waitUntil(
      async () => {
        const text = await scrape();
        return value(text, 'orderstatus_bulk_rows_total{outcome="sent"}') -
          value(before, 'orderstatus_bulk_rows_total{outcome="sent"}') >=
          3
          ? text
          : undefined;
      },
      15_000,
      'three bulk rows sent',
    );
    expect(value(after, 'orderstatus_commands_total{kind="form_submit"}')).toBeGreaterThanOrEqual(2);
  });

  it('shows the database pool and the process, and no customer, agent, workspace or secret in any label', async () => {
    const text = await scrape();
    expect(value(text, 'orderstatus_database_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(value(text, 'orderstatus_database_up')).toBe(1);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    for (const secret of ['9876543210', t.team, 'UAGENT', 'UADMIN', TOKEN, SIGNING_SECRET]) {
      expect(text).not.toContain(secret);
    }
  });
});
