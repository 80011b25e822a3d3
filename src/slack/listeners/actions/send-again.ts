import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { decodeActionPayload } from '../../action-payload.ts';
import { sendAndReport } from '../../send-and-report.ts';
import { resolveWorkspaceId } from '../../workspace-id.ts';
import type { ListenerContext } from '../context.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Retry (after a retryable failure) goes through the duplicate guard again; "Send again anyway"
 * (after a duplicate warning) is the one deliberate way past it.
 */
export function createResendAction(ctx: ListenerContext, options: { force: boolean }) {
  return async ({ ack, body, action, client }: Args) => {
    await ack();
    const payload = decodeActionPayload(action.value, ctx.send.actionSeal);
    const workspaceId = resolveWorkspaceId(body);
    if (!payload || !workspaceId) {
      ctx.logger.warn({ action: action.action_id }, 'ignored a button whose value could not be read');
      return;
    }
    ctx.services.tasks.run(async () => {
      await sendAndReport(ctx.send, {
        client,
        workspaceId,
        userId: body.user.id,
        channelId: body.channel?.id ?? payload.channelId,
        responseUrl: body.response_url,
        request: payload.request,
        force: options.force,
      });
    });
  };
}
