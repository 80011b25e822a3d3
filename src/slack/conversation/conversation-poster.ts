import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { TaskTracker } from '../../services/background-tasks.ts';
import type { CredentialStore } from '../../storage/credential-store.ts';
import type { IncomingPosts, PostClaim } from '../../storage/incoming-posts.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';
import { buildCustomerMessage } from './customer-message.ts';
import { createInOrder } from './in-order.ts';
import { createFallbackNotes, type PostTarget, planPost } from './post-plan.ts';

/** Tunings (tests pass short ones); the defaults suit production. */
export type ConversationOptions = {
  /** How long a claimed message stays with the process posting it: longer than any post with its 429 waits. */
  leaseSeconds?: number;
  /** After Slack failed: tried again this much later, times the tries so far. */
  retrySeconds?: number;
  /** Slack failures a message is tried through before it is kept for the admins. */
  maxTries?: number;
};

export const CONVERSATION_DEFAULTS = { leaseSeconds: 120, retrySeconds: 15, maxTries: 5 } as const;
/** A reply that came before its order's outcome message was recorded looks again this much later. */
const OUTCOME_WAIT_SECONDS = 5;

// Slack's answers that mean this place will not take the message: the next place is tried.
const REFUSED_HERE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
  'cannot_reply_to_message',
  'thread_not_found',
  'message_not_found',
  'messages_tab_disabled',
  'user_not_found',
  'user_disabled',
  'channel_type_not_supported',
]);
// The workspace's token no longer works anywhere, or the message itself is what Slack refuses: no
// place and no retry would take it.
const NOWHERE = new Set([
  'no_token',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'team_not_found',
  'team_access_not_granted',
  'missing_scope',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
]);

export type ConversationPosterDeps = {
  posts: Pick<IncomingPosts, 'claim' | 'markPosted' | 'setPermalink' | 'release' | 'keep'>;
  settings: Pick<CredentialStore, 'get'>;
  client: webApi.WebClient;
  slack: SlackCaller;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
  options?: ConversationOptions | undefined;
};

type Attempt =
  | { kind: 'posted'; channel: string; ts: string }
  | { kind: 'refused' | 'nowhere' | 'transient'; code: string };

/**
 * Shows each customer's message in Slack once, whichever replica received it: the one that claims it
 * posts it (in the order's thread, else the replies channel, else a DM to the order's agent, saying why
 * it is not in the thread), or keeps it for the admins when no place takes it. Slack outages are tried
 * again later (the sweeper), a bounded number of times. One conversation's messages go in order.
 */
