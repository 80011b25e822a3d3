import type { webApi } from '@slack/bolt';
import { describeError } from '../describe/describe-error.ts';
import { describeSendWarning } from '../describe/describe-refusal.ts';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import type { Sealer } from '../domain/sealer.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { ReplyTargetError } from '../errors/reply-target-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { TaskTracker } from '../services/background-tasks.ts';
import type { OrderStatusService } from '../services/send-order-status.ts';
import type { SendResult, SendWarning } from '../services/types.ts';
import type { DeliveryJournal, SlackLocation } from '../storage/delivery-journal.ts';
import { encodeActionPayload } from './action-payload.ts';
import type { ChannelMemory } from './channel-memory.ts';
import { type Delivered, type Delivery, type DeliveryPath, deliverMessage } from './deliver-message.ts';
import type { DeliveryNotifier } from './delivery/delivery-notifier.ts';
import type { DeliveryView } from './messages/delivery-status.ts';
import type { SentSubject } from './messages/describe-update.ts';
import type { SlackMessage } from './messages/mrkdwn.ts';
import { buildErrorNotice } from './messages/notices.ts';
import { buildSendResultMessage } from './messages/send-result.ts';
import { SLACK_SURFACE } from './messages/slack-surface.ts';

export type SendReporterDeps = {
  orderStatus: Pick<OrderStatusService, 'sendOrderStatus'>;
  logger: Logger;
  trustedResponseOrigins: readonly string[];
  /** Seals Retry / Send again button values (they carry the customer's full number). */
  sealer: Sealer;
  /** Sends run after the ack; SIGTERM waits for them. */
  tasks: Pick<TaskTracker, 'run'>;
  /** Where each sent update's outcome message went, so its delivery state can be shown in it later. */
  deliveryJournal: Pick<DeliveryJournal, 'recordSlackMessage'>;
  notifier: Pick<DeliveryNotifier, 'refresh'>;
  channels?: ChannelMemory;
  /** From the send starting to its outcome reaching Slack (/metrics). */
  metrics?: Pick<Metrics, 'endToEndSeconds' | 'secondsSince'>;
};

export type SendAndReportInput = {
  client: webApi.WebClient;
  workspaceId: string;
  userId: string;
  channelId: string | undefined;
  responseUrl?: string | undefined;
  /** Post the outcome in this message's thread (the message an agent sent the update from). */
  threadTs?: string | undefined;
  request: OrderStatusRequest;
  /** A deliberate "send again anyway": skips the duplicate guard. */
  force?: boolean;
};

export type SendReporter = {
  /** Sends one update after the ack and posts its outcome; the flow every Slack entry point shares. */
  start(input: SendAndReportInput): void;
};

export function createSendReporter(deps: SendReporterDeps): SendReporter {
  return {
    start(input) {
      deps.tasks.run(async () => {
        await sendAndReport(deps, input);
      });
    },
  };
}

/** Sends one update and posts its outcome. */
export async function sendAndReport(deps: SendReporterDeps, input: SendAndReportInput): Promise<SendResult> {
  const started = performance.now();
  const delivery: Delivery = {
    client: input.client,
    logger: deps.logger,
    trustedResponseOrigins: deps.trustedResponseOrigins,
    channels: deps.channels,
  };
  const target = {
    userId: input.userId,
    channelId: input.channelId,
    responseUrl: input.responseUrl,
    threadTs: input.threadTs,
  };
  let result: SendResult;
  try {
    result = await deps.orderStatus.sendOrderStatus({
      workspaceId: input.workspaceId,
      request: input.request,
      actor: { kind: 'slack', userId: input.userId, channelId: input.channelId ?? '' },
      force: input.force === true,
    });
  } catch (error) {
    // A bug, not a Kaleyra answer: the agent still hears that something went wrong (the error is logged once, by the caller).
    const outcome = { ok: false as const, error: describeError(error, SLACK_SURFACE) };
    const message = buildSendResultMessage({ userId: input.userId, update: input.request, outcome });
    await deliverMessage(delivery, { ...target, visibility: 'ephemeral' }, message);
    throw error;
  }
  // Only a message the app can edit later waits for WhatsApp's word; a response_url post says where to look.
  const messageFor = (path: DeliveryPath) =>
    renderSendResult(result, input, deps.sealer, deliveryViewFor(path, input.request.referenceId)).message;
  const visibility = sendResultVisibility(result);
  const delivered = await deliverMessage(delivery, { ...target, visibility }, messageFor);
  deps.metrics?.endToEndSeconds.observe(deps.metrics.secondsSince(started));
  if (result.ok) await recordWhereItWent(deps, result.attemptId, delivered);
  logSendFinished(deps.logger, input, result, delivered, 'order status send finished');
  return result;
}

