import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import type { OrderStatusRequest } from '../domain/order-status.ts';
import type { Actor, ResolvedOrderStatus } from '../domain/order-update.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { buildOrderStatusPayload } from '../kaleyra/build-payload.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import type { AccountHealth } from './account-health.ts';
import { ALLOW_ALL, type GuardInput } from './send-guard.ts';
import {
  checkGuard,
  journalActorOf,
  journalAndPost,
  loadCredentials,
  type SendStepsDeps,
} from './send-steps.ts';
import type { SendResult } from './types.ts';

export { journalActorOf } from './send-steps.ts';

export type OrderStatusServiceDeps = Omit<SendStepsDeps, 'guard'> & {
  /** Hashes the customer number into the journal, so history can find it by number. */
  keyedHash: KeyedHash;
  guard?: SendStepsDeps['guard'];
  /** Kaleyra answered 132015/132016: the template is marked paused or disabled for the next sends. */
  templateFailures?: Pick<AccountHealth, 'learnFromFailure'>;
  /** Where a failure to learn from a send is told (it never changes the send's result). */
  onLearnError?: (error: unknown) => void;
};

export type SendOrderStatusInput = {
  /** Team id, or the enterprise id for an org-wide install; from the verified request, never from user text. */
  workspaceId: string;
  request: OrderStatusRequest;
  actor: Actor;
  /** A deliberate resend: skip the duplicate guard (never the consent and quality guard). */
  force?: boolean;
  /** A row of a bulk send (a Slack job's or `send --csv`'s): refused, not just warned, while the number is flagged. */
  bulk?: boolean;
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

export function createOrderStatusService(options: OrderStatusServiceDeps) {
  const deps: SendStepsDeps = { ...options, guard: options.guard ?? ALLOW_ALL };

  /**
   * Loads the workspace's credentials, asks the consent and quality guard, claims the update against
   * duplicates and journals the attempt, sends once, records the outcome, and returns the message_id
   * or a named error.
   */
  async function sendOrderStatus(input: SendOrderStatusInput): Promise<SendResult> {
    const { workspaceId, actor } = input;
    const credentials = await loadCredentials(deps, workspaceId);
    if (!credentials.ok) return credentials;
    const update = resolveOrderStatus(input.request, credentials.value);
    const customerHash = options.keyedHash(HASH_PURPOSES.customerNumber, update.to);
    const guardInput: GuardInput = {
      workspaceId,
      credentials: credentials.value,
      customerHash,
      message: { kind: 'order_status', templateName: update.templateName, languageCode: update.languageCode },
      bulk: input.bulk === true || actor.kind === 'bulk',
    };
    const guard = await checkGuard(deps, guardInput);
    if (!guard.ok) return { ...guard, update };
    const sent = await journalAndPost(
      deps,
      credentials.value,
      { workspaceId, ...journalActorOf(actor), update, force: input.force === true, customerHash },
      (refs) => buildOrderStatusPayload(update, refs, credentials.value.statusSpelling),
      guardInput,
    );
    if (!sent.ok) {
      if (sent.error instanceof KaleyraError) await learn(workspaceId, sent.error.code, update);
      return { ...sent, update };
    }
    const result: SendResult = { ok: true, messageId: sent.messageId, update, attemptId: sent.attemptId };
    if (guard.value.length > 0) result.warnings = guard.value;
    return result;
  }

  async function learn(
    workspaceId: string,
    code: string,
    update: Pick<ResolvedOrderStatus, 'templateName' | 'languageCode'>,
  ): Promise<void> {
    try {
      const { templateName, languageCode } = update;
      await options.templateFailures?.learnFromFailure(workspaceId, { code, templateName, languageCode });
    } catch (error) {
      options.onLearnError?.(error);
    }
  }

  return { sendOrderStatus };
}

export type OrderStatusService = ReturnType<typeof createOrderStatusService>;
