import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import type { ChannelMemory } from './channel-memory.ts';
import type { SlackMessage } from './messages/mrkdwn.ts';
import { slackErrorCode } from './slack-error-code.ts';

/** How messages reach Slack: the request's Web API client, and the response_url hosts to trust. */
export type Delivery = {
  client: webApi.WebClient;
  logger: Logger;
  /** Origins a response_url may point at (Slack's hooks host, and the configured API host for local fakes). */
  trustedResponseOrigins: readonly string[];
  /** Channels this process found it cannot post in, so the next outcome there goes straight to the response_url. */
  channels?: ChannelMemory | undefined;
};

export type DeliveryTarget = {
  userId: string;
  channelId?: string | undefined;
  responseUrl?: string | undefined;
  /** `in_channel` for outcomes the team should see; `ephemeral` for what only the asker should. */
  visibility: 'in_channel' | 'ephemeral';
  /** In the channel, post in this message's thread (a response_url or a DM cannot, and does not). */
  threadTs?: string | undefined;
};

export type DeliveryPath = 'response_url' | 'channel' | 'dm';

/**
 * Where a message went. A Web API post has a `ts`, so the app can still edit it hours later; a
 * response_url post or an ephemeral message cannot be.
 */
export type Delivered =
  | { path: 'response_url' | 'ephemeral' }
  | { path: 'channel' | 'dm'; channel: string; ts: string; threadTs?: string };

/** The message, or the message for the path it takes (a response_url post cannot be edited later). */
export type MessageFor = SlackMessage | ((path: DeliveryPath) => SlackMessage);

const RESPONSE_URL_TIMEOUT_MS = 5000;
// Slack's answers when the bot may not post in a conversation (a private channel or a DM it is not in).
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/**
 * Delivers a message by the first path that works, and says where it went (undefined when every path
 * failed: logged, never thrown, since the send itself already happened).
 * - In the channel for all to see: `chat.postMessage` first, because only a message with a `ts` can
 *   be edited as WhatsApp reports delivery (a response_url replaces its message for 30 minutes and 5
 *   times at most); then the command's response_url (it reaches private channels and DMs the bot is
 *   not in); then a DM to the person.
 * - Only for the asker: the response_url, then `chat.postEphemeral`, then a DM.
 */
export async function deliverMessage(
  delivery: Delivery,
  target: DeliveryTarget,
  message: MessageFor,
): Promise<Delivered | undefined> {
  const { logger } = delivery;
  const render = (path: DeliveryPath) => (typeof message === 'function' ? message(path) : message);
  for (const [path, run] of attemptsFor(delivery, target, render)) {
    try {
      return await run();
    } catch (error) {
      const reason = slackErrorCode(error);
      if (path === 'channel' && target.channelId && CANNOT_POST.has(reason)) {
        delivery.channels?.cannotPost(target.channelId);
      }
      logger.warn({ path, reason }, 'could not deliver a message this way; trying the next');
    }
  }
  logger.error({ text: render('channel').text }, 'message could not be delivered to Slack by any path');
  return undefined;
}

type Attempt = [path: DeliveryPath, run: () => Promise<Delivered>];

function attemptsFor(
  delivery: Delivery,
  target: DeliveryTarget,
  render: (path: DeliveryPath) => SlackMessage,
): Attempt[] {
  const { client } = delivery;
  const responseUrl =
    target.responseUrl && isTrusted(target.responseUrl, delivery.trustedResponseOrigins)
      ? target.responseUrl
      : undefined;
  const viaResponseUrl: Attempt | undefined = responseUrl
    ? [
        'response_url',
        async () => {
          await postToResponseUrl(responseUrl, target.visibility, render('response_url'));
          return { path: 'response_url' };
        },
      ]
    : undefined;
  const { channelId, threadTs } = target;
  const thread = threadTs ? { thread_ts: threadTs } : {};
  let inChannel: Attempt | undefined;
  if (channelId && target.visibility === 'in_channel') {
    inChannel = ['channel', () => post(client, channelId, 'channel', render('channel'), threadTs)];
  } else if (channelId) {
    inChannel = [
      'channel',
      async () => {
        const { text, blocks } = render('channel');
        await client.chat.postEphemeral({ channel: channelId, user: target.userId, text, blocks, ...thread });
        return { path: 'ephemeral' };
      },
    ];
  }
  const dm: Attempt = ['dm', () => post(client, target.userId, 'dm', render('dm'))];

  const channelFirst =
    target.visibility === 'in_channel' && !(channelId && delivery.channels?.isKnownClosed(channelId));
  const ordered = channelFirst ? [inChannel, viaResponseUrl, dm] : [viaResponseUrl, inChannel, dm];
  return ordered.filter((attempt): attempt is Attempt => attempt !== undefined);
}

async function post(
  client: webApi.WebClient,
  channel: string,
  path: 'channel' | 'dm',
  message: SlackMessage,
  threadTs?: string,
): Promise<Delivered> {
  const posted = await client.chat.postMessage({
    channel,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  // A DM to a user id answers with the DM channel's id: edits need that one.
  const where = typeof posted.channel === 'string' && posted.channel !== '' ? posted.channel : channel;
  if (typeof posted.ts !== 'string' || posted.ts === '') throw new Error('chat.postMessage answered no ts');
  return { path, channel: where, ts: posted.ts, ...(threadTs ? { threadTs } : {}) };
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
