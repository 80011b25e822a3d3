import { describeUnavailable } from '../../../describe/describe-unavailable.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { OrderHistory } from '../../../services/order-history.ts';
import { buildHistoryMessage, SLACK_HISTORY_LIMIT } from '../../messages/history.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** `/orderstatus history <reference or +number>`: the order's updates, answered only to the asker. */
export function createHistoryCommand(deps: {
  orderHistory: Pick<OrderHistory, 'list'>;
}): SubcommandHandlers['history'] {
  return async ({ ack, respond }, { query }, workspaceId) => {
    if (!query.ok) {
      await ack({ response_type: 'ephemeral', text: `:warning: ${query.issue}` });
      return;
    }
    await ack();
    try {
      const page = await deps.orderHistory.list(workspaceId, query.query, SLACK_HISTORY_LIMIT);
      await respond({ response_type: 'ephemeral', ...buildHistoryMessage(query.query, page) });
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      await respond({
        response_type: 'ephemeral',
        ...buildErrorNotice(describeUnavailable('the history cannot be shown')),
      });
    }
  };
}
