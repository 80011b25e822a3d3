import type { ConfirmationDialog } from '@slack/types';
import { describeCancelWithPayment, describePayment } from '../../describe/describe-payment.ts';
import type { PaymentKind, PaymentState } from '../../domain/payment.ts';
import { summarizePayment } from '../../domain/payment-summary.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { buildConfirmDialog } from './confirm-dialog.ts';
import { cutMrkdwn, formatSlackDate, type SlackMessage, truncate } from './mrkdwn.ts';
import { SLACK_SURFACE } from './slack-surface.ts';

const EMOJI: Readonly<Record<PaymentKind, string>> = {
  captured: ':moneybag:',
  pending: ':hourglass_flowing_sand:',
  failed: ':x:',
  refunded: ':leftwards_arrow_with_hook:',
  other: ':grey_question:',
};

/**
 * A payment's line in the order's thread (for the agents; nothing about payments goes to the
 * customer): "Paid ₹1,250.00 (UPI · razorpay `order_…`)", "Payment pending", "Payment failed: reason",
 * "Refunded ₹4.50", with when WhatsApp reported it. The gateway's words are escaped and bounded.
 */
export function buildPaymentLine(
  payment: Pick<PaymentState, 'kind' | 'status' | 'facts' | 'at'>,
): SlackMessage {
  const line = describePayment(summarizePayment(payment), SLACK_SURFACE);
  const text = cutMrkdwn(
    `${EMOJI[payment.kind]} ${line} · ${formatSlackDate(payment.at.toISOString())}`,
    SLACK_LIMITS.sectionText,
  );
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The confirmation a `canceled` button asks for when the order's payment is captured, pending or refunded. */
export function buildCancelConfirmDialog(
  kind: Extract<PaymentKind, 'captured' | 'pending' | 'refunded'>,
): ConfirmationDialog {
  return buildConfirmDialog({
    title: 'Cancel this order?',
    text: truncate(describeCancelWithPayment(kind), SLACK_LIMITS.confirmText),
    confirm: 'Send canceled anyway',
    deny: 'Keep the order',
    style: 'danger',
  });
}
