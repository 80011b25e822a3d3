import { REPLY_ACTION, REPLY_FIELDS, REPLY_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { type AppFixture, waitUntil } from './app-driver.ts';
import type { SlackApiCall } from './fake-slack.ts';
import { type Login, postCallback } from './kaleyra-callbacks.ts';
import { incomingPayload } from './kaleyra-incoming.ts';
import { type AppResponse, blockActionsBody, postToApp, viewSubmissionBody } from './slack-request.ts';
import { SIGNING_SECRET, type StorageMode, TEST_ENCRYPTION_KEY } from './start-app.ts';

/** Driving replies as customers and agents do: a customer's message in, the Reply button, the modal. */

const HOUR = 3_600_000;
const MINUTE = 60_000;
let counter = 0;

/** `ago` as WhatsApp's `timestamp` (Unix seconds): when the customer sent their message. */
export function timestampAgo(ms: number): string {
  return String(Math.floor((Date.now() - ms) / 1000));
}
export const ago = { hours: (h: number) => h * HOUR, minutes: (m: number) => m * MINUTE };

/**
 * A customer's text arriving at the real receiver (the document's payload, authenticated as `login`),
 * sent `sentAgoMs` ago by WhatsApp's clock; resolves the stored message's id.
 */
export async function customerWrites(
  t: Pick<AppFixture, 'url' | 'server'>,
  login: Login,
  options: { workspaceId: string; sentAgoMs: number; text?: string; from?: string },
): Promise<string> {
  counter += 1;
  const messageId = `wamid.REPLY-${counter}-${Math.random().toString(36).slice(2)}`;
  const body = incomingPayload({
    id: messageId,
    timestamp: timestampAgo(options.sentAgoMs),
    ...(options.from ? { from: options.from } : {}),
    message: { type: 'text', text: { body: options.text ?? 'Where is my parcel?' } },
  });
  const answered = await postCallback(t.url, body, login);
  if (answered.status !== 200) throw new Error(`the receiver answered ${answered.status}`);
  const rows = await t.server.services.db.query<{ id: string }>(
    'SELECT id FROM incoming_messages WHERE workspace_id = $1 AND message_id = $2',
    [options.workspaceId, messageId],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('the customer message was not stored');
  return id;
}

/**
 * Where the customer's message was shown in Slack, as helper C's poster records it (a reply in the
 * order's thread): the Reply button sits on that message.
 */
export async function shownInThread(
  t: Pick<AppFixture, 'server'>,
  incomingId: string,
  where: { channel: string; ts: string; threadTs: string },
): Promise<void> {
  await t.server.services.db.query(
    `UPDATE incoming_messages SET post_state = 'thread', slack_channel = $2, slack_ts = $3, slack_thread_ts = $4
      WHERE id = $1`,
    [incomingId, where.channel, where.ts, where.threadTs],
  );
}

/** A signed click on the Reply button of the stored message `incomingId`; resolves the modal Slack was asked to open. */
export async function clickReply(
  t: AppFixture,
  incomingId: string,
  options: {
    teamId?: string;
    userId?: string;
    channelId?: string;
    messageTs?: string;
    threadTs?: string;
  } = {},
): Promise<{ ack: AppResponse; ackMs: number; view: Record<string, unknown> | undefined }> {
  const before = t.slack.callsTo('views.open').length;
  const body = blockActionsBody({
    teamId: options.teamId ?? t.team,
    userId: options.userId ?? 'UOTHER',
    channelId: options.channelId ?? 'CORDERS',
    actionId: REPLY_ACTION,
    blockId: 'orderstatus_incoming_actions',
    value: incomingId,
    ...(options.messageTs ? { messageTs: options.messageTs } : {}),
    ...(options.threadTs ? { threadTs: options.threadTs } : {}),
  });
  const started = Date.now();
  const ack = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
  const ackMs = Date.now() - started;
  const opened = await waitUntil(
    () => t.slack.callsTo('views.open')[before],
    5000,
    'the reply modal to be opened',
  ).catch(() => undefined);
  return {
    ack,
    ackMs,
    view: (opened as SlackApiCall | undefined)?.body.view as Record<string, unknown> | undefined,
  };
}

/** Submits the reply modal `view` (as it was opened) with `text` typed in. */
export function submitReply(
  t: AppFixture,
  view: Record<string, unknown> | undefined,
  text: string,
  options: { teamId?: string; userId?: string; privateMetadata?: string } = {},
): Promise<AppResponse> {
  const body = viewSubmissionBody({
    teamId: options.teamId ?? t.team,
    userId: options.userId ?? 'UOTHER',
    view: {
      callback_id: REPLY_MODAL_CALLBACK,
      private_metadata: options.privateMetadata ?? String(view?.private_metadata ?? ''),
      state: {
        values: {
          [REPLY_FIELDS.text.blockId]: {
            [REPLY_FIELDS.text.actionId]: { type: 'plain_text_input', value: text },
          },
        },
      },
    },
  });
  return postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
}

/** The environment of a CLI process beside the running app: its storage, and its fake Kaleyra. */
export function cliBeside(
  t: Pick<AppFixture, 'dataDir' | 'kaleyra'>,
  storage: StorageMode,
): Record<string, string> {
  return {
    DATA_DIR: t.dataDir,
    KALEYRA_BASE_URL: t.kaleyra.url,
    ...(storage.kind === 'postgres'
      ? { DATABASE_URL: storage.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }
      : {}),
  };
}
