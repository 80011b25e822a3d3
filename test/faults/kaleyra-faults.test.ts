import { describe, expect, it } from 'vitest';
import { RESEND_ACTION, RETRY_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  countOutcomes,
  type JsonRecord,
  outcomeOf,
  postsTo,
  SETTINGS,
  textOf,
  useTestApp,
} from '../support/app-driver.ts';
import { type CannedKaleyraResponse, KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { findFreePort } from '../support/server-process.ts';
import { startTestApp } from '../support/start-app.ts';

const TIMEOUT_MS = 1000;
const LINE = '+919876543210 KF-1 shipped Left the warehouse';

describe('Kaleyra faults (embedded store)', () => {
  const t = useTestApp({ kind: 'embedded' }, { env: { KALEYRA_TIMEOUT_MS: String(TIMEOUT_MS) } });

  async function send(text = LINE) {
    const sent = command(t, text);
    const started = Date.now();
    const ack = await sent.post();
    expect(ack.status).toBe(200);
    const posted = await outcomeOf(t, sent, TIMEOUT_MS + 5000);
    return {
      sent,
      posted,
      body: posted.body as JsonRecord,
      text: textOf(posted.body),
      ms: Date.now() - started,
    };
  }

  const journal = () => t.server.services.journal.list(t.team);

  /** The journal holds one row for this test's workspace, with these fields. */
  async function expectOnlyRow(fields: Record<string, unknown>) {
    const rows = await journal();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(fields);
  }

  /** With Kaleyra answering again, the same line is refused as a duplicate and reaches nobody. */
  async function expectRepeatRefused() {
    t.kaleyra.reset();
    expect((await send()).text).toContain('DUPLICATE');
    expect(t.kaleyra.requests).toHaveLength(0);
  }

  it('a hanging Kaleyra: one POST, TIMEOUT told in time as "may have been delivered", journal unknown, repeat refused', async () => {
    t.kaleyra.respondWith({ hang: true });
    const first = await send();
    expect(first.ms).toBeLessThan(TIMEOUT_MS + 2000);
    expect(first.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(first.text).toContain('TIMEOUT');
    expect(first.text).toMatch(/may (still )?have received/);
    expect(first.posted.via).toBe('channel');
    expect(t.kaleyra.requests).toHaveLength(1);

    await expectOnlyRow({ outcome: 'unknown', error_code: 'TIMEOUT', message_id: null });

    // The same update again is refused: the first may have reached the customer.
    const repeat = await send();
    expect(repeat.text).toContain('DUPLICATE');
    expect(repeat.text).toContain('may have been delivered');
    expect(repeat.body.response_type).toBe('ephemeral');
    expect(buttonValue(repeat.body, RESEND_ACTION)).toBeDefined();
    expect(t.kaleyra.requests).toHaveLength(1);
    expect(countOutcomes(await journal())).toEqual({ unknown: 1, duplicate: 1 });

    // Retry on the TIMEOUT message goes through the guard too: refused, not a second WhatsApp message.
    const retry = buttonValue(first.body, RETRY_ACTION);
    expect(retry).toBeDefined();
    const click = clickButton(t, { actionId: RETRY_ACTION, value: retry ?? '' });
    expect((await click.post()).status).toBe(200);
    expect(textOf((await outcomeOf(t, click)).body)).toContain('DUPLICATE');
    expect(t.kaleyra.requests).toHaveLength(1);
    expect(countOutcomes(await journal())).toEqual({ unknown: 1, duplicate: 2 });
  });

  it('the connection reset after the request went out: NETWORK, one POST, journal unknown, key kept', async () => {
    t.kaleyra.respondWith({ destroy: true });
    const first = await send();
    expect(first.text).toContain('NETWORK');
    expect(first.text).toContain('may have received');
    expect(t.kaleyra.requests).toHaveLength(1);
    await expectOnlyRow({ outcome: 'unknown', error_code: 'NETWORK' });

    await expectRepeatRefused();
    expect(countOutcomes(await journal())).toEqual({ unknown: 1, duplicate: 1 });
  });

  it.each([
    [
      '502 with an HTML page',
      {
        status: 502,
        body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
        headers: { 'content-type': 'text/html' },
      },
    ],
    ['200 with a body that is not JSON', { status: 200, body: '{"code":"WA202", "data": {' }],
    ['202 without a message_id', { status: 202, body: '{"code":"WA202","data":{},"error":{}}' }],
  ] as Array<[string, CannedKaleyraResponse]>)(
    '%s: BAD_RESPONSE, one POST, journal unknown',
    async (_name, canned) => {
      t.kaleyra.respondWith(canned);
      const first = await send();
      expect(first.text).toContain('BAD_RESPONSE');
      expect(first.text).toContain('may or may not have gone out');
      expect(t.kaleyra.requests).toHaveLength(1);
      await expectOnlyRow({ outcome: 'unknown', error_code: 'BAD_RESPONSE' });

      await expectRepeatRefused();
    },
  );

  it('WA500: failed, key freed, Retry button; clicking Retry sends exactly once more', async () => {
    const { status, body } = KALEYRA_RESPONSES.wa500;
    t.kaleyra.respondWith({ status, body });
    const first = await send();
    expect(first.text).toContain('WA500');
    expect(first.posted.via).toBe('channel');
    const retry = buttonValue(first.body, RETRY_ACTION);
    expect(retry).toBeDefined();
    expect(retry).not.toContain(SETTINGS.apiKey);
    expect(t.kaleyra.requests).toHaveLength(1);
    expect(await journal()).toMatchObject([{ outcome: 'failed', error_code: 'WA500' }]);

    // Kaleyra recovers; the agent clicks Retry.
    t.kaleyra.reset();
    const click = clickButton(t, { actionId: RETRY_ACTION, value: retry ?? '' });
    expect((await click.post()).status).toBe(200);
    const retried = await outcomeOf(t, click);
    expect(textOf(retried.body)).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(1);
    const retryRow = (await journal()).find((row) => row.outcome === 'sent');
    expect(t.kaleyra.requests[0]?.body).toMatchObject({
      extra_info: { ref: t.team, ref1: 'UAGENT', ref2: retryRow?.id },
    });
    expect(retryRow?.channel_id).toBe('CORDERS');
    // Exactly one more: nothing else arrives afterwards.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.kaleyra.requests).toHaveLength(1);
    const posts = t.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'CORDERS');
    expect(posts.filter((c) => textOf(c.body).includes('message_id: `A'))).toHaveLength(1);
    expect(postsTo(t, click)).toHaveLength(0);

    const rows = await journal();
    expect(rows).toHaveLength(2);
    expect(countOutcomes(rows)).toEqual({ failed: 1, sent: 1 });
    expect(rows.every((row) => row.forced === false)).toBe(true);
  });

  it('WA500 then the same one-liner again: the freed key lets it go out', async () => {
    const { status, body } = KALEYRA_RESPONSES.wa500;
    t.kaleyra.respondWith({ status, body });
    await send();
    t.kaleyra.reset();
    const second = await send();
    expect(second.text).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(1);
    expect(countOutcomes(await journal())).toEqual({ failed: 1, sent: 1 });
  });

  it('RBC001 (a definite rejection): no Retry button, the key is freed, journal failed', async () => {
    const { status, body } = KALEYRA_RESPONSES.rbc001;
    t.kaleyra.respondWith({ status, body });
    const first = await send();
    expect(first.text).toContain('RBC001');
    expect(first.text).toContain('/orderstatus config');
    expect(buttonValue(first.body, RETRY_ACTION)).toBeUndefined();
    expect(await journal()).toMatchObject([{ outcome: 'failed', error_code: 'RBC001' }]);

    // Still wrong: the repeat is sent (not refused as a duplicate) and fails the same way.
    const second = await send();
    expect(second.text).toContain('RBC001');
    expect(second.text).not.toContain('DUPLICATE');
    expect(t.kaleyra.requests).toHaveLength(2);
    expect(countOutcomes(await journal())).toEqual({ failed: 2 });
  });

  it('Kaleyra unreachable (nothing listening): NETWORK, nothing sent, key freed', async () => {
    // A second app whose Kaleyra base points at a port nobody listens on.
    const port = await findFreePort();
    const closed = await startTestApp({ kind: 'embedded' }, { KALEYRA_BASE_URL: `http://127.0.0.1:${port}` });
    try {
      await closed.server.services.credentials.set(t.team, SETTINGS, 'UADMIN');
      const sent = command(closed, LINE, { teamId: t.team });
      await sent.post();
      const posted = await outcomeOf(closed, sent);
      expect(textOf(posted.body)).toContain('NETWORK');
      expect(textOf(posted.body)).toContain(
        `orderstatus could not reach Kaleyra at \`127.0.0.1:${port}\` (\`ECONNREFUSED\`): Kaleyra never received the request, so nothing was sent.`,
      );
      expect(await closed.server.services.journal.list(t.team)).toMatchObject([
        { outcome: 'failed', error_code: 'NETWORK', error_detail: `ECONNREFUSED 127.0.0.1:${port}` },
      ]);
      const history = command(closed, 'history KF-1', { teamId: t.team });
      await history.post();
      expect(textOf((await outcomeOf(closed, history)).body)).toContain(
        `Not sent: Kaleyra never received the request (\`NETWORK\`: \`ECONNREFUSED\` from \`127.0.0.1:${port}\`).`,
      );
    } finally {
      await closed.close();
    }
  });
});
