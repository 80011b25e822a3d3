import type { DeliveryRecord } from '../../src/storage/delivery-journal.ts';
import { type AppFixture, command, outcomeOf, waitUntil } from './app-driver.ts';
import { acceptedAs } from './fake-kaleyra.ts';
import type { PostedMessage } from './fake-slack.ts';
import { callbackPayload, type Login, postCallback } from './kaleyra-callbacks.ts';

/** A one-liner that went out, with where its outcome message is. */
export type SentUpdate = {
  reference: string;
  messageId: string;
  attemptId: string;
  channel: string | undefined;
  ts: string | undefined;
  via: 'channel' | 'response_url';
};

/**
 * Sends `/orderstatus +919876543210 <reference> shipped` (or to `to`, or `status`) from UAGENT in
 * `channelId` with Kaleyra answering `messageId`, and waits until the journal knows where its outcome
 * message went.
 */
export async function sendUpdate(
  t: AppFixture,
  reference: string,
  messageId: string,
  options: { channelId?: string; to?: string; status?: string } = {},
): Promise<SentUpdate> {
  t.kaleyra.respondWith(acceptedAs(messageId));
  const { to = '+919876543210', status = 'shipped', ...where } = options;
  const sent = command(t, `${to} ${reference} ${status}`, where);
  await sent.post();
  const outcome = await outcomeOf(t, sent);
  const record = await waitUntil(
    async () => {
      const rows = await t.server.services.journal.list(t.team);
      const row = rows.find((r) => r.reference_id === reference);
      const found = row && (await readRecord(t, row.id));
      return found?.slack_path ? found : undefined;
    },
    5000,
    'the outcome message to be recorded',
  );
  return {
    reference,
    messageId,
    attemptId: record.id,
    channel: outcome.channel,
    ts: outcome.ts,
    via: outcome.via,
  };
}

export function readRecord(t: AppFixture, attemptId: string): Promise<DeliveryRecord | undefined> {
  return t.server.services.deliveryJournal.read(attemptId);
}

/** The outcome message as it reads now in the fake Slack. */
export function messageOf(t: AppFixture, sent: SentUpdate): PostedMessage | undefined {
  return sent.channel && sent.ts ? t.slack.messageAt(sent.channel, sent.ts) : undefined;
}

/** Waits until the outcome message (after edits) says `needle`. */
export function messageSays(t: AppFixture, sent: SentUpdate, needle: string, timeoutMs = 5000) {
  return waitUntil(
    () => {
      const message = messageOf(t, sent);
      return message && JSON.stringify(message).includes(needle) ? message : undefined;
    },
    timeoutMs,
    `the outcome message to say ${needle}`,
  );
}

/** Kaleyra's POST callback for `sent` with `status` (the document's payload), authenticated as `login`. */
export function report(
  t: AppFixture,
  login: Login,
  sent: Pick<SentUpdate, 'messageId' | 'attemptId'>,
  status: string,
  extra: { timestamp?: string; errorCode?: number; wamid?: string } = {},
) {
  return postCallback(
    t.url,
    callbackPayload({
      status,
      messageId: sent.messageId,
      ref: t.team,
      ref1: 'UAGENT',
      ref2: sent.attemptId,
      ...extra,
    }),
    login,
  );
}

/** Rows of delivery_events for an attempt, oldest first. */
export function eventsOf(t: AppFixture, attemptId: string) {
  return t.server.services.db.query<{ status: string; error_code: string }>(
    'SELECT status, error_code FROM delivery_events WHERE attempt_id = $1 ORDER BY received_at, status',
    [attemptId],
  );
}
