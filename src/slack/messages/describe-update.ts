import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import { isOrderStatus, normaliseStatus, STATUS_LABELS } from '../../domain/order-status.ts';
import type { ResolvedOrderStatus } from '../../domain/order-update.ts';
import { escapeCode, escapeMrkdwn, quote, truncate } from './mrkdwn.ts';

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

/** "*Shipped* for order `395001` to +91 •••• 3210", skipping what is unknown. */
export function describeUpdate(update: SendResultUpdate): string {
  const parts: string[] = [];
  parts.push(update.status ? `*${statusLabel(update.status)}*` : 'an order-status update');
  if (update.referenceId) parts.push(`for order \`${escapeCode(truncate(update.referenceId, 60))}\``);
  if (update.to) parts.push(`to ${maskPhoneNumber(update.to)}`);
  else if ('customerMasked' in update && update.customerMasked) {
    parts.push(`to ${escapeMrkdwn(truncate(update.customerMasked, 40))}`);
  }
  return parts.join(' ');
}

/** A status word as agents read it (`Partially shipped`); anything unknown shown inert. */
export function statusLabel(status: string): string {
  const normalised = normaliseStatus(status);
  return isOrderStatus(normalised) ? STATUS_LABELS[normalised] : escapeMrkdwn(truncate(status, 40));
}

/** The line, then the update's description quoted under it. */
export function withDescription(line: string, update: SendResultUpdate): string {
  if (!update.description) return line;
  return `${line}\n${quote(escapeMrkdwn(truncate(update.description, DESCRIPTION_SHOWN_MAX)))}`;
}
