import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { validateOrderStatus } from '../../../domain/order-status.ts';
import { readSendModalValues, readTemplatePick } from '../../ids.ts';
import type { SendReporter } from '../../send-and-report.ts';
import { buildSendModalErrors, readSendModalMetadata } from '../../views/send-modal.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** The send modal's submit: field errors back into the modal, or close it and send. */
export function createSendModalSubmission(reporter: SendReporter) {
  return async ({ ack, body, view, client, context }: Args) => {
    const result = validateOrderStatus(readSendModalValues(view));
    if (!result.ok) {
      return ack(buildSendModalErrors(result.issues, { picked: readTemplatePick(view) !== undefined }));
    }
    await ack();
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return;
    const { channelId, responseUrl, threadTs } = readSendModalMetadata(view.private_metadata);
    reporter.start({
      client,
      workspaceId,
      userId: body.user.id,
      channelId,
      responseUrl,
      threadTs,
      request: result.value,
    });
  };
}
