import type { Logger } from '../logger.ts';
import type { Attempt, AttemptOutcome } from '../storage/send-journal.ts';

/** Waits between tries to record an outcome the database refused; the last one repeats. */
export const RECORD_RETRY_DELAYS_MS: readonly number[] = [500, 1000, 2000, 5000, 10_000, 30_000];

export type OutcomeRecorderDeps = {
  complete(attempt: Attempt, outcome: AttemptOutcome): Promise<void>;
  logger: Logger;
  retryDelaysMs?: readonly number[];
};

type Pending = {
  attempt: Attempt;
  outcome: AttemptOutcome;
  tries: number;
  timer?: NodeJS.Timeout | undefined;
  running?: Promise<void> | undefined;
};

/**
 * Writes how each send ended into the journal. The send has already happened, so an outcome the
 * database could not take is not dropped: it is retried in the background until it is written, or
 * until the process stops, and every log line about it names the attempt and its message_id together.
 */
export function createOutcomeRecorder(deps: OutcomeRecorderDeps) {
  const delays = deps.retryDelaysMs ?? RECORD_RETRY_DELAYS_MS;
  const pending = new Set<Pending>();
  let stopped = false;

  function schedule(entry: Pending): void {
    const delay = delays[Math.min(entry.tries - 1, delays.length - 1)] ?? 1000;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      entry.running = tryAgain(entry).finally(() => {
        entry.running = undefined;
      });
    }, delay);
    // Never what keeps a process alive: stop() makes the last try.
    entry.timer.unref();
  }

  async function tryAgain(entry: Pending): Promise<void> {
    entry.tries += 1;
    try {
      await deps.complete(entry.attempt, entry.outcome);
    } catch {
      if (!stopped) schedule(entry);
      return;
    }
    pending.delete(entry);
    deps.logger.info(
      { ...idsOf(entry.attempt, entry.outcome), tries: entry.tries },
      'recorded the outcome of a send in the journal after the database came back',
    );
  }

  /** One last try for each waiting outcome; what still fails is logged with its ids, for the operator. */
  async function stop(): Promise<void> {
    stopped = true;
    const waiting = [...pending];
    for (const entry of waiting) clearTimeout(entry.timer);
    await Promise.all(waiting.map((entry) => entry.running));
    await Promise.all([...pending].map((entry) => tryAgain(entry)));
    for (const entry of pending) {
      deps.logger.error(
        { ...idsOf(entry.attempt, entry.outcome), tries: entry.tries },
        'gave up recording the outcome of a send: its journal row stays in flight (reported again at the next start)',
      );
    }
    pending.clear();
  }

  return {
    /** Records the outcome now, or keeps trying in the background; never throws. */
    async record(attempt: Attempt, outcome: AttemptOutcome): Promise<void> {
      try {
        await deps.complete(attempt, outcome);
        return;
      } catch (error) {
        deps.logger.error(
          { err: error, ...idsOf(attempt, outcome) },
          'could not record the outcome of a send in the journal; retrying until it is',
        );
        const entry: Pending = { attempt, outcome, tries: 1 };
        pending.add(entry);
        if (stopped) await stop();
        else schedule(entry);
      }
    },

    stop,
  };
}

export type OutcomeRecorder = ReturnType<typeof createOutcomeRecorder>;

/** The ids an operator needs to match a journal row to Kaleyra's records. */
function idsOf(attempt: Attempt, outcome: AttemptOutcome) {
  return {
    attemptId: attempt.attemptId,
    outcome: outcome.outcome,
    ...(outcome.outcome === 'sent' ? { messageId: outcome.messageId } : { code: outcome.code }),
  };
}
