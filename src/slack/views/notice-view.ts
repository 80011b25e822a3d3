import type { ModalView } from '@slack/types';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { type SlackMessage, truncate } from '../messages/mrkdwn.ts';

/** A modal that only tells something (not configured, settings saved, not allowed). Title ≤ 24 characters. */
export function buildNoticeView(title: string, message: SlackMessage): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(title, SLACK_LIMITS.viewTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: message.blocks,
  };
}
