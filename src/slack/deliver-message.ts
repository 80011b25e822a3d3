import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import type { SlackMessage } from './messages/mrkdwn.ts';
import { slackErrorCode } from './slack-error-code.ts';

/** How messages reach Slack: the request's Web API client, and the response_url hosts to trust. */
export type Delivery = {
  client: webApi.WebClient;
  logger: Logger;
  /** Origins a response_url may point at (Slack's hooks host, and the configured API host for local fakes). */
  trustedResponseOrigins: readonly string[];
};

export type DeliveryTarget = {
  userId: string;
  channelId?: string | undefined;
  responseUrl?: string | undefined;
  /** `in_channel` for outcomes the team should see; `ephemeral` for what only the asker should. */
  visibility: 'in_channel' | 'ephemeral';
};

const RESPONSE_URL_TIMEOUT_MS = 5000;

/**
 * Delivers a message by the first path that works: the command's response_url (any channel, member
 * or not), then the Web API in the channel, then a DM to the person. Returns the path used, or
 * undefined when every path failed (logged, never thrown: the send itself already happened).
 */
export async function deliverMessage(
  delivery: Delivery,
  target: DeliveryTarget,
  message: SlackMessage,
): Promise<'response_url' | 'channel' | 'dm' | undefined> {
  const { client, logger } = delivery;
  const attempts: Array<[path: 'response_url' | 'channel' | 'dm', run: () => Promise<void>]> = [];

  if (target.responseUrl && isTrusted(target.responseUrl, delivery.trustedResponseOrigins)) {
    const url = target.responseUrl;
    attempts.push(['response_url', () => postToResponseUrl(url, target.visibility, message)]);
  }
  if (target.channelId) {
    const channel = target.channelId;
    attempts.push([
      'channel',
      async () => {
        if (target.visibility === 'in_channel') {
          await client.chat.postMessage({
            channel,
            text: message.text,
            blocks: message.blocks,
            unfurl_links: false,
          });
        } else {
          await client.chat.postEphemeral({
            channel,
            user: target.userId,
            text: message.text,
            blocks: message.blocks,
          });
        }
      },
    ]);
  }
  attempts.push([
    'dm',
    async () => {
      await client.chat.postMessage({ channel: target.userId, text: message.text, blocks: message.blocks });
    },
  ]);

  for (const [path, run] of attempts) {
    try {
      await run();
      return path;
    } catch (error) {
      logger.warn(
        { path, reason: slackErrorCode(error) },
        'could not deliver a message this way; trying the next',
      );
    }
  }
  logger.error({ text: message.text }, 'message could not be delivered to Slack by any path');
  return undefined;
}

async function postToResponseUrl(
  url: string,
  visibility: DeliveryTarget['visibility'],
  message: SlackMessage,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: visibility, replace_original: false, ...message }),
    signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`response_url answered ${response.status} ${body.slice(0, 100)}`);
}

function isTrusted(url: string, origins: readonly string[]): boolean {
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}
