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
import type { Attempt, BeginAttempt, SendJournal } from '../storage/send-journal.ts';
import type { OutcomeRecorder } from './outcome-recorder.ts';
import type { SendRateLimiter } from './rate-limiter.ts';
import type { SendResult } from './types.ts';

export type OrderStatusServiceDeps = {
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  kaleyra: KaleyraClient;
  journal: Pick<SendJournal, 'begin'>;
  /** Writes each attempt's outcome to the journal, retrying in the background when it cannot. */
  recorder: Pick<OutcomeRecorder, 'record'>;
  /** The shared per-business-number send budget; waited on after the claim, before the POST. */
  limiter: Pick<SendRateLimiter, 'acquire'>;
  /** Hashes the customer number into the journal, so history can find it by number. */
  keyedHash: KeyedHash;
};

export type SendOrderStatusInput = {
  /** Team id, or the enterprise id for an org-wide install; from the verified request, never from user text. */
  workspaceId: string;
  request: OrderStatusRequest;
  actor: Actor;
  /** A deliberate resend: skip the duplicate guard. */
  force?: boolean;
};

/** How the journal and Kaleyra's `ref1` name whoever asked for a send. */
export function journalActorOf(actor: Actor): {
  actor: string;
  channelId: string | undefined;
  source: BeginAttempt['source'];
  origin: BeginAttempt['origin'];
} {
  switch (actor.kind) {
    case 'slack':
      return { actor: actor.userId, channelId: actor.channelId, source: 'slack', origin: undefined };
    case 'cli':
      return { actor: 'cli', channelId: undefined, source: 'cli', origin: undefined };
    case 'bulk':
      return {
        actor: actor.userId,
        channelId: actor.channelId,
        source: 'bulk',
        origin: { bulkJobId: actor.jobId, bulkLine: actor.line },
      };
    case 'workflow':
      return {
        actor: actor.userId ?? 'workflow',
        channelId: undefined,
        source: 'workflow',
        origin: { workflowExecutionId: actor.executionId },
      };
  }
}

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

/** A step that either hands its value on or has already decided the result. */
type Step<T> = { ok: true; value: T } | { ok: false; result: SendResult };

export function createOrderStatusService(deps: OrderStatusServiceDeps) {
  /**
   * Loads the workspace's credentials, claims the update against duplicates and journals the attempt,
   * sends once, records the outcome, and returns the message_id or a named error.
   */
  async function sendOrderStatus(input: SendOrderStatusInput): Promise<SendResult> {
    const credentials = await loadCredentials(deps, input.workspaceId);
    if (!credentials.ok) return credentials.result;
    const update = resolveOrderStatus(input.request, credentials.value);
    const attempt = await beginAttempt(deps, input, update);
    if (!attempt.ok) return attempt.result;
    return sendAttempt(deps, input, { credentials: credentials.value, update, attempt: attempt.value });
  }

  return { sendOrderStatus };
}

export type OrderStatusService = ReturnType<typeof createOrderStatusService>;

async function loadCredentials(
  deps: OrderStatusServiceDeps,
  workspaceId: string,
): Promise<Step<WorkspaceCredentials>> {
  let credentials: WorkspaceCredentials | undefined;
  try {
    credentials = await deps.credentials.get(workspaceId);
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, result: { ok: false, error } };
    throw error;
  }
  if (!credentials) return { ok: false, result: { ok: false, error: new NotConfiguredError(workspaceId) } };
  return { ok: true, value: credentials };
}

/** Claims the update and journals the attempt; a StorageError here means nothing may be sent. */
async function beginAttempt(
  deps: OrderStatusServiceDeps,
  { workspaceId, actor, force }: SendOrderStatusInput,
  update: ResolvedOrderStatus,
): Promise<Step<Attempt>> {
  let begun: Awaited<ReturnType<SendJournal['begin']>>;
  try {
    begun = await deps.journal.begin({
      workspaceId,
      ...journalActorOf(actor),
      update,
      force: force === true,
      customerHash: deps.keyedHash(HASH_PURPOSES.customerNumber, update.to),
    });
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, result: { ok: false, error, update } };
    throw error;
  }
  if (!begun.ok)
    return { ok: false, result: { ok: false, error: new DuplicateSendError(begun.previous), update } };
  return { ok: true, value: begun.attempt };
}

/** Waits for the rate budget, posts once, and records how it ended (retried until written). */
async function sendAttempt(
  deps: OrderStatusServiceDeps,
  { workspaceId, actor }: SendOrderStatusInput,
  {
    credentials,
    update,
    attempt,
  }: { credentials: WorkspaceCredentials; update: ResolvedOrderStatus; attempt: Attempt },
): Promise<SendResult> {
  const { attemptId } = attempt;
  const payload = buildOrderStatusPayload(update, {
    ref: workspaceId,
    ref1: journalActorOf(actor).actor,
    // ref2 names the journal attempt, so a status callback finds it even without a known message id.
    ref2: attemptId,
  });
  try {
    await deps.limiter.acquire(credentials.businessNumber);
  } catch (error) {
    // Nothing left: the claim is freed so the update can be sent once the budget is reachable.
    await deps.recorder.record(attempt, { outcome: 'failed', code: 'RATE_LIMIT_UNAVAILABLE' });
    if (error instanceof StorageError) return { ok: false, error, update, attemptId };
    throw error;
  }
  try {
    const { messageId } = await deps.kaleyra.sendOrderStatus(credentials, payload);
    await deps.recorder.record(attempt, { outcome: 'sent', messageId });
    return { ok: true, messageId, update, attemptId };
  } catch (error) {
    if (error instanceof KaleyraError) {
      await deps.recorder.record(
        attempt,
        error.outcome === 'rejected'
          ? { outcome: 'failed', code: error.code }
          : { outcome: 'unknown', code: error.code },
      );
      return { ok: false, error, update, attemptId };
    }
    // Not a Kaleyra answer: whether anything left is unknown, so the key stays claimed.
    await deps.recorder.record(attempt, { outcome: 'unknown', code: 'INTERNAL' });
    throw error;
  }
}
