import type { Button, InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  PLACEHOLDER_MEANINGS,
  PLACEHOLDERS,
  previewSavedReply,
  SAVED_REPLIES_MAX,
  SAVED_REPLY_NAME_MAX,
  type SavedReply,
} from '../../domain/saved-reply.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import {
  SAVED_REPLIES_VIEW,
  SAVED_REPLY_FIELDS,
  SAVED_REPLY_PICK,
  SAVED_REPLY_REMOVE_ACTION,
} from '../ids.ts';
import { buildConfirmDialog } from '../messages/confirm-dialog.ts';
import { escapeWithin, formatActor, formatSlackDate, quoteWithin, truncate } from '../messages/mrkdwn.ts';
import { buildTextInput } from './inputs.ts';
import { REPLY_INPUT_MAX } from './reply-modal.ts';

// Enough of each reply to recognise it; the whole text is in `orderstatus replies list --name`.
const LISTED_TEXT_MAX = 600;
// A name is at most 75 characters; escaping may make one five times longer.
const LISTED_NAME_MAX = SAVED_REPLY_NAME_MAX * 5;
const NOTICE_MAX = 1000;

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: truncate(text, max) });

export type SavedRepliesModalInput = {
  /** By name, as the service lists them. */
  replies: readonly SavedReply[];
  /** What just happened ("Removed “Running late”."), as plain text, shown at the top. */
  notice?: string | undefined;
};

/**
 * The admins' saved replies (`/orderstatus replies`): how placeholders work, the add form (left out
 * when the workspace keeps as many as it may), then each reply, its text quoted, with a Remove button
 * that asks first. Every reply is one block, so the bound on replies keeps the view within Slack's 100.
 */
export function buildSavedRepliesModal(input: SavedRepliesModalInput): ModalView {
  const full = input.replies.length >= SAVED_REPLIES_MAX;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: introduction() } }];
  if (input.notice) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: escapeWithin(input.notice, NOTICE_MAX) }],
    });
  }
  if (!full) blocks.push(...addForm());
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: countLine(input.replies.length, full) }],
  });
  const room = SLACK_LIMITS.viewBlocks - blocks.length;
  for (const reply of input.replies.slice(0, room)) blocks.push(replyBlock(reply));
  return {
    type: 'modal',
    callback_id: SAVED_REPLIES_VIEW,
    title: { type: 'plain_text', text: 'Saved replies' },
    ...(full ? {} : { submit: { type: 'plain_text' as const, text: 'Save reply' } }),
    close: { type: 'plain_text', text: 'Done' },
    blocks,
  };
}

function introduction(): string {
  const placeholders = PLACEHOLDERS.map((p) => `• \`{${p}}\` ${PLACEHOLDER_MEANINGS[p]}`);
  return [
    'Agents pick these in the *Reply* form on a customer’s message. Placeholders are filled in when a reply is sent:',
    ...placeholders,
    'Write `{{` or `}}` for a literal brace. A reply whose placeholder has no value (a customer with no WhatsApp name) is not sent, and the agent is told why.',
  ].join('\n');
}

function addForm(): InputBlock[] {
  return [
    buildTextInput({
      ids: SAVED_REPLY_FIELDS.name,
      label: 'Name',
      value: undefined,
      maxLength: SAVED_REPLY_NAME_MAX,
      placeholder: 'Running late',
      hint: `What agents pick: at most ${SAVED_REPLY_NAME_MAX} characters, and no other reply’s name (whatever the case).`,
    }),
    buildTextInput({
      ids: SAVED_REPLY_FIELDS.text,
      label: 'Text',
      value: undefined,
      maxLength: REPLY_INPUT_MAX,
      placeholder: 'Hi {name}, order {order} is running a day late. Sorry for the wait! {agent}',
      hint: 'Sent on WhatsApp as a reply, placeholders filled in.',
      multiline: true,
    }),
  ];
}

function countLine(count: number, full: boolean): string {
  if (full) {
    return `:warning: ${count} saved replies, the most a workspace keeps: remove one to add another.`;
  }
  if (count === 0) return 'No saved replies yet.';
  return `${count} saved ${count === 1 ? 'reply' : 'replies'} (a workspace keeps at most ${SAVED_REPLIES_MAX}):`;
}

/** A reply: its name, who saved it and when, its text quoted; Remove (with a confirmation) beside it. */
function replyBlock(reply: SavedReply): KnownBlock {
  const head = `*${escapeWithin(reply.name, LISTED_NAME_MAX)}* · saved by ${formatActor(reply.savedBy)} ${formatSlackDate(reply.savedAt.toISOString())}`;
  const remove: Button = {
    type: 'button',
    action_id: SAVED_REPLY_REMOVE_ACTION,
    text: { type: 'plain_text', text: 'Remove' },
    style: 'danger',
    value: reply.name.slice(0, SLACK_LIMITS.buttonValue),
    accessibility_label: truncate(`Remove ${reply.name}`, SLACK_LIMITS.accessibilityLabel),
    confirm: buildConfirmDialog({
      title: 'Remove this saved reply?',
      text: truncate(
        `Agents will no longer see “${reply.name}” in the Reply form. Replies already sent stay as they were.`,
        SLACK_LIMITS.confirmText,
      ),
      confirm: 'Remove',
      deny: 'Keep it',
      style: 'danger',
    }),
  };
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: `${head}\n${quoteWithin(reply.text, LISTED_TEXT_MAX)}` },
    accessory: remove,
  };
}

/**
 * The Reply form's select of saved replies (optional): each option's text and value the reply's name,
 * its description the text's start, placeholders as written. None when the workspace has none.
 */
export function buildSavedReplySelect(
  replies: readonly Pick<SavedReply, 'name' | 'text'>[],
): InputBlock | undefined {
  const options: PlainTextOption[] = replies
    // A value cut short would name no reply: such a name is not offered (a stored one always fits).
    .filter((reply) => reply.name.trim() !== '' && reply.name.length <= SLACK_LIMITS.optionValue)
    .slice(0, SLACK_LIMITS.selectOptions)
    .map((reply) => {
      const preview = previewSavedReply(reply.text, SLACK_LIMITS.optionDescription);
      return {
        text: plain(reply.name, SLACK_LIMITS.optionText),
        value: reply.name,
        ...(preview === '' ? {} : { description: { type: 'plain_text' as const, text: preview } }),
      };
    });
  if (options.length === 0) return undefined;
  return {
    type: 'input',
    block_id: SAVED_REPLY_PICK.blockId,
    optional: true,
    label: { type: 'plain_text', text: 'Saved reply' },
    hint: {
      type: 'plain_text',
      text: `Filled in when it is sent: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`,
    },
    element: {
      type: 'static_select',
      action_id: SAVED_REPLY_PICK.actionId,
      placeholder: { type: 'plain_text', text: 'Pick a saved reply' },
      options,
    },
  };
}
