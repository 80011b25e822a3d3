import type { InputBlock } from '@slack/types';
import { describeAllowedMedia } from '../../describe/describe-media.ts';
import { CAPTION_MAX, MEDIA_EXTENSIONS } from '../../domain/media-rules.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { REPLY_FIELDS } from '../ids.ts';

/**
 * The Reply form's optional file: one photo or PDF (Slack's `file_input`, `max_files` 1, offering only
 * the extensions WhatsApp takes from us). Slack's form carries at most SLACK_LIMITS.fileInputBytes, so
 * the hint gives each type's limit under that; the file's type and size are checked again on submit
 * (Slack's `filetypes` is a convenience, its page says).
 */
export function buildReplyFileInput(): InputBlock {
  const allowed = describeAllowedMedia(SLACK_LIMITS.fileInputBytes);
  return {
    type: 'input',
    block_id: REPLY_FIELDS.file.blockId,
    optional: true,
    label: { type: 'plain_text', text: 'Photo or document' },
    hint: {
      type: 'plain_text',
      text: `Optional: ${allowed}. The reply above becomes its caption (at most ${CAPTION_MAX.toLocaleString('en')} characters).`,
    },
    element: {
      type: 'file_input',
      action_id: REPLY_FIELDS.file.actionId,
      filetypes: [...MEDIA_EXTENSIONS],
      max_files: 1,
    },
  };
}
