import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import type { TaskTracker } from '../../services/background-tasks.ts';
import { keepLease, type LeaseKeeper } from '../../services/lease-keeper.ts';
import type { CredentialStore } from '../../storage/credential-store.ts';
import { heldBy, type IncomingPosts, type PostClaim } from '../../storage/incoming-posts.ts';
import type { SlackCaller } from '../delivery/slack-calls.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';
import { slackErrorCode } from '../slack-error-code.ts';
import { buildCustomerMessage } from './customer-message.ts';
import { createInOrder } from './in-order.ts';
import { failureKindOf } from './post-failures.ts';
import { createFallbackNotes, type PostTarget, planPost } from './post-plan.ts';

/** Tunings (tests pass short ones); the defaults suit production. */
export type ConversationOptions = {
  /** How long a claimed message stays with the process posting it; renewed while its post is under way. */
  leaseSeconds?: number;
  /** After Slack failed: tried again this much later, times the tries so far. */
  retrySeconds?: number;
  /** Slack failures a message is tried through before it is kept for the admins. */
  maxTries?: number;
};

export const CONVERSATION_DEFAULTS = { leaseSeconds: 120, retrySeconds: 15, maxTries: 5 } as const;
/** A reply that came before its order's outcome message was recorded looks again this much later. */
const OUTCOME_WAIT_SECONDS = 5;

export type ConversationPosterDeps = {
  posts: Pick<IncomingPosts, 'claim' | 'renew' | 'markPosted' | 'setPermalink' | 'release' | 'keep'>;
  settings: Pick<CredentialStore, 'get'>;
  client: webApi.WebClient;
  slack: SlackCaller;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
  options?: ConversationOptions | undefined;
};

type Attempt =
  | { kind: 'posted'; channel: string; ts: string }
  | { kind: 'refused' | 'nowhere' | 'transient'; code: string }
  /** The claim was lost before the post was made: whoever holds the message now posts it. */
  | { kind: 'lost' };

/** A claim and what keeps it while the message waits and is posted. */
type Held = { claim: PostClaim; keeper: LeaseKeeper };

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
      // Claimed at once and held while it waits for its conversation's earlier messages: left unclaimed,
      // a sweeper would take it once its grace was over and post it ahead of them.
      const claiming = deps.posts
        .claim(workspaceId, id, options.leaseSeconds)
        .then((claim) => (claim ? hold(claim) : undefined));
      claiming.catch(() => undefined); // awaited in its turn, where its failure is logged
      deps.tasks.run(() =>
        inOrder.run(keyOf(workspaceId, attemptId), async () => {
          const held = await claiming;
          if (held) await postHeld(held);
        }),
      );
    }
  }

  /** A message the sweeper claimed (left pending by a crash, or waiting for a retry). */
  function deliver(claim: PostClaim): Promise<void> {
    // Held from now: the message may wait behind its conversation's earlier ones.
    const held = hold(claim);
    return inOrder.run(keyOf(claim.message.workspace_id, claim.message.attempt_id), () => postHeld(held));
  }

  /** Renews the claim until its post is done, so no other process takes the message meanwhile. */
  function hold(claim: PostClaim): Held {
    const held = heldBy(claim);
    const keeper = keepLease({
      renew: () => deps.posts.renew(held, options.leaseSeconds),
      leaseSeconds: options.leaseSeconds,
      logger,
      context: { workspace: held.workspaceId, incomingId: held.id },
    });
    return { claim, keeper };
  }

  async function postHeld({ claim, keeper }: Held): Promise<void> {
    try {
      await post(claim, keeper.signal);
    } finally {
      keeper.stop();
    }
  }

  async function post(claim: PostClaim, signal: AbortSignal): Promise<void> {
    const { message, order } = claim;
    const workspaceId = message.workspace_id;
    const held = heldBy(claim);
    const repliesChannel = (await deps.settings.get(workspaceId))?.repliesChannel;
    const plan = planPost(claim, repliesChannel);
    if (plan.kind === 'wait') {
      const why = 'waiting for the order’s outcome message';
      return deps.posts.release(held, why, OUTCOME_WAIT_SECONDS);
    }
    const notes = createFallbackNotes(plan, repliesChannel);
    for (const target of plan.targets) {
      if (notes.skips(target)) continue;
      const note = notes.noteFor(target);
      const attempt = await postTo(workspaceId, target, messageFor(claim, target, note), signal);
      if (attempt.kind === 'lost') return lost(claim, signal);
      if (attempt.kind === 'posted') {
        const at = { channel: attempt.channel, ts: attempt.ts, threadTs: target.threadTs };
        const context = {
          workspace: workspaceId,
          incomingId: message.id,
          where: target.state,
          tries: claim.tries,
        };
        if (!(await deps.posts.markPosted(held, target.state, at, note))) {
          // Only when no renewal reached the database for a whole lease: the next holder records its own.
          return logger.warn(
            context,
            'showed a customer’s message in Slack after another process took it over',
          );
        }
        logger.info(context, 'showed a customer’s message in Slack');
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

  async function postTo(
    workspaceId: string,
    target: PostTarget,
    message: SlackMessage,
    signal: AbortSignal,
  ): Promise<Attempt> {
    try {
      const answer = await deps.slack.call(
        workspaceId,
        (token) =>
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
        { signal },
      );
      if (!answer) return { kind: 'nowhere', code: 'no_token' };
      return { kind: 'posted', channel: answer.channel ?? target.channel, ts: answer.ts ?? '' };
    } catch (error) {
      if (signal.aborted && error === signal.reason) return { kind: 'lost' };
      const code = slackErrorCode(error);
      return { kind: failureKindOf(code), code };
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
    await deps.posts.release(heldBy(claim), `\`${code}\``, seconds);
  }

  async function keep(claim: PostClaim, note: string): Promise<void> {
    const { workspace_id: workspaceId, id } = claim.message;
    logger.warn(
      { workspace: workspaceId, incomingId: id, note },
      'kept a customer’s message Slack could not take',
    );
    await deps.posts.keep(heldBy(claim), note);
  }

  function lost(claim: PostClaim, signal: AbortSignal): void {
    const { workspace_id: workspaceId, id } = claim.message;
    const why = signal.reason instanceof Error ? signal.reason.message : 'its claim was lost';
    logger.info(
      { workspace: workspaceId, incomingId: id, why },
      'left a customer’s message to another process',
    );
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
