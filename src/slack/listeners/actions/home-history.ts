import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeUnavailable } from '../../../describe/describe-unavailable.ts';
import { readHistoryReference } from '../../../domain/history-query.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { OrderHistory } from '../../../services/order-history.ts';
import { SLACK_HISTORY_LIMIT } from '../../messages/history.ts';
import { escapeWithin } from '../../messages/mrkdwn.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import { buildHistoryNoticeView, buildHistoryView } from '../../views/history-view.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * "Order history" beside a send on the App Home: that order's whole history in this workspace, as
 * `/orderstatus history <reference>` answers it. The reference comes from the button, so it is read
 * like typed text; the workspace only from the verified request.
 */
export function createHomeHistoryAction(deps: { orderHistory: Pick<OrderHistory, 'list'>; logger: Logger }) {
  return async ({ ack, body, action, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    const triggerId = body.trigger_id;
    if (!workspaceId || !triggerId) return;
    const query = readHistoryReference(action.value ?? '');
    let view: ReturnType<typeof buildHistoryView>;
    if (!query.ok) {
      const text = `:warning: ${escapeWithin(query.issue, 500)}`;
      view = buildHistoryNoticeView({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
    } else {
      try {
        view = buildHistoryView(
          query.query,
          await deps.orderHistory.list(workspaceId, query.query, SLACK_HISTORY_LIMIT),
        );
      } catch (error) {
        if (!(error instanceof StorageError)) throw error;
        view = buildHistoryNoticeView(buildErrorNotice(describeUnavailable('the history cannot be shown')));
      }
    }
    try {
      await client.views.open({ trigger_id: triggerId, view });
    } catch (error) {
      deps.logger.warn({ reason: slackErrorCode(error) }, 'could not open an order history');
    }
  };
}
