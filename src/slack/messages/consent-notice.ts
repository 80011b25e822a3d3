import type { KeywordAction } from '../../domain/consent-keywords.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { codeWithin, escapeWithin, formatSlackDate } from './mrkdwn.ts';

export type ConsentNoticeInput = {
  action: KeywordAction;
  /** The customer's number masked (+91 •••• 3210): what the thread may show. */
  customerMasked: string;
  /** The keyword in the form it was matched (STOP), from the customer's own text. */
  keyword: string | undefined;
  /** When the customer sent it (ISO). */
  at: string;
  /** Written before the number's newest consent change: it changed nothing. */
  late?: boolean;
};

/**
 * The plain words an order's thread (or wherever the customer's message went) reads when a customer
 * opts out or back in by keyword: under the customer's own message (customer-message.ts).
 */
export function consentNoticeText(input: ConsentNoticeInput): string {
  const when = formatSlackDate(input.at);
  const who = escapeWithin(input.customerMasked, 40);
  const word = input.keyword ? ` by sending \`${codeWithin(input.keyword, 40)}\`` : '';
  if (input.late) {
    const what = input.action === 'opt_out' ? 'to opt out' : 'to opt back in';
    return `:information_source: The customer (${who}) asked ${what} ${when}${word}, before a newer opt-out or opt-in of their number: it changed nothing (the newest word decides).`;
  }
  const text =
    input.action === 'opt_out'
      ? `:no_bell: The customer (${who}) opted out of WhatsApp messages from this business number ${when}${word}. Nothing more is sent to them, on any path, until they send START (or an admin runs \`${SLASH_COMMAND} optout remove\`).`
      : `:bell: The customer (${who}) opted back in ${when}${word}: updates and replies go to them again.`;
  return text;
}
