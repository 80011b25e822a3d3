import type { Logger } from '../logger.ts';
import type { IncomingPosts, PostClaim } from '../storage/incoming-posts.ts';

export type IncomingSweeperOptions = {
  /** How often each process looks for customers' messages left pending, ms. */
  intervalMs?: number;
  /**
   * A message nobody claimed is taken only this long after it arrived: until then the process that
   * received it is posting it (and in order).
   */
  graceSeconds?: number;
  /** How long a swept message stays with this process (as the poster's own claims). */
  leaseSeconds?: number;
  /** Messages taken per look. */
  batch?: number;
};

export const SWEEPER_DEFAULTS = {
  intervalMs: 12_000,
  graceSeconds: 30,
  leaseSeconds: 120,
  batch: 20,
} as const;

/**
 * Every process looks, every few seconds, for customers' messages left pending: one whose process died
 * between Kaleyra's 200 and the post, or one waiting to be tried again after Slack failed. Each is
 * claimed (once across replicas) and handed to the poster; nothing recorded is left unshown.
 */
export function createIncomingSweeper(deps: {
  posts: Pick<IncomingPosts, 'claimDue'>;
  deliver: (claim: PostClaim) => Promise<void>;
  logger: Logger;
  options?: IncomingSweeperOptions | undefined;
}) {
  const options = { ...SWEEPER_DEFAULTS, ...deps.options };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function sweep(): Promise<void> {
    try {
      for (;;) {
        const claims = await deps.posts.claimDue(options.batch, options.leaseSeconds, options.graceSeconds);
        if (claims.length > 0)
          deps.logger.info({ count: claims.length }, 'posting customers’ messages left pending');
        const results = await Promise.allSettled(claims.map((claim) => deps.deliver(claim)));
        for (const result of results) {
          if (result.status === 'rejected')
            deps.logger.warn({ err: result.reason }, 'could not post a customer’s message');
        }
        if (stopped || claims.length < options.batch) return;
      }
    } catch (error) {
      deps.logger.warn(
        { err: error },
        'could not look for customers’ messages left pending; will look again',
      );
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(() => {
        running = undefined;
        schedule();
      });
    }, options.intervalMs);
    timer.unref();
  }

  return {
    start(): void {
      if (!timer && !stopped) schedule();
    },
    /** No more looks; a look under way finishes the messages it took. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export type IncomingSweeper = ReturnType<typeof createIncomingSweeper>;
