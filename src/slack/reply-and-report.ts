import type { webApi } from '@slack/bolt';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import type { Logger } from '../logger.ts';
import type { TaskTracker } from '../services/background-tasks.ts';
import type { ReplyResult, SessionTextService } from '../services/session-text.ts';
import type { DeliveryJournal } from '../storage/delivery-journal.ts';
import type { ChannelMemory } from './channel-memory.ts';
import { type Delivery, type DeliveryPath, deliverMessage } from './deliver-message.ts';
import type { DeliveryNotifier } from './delivery/delivery-notifier.ts';
import type { SentReply } from './messages/describe-update.ts';
import {
  deliveryViewFor,
  logSendFinished,
  recordWhereItWent,
  renderOutcomeMessage,
} from './send-and-report.ts';

export type ReplyReporterDeps = {
  sessionText: Pick<SessionTextService, 'replyToMessage'>;
  logger: Logger;
  trustedResponseOrigins: readonly string[];
  /** Replies are sent after the ack; SIGTERM waits for them. */
  tasks: Pick<TaskTracker, 'run'>;
  /** Where each reply's outcome went, so WhatsApp's delivery ticks can edit it later. */
  deliveryJournal: Pick<DeliveryJournal, 'recordSlackMessage'>;
  notifier: Pick<DeliveryNotifier, 'refresh'>;
  channels?: ChannelMemory;
};

export type ReplyAndReportInput = {
  client: webApi.WebClient;
  workspaceId: string;
  userId: string;
  /** The stored customer message answered (read in this workspace only). */
  incomingId: string;
  /** The reply, validated. */
  text: string;
  /** Where the customer's message is in Slack: the outcome goes in its thread. */
  channelId: string | undefined;
  threadTs: string | undefined;
};

export type ReplyReporter = { start(input: ReplyAndReportInput): void };

export function createReplyReporter(deps: ReplyReporterDeps): ReplyReporter {
  return {
    start(input) {
      deps.tasks.run(async () => {
        await replyAndReport(deps, input);
      });
    },
  };
}

/**
 * Sends the reply and posts its outcome in the customer's thread, naming who answered: the message_id
 * (then edited as WhatsApp reports delivery) or the mapped error for the team; a duplicate, or a
 * problem only the agent can act on, to the agent alone.
 */
export async function replyAndReport(
  deps: ReplyReporterDeps,
  input: ReplyAndReportInput,
): Promise<ReplyResult> {
  const delivery: Delivery = {
    client: input.client,
    logger: deps.logger,
    trustedResponseOrigins: deps.trustedResponseOrigins,
    channels: deps.channels,
  };
  const target = { userId: input.userId, channelId: input.channelId, threadTs: input.threadTs };
  const subjectOf = (result?: ReplyResult): SentReply => ({
    kind: 'reply',
    customerMasked: result?.text ? maskPhoneNumber(result.text.to) : 'the customer',
    body: result?.text?.body ?? input.text,
  });
  let result: ReplyResult;
  try {
    result = await deps.sessionText.replyToMessage({
      workspaceId: input.workspaceId,
      incomingId: input.incomingId,
      text: input.text,
      actor: { kind: 'slack', userId: input.userId, channelId: input.channelId ?? '' },
    });
  } catch (error) {
    // A bug, not Kaleyra's answer: the agent still hears something went wrong (logged once, by the caller).
    const told = renderOutcomeMessage({ ok: false, error }, { userId: input.userId, subject: subjectOf() });
    await deliverMessage(delivery, { ...target, visibility: 'ephemeral' }, told.message);
    throw error;
  }
  const subject = subjectOf(result);
  const rendered = (path: DeliveryPath) =>
    renderOutcomeMessage(result, {
      userId: input.userId,
      subject,
      delivery: deliveryViewFor(path, result.text?.referenceId || undefined),
    });
  const delivered = await deliverMessage(
    delivery,
    { ...target, visibility: rendered('channel').visibility },
    (path) => rendered(path).message,
  );
  if (result.ok) await recordWhereItWent(deps, result.attemptId, delivered);
  logSendFinished(deps.logger, input, result, delivered, 'reply send finished');
  return result;
}
