import type { OrderStatusRequest } from '../domain/order-status.ts';
import type { Actor } from '../domain/order-update.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import type { BulkPauseReason, LeasedRow, RowResult } from '../storage/bulk-jobs.ts';
import type { PauseCause } from '../storage/bulk-pauses.ts';
import type { OrderStatusService } from './send-order-status.ts';
import type { SendError } from './types.ts';

/** A row's error as a code (the describe layer's, passed in by whoever wires the service). */
export type CodeOf = (error: SendError | unknown) => string;

/**
 * Nothing went out (the database did not answer before the POST, and the claim, if taken, was given
 * back): the row may simply be tried again later, by any process.
 */
export const TRY_AGAIN = 'try-again' as const;

/**
 * Nothing went out because the job as a whole must stop (the template is stopped, the number flagged):
 * the row stays unsent and the job pauses, to resume when that is lifted.
 */
export type PauseJob = { pause: BulkPauseReason; error: SendRefusedError };

const pausing = (reason: string): reason is BulkPauseReason =>
  reason === 'template_paused' || reason === 'number_flagged';

/**
 * Sends one row through the one send path (validation done, consent and quality guard, duplicate
 * guard, journal, rate limit, delivery status) and says how it ended. A customer who opted out is a
 * failed row with its reason (OPTED_OUT); a stopped template or flagged number pauses the job. A row the duplicate guard stops is "already sent" with the
 * earlier message_id; when the earlier attempt is still in flight or unconfirmed, its outcome is
 * "unknown": it may have reached the customer, and it is not sent again.
 */
export async function sendBulkRow(
  orderStatus: Pick<OrderStatusService, 'sendOrderStatus'>,
  row: { workspaceId: string; request: OrderStatusRequest; actor: Actor },
  codeOf: CodeOf,
): Promise<RowResult | typeof TRY_AGAIN | PauseJob> {
  let result: Awaited<ReturnType<OrderStatusService['sendOrderStatus']>>;
  try {
    result = await orderStatus.sendOrderStatus({
      workspaceId: row.workspaceId,
      request: row.request,
      actor: row.actor,
      bulk: true,
    });
  } catch (error) {
    // A bug, not an answer: whether anything left is unknown (the service kept the key claimed).
    return { outcome: 'unknown', code: codeOf(error) };
  }
  if (result.ok) return { outcome: 'sent', messageId: result.messageId, attemptId: result.attemptId };
  const { error, attemptId } = result;
  if (error instanceof DuplicateSendError) {
    const { previous } = error;
    return previous.state === 'sent'
      ? { outcome: 'already_sent', messageId: previous.messageId }
      : { outcome: 'unknown', code: codeOf(error), messageId: previous.messageId };
  }
  if (error instanceof StorageError && error.reason === 'unavailable') return TRY_AGAIN;
  if (error instanceof SendRefusedError && pausing(error.reason)) return { pause: error.reason, error };
  const unknown = error instanceof KaleyraError && error.outcome === 'unknown';
  return { outcome: unknown ? 'unknown' : 'failed', code: codeOf(error), attemptId };
}

/**
 * What stopped a row, as its job records it: the template and language it was refused with (and
 * whether the row followed the workspace's default, naming no template of its own), or the number.
 */
export function pauseCauseOf(request: OrderStatusRequest | undefined, paused: PauseJob): PauseCause {
  const { details } = paused.error;
  if (paused.pause === 'number_flagged') {
    return { reason: 'number_flagged', businessNumber: details.businessNumber ?? '' };
  }
  return {
    reason: 'template_paused',
    template: { name: details.templateName ?? '', language: details.languageCode ?? '' },
    followsDefault: request?.templateName === undefined,
  };
}

/** The row's update, sent with the job's template when the row names none (the default moved on). */
export function withJobTemplate(
  request: OrderStatusRequest,
  template: LeasedRow['template'],
): OrderStatusRequest {
  if (request.templateName !== undefined || !template) return request;
  return { ...request, templateName: template.name, languageCode: template.language };
}

/** Runs `task` over `items` with at most `concurrency` at once, in order of start. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await task(items[i] as T, i);
  });
  await Promise.all(lanes);
}
