import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { Logger } from '../../logger.ts';

/** A Web API call with the workspace's bot token. */
export type SlackCall<T> = (token: string) => Promise<T>;

export type SlackCallerOptions = {
  /** The workspace's bot token (single-workspace token, or its OAuth installation's), or undefined. */
  tokenFor: (workspaceId: string) => Promise<string | undefined>;
  logger: Logger;
  /** Web API calls in flight at once from this process's background work. */
  maxConcurrent?: number;
  /** How many 429s one call may wait out before it is dropped. */
  maxRateLimitWaits?: number;
  now?: () => number;
};

const TOKEN_TTL_MS = 60_000;
const RATE_LIMITED = 'slack_webapi_rate_limited_error';

/**
 * Background Web API calls (edits, thread replies, DMs) for any workspace: a few at a time, and a
 * `429 Retry-After` pauses that workspace's calls for as long as Slack asks, then the call is made
 * again. Nothing here runs inside a request, so waiting delays no answer.
 */
export function createSlackCaller(options: SlackCallerOptions) {
  const now = options.now ?? Date.now;
  const maxConcurrent = options.maxConcurrent ?? 4;
  const maxWaits = options.maxRateLimitWaits ?? 5;
  const pausedUntil = new Map<string, number>();
  const tokens = new Map<string, { token: string | undefined; expires: number }>();
  const slot = pLimit(maxConcurrent);

  async function tokenFor(workspaceId: string): Promise<string | undefined> {
    const cached = tokens.get(workspaceId);
    if (cached && cached.expires > now()) return cached.token;
    const token = await options.tokenFor(workspaceId);
    tokens.set(workspaceId, { token, expires: now() + TOKEN_TTL_MS });
    return token;
  }

  async function waitOutPause(workspaceId: string, signal: AbortSignal | undefined) {
    for (;;) {
      signal?.throwIfAborted();
      const left = (pausedUntil.get(workspaceId) ?? 0) - now();
      if (left <= 0) return;
      await sleep(left, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
  }

  return {
    /**
     * Runs `call` with the workspace's token; undefined when the workspace has none. Other errors reject.
     * Once `signal` aborts, no new try is made (its reason rejects): a call in flight cannot be recalled.
     */
    async call<T>(
      workspaceId: string,
      call: SlackCall<T>,
      control: { signal?: AbortSignal | undefined } = {},
    ): Promise<T | undefined> {
      const { signal } = control;
      const token = await tokenFor(workspaceId);
      if (!token) return undefined;
      for (let waits = 0; ; waits++) {
        await waitOutPause(workspaceId, signal);
        try {
          return await slot(() => {
            signal?.throwIfAborted();
            return call(token);
          });
        } catch (error) {
          const retryAfter = (error as { code?: unknown; retryAfter?: unknown }).retryAfter;
          if ((error as { code?: unknown }).code !== RATE_LIMITED || waits >= maxWaits) throw error;
          const seconds = typeof retryAfter === 'number' && retryAfter > 0 ? retryAfter : 1;
          pausedUntil.set(workspaceId, Math.max(pausedUntil.get(workspaceId) ?? 0, now() + seconds * 1000));
          options.logger.info({ workspace: workspaceId, retryAfter: seconds }, 'Slack asked to slow down');
        }
      }
    },
  };
}

export type SlackCaller = ReturnType<typeof createSlackCaller>;
