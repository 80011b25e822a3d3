import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { validateOrderStatus } from '../../../domain/order-status.ts';
import { readSendModalValues } from '../../ids.ts';
import { sendAndReport } from '../../send-and-report.ts';
import { buildSendModalErrors, readSendModalMetadata } from '../../views/send-modal.ts';
import { resolveWorkspaceId } from '../../workspace-id.ts';
import type { ListenerContext } from '../context.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** The send modal's submit: field errors back into the modal, or close it and send. */
export function createSendModalSubmission(ctx: ListenerContext) {
  return async ({ ack, body, view, client }: Args) => {
    const result = validateOrderStatus(readSendModalValues(view));
    if (!result.ok) {
      await ack(buildSendModalErrors(result.issues));
      return;
    }
    const workspaceId = resolveWorkspaceId(body);
    if (!workspaceId) {
      await ack();
      return;
    }
    await ack();
    const { channelId, responseUrl } = readSendModalMetadata(view.private_metadata);
    ctx.services.tasks.run(async () => {
      await sendAndReport(ctx.send, {
        client,
        workspaceId,
        userId: body.user.id,
        channelId,
        responseUrl,
        request: result.value,
      });
    });
  };
}
