import type { ModalView } from '@slack/types';
import type { HistoryQuery } from '../../domain/history-query.ts';
import type { HistoryPage } from '../../storage/order-history-store.ts';
import { HISTORY_VIEW } from '../ids.ts';
import { buildHistoryMessage } from '../messages/history.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';

const TITLE = 'Order history';

/** An order's whole history in a modal (from the App Home), worded as `/orderstatus history` answers it. */
export function buildHistoryView(query: HistoryQuery, page: HistoryPage): ModalView {
  return buildHistoryNoticeView(buildHistoryMessage(query, page));
}

/** The history modal showing a message instead (the history could not be read). */
export function buildHistoryNoticeView(message: SlackMessage): ModalView {
  return {
    type: 'modal',
    callback_id: HISTORY_VIEW,
    title: { type: 'plain_text', text: TITLE },
    close: { type: 'plain_text', text: 'Close' },
    blocks: message.blocks,
  };
}
