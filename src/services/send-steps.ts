import type { Actor } from '../domain/order-update.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { ExtraInfoRefs, KaleyraPayload } from '../kaleyra/build-payload.ts';
import type { KaleyraClient } from '../kaleyra/client.ts';
import { KaleyraError, networkDetailOf } from '../kaleyra/kaleyra-error.ts';
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
  /** The shared per-business-number send budget; the claim is made just before the slot, then the POST. */
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
 * While a send waits for its rate slot, it asks the guard again this often: a STOP, a paused template
 * or a flag recorded meanwhile (by any replica) stops it, so nothing goes out more than about this long
 * after the guard last said yes. The asking happens during the wait, never between the slot and the
 * POST, which would shift the POST out of its slot.
 */
export const GUARD_RECHECK_AFTER_MS = 1_000;

/**
 * Waits for the rate budget, claiming and journaling the attempt just before its slot (so a send that
 * was only waiting when its process died is not taken for one that may have gone: it was never
 * journaled), posts once, and records how it ended (retried until written). The guard is asked again
 * during a long wait.
 */
export async function journalAndPost(
  deps: Pick<SendStepsDeps, 'journal' | 'limiter' | 'kaleyra' | 'recorder' | 'guard'>,
  credentials: WorkspaceCredentials,
  input: BeginAttempt,
  payloadFor: (refs: ExtraInfoRefs) => KaleyraPayload,
  /** What the guard was asked: asked again while the send waits for its rate slot. */
  guardInput: GuardInput,
): Promise<
  { ok: true; attemptId: string; messageId: string } | { ok: false; error: SendError; attemptId?: string }
> {
  let begun: Step<Attempt> | undefined;
  const watch = watchGuard(deps, guardInput);
  try {
    await deps.limiter.acquire(credentials.businessNumber, async () => {
      begun = await beginAttempt(deps, input);
    });
  } catch (error) {
    watch.stop();
    // No slot (the budget is unreachable), or the claim's own failure: nothing was sent.
    if (error instanceof StorageError) return { ok: false, error };
    throw error;
  }
  const refused = watch.stop();
  if (!begun) throw new Error('the rate limiter released a send it had not prepared');
  if (!begun.ok) return begun;
  const attempt = begun.value;
  const { attemptId } = attempt;
  if (refused) {
    // Nothing went out: the claim is freed, and the journal says why.
    const code = refused.error instanceof SendRefusedError ? refused.error.code : 'STORAGE_UNAVAILABLE';
    await deps.recorder.record(attempt, { outcome: 'failed', code });
    return { ...refused, attemptId };
  }
  const payload = payloadFor({ ref: input.workspaceId, ref1: input.actor, ref2: attemptId });
  const sent = await post(deps, credentials, attempt, payload);
  if (!sent.ok) return { ...sent, attemptId };
  return { ok: true, attemptId, messageId: sent.value.messageId };
}

/** Posts once and records how it ended. */
async function post(
  deps: Pick<SendStepsDeps, 'kaleyra' | 'recorder'>,
  credentials: WorkspaceCredentials,
  attempt: Attempt,
  payload: KaleyraPayload,
): Promise<Step<{ messageId: string }>> {
  try {
    const { messageId } = await deps.kaleyra.sendMessage(credentials, payload);
    await deps.recorder.record(attempt, { outcome: 'sent', messageId });
    return { ok: true, value: { messageId } };
  } catch (error) {
    if (error instanceof KaleyraError) {
      await deps.recorder.record(attempt, {
        outcome: error.outcome === 'rejected' ? 'failed' : 'unknown',
        code: error.code,
        detail: networkDetailOf(error),
      });
      return { ok: false, error };
    }
    // Not a Kaleyra answer: whether anything left is unknown, so the key stays claimed.
    await deps.recorder.record(attempt, { outcome: 'unknown', code: 'INTERNAL' });
    throw error;
  }
}

/**
 * Asks the guard every GUARD_RECHECK_AFTER_MS until stopped; `stop` says whether one of those answers
 * refused the send (an answer still on its way when the slot came is not waited for).
 */
function watchGuard(deps: Pick<SendStepsDeps, 'guard'>, input: GuardInput) {
  let refused: Extract<Step<unknown>, { ok: false }> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    timer = undefined;
    void checkGuard(deps, input)
      .then((again) => {
        if (!again.ok) refused ??= again;
      })
      .catch(() => undefined)
      .finally(() => {
        if (!stopped && !refused) timer = setTimeout(tick, GUARD_RECHECK_AFTER_MS);
      });
  };
  timer = setTimeout(tick, GUARD_RECHECK_AFTER_MS);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      return refused;
    },
  };
}
