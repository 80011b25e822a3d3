import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import ky from 'ky';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { KEYV_TABLE } from '../../src/storage/keyv-store.ts';
import { command, outcomeOf } from '../support/app-driver.ts';
import { KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { postToApp, viewState, viewSubmissionBody } from '../support/slack-request.ts';
import { BOT_TOKEN, SIGNING_SECRET, startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const API_KEY = 'KsecretApiKey-5f1e0c9a7b3d4e2f';
const SID = 'HXIN77SECRETSID01IN';
// Not the modal's placeholder example (+919876543210), so finding it anywhere means it leaked.
const CUSTOMER = '+919812345678';
// Every way the full number could be written down: with or without `+`, or the national part alone.
const CUSTOMER_FORMS = ['+919812345678', '919812345678', '9812345678', '98123 45678', '98123-45678'];

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function expectNoneOf(haystack: string, needles: Record<string, string>, where: string): void {
  for (const [name, needle] of Object.entries(needles)) {
    if (haystack.includes(needle)) {
      const at = haystack.indexOf(needle);
      expect.fail(`${where} contains the ${name}: …${haystack.slice(Math.max(0, at - 80), at + 80)}…`);
    }
  }
}

describe('secrets never reach logs, Slack or the database (real server, embedded store)', () => {
  let t: TestApp;
  let team: string;
  let db: Database;
  let embeddedKey: string;

  beforeAll(async () => {
    t = await startTestApp({ kind: 'embedded' }, { KALEYRA_TIMEOUT_MS: '300' });
    team = uniqueTeamId();
    embeddedKey = (await readFile(path.join(t.dataDir, 'encryption.key'), 'utf8')).trim();
    // A second connection to the server's embedded database, through the socket it serves.
    db = await openDatabase({ dataDir: t.dataDir, logger: quiet });
    await t.server.services.credentials.set(
      team,
      {
        sid: SID,
        apiKey: API_KEY,
        pod: 'in',
        businessNumber: '+919876500000',
        templateName: 'order_status',
        languageCode: 'en',
      },
      'UADMIN',
    );
  });
  afterAll(async () => {
    await db?.close();
    await t?.close();
  });

  async function slashCommand(text: string) {
    const sent = command(t, text, { teamId: team });
    expect((await sent.post()).status).toBe(200);
    return sent;
  }

  it('drives a success, Kaleyra failures, a timeout and Slack API errors', async () => {
    // 1. Success.
    const ok = await slashCommand(`${CUSTOMER} SEC-1 shipped Your parcel left`);
    expect(JSON.stringify((await outcomeOf(t, ok)).body)).toContain('message_id');

    // 2. RBC001: wrong SID or API key.
    t.kaleyra.respondWith({ status: 401, body: KALEYRA_RESPONSES.rbc001.body });
    const rbc = await slashCommand(`${CUSTOMER} SEC-2 shipped`);
    expect(JSON.stringify((await outcomeOf(t, rbc)).body)).toContain('RBC001');

    // 3. A Kaleyra answer that echoes the account's secrets back.
    t.kaleyra.respondWith({
      status: 400,
      body: JSON.stringify({
        code: 'WA400',
        message: `Refer to correct payload format (api-key ${API_KEY}, sid ${SID}, to ${CUSTOMER})`,
        data: {},
        error: { payload: `api-key: ${API_KEY}` },
      }),
    });
    const echo = await slashCommand(`${CUSTOMER} SEC-3 shipped`);
    expect(JSON.stringify((await outcomeOf(t, echo)).body)).toContain('WA400');

    // 4. A timeout (KALEYRA_TIMEOUT_MS=300): the outcome carries a Retry button.
    t.kaleyra.respondWith({ hang: true });
    const timeout = await slashCommand(`${CUSTOMER} SEC-4 shipped`);
    const timedOut = JSON.stringify((await outcomeOf(t, timeout)).body);
    expect(timedOut).toContain('TIMEOUT');
    expect(timedOut).toContain('orderstatus_retry');
    t.kaleyra.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa202.body });

    // 5. Slack refuses the bot token: chat.postMessage and views.open answer invalid_auth.
    t.slack.setResponse('chat.postMessage', { ok: false, error: 'invalid_auth' });
    t.slack.setResponse('chat.postEphemeral', { ok: false, error: 'invalid_auth' });
    t.slack.setResponse('views.open', { ok: false, error: 'invalid_auth' });
    // A modal submission without a response_url posts through chat.postMessage, which fails both ways.
    const submitted = await postToApp(
      t.url,
      viewSubmissionBody({
        teamId: team,
        userId: 'UAGENT',
        view: {
          callback_id: SEND_MODAL_CALLBACK,
          private_metadata: JSON.stringify({ channelId: 'CORDERS' }),
          state: {
            values: viewState(SEND_FIELDS, { to: CUSTOMER, referenceId: 'SEC-5', status: 'shipped' }),
          },
        },
      }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(submitted.status).toBe(200);
    await t.slack.waitFor((s) => s.callsTo('chat.postMessage').length >= 2);
    // `/orderstatus` alone opens the modal: views.open fails.
    await slashCommand('');
    await t.slack.waitFor((s) => s.callsTo('views.open').length >= 1);
    // Let the failures be logged.
    await t.slack.waitFor(() => t.logs.some((line) => line.includes('could not be delivered')));
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(t.kaleyra.requests.length).toBe(5);
    // Kaleyra did get the key: it is the one place it must go.
    expect(t.kaleyra.requests.every((r) => r.headers['api-key'] === API_KEY)).toBe(true);
  });

  function secrets(): Record<string, string> {
    return {
      'Kaleyra API key': API_KEY,
      'signing secret': SIGNING_SECRET,
      'bot token': BOT_TOKEN,
      'embedded encryption key': embeddedKey,
      ...Object.fromEntries(CUSTOMER_FORMS.map((form) => [`customer number (${form})`, form])),
    };
  }

  it('kept every secret and the full customer number out of the logs', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('order status send finished');
    expect(logs).toContain('invalid_auth');
    expectNoneOf(logs, { ...secrets(), SID }, 'the logs');
  });

  it('kept them out of everything posted to Slack (messages, views, button values, response_urls)', () => {
    const posted = JSON.stringify({
      calls: t.slack.calls.map((call) => ({ method: call.method, body: call.body })),
      responseUrlPosts: t.slack.responseUrlPosts.map((post) => post.body),
    });
    expect(posted).toContain('•••• 5678');
    expectNoneOf(posted, secrets(), 'what was posted to Slack');
  });

  it('kept them out of the raw database rows', async () => {
    const keyv = await db.query<{ key: string; value: string }>(`SELECT key, value FROM ${KEYV_TABLE}`);
    expect(keyv.some((row) => row.key.includes(team))).toBe(true);
    const journal = await db.query('SELECT * FROM send_journal WHERE workspace_id = $1', [team]);
    expect(journal.length).toBeGreaterThanOrEqual(5);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const everything: Record<string, unknown[]> = {};
    for (const { table_name } of tables)
      everything[table_name] = await db.query(`SELECT * FROM "${table_name}"`);
    expect(Object.keys(everything)).toEqual(
      expect.arrayContaining([KEYV_TABLE, 'send_journal', 'send_claims']),
    );

    const dump = JSON.stringify({ keyv, journal, everything });
    expect(dump).toContain('+91 •••• 5678');
    expectNoneOf(dump, secrets(), 'the database');
  });
});

describe('logger scrubbing (src/logger.ts)', () => {
  const TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
  const USER_TOKEN = 'xoxp-1111-2222-3333-abcdef';
  const APP_TOKEN = 'xapp-1-A111-222-abcdef0123';
  const KEY = 'Aq9ZkLx2-secret-api-key-77';
  const LOGGER_SID = 'HXAP16ABCDEF97IN';
  const URL_WITH_SID = `https://api.in.kaleyra.io/v2/${LOGGER_SID}/whatsapp/+919876500000/messages`;

  function capture() {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      }),
    });
    return { logger, output: () => lines.join('\n') };
  }

  const forbidden = {
    'bot token': TOKEN,
    'user token': USER_TOKEN,
    'app token': APP_TOKEN,
    'API key': KEY,
    SID: LOGGER_SID,
    'customer number': '9876543210',
  };

  /** A real ky HTTPError: its `options.headers` and `request` carry the api-key header and the URL. */
  async function realKyError(): Promise<Error> {
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'RBC001', message: 'Incorrect SID or API key.' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await ky.post(`http://127.0.0.1:${port}/v2/${LOGGER_SID}/whatsapp/+919876500000/messages`, {
        headers: { 'api-key': KEY },
        json: { to: '+919876543210' },
        retry: 0,
      });
      throw new Error('ky did not throw');
    } catch (error) {
      return error as Error;
    } finally {
      server.close();
    }
  }

  it('scrubs tokens from an error’s message, stack, cause and own properties', () => {
    const { logger, output } = capture();
    const cause = new Error(`inner failure with ${USER_TOKEN}`);
    const error = new Error(`An API error occurred with token ${TOKEN}`, { cause });
    Object.assign(error, {
      token: TOKEN,
      data: { ok: false, error: 'invalid_auth', token: TOKEN, authorization: `Bearer ${TOKEN}` },
      config: { headers: { Authorization: `Bearer ${APP_TOKEN}` } },
    });
    logger.error({ err: error }, 'slack call failed');
    logger.error(error);
    logger.warn({ error }, 'as error');
    logger.warn({ failure: error }, 'under another key');
    logger.info(`message text with ${TOKEN} and ${APP_TOKEN}`);
    const out = output();
    expect(out).toContain('slack call failed');
    expect(out).toContain('An API error occurred');
    expectNoneOf(out, forbidden, 'the log');
  });

  it('scrubs an api-key header object wherever it sits', () => {
    const { logger, output } = capture();
    logger.info({ headers: { 'api-key': KEY, 'content-type': 'application/json' } }, 'top level');
    logger.info({ request: { headers: { 'api-key': KEY } } }, 'one level down');
    logger.info({ a: { b: { c: { headers: { 'api-key': KEY } } } } }, 'deep');
    logger.info({ sent: { 'api-key': KEY, apiKey: KEY, api_key: KEY } }, 'keys by name');
    logger.info(`header dump: {"api-key":"${KEY}"} and api-key: ${KEY}`);
    const out = output();
    expect(out).toContain('deep');
    expectNoneOf(out, forbidden, 'the log');
  });

  it("scrubs a child logger's bindings (they bypass the per-line hook)", () => {
    const { logger, output } = capture();
    const child = logger.child({
      component: 'x',
      token: TOKEN,
      headers: { 'api-key': KEY },
      url: URL_WITH_SID,
    });
    child.info({ apiKey: KEY }, `bound with ${USER_TOKEN}`);
    const out = output();
    expect(out).toContain('"component":"x"');
    expectNoneOf(out, forbidden, 'the log');
  });

  it('scrubs a real ky HTTPError (options.headers["api-key"], request URL with the SID)', async () => {
    const error = await realKyError();
    expect(error.name).toBe('HTTPError');
    // The error really does carry the secrets: the logger is what stands between them and the log.
    const carried = error as unknown as { options: { headers: Headers }; request: Request };
    expect(carried.options.headers.get('api-key')).toBe(KEY);
    expect(carried.request.url).toContain(LOGGER_SID);
    expect(error.message).toContain(LOGGER_SID);
    const { logger, output } = capture();
    logger.error({ err: error }, 'kaleyra failed');
    logger.error(error);
    logger.warn({ error }, 'as error');
    logger.warn({ failure: error, options: (error as unknown as { options: unknown }).options }, 'raw');
    const out = output();
    expect(out).toContain('kaleyra failed');
    expectNoneOf(out, forbidden, 'the log');
  });

  it('scrubs a ky-like error whose options.headers is a plain object', () => {
    const error = Object.assign(new Error(`Request failed with status code 401: POST ${URL_WITH_SID}`), {
      name: 'HTTPError',
      options: { method: 'POST', headers: { 'api-key': KEY, 'content-type': 'application/json' } },
      request: { url: URL_WITH_SID, headers: { 'api-key': KEY } },
      response: { status: 401, url: URL_WITH_SID },
    });
    const { logger, output } = capture();
    logger.error({ err: error }, 'kaleyra failed');
    logger.error(error);
    logger.warn({ failure: error }, 'under another key');
    logger.warn({ options: error.options, request: error.request }, 'its parts');
    logger.warn({ nested: { deeper: { options: error.options } } }, 'its parts, deeper');
    const out = output();
    expect(out).toContain('Request failed with status code 401');
    expectNoneOf(out, forbidden, 'the log');
  });

  it('scrubs a raw Slack payload logged as text (Socket Mode at debug), even when cut short', () => {
    const { logger, output } = capture();
    const state = {
      orderstatus_config_sid: { sid: { type: 'plain_text_input', value: 'HXINVISIBLESID0IN' } },
      orderstatus_config_api_key: { api_key: { type: 'plain_text_input', value: KEY } },
    };
    const envelope = JSON.stringify({ envelope_id: 'e1', payload: { view: { state: { values: state } } } });
    logger.debug(`Received a message on the WebSocket: ${envelope}`);
    logger.debug(`Calling ack() - data: ${envelope} (done)`);
    // Cut mid-way (a log line limit, a partial frame): no JSON to parse, the label still redacts.
    logger.debug(
      `Unable to parse an incoming WebSocket message: ${envelope.slice(0, envelope.indexOf(KEY) + 4)}`,
    );
    logger.debug(`header api-key: "${KEY}" and {"authorization":{"scheme":"Bearer","token":"${KEY}"}}`);
    const out = output();
    expect(out).toContain('HXINVISIBLESID0IN');
    expect(out).toContain('orderstatus_config_api_key');
    expectNoneOf(out, forbidden, 'the log');
    expect(out).not.toContain(KEY.slice(0, 8));
  });

  it('keeps ordinary fields readable', () => {
    const { logger, output } = capture();
    const at = new Date('2030-01-02T03:04:05.000Z');
    logger.info(
      { workspace: 'T123', outcome: 'sent', code: 'WA202', at, count: 3, list: ['a', 'b'] },
      'done',
    );
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({
      workspace: 'T123',
      outcome: 'sent',
      code: 'WA202',
      at: '2030-01-02T03:04:05.000Z',
      count: 3,
      list: ['a', 'b'],
      msg: 'done',
    });
  });

  it('scrubs the SID from a Kaleyra URL in messages and fields', () => {
    const { logger, output } = capture();
    logger.warn({ url: URL_WITH_SID }, `POST ${URL_WITH_SID} failed`);
    logger.warn({ err: new TypeError(`fetch failed for ${URL_WITH_SID}`) }, 'network');
    const out = output();
    expect(out).toContain('/whatsapp/');
    expectNoneOf(out, forbidden, 'the log');
  });

  it('scrubs a media link’s token (whoever holds it gets the file for an hour)', () => {
    const { logger, output } = capture();
    const token = 'T0123ABCD.v1.k1a2b3c4d.AbCdEfGhIjKlMnOp.QrStUvWxYz0123456789-_.cipher-text_1';
    const link = `https://orderstatus.example.com/media/${token}`;
    logger.warn({ link, payload: { document: { link } } }, `Kaleyra refused ${link}`);
    const out = output();
    expect(out).toContain('/media/[redacted]');
    expect(out).not.toContain('QrStUvWxYz0123456789');
    expect(out).not.toContain('T0123ABCD.v1');
  });
});
