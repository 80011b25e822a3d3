import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { describePreviousSend } from '../../describe/describe-error.ts';
import type { ErrorDescription } from '../../describe/error-description.ts';
import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import type { PreviousSend } from '../../errors/duplicate-send-error.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { RESEND_ACTION, RESULT_ACTIONS_BLOCK, RETRY_ACTION } from '../ids.ts';
import { buildConfirmDialog } from './confirm-dialog.ts';
import { buildDeliveryBlock, type DeliveryView, deliveryWord } from './delivery-status.ts';
import { describeSent, describeUpdate, isReply, type SentSubject, withSentText } from './describe-update.ts';
import { buildFailureBlocks } from './failure-blocks.ts';
import {
  codeWithin,
  cutMrkdwn,
  escapeWithin,
  formatActor,
  formatSlackDate,
  plainCode,
  type SlackMessage,
  shownId,
} from './mrkdwn.ts';
import { SLACK_SURFACE } from './slack-surface.ts';

export type { SendResultUpdate } from './describe-update.ts';

export type SendOutcome =
  /**
   * `delivery`: what WhatsApp has said so far, shown under the outcome (none: nothing is said);
   * `warnings`: lines the sender should read although it went (a flagged number), already mrkdwn.
   */
  | { ok: true; messageId: string; delivery?: DeliveryView; warnings?: readonly string[] }
  /** `retryPayload` (≤ 2000 characters) becomes the Retry button's value when the error is retryable. */
  | { ok: false; error: ErrorDescription; retryPayload?: string }
  /** `resendPayload` (≤ 2000 characters) becomes the "Send again anyway" button's value. */
  | { ok: false; duplicate: PreviousSend; resendPayload: string };

export type SendResultInput = {
  /** Who asked for the send. */
  userId: string;
  /** The update, or the agent's reply. */
  update: SentSubject;
  outcome: SendOutcome;
};

/**
 * The one message that tells the channel how a send ended. `text` is the notification fallback and
 * always carries the message_id or the error code, so the outcome survives in clients without blocks.
 */
export function buildSendResultMessage(input: SendResultInput): SlackMessage {
  const { outcome } = input;
  if (outcome.ok) return buildSuccess(input, outcome.messageId, outcome.delivery, outcome.warnings);
  if ('duplicate' in outcome) return buildDuplicate(input, outcome.duplicate, outcome.resendPayload);
  return buildFailure(input, outcome.error, outcome.retryPayload);
}

function buildSuccess(
  input: SendResultInput,
  messageId: string,
  delivery?: DeliveryView,
  warnings: readonly string[] = [],
): SlackMessage {
  const { update } = input;
  const id = shownId(messageId);
  const line = isReply(update)
    ? `${formatActor(input.userId)} replied on WhatsApp to ${escapeWithin(update.customerMasked, 40)}`
    : `${formatActor(input.userId)} sent ${describeUpdate(update)}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: withSentText(isReply(update) ? `${line}:` : line, update) },
    },
  ];
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: contextLine(update, `message_id: \`${id}\``) }],
  });
  if (delivery) blocks.push(buildDeliveryBlock(delivery));
  for (const warning of warnings) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `:warning: ${cutMrkdwn(warning, 1000)}` }],
    });
  }
  return {
    text: `:white_check_mark: ${line} (message_id: ${id})${delivery ? ` — ${deliveryWord(delivery)}` : ''}${warnings.map((w) => ` :warning: ${w}`).join('')}`,
    blocks,
  };
}

function buildFailure(
  input: SendResultInput,
  error: ErrorDescription,
  retryPayload: string | undefined,
): SlackMessage {
  const { update } = input;
  const code = plainCode(error.code, 'ERROR');
  const blocks = buildFailureBlocks({
    heading: ':warning: Not sent',
    code,
    lead: `${formatActor(input.userId)} tried to send ${describeSent(update)}.`,
    failure: error,
    update,
    context: contextLine(update, `error: \`${code}\``),
  });
  if (error.retryable && fitsButtonValue(retryPayload)) {
    blocks.push(
      actions({
        type: 'button',
        action_id: RETRY_ACTION,
        text: { type: 'plain_text', text: 'Retry' },
        value: retryPayload,
        style: 'primary',
      }),
    );
  }
  return {
    text: `:warning: Not sent — ${code}: ${cutMrkdwn(error.summary, 1000)} ${cutMrkdwn(error.nextStep, 1000)}`,
    blocks,
  };
}

function buildDuplicate(input: SendResultInput, previous: PreviousSend, resendPayload: string): SlackMessage {
  const { update } = input;
  const when = formatSlackDate(previous.at);
  const id = previous.messageId ? shownId(previous.messageId) : undefined;
  const customer = isReply(update)
    ? escapeWithin(update.customerMasked, 40)
    : update.to
      ? maskPhoneNumber(update.to)
      : 'the customer';

  const what = describePreviousSend(previous, SLACK_SURFACE);

  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: withSentText(
          `:hourglass: Not sent: ${describeSent(update)} (asked for by ${formatActor(input.userId)}).\n${what}\n` +
            `Sending it again would give ${customer} the same WhatsApp message twice.`,
          update,
        ),
      },
    },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: contextLine(update, id ? `message_id: \`${id}\`` : 'code: `DUPLICATE`') },
      ],
    },
  ];
  if (fitsButtonValue(resendPayload)) {
    blocks.push(
      actions({
        type: 'button',
        action_id: RESEND_ACTION,
        text: { type: 'plain_text', text: 'Send again anyway' },
        value: resendPayload,
        style: 'danger',
        confirm: buildConfirmDialog({
          title: 'Send it again?',
          text: `This update may already have reached ${customer}. Sending again can give them the same WhatsApp message twice.`,
          confirm: 'Send again',
          deny: 'Don’t send',
          style: 'danger',
        }),
      }),
    );
  }
  return {
    text: `:hourglass: Not sent — DUPLICATE: the same ${isReply(update) ? 'reply' : 'update'} went out ${when}${id ? ` (message_id: ${id})` : ''}.`,
    blocks,
  };
}

function contextLine(update: SentSubject, first: string): string {
  const parts = [first];
  if (!isReply(update) && update.templateName) {
    const language = update.languageCode ? ` (${codeWithin(update.languageCode, 20)})` : '';
    parts.push(`template \`${codeWithin(update.templateName, 100)}\`${language}`);
  }
  return parts.join(' · ');
}

// Slack rejects the whole message for a button value over 2000 characters; no button is better than no message.
function fitsButtonValue(value: string | undefined): value is string {
  return typeof value === 'string' && value !== '' && value.length <= SLACK_LIMITS.buttonValue;
}

function actions(button: Button): ActionsBlock {
  return { type: 'actions', block_id: RESULT_ACTIONS_BLOCK, elements: [button] };
}
