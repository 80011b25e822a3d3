import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import { isOrderStatus, normaliseStatus, STATUS_LABELS } from '../../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../../domain/order-update.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { codeWithin, cutMrkdwn, escapeWithin, quoteWithin } from './mrkdwn.ts';

/**
 * The update as far as it is known. A failure can come before every field was valid, so each field
 * may be missing or hold whatever the agent typed.
 */
export type SendResultUpdate =
  | ResolvedOrderStatus
  | {
      to?: string | undefined;
      referenceId?: string | undefined;
      status?: string | undefined;
      description?: string | undefined;
      templateName?: string | undefined;
      languageCode?: string | undefined;
      /** The customer as the journal keeps them (already masked), when the full number is not at hand. */
      customerMasked?: string | undefined;
    };

const DESCRIPTION_SHOWN_MAX = 500;
/** A reply's words under its outcome: enough to recognise it, leaving room for a failure's two sentences. */
export const REPLY_SHOWN_MAX = 700;

/** An agent's reply (a session text) as the journal keeps it: to whom (masked) and its words. */
export type SentReply = { kind: 'reply'; customerMasked: string; body: string };

/** What a message about a send names: an order-status update, or an agent's reply. */
export type SentSubject = SendResultUpdate | SentReply;

export function isReply(subject: SentSubject): subject is SentReply {
  return 'kind' in subject && subject.kind === 'reply';
}

/** The update (describeUpdate), or "the reply to +91 •••• 3210". */
export function describeSent(subject: SentSubject): string {
  if (!isReply(subject)) return describeUpdate(subject);
  return `the reply to ${escapeWithin(subject.customerMasked, 40)}`;
}

/**
 * The line, then the update's description or the reply's words quoted under it: escaped, then cut to
 * their own maximum and to what is left of a section (the line itself is our own mrkdwn, cut last).
 */
export function withSentText(line: string, subject: SentSubject): string {
  if (!isReply(subject)) return withDescription(line, subject);
  return underLine(line, subject.body, REPLY_SHOWN_MAX);
}

/** "*Shipped* for order `395001` to +91 •••• 3210", skipping what is unknown. */
export function describeUpdate(update: SendResultUpdate): string {
  const parts: string[] = [];
  parts.push(update.status ? `*${statusLabel(update.status)}*` : 'an order-status update');
  if (update.referenceId) parts.push(`for order \`${codeWithin(update.referenceId, 60)}\``);
  if (update.to) parts.push(`to ${maskPhoneNumber(update.to)}`);
  else if ('customerMasked' in update && update.customerMasked) {
    parts.push(`to ${escapeWithin(update.customerMasked, 40)}`);
  }
  return parts.join(' ');
}

/** A status word as agents read it (`Partially shipped`); anything unknown shown inert. */
export function statusLabel(status: string): string {
  const normalised = normaliseStatus(status);
  return isOrderStatus(normalised) ? STATUS_LABELS[normalised] : escapeWithin(status, 40);
}

/** The line, then the update's description quoted under it (escaped, cut as withSentText cuts). */
export function withDescription(line: string, update: SendResultUpdate): string {
  if (!update.description) return cutMrkdwn(line, SLACK_LIMITS.sectionText);
  return underLine(line, update.description, DESCRIPTION_SHOWN_MAX);
}

// Below this, a quote would show too little to recognise: the line is shown alone.
const QUOTE_MIN = 40;

function underLine(line: string, text: string, max: number): string {
  const room = SLACK_LIMITS.sectionText - line.length - 1;
  if (room < QUOTE_MIN) return cutMrkdwn(line, SLACK_LIMITS.sectionText);
  return `${line}\n${quoteWithin(text, Math.min(max, room))}`;
}
