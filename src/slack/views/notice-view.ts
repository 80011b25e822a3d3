import type { ModalView } from '@slack/types';
import type { SlackMessage } from '../messages/mrkdwn.ts';

/** A modal that only tells something (not configured, settings saved, not allowed). Title ≤ 24 characters. */
export function buildNoticeView(title: string, message: SlackMessage): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: title.slice(0, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: message.blocks,
  };
}
