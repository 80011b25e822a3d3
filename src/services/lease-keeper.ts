import type { Logger } from '../logger.ts';

export type LeaseKeeperOptions = {
  /** Extends the lease by `leaseSeconds` from now (the database's clock); false when it is no longer ours. */
  renew: () => Promise<boolean>;
  leaseSeconds: number;
  logger: Logger;
  /** Logged with each failure to renew. */
  context: Record<string, unknown>;
};

export type LeaseKeeper = {
  /** Aborted once the lease is lost: another process took it, or it ran out before it could be renewed. */
  signal: AbortSignal;
  /** Work done (or given up): no more renewals. */
  stop(): void;
};

/** Why a lease's signal was aborted: work under it stops, and whoever holds it now does it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * Holds a lease for as long as work under it lasts, however long that is (a Slack post waiting out
 * several Retry-Afters outlives any fixed lease): renewed every third of the lease. The signal aborts when
 * a renewal finds the lease another's, or when no renewal succeeded before the lease ran out (the database
 * unreachable): from then on the work must not begin anything another holder would repeat.
 */
export function keepLease(options: LeaseKeeperOptions): LeaseKeeper {
  const controller = new AbortController();
  const leaseMs = options.leaseSeconds * 1000;
  const lose = (why: string) => {
    controller.abort(new LeaseLostError(why));
    stop();
  };
  // Measured from before each renewal was asked for: the lease it set cannot end sooner than this.
  let runsOut = setTimeout(() => lose('its lease ran out before it could be renewed'), leaseMs);
  let renewing = false;
  const renewal = setInterval(async () => {
    if (renewing || controller.signal.aborted) return;
    renewing = true;
    const askedAt = Date.now();
    try {
      if (!(await options.renew())) return lose('another process holds it now');
      if (controller.signal.aborted) return;
      clearTimeout(runsOut);
      runsOut = setTimeout(
        () => lose('its lease ran out before it could be renewed'),
        Math.max(0, askedAt + leaseMs - Date.now()),
      );
      runsOut.unref();
    } catch (error) {
      options.logger.warn({ ...options.context, err: error }, 'could not renew a lease; will try again');
    } finally {
      renewing = false;
    }
  }, leaseMs / 3);
  runsOut.unref();
  renewal.unref();

  function stop(): void {
    clearInterval(renewal);
    clearTimeout(runsOut);
  }
  return { signal: controller.signal, stop };
}
