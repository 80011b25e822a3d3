import type { webApi } from '@slack/bolt';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import { describeError } from '../errors/describe-error.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { Logger } from '../logger.ts';
import type { OrderStatusService } from '../services/send-order-status.ts';
import type { SendResult } from '../services/types.ts';
import { type ActionPayloadSeal, encodeActionPayload } from './action-payload.ts';
import { type Delivery, deliverMessage } from './deliver-message.ts';
import type { SlackMessage } from './messages/mrkdwn.ts';
import { buildNotConfiguredMessage, buildStorageDownMessage } from './messages/notices.ts';
import { buildSendResultMessage } from './messages/send-result.ts';

export type SendAndReportDeps = {
  orderStatus: OrderStatusService;
  logger: Logger;
  trustedResponseOrigins: readonly string[];
  /** Seals Retry / Send again button values (they carry the customer's full number). */
  actionSeal?: ActionPayloadSeal;
};

export type SendAndReportInput = {
  client: webApi.WebClient;
  workspaceId: string;
  userId: string;
  channelId: string | undefined;
  responseUrl?: string | undefined;
  request: OrderStatusRequest;
  /** A deliberate "send again anyway": skips the duplicate guard. */
  force?: boolean;
};

/** Sends one update and posts its outcome: the flow every Slack entry point shares. */
export async function sendAndReport(deps: SendAndReportDeps, input: SendAndReportInput): Promise<SendResult> {
  const delivery: Delivery = {
    client: input.client,
    logger: deps.logger,
    trustedResponseOrigins: deps.trustedResponseOrigins,
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
    await deliverMessage(
      delivery,
      {
        userId: input.userId,
        channelId: input.channelId,
        responseUrl: input.responseUrl,
        visibility: 'ephemeral',
      },
      buildSendResultMessage({
        userId: input.userId,
        update: input.request,
        outcome: { ok: false, error: describeError(error) },
      }),
    );
    throw error;
  }
  const { message, visibility } = renderSendResult(result, input, deps.actionSeal);
  const path = await deliverMessage(
    delivery,
    { userId: input.userId, channelId: input.channelId, responseUrl: input.responseUrl, visibility },
    message,
  );
  deps.logger.info(
    {
      workspace: input.workspaceId,
      user: input.userId,
      outcome: result.ok ? 'sent' : result.error.name,
      code: result.ok ? 'WA202' : describeError(result.error).code,
      messageId: result.ok ? result.messageId : undefined,
      postedVia: path ?? 'nowhere',
    },
    'order status send finished',
  );
  return result;
}

/** Outcomes the team should see go in the channel; problems only the asker can act on stay private. */
export function renderSendResult(
  result: SendResult,
  input: Pick<SendAndReportInput, 'userId' | 'channelId' | 'request'>,
  actionSeal?: ActionPayloadSeal,
): { message: SlackMessage; visibility: 'in_channel' | 'ephemeral' } {
  const update = result.update ?? input.request;
  if (result.ok) {
    return {
      visibility: 'in_channel',
      message: buildSendResultMessage({
        userId: input.userId,
        update,
        outcome: { ok: true, messageId: result.messageId },
      }),
    };
  }
  const { error } = result;
  if (error instanceof NotConfiguredError)
    return { visibility: 'ephemeral', message: buildNotConfiguredMessage() };
  if (error instanceof StorageError && error.reason === 'unavailable') {
    return { visibility: 'ephemeral', message: buildStorageDownMessage() };
  }
  if (error instanceof DuplicateSendError) {
    return {
      visibility: 'ephemeral',
      message: buildSendResultMessage({
        userId: input.userId,
        update,
        outcome: {
          ok: false,
          duplicate: error.previous,
          resendPayload: result.update ? encodeActionPayload(result.update, input.channelId, actionSeal) : '',
        },
      }),
    };
  }
  const description = describeError(error);
  return {
    visibility: 'in_channel',
    message: buildSendResultMessage({
      userId: input.userId,
      update,
      outcome: {
        ok: false,
        error: description,
        ...(description.retryable && result.update
          ? { retryPayload: encodeActionPayload(result.update, input.channelId, actionSeal) }
          : {}),
      },
    }),
  };
}
