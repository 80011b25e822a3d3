import { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import type { KaleyraClient } from '../kaleyra/client.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import { boundedLabel, KNOWN_SEND_CODES, type Metrics } from '../metrics.ts';
import type { Prepare, SendRateLimiter } from './rate-limiter.ts';
import type { SendGuard } from './send-guard.ts';
import type { OrderStatusService } from './send-order-status.ts';
import type { ReplyResult, SessionTextService } from './session-text.ts';
import type { SendResult } from './types.ts';

/**
 * Metrics around the send path's parts, as decorators: the parts stay unaware of Prometheus, and the
 * process that serves /metrics wraps them once (openServices, app.ts).
 */

/** Kaleyra's answer time for each POST, whatever the answer. */
export function observeKaleyra(client: KaleyraClient, metrics: Metrics): KaleyraClient {
  return {
    async sendMessage(account, payload) {
      const started = performance.now();
      try {
        return await client.sendMessage(account, payload);
      } finally {
        metrics.kaleyraSeconds.observe(metrics.secondsSince(started));
      }
    },
  };
}

/** How long each send waited for its business number's budget. */
export function observeLimiter<L extends Pick<SendRateLimiter, 'acquire'>>(limiter: L, metrics: Metrics): L {
  return {
    ...limiter,
    async acquire(bucket: string, prepare?: Prepare) {
      const started = performance.now();
      const slot = await limiter.acquire(bucket, prepare);
      metrics.rateLimitWaitSeconds.observe(metrics.secondsSince(started));
      return slot;
    },
  };
}

/**
 * A send refused before Kaleyra, by its reason only (opted_out, template_paused, number_flagged,
 * window_closed): never the customer or the workspace, so the series stay few.
 */
export function countRefusal(metrics: Pick<Metrics, 'sendsRefused'>, error: SendRefusedError): void {
  metrics.sendsRefused.inc({ reason: error.reason });
}

/** Every refusal of the consent and quality guard, whichever send path asked. */
export function observeGuard<G extends SendGuard>(guard: G, metrics: Pick<Metrics, 'sendsRefused'>): G {
  return {
    ...guard,
    async check(input) {
      const verdict = await guard.check(input);
      if (!verdict.ok) countRefusal(metrics, verdict.error);
      return verdict;
    },
  };
}

/**
 * Every send's outcome, by kind and code: `sent`; `failed` (Kaleyra refused it: nothing went out);
 * `unknown` (it may have gone out); `duplicate` (the guard stopped it); `refused` (not configured,
 * database down, a used button…). `codeOf` names an error's code as the agent reads it.
 */
export function observeSends(
  service: OrderStatusService,
  metrics: Metrics,
  codeOf: (error: unknown) => string,
): OrderStatusService {
  return {
    ...service,
    async sendOrderStatus(input) {
      const result = await service.sendOrderStatus(input);
      const { outcome, code } = classify(result, codeOf);
      metrics.sends.inc({ outcome, code: boundedLabel(code, KNOWN_SEND_CODES) });
      if (outcome === 'duplicate') metrics.duplicatesStopped.inc();
      return result;
    },
  };
}

/**
 * Every agent's reply by outcome: `sent`, `failed`, `unknown`, `duplicate` (the same words within 10
 * minutes), `refused` (the window closed, opted out, not configured, the message gone, the database
 * down). A reply the 24-hour window refused is also counted in sendsRefused{reason="window_closed"}:
 * the consent and quality guard never refuses for that reason, so it is counted nowhere else.
 */
export function observeReplies(service: SessionTextService, metrics: Metrics): SessionTextService {
  const count = (result: ReplyResult) => {
    metrics.replies.inc({ outcome: replyOutcomeOf(result) });
    if (!result.ok && result.error instanceof SendRefusedError && result.error.reason === 'window_closed') {
      metrics.sendsRefused.inc({ reason: 'window_closed' });
    }
    return result;
  };
  return {
    ...service,
    replyToMessage: async (input) => count(await service.replyToMessage(input)),
    replyToNumber: async (input) => count(await service.replyToNumber(input)),
    replyWithFile: async (input) => count(await service.replyWithFile(input)),
  };
}

function replyOutcomeOf(result: ReplyResult): 'sent' | 'failed' | 'unknown' | 'duplicate' | 'refused' {
  if (result.ok) return 'sent';
  const { error } = result;
  if (error instanceof KaleyraError) return error.outcome === 'rejected' ? 'failed' : 'unknown';
  if (error instanceof DuplicateSendError) return 'duplicate';
  return 'refused';
}

function classify(result: SendResult, codeOf: (error: unknown) => string) {
  if (result.ok) return { outcome: 'sent', code: 'WA202' };
  const { error } = result;
  const code = codeOf(error);
  if (error instanceof KaleyraError)
    return { outcome: error.outcome === 'rejected' ? 'failed' : 'unknown', code };
  if (error instanceof DuplicateSendError) return { outcome: 'duplicate', code };
  return { outcome: 'refused', code };
}
