import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { Sealer } from '../../../domain/sealer.ts';
import type { Logger } from '../../../logger.ts';
import { decodeActionPayload } from '../../action-payload.ts';
import type { SendReporter } from '../../send-and-report.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Retry (after a retryable failure) goes through the duplicate guard again; "Send again anyway"
 * (after a duplicate warning) is the one deliberate way past it.
 */
export function createResendAction(
  deps: { reporter: SendReporter; sealer: Sealer; logger: Logger },
  options: { force: boolean },
) {
  return async ({ ack, body, action, client, context }: Args) => {
    await ack();
    const payload = decodeActionPayload(action.value, deps.sealer);
    const workspaceId = workspaceOf(context);
    if (!payload || !workspaceId) {
      deps.logger.warn({ action: action.action_id }, 'ignored a button whose value could not be read');
      return;
    }
    deps.reporter.start({
      client,
      workspaceId,
      userId: body.user.id,
      channelId: body.channel?.id ?? payload.channelId,
      responseUrl: body.response_url,
      request: payload.request,
      force: options.force,
    });
  };
}
