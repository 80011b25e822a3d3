import type { KeywordAction } from '../../domain/consent-keywords.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { escapeCode, escapeMrkdwn, formatSlackDate, type SlackMessage, truncate } from './mrkdwn.ts';

export type ConsentNoticeInput = {
  action: KeywordAction;
  /** The customer's number masked (+91 •••• 3210): what the thread may show. */
  customerMasked: string;
  /** The keyword in the form it was matched (STOP), from the customer's own text. */
  keyword: string | undefined;
  /** When the customer sent it (ISO). */
  at: string;
};

/**
 * The plain words an order's thread (or the admins, when no order matches) read when a customer
 * opts out or back in by keyword. Pure: helper C's poster of customers' messages can render it under
 * the message itself; until then the consent notices post it on their own.
 */
export function buildConsentNotice(input: ConsentNoticeInput): SlackMessage {
  const when = formatSlackDate(input.at);
  const who = escapeMrkdwn(truncate(input.customerMasked, 40));
  const word = input.keyword ? ` by sending \`${escapeCode(truncate(input.keyword, 40))}\`` : '';
  const text =
    input.action === 'opt_out'
      ? `:no_bell: The customer (${who}) opted out of WhatsApp messages from this business number ${when}${word}. Nothing more is sent to them, on any path, until they send START (or an admin runs \`${SLASH_COMMAND} optout remove\`).`
      : `:bell: The customer (${who}) opted back in ${when}${word}: updates and replies go to them again.`;
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}
