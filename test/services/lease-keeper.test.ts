import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { keepLease, LeaseLostError } from '../../src/services/lease-keeper.ts';
import { createSlackCaller } from '../../src/slack/delivery/slack-calls.ts';

const logger = createLogger({ level: 'silent' });
const LEASE_SECONDS = 0.3;

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

describe('keepLease', () => {
  it('renews every third of the lease while the work lasts, then stops', async () => {
    let renewals = 0;
    const keeper = keepLease({
      renew: async () => {
        renewals += 1;
        return true;
      },
      leaseSeconds: LEASE_SECONDS,
      logger,
      context: {},
    });
    await sleep(LEASE_SECONDS * 1000 * 3);
    expect(keeper.signal.aborted).toBe(false);
    expect(renewals).toBeGreaterThanOrEqual(3);
    keeper.stop();
    const after = renewals;
    await sleep(LEASE_SECONDS * 1000);
    expect(renewals).toBe(after);
  });

  it('aborts once a renewal finds the lease another’s', async () => {
    const keeper = keepLease({ renew: async () => false, leaseSeconds: LEASE_SECONDS, logger, context: {} });
    await waitFor(() => keeper.signal.aborted);
    expect(keeper.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(String(keeper.signal.reason)).toContain('another process holds it now');
  });

  it('aborts when no renewal reached the database before the lease ran out', async () => {
    let tries = 0;
    const keeper = keepLease({
      renew: () => {
        tries += 1;
        return Promise.reject(new Error('connection refused'));
      },
      leaseSeconds: LEASE_SECONDS,
      logger,
      context: {},
    });
    await waitFor(() => keeper.signal.aborted);
    expect(tries).toBeGreaterThanOrEqual(1);
    expect(String(keeper.signal.reason)).toContain('ran out before it could be renewed');
  });
});

describe('the Slack caller with a lost lease', () => {
  it('makes no new try once the signal aborts, even while it waits out a Retry-After', async () => {
    const caller = createSlackCaller({ tokenFor: async () => 'xoxb-test', logger });
    const controller = new AbortController();
    let tries = 0;
    const call = caller.call(
      'T1',
      async () => {
        tries += 1;
        controller.abort(new LeaseLostError('another process holds it now'));
        throw Object.assign(new Error('rate limited'), {
          code: 'slack_webapi_rate_limited_error',
          retryAfter: 30,
        });
      },
      { signal: controller.signal },
    );
    await expect(call).rejects.toBeInstanceOf(LeaseLostError);
    expect(tries).toBe(1);
  });
});
