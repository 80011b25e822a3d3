import type { KnownBlock, ModalView } from '@slack/types';
import { describeRefusal } from '../../describe/describe-refusal.ts';
import { describeTimeLeft, SESSION_TEXT_MAX } from '../../domain/session-text.ts';
import { SendRefusedError } from '../../errors/send-refused-error.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { REPLY_FIELDS, REPLY_MODAL_CALLBACK } from '../ids.ts';
import { codeWithin, escapeWithin, formatSlackDate, quoteWithin } from '../messages/mrkdwn.ts';
import { SLACK_SURFACE } from '../messages/slack-surface.ts';
import { buildTextInput } from './inputs.ts';

/** WhatsApp takes 4,096 characters in a session text, but a Slack input holds no more than 3,000. */
export const REPLY_INPUT_MAX = Math.min(SESSION_TEXT_MAX, SLACK_LIMITS.inputMaxLength);
const SLACK_TS = /^\d{1,12}\.\d{1,9}$/;
const CHANNEL_ID = /^[CDG][A-Z0-9]{2,30}$/;
/** A stored customer's message id, as button values and modal metadata carry it. */
export const INCOMING_ID = /^[A-Za-z0-9-]{1,64}$/;

/** What the reply modal carries to its submission: the message answered and where the outcome goes. */
export type ReplyModalMetadata = {
  incomingId: string;
  /** None when neither the message nor the click names one: the outcome then goes to the agent by DM. */
  channelId: string | undefined;
  threadTs: string | undefined;
};

export type ReplyModalInput = {
  /** The customer's newest message (the window counts from it). */
  latest: {
    customerName: string | null;
    customerMasked: string;
    type: string;
    text: string | null;
    sentAt: Date;
  };
  window: { closesAt: Date; leftMs: number };
  /** The order the reply belongs to, when the message was matched to one. */
  referenceId: string | undefined;
  metadata: ReplyModalMetadata;
};

/**
 * The reply modal, while WhatsApp's window is open: the customer's last message quoted (escaped, then cut
 * to what the section has room for), a text input of at most REPLY_INPUT_MAX characters, and the time
 * left in the 24-hour window.
 */
export function buildReplyModal(input: ReplyModalInput): ModalView {
  const { latest, window } = input;
  const name = latest.customerName ? `*${escapeWithin(latest.customerName, 80)}* ` : '';
  const order = input.referenceId ? ` about order \`${codeWithin(input.referenceId, 60)}\`` : '';
  const head = `${name}(${escapeWithin(latest.customerMasked, 40)}) wrote ${formatSlackDate(latest.sentAt.toISOString())}${order}:\n`;
  const words = latest.text
    ? quoteWithin(latest.text, SLACK_LIMITS.sectionText - head.length)
    : `> _${escapeWithin(latest.type, 40)} message, no text_`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${head}${words}`,
      },
    },
    buildTextInput({
      ids: REPLY_FIELDS.text,
      label: 'Your reply',
      value: undefined,
      maxLength: REPLY_INPUT_MAX,
      placeholder: 'Your parcel leaves the depot today.',
      hint: 'Sent on WhatsApp from the business number, and posted in the thread naming you.',
      multiline: true,
    }),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `:hourglass_flowing_sand: WhatsApp allows a free-form reply until ${formatSlackDate(window.closesAt.toISOString())} (${describeTimeLeft(window.leftMs)} left): 24 hours after the customer’s last message.`,
        },
      ],
    },
  ];
  return {
    type: 'modal',
    callback_id: REPLY_MODAL_CALLBACK,
    title: { type: 'plain_text', text: 'Reply on WhatsApp' },
    submit: { type: 'plain_text', text: 'Send reply' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: buildReplyModalMetadata(input.metadata),
    blocks,
  };
}

export function buildReplyModalMetadata(metadata: ReplyModalMetadata): string {
  const json = JSON.stringify({
    incomingId: metadata.incomingId,
    ...(metadata.channelId ? { channelId: metadata.channelId } : {}),
    ...(metadata.threadTs ? { threadTs: metadata.threadTs } : {}),
  });
  return json.length <= SLACK_LIMITS.privateMetadata ? json : '{}';
}

/**
 * The reply modal's private_metadata, checked; undefined when it is not ours. Only where to look and
 * where to report: the workspace comes from the verified request, the number from the stored message.
 */
export function readReplyModalMetadata(privateMetadata: unknown): ReplyModalMetadata | undefined {
  if (typeof privateMetadata !== 'string' || privateMetadata === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(privateMetadata);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const own = (key: string) =>
    Object.hasOwn(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
  const incomingId = own('incomingId');
  const channelId = own('channelId');
  const threadTs = own('threadTs');
  if (typeof incomingId !== 'string' || !INCOMING_ID.test(incomingId)) return undefined;
  if (channelId !== undefined && (typeof channelId !== 'string' || !CHANNEL_ID.test(channelId)))
    return undefined;
  if (threadTs !== undefined && (typeof threadTs !== 'string' || !SLACK_TS.test(threadTs))) return undefined;
  return { incomingId, channelId, threadTs };
}

/**
 * What the order-status form says when it opens from a Reply button after the window closed: the
 * refusal's own words (one source with Meta's 131047), and what is filled in.
 */
export function buildWindowClosedNotice(
  lastMessageAt: Date | undefined,
  referenceId: string | undefined,
): string {
  const refusal = new SendRefusedError(
    'window_closed',
    lastMessageAt ? { lastMessageAt: lastMessageAt.toISOString() } : {},
  );
  // Nothing was being sent yet: the reader opened a form, so "nothing was sent" would be beside the point.
  const words = describeRefusal(refusal, { ...SLACK_SURFACE, attempt: 'other' });
  const filled = referenceId
    ? 'The customer’s number and the order reference are'
    : 'The customer’s number is';
  return `:no_entry: *No free-form reply now.* ${words.summary} ${words.nextStep}\n${filled} filled in below; the outcome is posted in the customer’s thread.`;
}
