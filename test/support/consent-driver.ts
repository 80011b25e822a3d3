import { randomBytes } from 'node:crypto';
import { SEND_FIELDS, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import type { AppFixture } from './app-driver.ts';
import { type Login, postCallback } from './kaleyra-callbacks.ts';
import { incomingPayload, numberQualityPayload, templateStatusPayload } from './kaleyra-incoming.ts';
import { postToApp, viewState, viewSubmissionBody } from './slack-request.ts';
import { SIGNING_SECRET, TEST_ENCRYPTION_KEY } from './start-app.ts';

/** A customer (WhatsApp's spelling, no `+`) and the E.164 number agents type. */
export const CUSTOMER = { wa: '919876543210', e164: '+919876543210' } as const;

/**
 * The customer writes `text` to the business number: Kaleyra's incoming-message callback, authenticated.
 * `at`: when they wrote it (WhatsApp's whole seconds; now unless told); `message`: another type's
 * object instead of the text (a quick reply, a contact card…).
 */
export async function customerSays(
  t: Pick<AppFixture, 'url'>,
  login: Login,
  text: string,
  options: { from?: string; id?: string; at?: Date; message?: Record<string, unknown> } = {},
) {
  const id = options.id ?? `wamid.${randomBytes(8).toString('hex')}`;
  const response = await postCallback(
    t.url,
    incomingPayload({
      id,
      from: options.from ?? CUSTOMER.wa,
      message: options.message ?? { type: 'text', text: { body: text } },
      ...(options.at ? { timestamp: String(Math.floor(options.at.getTime() / 1000)) } : {}),
    }),
    login,
  );
  if (response.status !== 200) throw new Error(`the incoming callback answered ${response.status}`);
  return id;
}

/** Meta's template-status event for `name`, through the workspace's callback URL. */
export async function templateEvent(
  t: Pick<AppFixture, 'url'>,
  login: Login,
  event: string,
  options: { name?: string; reason?: string; language?: string; time?: number; envelope?: 'entry' } = {},
) {
  const body = templateStatusPayload(
    {
      event,
      name: options.name ?? 'order_status',
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.language ? { language: options.language } : {}),
      ...(options.time !== undefined ? { time: options.time } : {}),
    },
    options.envelope,
  );
  const response = await postCallback(t.url, body, login);
  if (response.status !== 200) throw new Error(`the template event answered ${response.status}`);
}

/** Meta's number-quality event for the tests' business number. */
export async function qualityEvent(
  t: Pick<AppFixture, 'url'>,
  login: Login,
  event: string,
  limit = 'TIER_1K',
  options: { time?: number; envelope?: 'entry' } = {},
) {
  const body = numberQualityPayload(
    { event, limit, ...(options.time !== undefined ? { time: options.time } : {}) },
    options.envelope,
  );
  const response = await postCallback(t.url, body, login);
  if (response.status !== 200) throw new Error(`the quality event answered ${response.status}`);
}

/** The send modal submitted with `values` (as `/orderstatus` with no arguments opens it), from UAGENT. */
export function sendModal(
  t: AppFixture,
  values: Record<string, string>,
  metadata: Record<string, string> = {},
) {
  const responseUrl = t.slack.responseUrl(`modal-${randomBytes(6).toString('hex')}`);
  const body = viewSubmissionBody({
    teamId: t.team,
    userId: 'UAGENT',
    view: {
      callback_id: SEND_MODAL_CALLBACK,
      private_metadata: JSON.stringify({ channelId: 'CORDERS', responseUrl, ...metadata }),
      state: { values: viewState(SEND_FIELDS, values) },
    },
  });
  return {
    path: new URL(responseUrl).pathname,
    channelId: 'CORDERS',
    reference: values.referenceId,
    callsBefore: t.slack.calls.length,
    post: () => postToApp(t.url, body, { signingSecret: SIGNING_SECRET }),
  };
}

/** The CLI's environment on the app's Postgres database, sending to the app's fake Kaleyra. */
export function cliEnvOf(
  t: Pick<AppFixture, 'kaleyra' | 'dataDir'>,
  databaseUrl: string,
  extra: Record<string, string> = {},
) {
  return {
    DATA_DIR: `${t.dataDir}/cli`,
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    KALEYRA_BASE_URL: t.kaleyra.url,
    ...extra,
  };
}
