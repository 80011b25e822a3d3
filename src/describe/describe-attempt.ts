import { networkFailureOf } from '../kaleyra/kaleyra-error.ts';
import type { HistoryEntry } from '../storage/order-history-store.ts';
import type { DeliveryColumns } from '../storage/send-journal-row.ts';
import { describeDeliveryFailure } from './describe-delivery-failure.ts';
import type { Surface } from './surface.ts';

/** What the journal knows about how one attempt ended and what WhatsApp said about it since. */
export type AttemptFacts = Pick<
  HistoryEntry,
  keyof DeliveryColumns | 'outcome' | 'error_code' | 'error_detail'
> & {
  /** The update's order status (history lists order-status updates). */
  status?: string;
};

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : undefined);

/**
 * One line for order history: the delivery state with its time, or why the customer did not get it.
 * The same words in Slack and in a terminal; the surface formats times, codes and outside text.
 */
export function describeAttemptState(facts: AttemptFacts, surface: Surface): string {
  const at = (label: string, date: Date | null) => {
    const when = iso(date);
    return when ? `${label} ${surface.time(when)}` : label;
  };
  if (facts.outcome === 'in_flight') return 'Being sent (or its outcome was lost).';
  if (facts.outcome === 'failed' && facts.error_code === 'NETWORK') {
    return `Not sent: Kaleyra never received the request (${surface.literal('NETWORK')}${networkWords(facts, surface)}).`;
  }
  if (facts.outcome === 'failed') {
    return `Not sent: Kaleyra refused it (${surface.literal(facts.error_code ?? 'FAILED')}).`;
  }
  if (facts.outcome === 'unknown') {
    return `Outcome unknown (${surface.literal(facts.error_code ?? 'UNKNOWN')}${networkWords(facts, surface)}): it may have reached the customer.`;
  }
  switch (facts.delivery_state) {
    case 'read':
      return `${at('Read', facts.read_at)}${facts.delivered_at ? ` (${at('delivered', facts.delivered_at)})` : ''}.`;
    case 'delivered':
      return `${at('Delivered', facts.delivered_at)}.`;
    case 'sent':
      return `${at('Sent', facts.whatsapp_sent_at)}; not yet reported delivered.`;
    case 'failed':
    case 'not_sent': {
      const error = {
        ...(facts.delivery_error_code ? { code: facts.delivery_error_code } : {}),
        ...(facts.delivery_error_text ? { title: facts.delivery_error_text } : {}),
      };
      const failure = describeDeliveryFailure(
        { state: facts.delivery_state, error, status: facts.status },
        surface,
      );
      return `${at('Not delivered', facts.delivery_failed_at)} (${surface.literal(failure.code)}): ${failure.summary} ${failure.nextStep}`;
    }
    default:
      return 'Accepted by Kaleyra; no delivery report from WhatsApp yet.';
  }
}

/** `: ECONNREFUSED from api.in.kaleyra.io`, for a network failure the journal kept the detail of. */
function networkWords(facts: AttemptFacts, surface: Surface): string {
  if (facts.error_code !== 'NETWORK' || !facts.error_detail) return '';
  const { cause, host } = networkFailureOf(facts.error_detail);
  return `: ${surface.literal(cause)}${host ? ` from ${surface.literal(host)}` : ''}`;
}

/** Said when a number finds nothing: the hash that finds numbers exists only for newer sends. */
export const OLDER_SENDS_BY_REFERENCE_ONLY =
  'Updates sent before this version of orderstatus are found by order reference only.';