export function createConversationPoster(deps: ConversationPosterDeps) {
  const options = { ...CONVERSATION_DEFAULTS, ...deps.options };
  const { logger } = deps;
  const inOrder = createInOrder();
  const keyOf = (workspaceId: string, attemptId: string | null | undefined) =>
    `${workspaceId}/${attemptId ?? 'unmatched'}`;

  /** After Kaleyra has been answered: each newly recorded message claimed and posted (never awaited). */
  function show(workspaceId: string, recorded: ReadonlyArray<{ id: string; attemptId: string | undefined }>) {
    for (const { id, attemptId } of recorded) {
      deps.tasks.run(() =>
        inOrder.run(keyOf(workspaceId, attemptId), async () => {
          const claim = await deps.posts.claim(workspaceId, id, options.leaseSeconds);
          if (claim) await post(claim);
        }),
      );
    }
  }

  /** A message the sweeper claimed (left pending by a crash, or waiting for a retry). */
  function deliver(claim: PostClaim): Promise<void> {
    return inOrder.run(keyOf(claim.message.workspace_id, claim.message.attempt_id), () => post(claim));
  }

  async function post(claim: PostClaim): Promise<void> {
    const { message, order } = claim;
    const workspaceId = message.workspace_id;
    const repliesChannel = (await deps.settings.get(workspaceId))?.repliesChannel;
    const plan = planPost(claim, repliesChannel);
    if (plan.kind === 'wait') {
      const why = 'waiting for the order’s outcome message';
      return deps.posts.release(workspaceId, message.id, why, OUTCOME_WAIT_SECONDS);
    }
    const notes = createFallbackNotes(plan, repliesChannel);
    for (const target of plan.targets) {
      if (notes.skips(target)) continue;
      const note = notes.noteFor(target);
      const attempt = await postTo(workspaceId, target, messageFor(claim, target, note));
      if (attempt.kind === 'posted') {
        const at = { channel: attempt.channel, ts: attempt.ts, threadTs: target.threadTs };
        await deps.posts.markPosted(workspaceId, message.id, target.state, at, note);
        logger.info(
          { workspace: workspaceId, incomingId: message.id, where: target.state, tries: claim.tries },
          'showed a customer’s message in Slack',
        );
        return link(workspaceId, message.id, at);
      }
      if (attempt.kind === 'transient') return retryLater(claim, attempt.code);
      if (attempt.kind === 'nowhere') {
        return keep(claim, `Slack refused it (\`${attempt.code}\`): is the app still installed?`);
      }
      notes.refused(target, attempt.code, order?.referenceId);
    }
    await keep(claim, notes.keptNote());
  }

  async function postTo(workspaceId: string, target: PostTarget, message: SlackMessage): Promise<Attempt> {
    try {
      const answer = await deps.slack.call(workspaceId, (token) =>
        deps.client.chat.postMessage({
          token,
          channel: target.channel,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
          text: message.text,
          blocks: message.blocks,
          // A customer's text may hold any link; nothing of it is previewed for the channel.
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!answer) return { kind: 'nowhere', code: 'no_token' };
      return { kind: 'posted', channel: answer.channel ?? target.channel, ts: answer.ts ?? '' };
    } catch (error) {
      const code = slackErrorCode(error);
      if (REFUSED_HERE.has(code)) return { kind: 'refused', code };
      return { kind: NOWHERE.has(code) ? 'nowhere' : 'transient', code };
    }
  }

  /** The post's link for the App Home; without it the post still stands. */
  async function link(workspaceId: string, id: string, at: { channel: string; ts: string }) {
    try {
      const answer = await deps.slack.call(workspaceId, (token) =>
        deps.client.chat.getPermalink({ token, channel: at.channel, message_ts: at.ts }),
      );
      if (answer?.permalink) await deps.posts.setPermalink(workspaceId, id, answer.permalink);
    } catch (error) {
      logger.info(
        { reason: slackErrorCode(error), incomingId: id },
        'no link to a customer’s message in Slack',
      );
    }
  }

  async function retryLater(claim: PostClaim, code: string): Promise<void> {
    const { workspace_id: workspaceId, id } = claim.message;
    if (claim.tries >= options.maxTries) {
      return keep(claim, `Slack could not take it after ${claim.tries} tries (last: \`${code}\`).`);
    }
    const seconds = options.retrySeconds * claim.tries;
    logger.warn(
      { workspace: workspaceId, incomingId: id, reason: code, retryIn: seconds },
      'could not show a customer’s message in Slack; will try again',
    );
    await deps.posts.release(workspaceId, id, `\`${code}\``, seconds);
  }

  async function keep(claim: PostClaim, note: string): Promise<void> {
    const { workspace_id: workspaceId, id } = claim.message;
    logger.warn(
      { workspace: workspaceId, incomingId: id, note },
      'kept a customer’s message Slack could not take',
    );
    await deps.posts.keep(workspaceId, id, note);
  }

  return { show, deliver };
}

/** The message for `target`: the order named outside its thread, the agent mentioned once per order. */
function messageFor(claim: PostClaim, target: PostTarget, note: string | undefined): SlackMessage {
  const { message, order } = claim;
  return buildCustomerMessage({
    incomingId: message.id,
    customerName: message.customer_name ?? undefined,
    customerMasked: message.customer_masked,
    type: message.type,
    text: message.text ?? undefined,
    media: message.details?.media,
    location: message.details?.location,
    sentAt: message.sent_at,
    keyword: message.keyword ?? undefined,
    keywordLate: message.keyword_late,
    referenceId: target.state === 'thread' ? undefined : order?.referenceId,
    // A DM is already the agent's own.
    mention: claim.first && target.state !== 'dm' ? order?.actor : undefined,
    note,
  });
}

export type ConversationPoster = ReturnType<typeof createConversationPoster>;
