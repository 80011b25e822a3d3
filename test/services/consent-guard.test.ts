import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createConsentGuard, decide } from '../../src/services/consent-guard.ts';
import { checkGuard } from '../../src/services/send-steps.ts';
import { SETTINGS } from '../support/app-driver.ts';

const SINCE = new Date('2026-12-01T10:00:00Z');
const send = { businessNumber: '+919876500000', templateName: 'order_status', bulk: false };
const credentials = { ...SETTINGS, updatedBy: 'UADMIN', updatedAt: SINCE.toISOString() };
const input = {
  workspaceId: 'T1',
  credentials,
  customerHash: 'h',
  message: { kind: 'order_status' as const, templateName: 'order_status' },
  bulk: false,
};

describe('the consent and quality guard', () => {
  it('refuses an opted-out customer first, whatever else holds; a stopped template next', () => {
    const verdict = decide(
      {
        optOut: { since: SINCE, changedBy: 'customer', reason: 'STOP' },
        template: { event: 'PAUSED', reason: 'LOW_QUALITY', since: SINCE },
      },
      send,
    );
    expect(!verdict.ok && [verdict.error.reason, verdict.error.details]).toEqual([
      'opted_out',
      { by: 'customer', since: SINCE.toISOString(), why: 'STOP' },
    ]);
    const paused = decide({ template: { event: 'PAUSED', reason: 'NONE', since: SINCE } }, send);
    expect(!paused.ok && paused.error.details).toEqual({ templateName: 'order_status', event: 'PAUSED' });
    // A session text has no template to be stopped.
    expect(
      decide(
        { template: { event: 'PAUSED', reason: undefined, since: SINCE } },
        { ...send, templateName: undefined },
      ).ok,
    ).toBe(true);
  });

  it('a flagged number refuses bulk rows, warns single sends, and lets bulk through after an override (with the warning)', () => {
    const number = { event: 'FLAGGED', currentLimit: 'TIER_1K', since: SINCE, override: undefined };
    const bulk = decide({ number }, { ...send, bulk: true });
    expect(!bulk.ok && bulk.error.reason).toBe('number_flagged');
    const single = decide({ number }, send);
    expect(single).toEqual({
      ok: true,
      warnings: [
        {
          kind: 'number_flagged',
          businessNumber: '+919876500000',
          event: 'FLAGGED',
          since: SINCE.toISOString(),
        },
      ],
    });
    const overridden = decide(
      { number: { ...number, override: { by: 'UADMIN', at: SINCE } } },
      { ...send, bulk: true },
    );
    expect(overridden.ok && overridden.warnings).toHaveLength(1);
  });

  it('fails closed: a store that cannot answer means nothing may be sent', async () => {
    const broken = createConsentGuard({
      store: {
        read: async () => {
          throw new Error('connection reset');
        },
      },
    });
    const step = await checkGuard({ guard: broken }, input);
    expect(step.ok).toBe(false);
    expect(!step.ok && step.error).toBeInstanceOf(StorageError);
  });
});
