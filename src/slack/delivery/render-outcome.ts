import { describeDeliveryFailure } from '../../describe/describe-delivery-failure.ts';
import { isDeliveryFailure } from '../../domain/delivery-state.ts';
import type { DeliveryRecord } from '../../storage/delivery-journal.ts';
import {
  buildDeliveryFailureMessage,
  type DeliveryFailureInput,
  type DeliveryView,
} from '../messages/delivery-status.ts';
import type { SendResultUpdate, SentSubject } from '../messages/describe-update.ts';
import type { SlackMessage } from '../messages/mrkdwn.ts';
import { buildSendResultMessage } from '../messages/send-result.ts';
import { SLACK_SURFACE } from '../messages/slack-surface.ts';

/** The update as the journal keeps it: the customer only masked. */
export function updateOf(record: DeliveryRecord): SendResultUpdate {
  return {
    customerMasked: record.customer_masked,
    referenceId: record.reference_id,
    status: record.status,
    ...(record.description ? { description: record.description } : {}),
    templateName: record.template_name,
    languageCode: record.language_code,
  };
}

/** What the attempt sent: the update, or the agent's reply (its words, not the order-status wording). */
export function subjectOf(record: DeliveryRecord): SentSubject {
  if (record.kind !== 'order_status') {
    return { kind: 'reply', customerMasked: record.customer_masked, body: record.body ?? '' };
  }
  return updateOf(record);
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : undefined);

/** What the outcome message should say about delivery now. */
export function deliveryViewOf(record: DeliveryRecord): DeliveryView {
  const state = record.delivery_state;
  if (state !== 'sent' && state !== 'delivered' && state !== 'read') return { state: 'awaiting' };
  return {
    state,
    sentAt: iso(record.whatsapp_sent_at),
    deliveredAt: iso(record.delivered_at),
    readAt: iso(record.read_at),
    corrected: record.notice_state !== null,
  };
}

/** The failure as the agent reads it, when the attempt's state is one. */
export function failureInputOf(record: DeliveryRecord): DeliveryFailureInput | undefined {
  const state = record.delivery_state;
  if (!isDeliveryFailure(state)) return undefined;
  const error = {
    ...(record.delivery_error_code ? { code: record.delivery_error_code } : {}),
    ...(record.delivery_error_text ? { title: record.delivery_error_text } : {}),
  };
  return {
    userId: record.actor,
    update: subjectOf(record),
    messageId: record.message_id ?? '',
    failure: describeDeliveryFailure({ state, error, status: statusOf(record) }, SLACK_SURFACE),
    at: iso(record.delivery_failed_at),
  };
}

/** The order status of an order-status update; a reply has none. */
const statusOf = (record: DeliveryRecord) => (record.kind === 'order_status' ? record.status : undefined);

/** The outcome message as it should read now: sent with its delivery line, or the failure. */
export function renderOutcome(record: DeliveryRecord): SlackMessage {
  const failure = failureInputOf(record);
  if (failure) return buildDeliveryFailureMessage(failure);
  return buildSendResultMessage({
    userId: record.actor,
    update: subjectOf(record),
    outcome: { ok: true, messageId: record.message_id ?? '', delivery: deliveryViewOf(record) },
  });
}
