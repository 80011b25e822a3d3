import { beforeEach } from 'vitest';
import { type AppFixture, useTestApp, waitUntil } from './app-driver.ts';
import type { PostedMessage, SlackApiCall } from './fake-slack.ts';
import { type Login, postCallback } from './kaleyra-callbacks.ts';
import { type IncomingValues, incomingPayload } from './kaleyra-incoming.ts';
import type { StorageMode } from './start-app.ts';

/** Customers' messages as the tests drive them: Kaleyra's callback in, what the fake Slack shows out. */

/** The app's quick tunings for these tests: retries in a fraction of a second, a sweeper every 200 ms. */
export const QUICK_CONVERSATION = {
  retrySeconds: 0.3,
  maxTries: 3,
  sweeper: { intervalMs: 200, graceSeconds: 1 },
} as const;

/**
 * The real app on `storage` with QUICK_CONVERSATION for the enclosing describe block (useTestApp), and
 * a callback login of each test's workspace.
 */
export function useConversationApp(storage: StorageMode | undefined): { t: AppFixture; login: () => Login } {
  const t = useTestApp(storage, { conversation: QUICK_CONVERSATION });
  let current: Login | undefined;
  beforeEach(async () => {
    current = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });
  const login = () => {
    if (!current) throw new Error('useConversationApp: no login outside a test');
    return current;
  };
  return { t, login };
}

/** A customer's message (the document's payload) at the callback URL, with the workspace's login; expects 200. */
export async function customerSays(t: AppFixture, login: Login, values: IncomingValues): Promise<void> {
  const answer = await postCallback(t.url, incomingPayload(values), login);
  if (answer.status !== 200) throw new Error(`the callback was answered ${answer.status}: ${answer.text}`);
}

/** A text message of `body` from the tests' customer. */
export function textMessage(body: string): Record<string, unknown> {
  return { type: 'text', text: { body } };
}

export type IncomingRowRead = {
  id: string;
  post_state: string;
  post_tries: number;
  post_note: string | null;
  slack_channel: string | null;
  slack_ts: string | null;
  slack_thread_ts: string | null;
  slack_permalink: string | null;
};

/** The stored message with WhatsApp id `messageId` in the test's workspace. */
export async function incomingRow(t: AppFixture, messageId: string): Promise<IncomingRowRead | undefined> {
  const rows = await t.server.services.db.query<IncomingRowRead>(
    `SELECT id, post_state, post_tries, post_note, slack_channel, slack_ts, slack_thread_ts, slack_permalink
       FROM incoming_messages WHERE workspace_id = $1 AND message_id = $2`,
    [t.team, messageId],
  );
  return rows[0];
}

/** Waits until the message's row is no longer pending (posted, or kept) and returns it. */
export function settledRow(t: AppFixture, messageId: string, timeoutMs = 5000): Promise<IncomingRowRead> {
  return waitUntil(
    async () => {
      const row = await incomingRow(t, messageId);
      return row && row.post_state !== 'pending' ? row : undefined;
    },
    timeoutMs,
    `${messageId} posted or kept`,
  );
}

/** chat.postMessage calls to `channel` (a channel id, or a user id for a DM), oldest first. */
export function postsIn(t: AppFixture, channel: string): SlackApiCall[] {
  return t.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === channel);
}

/** Replies in the thread under `channel`/`ts`, waiting until there are at least `count`. */
export function repliesUnder(
  t: AppFixture,
  channel: string,
  ts: string,
  count = 1,
): Promise<PostedMessage[]> {
  return t.slack.waitFor((slack) => {
    const replies = slack.repliesTo(channel, ts);
    return replies.length >= count ? replies : undefined;
  });
}
