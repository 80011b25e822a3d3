import type { Actor } from '../domain/order-update.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { KaleyraPayload } from '../kaleyra/build-payload.ts';
import type { KaleyraClient } from '../kaleyra/client.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import type { Attempt, BeginAttempt, SendJournal } from '../storage/send-journal.ts';
import type { OutcomeRecorder } from './outcome-recorder.ts';
import type { SendRateLimiter } from './rate-limiter.ts';
import type { GuardInput, SendGuard } from './send-guard.ts';
import type { SendError, SendWarning } from './types.ts';

/**
 * The steps every send takes, whatever it sends (an order-status template, a session text): the
 * workspace's credentials, the consent and quality guard, the duplicate claim and journal row, the
 * rate budget, one POST, and its outcome recorded. Each step either hands its value on or has decided
 * the result.
 */
export type Step<T> = { ok: true; value: T } | { ok: false; error: SendError };

export type SendStepsDeps = {
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  kaleyra: Pick<KaleyraClient, 'sendMessage'>;
  journal: Pick<SendJournal, 'begin'>;
  /** Writes each attempt's outcome to the journal, retrying in the background when it cannot. */
  recorder: Pick<OutcomeRecorder, 'record'>;
  /** The shared per-business-number send budget; waited on after the claim, before the POST. */
  limiter: Pick<SendRateLimiter, 'acquire'>;
  /** Consent (opt-outs) and account health (paused templates, a flagged number); asked before the claim. */
  guard: SendGuard;
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

export async function loadCredentials(
  deps: Pick<SendStepsDeps, 'credentials'>,
  workspaceId: string,
): Promise<Step<WorkspaceCredentials>> {
  let credentials: WorkspaceCredentials | undefined;
  try {
    credentials = await deps.credentials.get(workspaceId);
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, error };
    throw error;
  }
  if (!credentials) return { ok: false, error: new NotConfiguredError(workspaceId) };
  return { ok: true, value: credentials };
}

/** The guard's word; a StorageError (it could not read the opt-outs) means nothing may be sent. */
export async function checkGuard(
  deps: Pick<SendStepsDeps, 'guard'>,
  input: GuardInput,
): Promise<Step<SendWarning[]>> {
  try {
    const verdict = await deps.guard.check(input);
    return verdict.ok ? { ok: true, value: verdict.warnings } : { ok: false, error: verdict.error };
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, error };
    throw error;
  }
}

/** Claims the send and journals the attempt; a StorageError here means nothing may be sent. */
export async function beginAttempt(
  deps: Pick<SendStepsDeps, 'journal'>,
  input: BeginAttempt,
): Promise<Step<Attempt>> {
  let begun: Awaited<ReturnType<SendJournal['begin']>>;
  try {
    begun = await deps.journal.begin(input);
  } catch (error) {
    if (error instanceof StorageError) return { ok: false, error };
    throw error;
  }
  if (!begun.ok) return { ok: false, error: new DuplicateSendError(begun.previous) };
  return { ok: true, value: begun.attempt };
}

/**
 * A send that waited longer than this for its rate slot asks the guard again before the POST: a STOP,
 * a paused template or a flag recorded meanwhile (by any replica) stops it, so nothing goes out more
 * than about this long after the guard last said yes.
 */
export const GUARD_RECHECK_AFTER_MS = 1_000;

/**
 * Waits for the rate budget, asks the guard again if that took long, posts once, and records how it
 * ended (retried until written).
 */
export async function postAttempt(
  deps: Pick<SendStepsDeps, 'limiter' | 'kaleyra' | 'recorder' | 'guard'>,
  credentials: WorkspaceCredentials,
  attempt: Attempt,
  payload: KaleyraPayload,
  guardInput: GuardInput,
): Promise<Step<{ messageId: string }>> {
  const waitStarted = performance.now();
  try {
    await deps.limiter.acquire(credentials.businessNumber);
  } catch (error) {
    // Nothing left: the claim is freed so the message can be sent once the budget is reachable.
    await deps.recorder.record(attempt, { outcome: 'failed', code: 'RATE_LIMIT_UNAVAILABLE' });
    if (error instanceof StorageError) return { ok: false, error };
    throw error;
  }
  if (performance.now() - waitStarted > GUARD_RECHECK_AFTER_MS) {
    const again = await checkGuard(deps, guardInput);
    if (!again.ok) {
      // Nothing went out: the claim is freed, and the journal says why.
      const code = again.error instanceof SendRefusedError ? again.error.code : 'STORAGE_UNAVAILABLE';
      await deps.recorder.record(attempt, { outcome: 'failed', code });
      return again;
    }
  }
  try {
    const { messageId } = await deps.kaleyra.sendMessage(credentials, payload);
    await deps.recorder.record(attempt, { outcome: 'sent', messageId });
    return { ok: true, value: { messageId } };
  } catch (error) {
    if (error instanceof KaleyraError) {
      await deps.recorder.record(
        attempt,
        error.outcome === 'rejected'
          ? { outcome: 'failed', code: error.code }
          : { outcome: 'unknown', code: error.code },
      );
      return { ok: false, error };
    }
    // Not a Kaleyra answer: whether anything left is unknown, so the key stays claimed.
    await deps.recorder.record(attempt, { outcome: 'unknown', code: 'INTERNAL' });
    throw error;
  }
}