/** One log line per send from Slack: who, the attempt, how it ended and where its outcome went. */
export function logSendFinished(
  logger: Logger,
  input: { workspaceId: string; userId: string },
  result:
    | { ok: true; attemptId: string; messageId: string }
    | { ok: false; error: Error; attemptId?: string | undefined },
  delivered: Delivered | undefined,
  message: string,
): void {
  logger.info(
    {
      workspace: input.workspaceId,
      user: input.userId,
      attemptId: result.attemptId,
      outcome: result.ok ? 'sent' : result.error.name,
      code: result.ok ? 'WA202' : describeError(result.error, SLACK_SURFACE).code,
      messageId: result.ok ? result.messageId : undefined,
      postedVia: delivered?.path ?? 'nowhere',
    },
    message,
  );
}

/** A message the app can edit waits for WhatsApp's word; a response_url post says where to look. */
export function deliveryViewFor(path: DeliveryPath, referenceId: string | undefined): DeliveryView {
  return path === 'response_url' ? { state: 'untracked', referenceId } : { state: 'awaiting' };
}

/**
 * Notes in the journal where the outcome went. A status callback that came while it was being posted
 * found nowhere to show itself, so the message is brought up to date now.
 */
export async function recordWhereItWent(
  deps: Pick<SendReporterDeps, 'deliveryJournal' | 'notifier' | 'logger'>,
  attemptId: string,
  delivered: Delivered | undefined,
): Promise<void> {
  const location: SlackLocation =
    delivered?.path === 'channel' || delivered?.path === 'dm'
      ? delivered
      : { path: delivered ? 'response_url' : 'none' };
  try {
    const record = await deps.deliveryJournal.recordSlackMessage(attemptId, location);
    if (record?.deliveryState) deps.notifier.refresh(attemptId);
  } catch (error) {
    deps.logger.warn({ err: error, attemptId }, 'could not note where the outcome message went');
  }
}

/**
 * Where renderSendResult's message goes, without building it (a send's outcome is built once, for the
 * path it takes).
 */
export function sendResultVisibility(
  result: { ok: true } | { ok: false; error: unknown },
): 'in_channel' | 'ephemeral' {
  if (result.ok) return 'in_channel';
  return result.error instanceof DuplicateSendError || onlyForTheAsker(result.error)
    ? 'ephemeral'
    : 'in_channel';
}

function onlyForTheAsker(error: unknown): boolean {
  return (
    error instanceof NotConfiguredError ||
    (error instanceof StorageError && error.reason === 'unavailable') ||
    // A reply to a message this workspace does not have: nothing about the customer to tell the channel.
    error instanceof ReplyTargetError
  );
}

/** Outcomes the team should see go in the channel; problems only the asker can act on stay private. */
export function renderSendResult(
  result: SendResult,
  input: Pick<SendAndReportInput, 'workspaceId' | 'userId' | 'channelId' | 'request'>,
  sealer: Sealer,
  delivery?: DeliveryView,
): { message: SlackMessage; visibility: 'in_channel' | 'ephemeral' } {
  const resendable =
    !result.ok && result.update
      ? encodeActionPayload(result.update, input.channelId, sealer, { workspaceId: input.workspaceId })
      : undefined;
  return renderOutcomeMessage(result, {
    userId: input.userId,
    subject: result.update ?? input.request,
    resendable,
    delivery,
  });
}

/**
 * A send's outcome as the channel (or only the asker) reads it, whatever was sent: the update or the
 * agent's reply. `resendable` is the Retry / Send again button's value, when the send can be repeated.
 */
export function renderOutcomeMessage(
  result:
    | { ok: true; messageId: string; warnings?: SendWarning[] | undefined }
    | { ok: false; error: unknown },
  input: {
    userId: string;
    subject: SentSubject;
    resendable?: string | undefined;
    delivery?: DeliveryView | undefined;
  },
): { message: SlackMessage; visibility: 'in_channel' | 'ephemeral' } {
  const { userId, subject: update, resendable, delivery } = input;
  if (result.ok) {
    const warnings = (result.warnings ?? []).map((warning) => describeSendWarning(warning, SLACK_SURFACE));
    const outcome = {
      ok: true as const,
      messageId: result.messageId,
      ...(delivery ? { delivery } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    return { visibility: 'in_channel', message: buildSendResultMessage({ userId, update, outcome }) };
  }
  const { error } = result;
  if (error instanceof DuplicateSendError) {
    const outcome = { ok: false as const, duplicate: error.previous, resendPayload: resendable ?? '' };
    return { visibility: 'ephemeral', message: buildSendResultMessage({ userId, update, outcome }) };
  }
  const description = describeError(error, SLACK_SURFACE);
  if (onlyForTheAsker(error)) return { visibility: 'ephemeral', message: buildErrorNotice(description) };
  const outcome = {
    ok: false as const,
    error: description,
    ...(description.retryable && resendable ? { retryPayload: resendable } : {}),
  };
  return { visibility: 'in_channel', message: buildSendResultMessage({ userId, update, outcome }) };
}
