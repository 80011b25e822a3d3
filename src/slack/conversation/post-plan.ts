import type { OrderOfMessage, PostClaim } from '../../storage/incoming-posts.ts';
import { MATCH_BY_NUMBER_DAYS } from '../../storage/incoming-store.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { codeWithin } from '../messages/mrkdwn.ts';

/** Where a customer's message may go, in the order it is tried. */
export type PostTarget = {
  state: 'thread' | 'replies_channel' | 'dm';
  /** A channel id, or a user id for a DM. */
  channel: string;
  threadTs?: string | undefined;
};

/** Why a message is not in its order's thread (said in the post, or kept with it). */
export type NotInThread =
  | { kind: 'unmatched' }
  | {
      kind: 'no_thread';
      referenceId: string;
      why: 'cli' | 'workflow' | 'bulk' | 'response_url' | 'none' | 'gone';
    }
  | { kind: 'thread_refused'; referenceId: string; code: string };

export type PostPlan =
  /** The order's outcome is still being posted: try again in a moment. */
  { kind: 'wait' } | { kind: 'post'; targets: PostTarget[]; reason: NotInThread | undefined };

/** A Slack outcome not yet recorded this long after the send never will be (as the delivery notifier assumes). */
const OUTCOME_POSTING_MS = 120_000;
const SLACK_USER = /^[UW][A-Z0-9]{1,30}$/;

/**
 * Where a claimed message goes: the order's thread when it has one; else (or when that refuses) the
 * replies channel, in this conversation's earlier thread there when it has one; else a DM to the agent
 * who sent the order. What is left when every target refuses is kept for the admins.
 */
export function planPost(claim: PostClaim, repliesChannel: string | undefined, now = Date.now()): PostPlan {
  const { order } = claim;
  const targets: PostTarget[] = [];
  let reason: NotInThread | undefined;
  if (!order) reason = { kind: 'unmatched' };
  else if (threadOf(order)) targets.push(threadOf(order) as PostTarget);
  else if (order.source === 'slack' && order.slackPath === null) {
    if (now - order.createdAt.getTime() < OUTCOME_POSTING_MS) return { kind: 'wait' };
    reason = { kind: 'no_thread', referenceId: order.referenceId, why: 'none' };
  } else reason = { kind: 'no_thread', referenceId: order.referenceId, why: noThreadWhy(order) };

  if (repliesChannel) {
    const earlier = claim.earlierInRepliesChannel;
    if (earlier?.channel === repliesChannel) {
      targets.push({ state: 'replies_channel', channel: repliesChannel, threadTs: earlier.threadTs });
    }
    targets.push({ state: 'replies_channel', channel: repliesChannel });
  }
  if (order && SLACK_USER.test(order.actor)) targets.push({ state: 'dm', channel: order.actor });
  return { kind: 'post', targets, reason };
}

function threadOf(order: OrderOfMessage): PostTarget | undefined {
  if (order.slackPath !== 'channel' && order.slackPath !== 'dm') return undefined;
  if (!order.slackChannel || !order.threadTs) return undefined;
  return { state: 'thread', channel: order.slackChannel, threadTs: order.threadTs };
}

function noThreadWhy(order: OrderOfMessage): Extract<NotInThread, { kind: 'no_thread' }>['why'] {
  if (order.source === 'cli' || order.source === 'workflow' || order.source === 'bulk') return order.source;
  if (order.slackPath === 'response_url' || order.slackPath === 'gone') return order.slackPath;
  return 'none';
}

const NO_THREAD: Record<Extract<NotInThread, { kind: 'no_thread' }>['why'], string> = {
  cli: 'was sent from the CLI, so it has no Slack thread.',
  workflow: 'was sent by a workflow, so it has no Slack thread.',
  bulk: 'was sent in a bulk job, so it has no thread of its own.',
  response_url:
    'has no thread: its outcome was shown only to the agent who sent it (the app could not post in that channel).',
  none: 'has no Slack message to answer under.',
  gone: 'has no thread any more: its Slack message is gone (deleted, or its channel archived).',
};

/** Why the message is not in the order's thread, in one sentence of mrkdwn. */
export function describeNotInThread(reason: NotInThread): string {
  if (reason.kind === 'unmatched') {
    return `No order sent from this workspace to this number in the last ${MATCH_BY_NUMBER_DAYS} days matches it.`;
  }
  const order = `Order \`${codeWithin(reason.referenceId, 60)}\``;
  if (reason.kind === 'thread_refused') {
    return `Could not post in the thread of order \`${codeWithin(reason.referenceId, 60)}\` (\`${codeWithin(reason.code, 40)}\`).`;
  }
  return `${order} ${NO_THREAD[reason.why]}`;
}

/** The replies channel refused the post too. */
export function describeRepliesChannelRefused(channel: string, code: string): string {
  const fix =
    code === 'not_in_channel' || code === 'channel_not_found'
      ? ': invite the app to it (/invite @Order Status), or pick another'
      : `: an admin can pick another with \`${SLASH_COMMAND} config\``;
  return `The replies channel <#${channel}> refused it too (\`${codeWithin(code, 40)}\`)${fix}.`;
}

// Refusals of the thread only: the channel itself may still take the message outside it.
const THREAD_ONLY = new Set(['cannot_reply_to_message', 'thread_not_found', 'message_not_found']);

/**
 * What a message's post says about why it is not in the order's thread, gathered as the targets of
 * its plan refuse it one by one; and which channels are not worth another try.
 */
export function createFallbackNotes(
  plan: Extract<PostPlan, { kind: 'post' }>,
  repliesChannel: string | undefined,
) {
  let reason = plan.reason;
  const refusals: string[] = [];
  const refusedChannels = new Set<string>();
  const join = (lines: Array<string | undefined>) => lines.filter(Boolean).join(' ') || undefined;
  return {
    /** A channel that refused the message outright: no other target in it is tried. */
    skips: (target: PostTarget) => refusedChannels.has(target.channel),
    /** `target` refused the message with Slack's `code`. */
    refused(target: PostTarget, code: string, referenceId: string | undefined): void {
      if (!THREAD_ONLY.has(code) || target.state === 'dm') refusedChannels.add(target.channel);
      if (target.state === 'thread' && referenceId !== undefined) {
        reason = { kind: 'thread_refused', referenceId, code };
      } else if (target.state === 'replies_channel' && refusedChannels.has(target.channel)) {
        refusals.push(describeRepliesChannelRefused(target.channel, code));
      }
    },
    /** The note a post at `target` carries (none in the order's own thread). */
    noteFor(target: PostTarget): string | undefined {
      if (target.state === 'thread') return undefined;
      const hint = target.state === 'dm' && !repliesChannel ? NO_REPLIES_CHANNEL : undefined;
      return join([reason && describeNotInThread(reason), ...refusals, hint]);
    },
    /** Why a message no target took is kept. */
    keptNote(): string {
      return (
        join([
          reason && describeNotInThread(reason),
          ...refusals,
          repliesChannel ? undefined : NO_REPLIES_CHANNEL,
        ]) ?? ''
      );
    },
  };
}

/** Said when a message falls back to the agent's DM for want of a replies channel. */
export const NO_REPLIES_CHANNEL = `No replies channel is set: an admin can pick one with \`${SLASH_COMMAND} config\`.`;
