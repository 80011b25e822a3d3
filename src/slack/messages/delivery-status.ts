import type { ContextBlock } from '@slack/types';
import type { ErrorDescription } from '../../describe/error-description.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { describeSent, isReply, type SentSubject } from './describe-update.ts';
import { buildFailureBlocks } from './failure-blocks.ts';
import {
  codeWithin,
  cutMrkdwn,
  formatActor,
  formatSlackDate,
  plainCode,
  type SlackMessage,
  shownId,
} from './mrkdwn.ts';

/** What WhatsApp has said so far about a message Kaleyra accepted, as the outcome message shows it. */
export type DeliveryView =
  /** The message can be edited, and no status has come yet. */
  | { state: 'awaiting' }
  /** The message cannot be edited later (posted through a response_url): where to look instead. */
  | { state: 'untracked'; referenceId?: string | undefined }
  | {
      state: 'sent' | 'delivered' | 'read';
      sentAt?: string | undefined;
      deliveredAt?: string | undefined;
      readAt?: string | undefined;
      /** WhatsApp first reported a failure, then delivered it after all. */
      corrected?: boolean | undefined;
    };

/** The delivery line under an outcome: one context block. */
export function buildDeliveryBlock(view: DeliveryView): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: deliveryLine(view) }] };
}

/** The same in a word or two, for the notification text. */
export function deliveryWord(view: DeliveryView): string {
  switch (view.state) {
    case 'awaiting':
    case 'untracked':
      return 'accepted by Kaleyra';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
  }
}

function deliveryLine(view: DeliveryView): string {
  const at = (label: string, iso: string | undefined) => (iso ? `${label} ${formatSlackDate(iso)}` : label);
  switch (view.state) {
    case 'awaiting':
      return ':hourglass_flowing_sand: Kaleyra accepted it; waiting for WhatsApp to report delivery.';
    case 'untracked': {
      const ref = view.referenceId ? ` ${codeWithin(view.referenceId, 60)}` : ' <reference>';
      return `:information_source: Kaleyra accepted it. This message is not updated as WhatsApp delivers it: see \`${SLASH_COMMAND} history${ref}\` (a failure is sent to you directly).`;
    }
    case 'sent':
      return `:outbox_tray: *${at('Sent', view.sentAt)}*: WhatsApp accepted it and is delivering it.`;
    case 'delivered':
      return `:white_check_mark: *${at('Delivered', view.deliveredAt)}* to the customer’s phone.${corrected(view)}`;
    case 'read': {
      const delivered = view.deliveredAt ? ` (delivered ${formatSlackDate(view.deliveredAt)})` : '';
      return `:eyes: *${at('Read', view.readAt)}* by the customer${delivered}.${corrected(view)}`;
    }
  }
}

function corrected(view: { corrected?: boolean | undefined }): string {
  return view.corrected ? ' WhatsApp had first reported it as failed.' : '';
}

export type DeliveryFailureInput = {
  /** Who sent it. */
  userId: string;
  /** The update, or the agent's reply. */
  update: SentSubject;
  messageId: string;
  /** Described for Slack (SLACK_SURFACE): already mrkdwn, outside text escaped. */
  failure: ErrorDescription;
  /** When WhatsApp reported it (ISO). */
  at?: string | undefined;
};

/** The outcome message once WhatsApp (or Kaleyra) reports that the customer did not get it. */
export function buildDeliveryFailureMessage(input: DeliveryFailureInput): SlackMessage {
  const { update, failure } = input;
  const code = plainCode(failure.code, 'FAILED');
  const when = input.at ? ` · failed ${formatSlackDate(input.at)}` : '';
  const blocks = buildFailureBlocks({
    heading: ':x: Not delivered',
    code,
    lead: `${formatActor(input.userId)} sent ${describeSent(update)}, but the customer did not get it.`,
    failure,
    update,
    context: `message_id: \`${shownId(input.messageId)}\` · error: \`${code}\`${when}`,
  });
  return {
    text: `:x: Not delivered — ${code}: ${describeSent(update)}. ${failure.summary} ${failure.nextStep}`,
    blocks,
  };
}

/**
 * Tells the agent who sent it that it failed: a reply under the outcome message (mentioning them, so
 * they are notified), or, where that message cannot be edited, a DM carrying the whole failure.
 */
export function buildFailureNotice(input: DeliveryFailureInput, where: 'thread' | 'dm'): SlackMessage {
  if (where === 'dm') return buildDeliveryFailureMessage(input);
  const code = plainCode(input.failure.code, 'FAILED');
  const what = isReply(input.update) ? 'reply' : 'update';
  const text = `${formatActor(input.userId)} WhatsApp did not deliver this ${what} (${code}). ${cutMrkdwn(input.failure.nextStep, 1000)}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:x: ${text}` } }] };
}

/** One line after a failure notice, when WhatsApp then delivers (or the customer reads) it after all. */
export function buildCorrectionNotice(
  state: 'delivered' | 'read',
  update: SentSubject,
  at: string | undefined,
): SlackMessage {
  const when = at ? ` ${formatSlackDate(at)}` : '';
  const text = `Correction: WhatsApp ${state === 'read' ? 'reports the customer read' : 'delivered'} ${describeSent(update)}${when} after all; ignore the failure reported earlier.`;
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: ${text}` } }],
  };
}
