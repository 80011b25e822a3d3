import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, CONFIG_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { waitUntil } from '../support/app-driver.ts';
import { type FakeKaleyra, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type FakeSocketMode, startFakeSocketMode } from '../support/fake-socket-mode.ts';
import { channelOutcomesNaming } from '../support/outcomes.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';
import { postToApp, slashCommandBody, viewState, viewSubmissionBody } from '../support/slack-request.ts';

/** Typed into the settings modal: it travels inside the raw Slack payload, never as a known secret. */
const API_KEY = 'Kdebuglogs-9f3c2a7e5b1d4c6a8e0f';
const APP_TOKEN = 'xapp-1-A0DEBUG-1111-debuglogsapptoken';
const BOT_TOKEN = 'xoxb-debug-logs-bot-token-2222';
const SIGNING_SECRET = 'debug-logs-signing-secret-3333';
const CUSTOMER = '+919812345678';
const CUSTOMER_FORMS = ['+919812345678', '919812345678', '9812345678'];
const TEAM = 'TDEBUGLOGS';
const SETTINGS = {
  sid: 'HXINDEBUGLOGS00IN',
  apiKey: API_KEY,
  pod: 'in',
  businessNumber: '+919876500000',
  templateName: 'order_status',
  languageCode: 'en',
};

type Mode = 'Socket Mode' | 'HTTP';

describe.each<Mode>(['Socket Mode', 'HTTP'])('LOG_LEVEL=debug over %s', (mode) => {
  let slack: FakeSlack;
  let kaleyra: FakeKaleyra;
  let socket: FakeSocketMode;
  let server: ServerProcess;
  let dataDir: string;

  beforeAll(async () => {
    [slack, kaleyra, socket] = await Promise.all([
      startFakeSlack(),
      startFakeKaleyra(),
      startFakeSocketMode(),
    ]);
    slack.setResponse('apps.connections.open', { ok: true, url: socket.url });
    slack.setUser('UADMIN', { is_admin: true });
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-debug-logs-'));
    server = await startServerProcess({
      LOG_LEVEL: 'debug',
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.url,
      KALEYRA_BASE_URL: kaleyra.url,
      ...(mode === 'Socket Mode' ? { SLACK_APP_TOKEN: APP_TOKEN } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await Promise.all([slack?.close(), kaleyra?.close(), socket?.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Delivers a form-encoded Slack request the way this mode does: an envelope, or a signed POST. */
  async function deliver(type: 'interactive' | 'slash_commands', body: string, id: string): Promise<unknown> {
    if (mode === 'HTTP') return (await postToApp(server.url, body, { signingSecret: SIGNING_SECRET })).json;
    const fields = Object.fromEntries(new URLSearchParams(body));
    const payload = type === 'interactive' ? JSON.parse(fields.payload ?? '{}') : fields;
    socket.send({ envelope_id: id, type, accepts_response_payload: true, payload });
    return (await socket.waitForAck(id)).payload;
  }

  it('an admin saves the API key through the settings modal, and an agent sends with it', async () => {
    const submission = viewSubmissionBody({
      teamId: TEAM,
      userId: 'UADMIN',
      view: { callback_id: CONFIG_MODAL_CALLBACK, state: { values: viewState(CONFIG_FIELDS, SETTINGS) } },
    });
    const saved = await deliver('interactive', submission, 'env-config');
    expect(JSON.stringify(saved)).toContain('Kaleyra settings saved');
    const line = slashCommandBody({
      text: `${CUSTOMER} DEBUG-1 shipped Left the warehouse`,
      teamId: TEAM,
      userId: 'UAGENT',
      channelId: 'CORDERS',
      responseUrl: slack.responseUrl('debug-1'),
    });
    await deliver('slash_commands', line, 'env-send');
    // The outcome, for everyone: posted in the channel (or through the response_url where it cannot be).
    await slack.waitFor(
      (s) =>
        s.responseUrlPosts.find((p) => p.path.endsWith('/debug-1')) ??
        channelOutcomesNaming(s, 'CORDERS', 'DEBUG-1')[0],
      10_000,
    );
    expect(kaleyra.requests).toHaveLength(1);
    // Kaleyra got the key: it is the one place it must go.
    expect(kaleyra.requests[0]?.headers['api-key']).toBe(API_KEY);
  });

  it('wrote no secret and no full customer number in any log line', async () => {
    await waitUntil(() => server.output().includes('order status send finished'), 5000, 'the send logged');
    const logs = server.output();
    // Debug really was on, and (in Socket Mode) the raw WebSocket messages were logged.
    expect(logs).toContain('"level":20');
    if (mode === 'Socket Mode') expect(logs).toContain('Received a message on the WebSocket');
    const secrets: Record<string, string> = {
      'API key typed in the modal': API_KEY,
      'app token': APP_TOKEN,
      'bot token': BOT_TOKEN,
      'signing secret': SIGNING_SECRET,
      ...Object.fromEntries(CUSTOMER_FORMS.map((form) => [`customer number (${form})`, form])),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      const at = logs.indexOf(secret);
      if (at !== -1)
        expect.fail(`the logs contain the ${name}: …${logs.slice(Math.max(0, at - 120), at + 60)}…`);
    }
  });
});
