import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import type { Actor, ResolvedOrderStatus } from '../domain/order-update.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import { buildOrderStatusPayload } from '../kaleyra/build-payload.ts';
import type { KaleyraClient } from '../kaleyra/client.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import type { AttemptOutcome, SendJournal } from '../storage/send-journal.ts';
import type { SendRateLimiter } from './rate-limiter.ts';
import type { SendResult } from './types.ts';

export type OrderStatusServiceDeps = {
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  kaleyra: KaleyraClient;
  journal: Pick<SendJournal, 'begin' | 'complete'>;
  /** The shared per-business-number send budget; waited on after the claim, before the POST. */
  limiter: Pick<SendRateLimiter, 'acquire'>;
  /** Told when an outcome could not be written to the journal (the send itself already happened). */
  onJournalError: (error: unknown, attemptId: string) => void;
  /** Hashes the customer number into the journal, so history can find it by number. */
  keyedHash?: KeyedHash;
};

export type SendOrderStatusInput = {
  /** Team id, or the enterprise id for an org-wide install; from the verified request, never from user text. */
  workspaceId: string;
  request: OrderStatusRequest;
  actor: Actor;
  /** A deliberate resend: skip the duplicate guard. */
  force?: boolean;
};

/** Fills the template name and language from the workspace defaults when the agent gave none. */
export function resolveOrderStatus(
  request: OrderStatusRequest,
  defaults: WorkspaceCredentials,
): ResolvedOrderStatus {
  const update: ResolvedOrderStatus = {
    to: request.to,
    referenceId: request.referenceId,
    status: request.status,
    templateName: request.templateName ?? defaults.templateName,
    languageCode: request.languageCode ?? defaults.languageCode,
  };
  if (request.description !== undefined) update.description = request.description;
  return update;
}

export function createOrderStatusService(deps: OrderStatusServiceDeps) {
  /**
   * Loads the workspace's credentials, claims the update against duplicates and journals the attempt,
   * sends once, records the outcome, and returns the message_id or a named error.
   */
  async function sendOrderStatus({
    workspaceId,
    request,
    actor,
    force,
  }: SendOrderStatusInput): Promise<SendResult> {
    let credentials: WorkspaceCredentials | undefined;
    try {
      credentials = await deps.credentials.get(workspaceId);
    } catch (error) {
      if (error instanceof StorageError) return { ok: false, error };
      throw error;
    }
    if (!credentials) return { ok: false, error: new NotConfiguredError(workspaceId) };

    const update = resolveOrderStatus(request, credentials);
    let begun: Awaited<ReturnType<OrderStatusServiceDeps['journal']['begin']>>;
    try {
      begun = await deps.journal.begin({
        workspaceId,
        actor: actor.kind === 'slack' ? actor.userId : 'cli',
        channelId: actor.kind === 'slack' ? actor.channelId : undefined,
        source: actor.kind,
        update,
        force: force === true,
        customerHash: deps.keyedHash?.(HASH_PURPOSES.customerNumber, update.to),
      });
    } catch (error) {
      if (error instanceof StorageError) return { ok: false, error, update };
      throw error;
    }
    if (!begun.ok) return { ok: false, error: new DuplicateSendError(begun.previous), update };
    const { attempt } = begun;
    const record = async (outcome: AttemptOutcome) => {
      try {
        await deps.journal.complete(attempt, outcome);
      } catch (error) {
        deps.onJournalError(error, attempt.attemptId);
      }
    };

    // ref2 names the journal attempt, so a status callback finds it even without a known message id.
    const payload = buildOrderStatusPayload(update, {
      ref: workspaceId,
      ref1: actor.kind === 'slack' ? actor.userId : 'cli',
      ref2: attempt.attemptId,
    });
    try {
      await deps.limiter.acquire(credentials.businessNumber);
    } catch (error) {
      // Nothing left: the claim is freed so the update can be sent once the budget is reachable.
      await record({ outcome: 'failed', code: 'RATE_LIMIT_UNAVAILABLE' });
      if (error instanceof StorageError) return { ok: false, error, update };
      throw error;
    }
    try {
      const { messageId } = await deps.kaleyra.sendOrderStatus(credentials, payload);
      await record({ outcome: 'sent', messageId });
      return { ok: true, messageId, update, attemptId: attempt.attemptId };
    } catch (error) {
      if (error instanceof KaleyraError) {
        await record(
          error.outcome === 'rejected'
            ? { outcome: 'failed', code: error.code }
            : { outcome: 'unknown', code: error.code },
        );
        return { ok: false, error, update };
      }
      // Not a Kaleyra answer: whether anything left is unknown, so the key stays claimed.
      await record({ outcome: 'unknown', code: 'INTERNAL' });
      throw error;
    }
  }

  return { sendOrderStatus };
}

export type OrderStatusService = ReturnType<typeof createOrderStatusService>;
